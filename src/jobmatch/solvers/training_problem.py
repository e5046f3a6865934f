"""The training-aware problem: a :class:`~jobmatch.Problem`'s arcs plus training routes.

:class:`Routes` are what :mod:`jobmatch.solvers.training` solves over and
:func:`jobmatch.solvers.check.check_routes` checks against.  They are built
from a market by :func:`jobmatch.pipeline.routes.routes`; this module knows
nothing of markets.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import cast

import numpy as np

from .problem import Problem

__all__ = ["Routes"]


@dataclass(frozen=True, eq=False)
class Routes:
    """A problem's arcs and training routes: the columns training-aware solvers choose from.

    ``problem`` has one arc per (worker, job) pair that a worker can take
    directly (among its ``k`` best) or through a route, worth the best of
    them; its capacities, quotas and caps are the policy's.

    Attributes
    ----------
    problem : Problem
    direct : ndarray of float64
        Per arc: its value without training (``-inf``: only through a route).
    arc, program : ndarray of int64
        Per route: its arc in ``problem`` and its programme.
    value : ndarray of float64
        Per route: score after training less the programme's penalty.
    seats, cost : ndarray
        Per programme: seats (people) and cost per person (CNY).
    budget : float or None
        The policy's training budget.
    """

    problem: Problem
    direct: np.ndarray
    arc: np.ndarray
    program: np.ndarray
    value: np.ndarray
    seats: np.ndarray
    cost: np.ndarray
    budget: float | None

    @property
    def n_routes(self) -> int:
        return len(self.arc)

    @cached_property
    def people(self) -> np.ndarray:
        """Per route: the people it trains (its worker's ``people``)."""
        return cast(np.ndarray, self.problem.people[self.problem.workers[self.arc]])

    def best(self, price: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Per arc: the best route's value after ``price`` (per programme and person), and its programme (-1 none).

        Values are unpriced; only the choice of route uses the prices.  Ties
        go to taking no training, then to the lower programme index.
        """
        priced = self.value if price is None else self.value - price[self.program] * self.people
        order = np.lexsort((self.program, -priced, self.arc))
        first = order[np.r_[True, self.arc[order][1:] != self.arc[order][:-1]]] if len(order) else order
        values = self.direct.copy()
        program = np.full(len(values), -1, dtype=np.int64)
        take = priced[first] > self.direct[self.arc[first]]
        values[self.arc[first[take]]] = self.value[first[take]]
        program[self.arc[first[take]]] = self.program[first[take]]
        return values, program

    def priced(self, price: np.ndarray) -> tuple[Problem, np.ndarray]:
        """The problem with each arc worth its best route after prices (priced values), and that programme."""
        values, program = self.best(price)
        charged = np.where(program >= 0, price[np.maximum(program, 0)], 0.0) * self.problem.people[self.problem.workers]
        return self.problem.replace(values=values - charged), program

    def settled(self, job_of: np.ndarray, program_of: np.ndarray) -> Problem:
        """The problem with each placed worker's arc worth the route it took (others: the best route)."""
        values, _ = self.best()
        p = self.problem
        chosen = np.flatnonzero(p.chosen(job_of))
        taken = program_of[p.workers[chosen]]
        values[chosen] = self.direct[chosen]
        trained = taken >= 0
        values[chosen[trained]] = self.value[self.route_of(chosen[trained], taken[trained])]
        return p.replace(values=values)

    def arc_of(self, workers: np.ndarray, jobs: np.ndarray) -> np.ndarray:
        """The arc of each (worker, job) given (each must exist)."""
        p = self.problem
        return cast(np.ndarray, self._by_pair[np.searchsorted(self._pairs, workers.astype(np.int64) * p.n_jobs + jobs)])

    @cached_property
    def _by_pair(self) -> np.ndarray:
        p = self.problem
        return np.argsort(p.workers.astype(np.int64) * p.n_jobs + p.jobs, kind="stable")

    @cached_property
    def _pairs(self) -> np.ndarray:
        p = self.problem
        return cast(np.ndarray, (p.workers.astype(np.int64) * p.n_jobs + p.jobs)[self._by_pair])

    def route_of(self, arcs: np.ndarray, programs: np.ndarray) -> np.ndarray:
        """The route of each (arc, programme) given (each must exist)."""
        n = max(len(self.seats), 1)
        return cast(np.ndarray, self._by_key[np.searchsorted(self._keys, arcs * n + programs)])

    @cached_property
    def _by_key(self) -> np.ndarray:
        return np.argsort(self.arc * max(len(self.seats), 1) + self.program, kind="stable")

    @cached_property
    def _keys(self) -> np.ndarray:
        return cast(np.ndarray, (self.arc * max(len(self.seats), 1) + self.program)[self._by_key])

    def usage(self, job_of: np.ndarray, program_of: np.ndarray) -> tuple[np.ndarray, float]:
        """Seats used per programme (people) and total cost of a placement."""
        p = self.problem
        trainee = np.flatnonzero((program_of >= 0) & (job_of >= 0))
        people = p.people[trainee]
        seats = np.bincount(program_of[trainee], weights=people, minlength=len(self.seats)).astype(np.int64)
        return seats, float((self.cost[program_of[trainee]] * people).sum())
