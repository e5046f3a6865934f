"""Trained placements: routes to a job through a training programme.

A worker may take a job whose requirements they meet only after a
:class:`~jobmatch.TrainingProgram` when they are ``trainable``, hold every
prerequisite level, and lack some level the programme grants.  Their levels
after training are the higher of what they held and what it grants; a
trained placement is scored on those levels, less the policy's penalty for
the programme's length and cost (docs/scoring.md, "Trained placements")::

    value = score after training - week_penalty * weeks - cost_penalty * cost / 1000

A **route** is one (worker, programme, job) triple.  For each programme
:func:`routes` scores its eligible workers against the jobs that require a
skill it grants (their ``k`` best such jobs, with the policy's weights and
filters on the trained levels) and keeps a route only where training
*enables* the pair (infeasible without it) or *improves* it (the route's
value beats the pair's score without training).  Seats and cost count
people: a couple (``size`` 2) trains together, takes two seats and costs
twice.  A programme with no seats, or costing more per person than the
whole budget, gives no routes, so with zero seats (or a zero budget and no
free programme) the routes are empty and the problem is the one without
training.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from .blend import blended
from .market import Market
from .policy import Policy
from .problem import Problem, compile
from .scoring import candidates, pair_components
from .table import Ragged

__all__ = ["Routes", "components", "more_seats", "routes", "trained_market"]


def _levels(skills: Ragged, n_skills: int) -> np.ndarray:
    """Dense (rows, skills) int8 levels of a skill column (0 where not held)."""
    dense = np.zeros((len(skills), n_skills), dtype=np.int8)
    dense[np.repeat(np.arange(len(skills)), skills.lengths()), skills.codes] = skills.levels
    return dense


def _ragged(dense: np.ndarray) -> Ragged:
    """A skill column from dense levels (codes ascending within each row, as the market keeps them)."""
    held = dense > 0
    return Ragged.from_flat(held.sum(axis=1), np.nonzero(held)[1].astype(np.int32), dense[held])


def penalty(market: Market, policy: Policy) -> np.ndarray:
    """What each programme takes off a trained placement's score."""
    programs = market.programs
    return policy.week_penalty * programs.weeks + policy.cost_penalty * programs.cost / 1000.0


def trained_market(market: Market, program: int, workers: Any, jobs: Any = None) -> Market:
    """The given workers with their levels after ``program``, against the given jobs (all when None).

    Examples
    --------
    >>> from jobmatch import synth
    >>> market = synth.scenario(50, 10, 3, seed=1)
    >>> skill, level = (int(v[0]) for v in market.programs.grants.row(0))
    >>> after = trained_market(market, 0, [0, 1])
    >>> codes, levels = after.workers.skills.row(0)
    >>> bool(levels[list(codes).index(skill)] >= level)
    True
    """
    part = market.subset(workers=workers, jobs=jobs)
    n_skills = len(market.vocab.skill)
    codes, levels = market.programs.grants.row(program)
    dense = _levels(part.workers.skills, n_skills)
    dense[:, codes] = np.maximum(dense[:, codes], levels)
    part.workers = part.workers.replace(skills=_ragged(dense))
    return part


def more_seats(market: Market, program: str | int, extra: int) -> Market:
    """The same market with ``extra`` more seats in one programme (by id or position): a what-if.

    Examples
    --------
    >>> from jobmatch import synth
    >>> market = synth.scenario(50, 10, 3, seed=1)
    >>> bigger = more_seats(market, 1, 40)
    >>> int(bigger.programs.seats[1] - market.programs.seats[1]), bigger.workers is market.workers
    (40, True)
    """
    p = market.program_index(program)
    seats = market.programs.seats.copy()
    seats[p] = max(int(seats[p]) + int(extra), 0)
    seats.flags.writeable = False
    copy = market.subset()
    copy.programs = market.programs.replace(seats=seats)
    return copy


def components(
    market: Market, policy: Policy | None, workers: np.ndarray, jobs: np.ndarray, programs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Scores and components of (worker, job) pairs, on the levels after each pair's programme (-1: none).

    As :func:`jobmatch.scoring.pair_components` (scores without the
    training penalty), for trained placements.

    Examples
    --------
    >>> import numpy as np
    >>> from jobmatch import synth
    >>> market = synth.scenario(50, 10, 3, seed=1)
    >>> w, j = np.array([0, 1]), np.array([2, 2])
    >>> before = components(market, None, w, j, np.array([-1, -1]))[1][:, 0]
    >>> after = components(market, None, w, j, np.array([0, 0]))[1][:, 0]
    >>> bool((after >= before).all())  # training never lowers the skill fit
    True
    """
    scores, parts = pair_components(market, policy, workers, jobs)
    for p in np.unique(programs[programs >= 0]):
        rows = np.flatnonzero(programs == p)
        trained = trained_market(market, int(p), workers[rows])
        scores[rows], parts[rows] = pair_components(trained, policy, np.arange(len(rows)), jobs[rows])
    return scores, parts


@dataclass(frozen=True, eq=False)
class Routes:
    """A market's pairs and training routes under a policy, ready for the solvers.

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
        return self.problem.people[self.problem.workers[self.arc]]

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
        chosen = np.flatnonzero(p.jobs == job_of[p.workers])
        taken = program_of[p.workers[chosen]]
        values[chosen] = self.direct[chosen]
        trained = taken >= 0
        values[chosen[trained]] = self.value[self.route_of(chosen[trained], taken[trained])]
        return p.replace(values=values)

    def arc_of(self, workers: np.ndarray, jobs: np.ndarray) -> np.ndarray:
        """The arc of each (worker, job) given (each must exist)."""
        p = self.problem
        return self._by_pair[np.searchsorted(self._pairs, workers.astype(np.int64) * p.n_jobs + jobs)]

    @cached_property
    def _by_pair(self) -> np.ndarray:
        p = self.problem
        return np.argsort(p.workers.astype(np.int64) * p.n_jobs + p.jobs, kind="stable")

    @cached_property
    def _pairs(self) -> np.ndarray:
        p = self.problem
        return (p.workers.astype(np.int64) * p.n_jobs + p.jobs)[self._by_pair]

    def route_of(self, arcs: np.ndarray, programs: np.ndarray) -> np.ndarray:
        """The route of each (arc, programme) given (each must exist)."""
        n = max(len(self.seats), 1)
        return self._by_key[np.searchsorted(self._keys, arcs * n + programs)]

    @cached_property
    def _by_key(self) -> np.ndarray:
        return np.argsort(self.arc * max(len(self.seats), 1) + self.program, kind="stable")

    @cached_property
    def _keys(self) -> np.ndarray:
        return (self.arc * max(len(self.seats), 1) + self.program)[self._by_key]

    def usage(self, job_of: np.ndarray, program_of: np.ndarray) -> tuple[np.ndarray, float]:
        """Seats used per programme (people) and total cost of a placement."""
        p = self.problem
        trainee = np.flatnonzero((program_of >= 0) & (job_of >= 0))
        people = p.people[trainee]
        seats = np.bincount(program_of[trainee], weights=people, minlength=len(self.seats)).astype(np.int64)
        return seats, float((self.cost[program_of[trainee]] * people).sum())


def routes(
    market: Market,
    policy: Policy | None = None,
    *,
    k: int = 20,
    train_k: int = 5,
    per_seat: int = 4,
    blend: Any = None,
) -> Routes:
    """The pairs and training routes of a market under a policy.

    Like the ``k`` best jobs per worker, routes are a candidate set: the
    solvers are exact over it.  For each programme, each eligible worker's
    ``train_k`` best jobs among those requiring a granted skill (on the
    trained levels) that training enables or improves; then only the
    ``per_seat * seats`` workers who gain most from the programme keep
    theirs (gain: the best route's value less the worker's best value
    without training, 0 if none), ties to the lower worker index.
    Programmes with the same grants and prerequisites are scored once.

    Parameters
    ----------
    market : Market
    policy : Policy, optional
    k : int, optional
        Jobs per worker without training (as :func:`jobmatch.compile`).
    train_k : int, optional
        Jobs per worker and programme.
    per_seat : int, optional
        Workers kept per seat of a programme.
    blend : Blend, optional
        Outside per-pair scores (:mod:`jobmatch.blend`), blended into direct
        and trained scores alike; each programme's ``train_k`` jobs are
        chosen by the built-in composite and then blended (two-stage).

    Returns
    -------
    Routes

    Examples
    --------
    >>> from jobmatch import synth
    >>> market = synth.scenario(400, 40, 5, seed=3)
    >>> r = routes(market, k=10)
    >>> r.n_routes > 0, bool((r.value > r.direct[r.arc]).all())  # each route enables or improves its pair
    (True, True)
    >>> bool((r.problem.values >= r.direct).all())
    True
    """
    policy = Policy() if policy is None else policy
    base = compile(market, policy, k=k, blend=blend)
    programs, jobs, n_skills = market.programs, market.jobs, len(market.vocab.skill)
    budget = policy.training_budget
    usable = (programs.seats > 0) & ((programs.cost <= budget) if budget is not None else True)
    held = _levels(market.workers.skills, n_skills)
    loss = penalty(market, policy)
    best_direct = np.zeros(market.n_workers)
    np.maximum.at(best_direct, base.workers, base.values)
    # Programmes with the same grants and prerequisites train the same workers to the same levels.
    grants, needs = _levels(programs.grants, n_skills), _levels(programs.prerequisites, n_skills)
    _, profile = np.unique(np.hstack([grants, needs]), axis=0, return_inverse=True)
    found = []
    for group in np.unique(profile[usable]):
        members = np.flatnonzero(usable & (profile.reshape(-1) == group))
        grant, grant_level = programs.grants.row(members[0])
        need, need_level = programs.prerequisites.row(members[0])
        eligible = market.workers.trainable & (held[:, need] >= need_level).all(axis=1)
        eligible &= (held[:, grant] < grant_level).any(axis=1)
        wanted = np.zeros(market.n_jobs, dtype=bool)
        for code in grant:
            wanted |= jobs.requires.rows_with(code)
        workers, targets = np.flatnonzero(eligible), np.flatnonzero(wanted)
        if not len(workers) or not len(targets):
            continue
        graph = candidates(trained_market(market, members[0], workers, targets), policy, train_k)
        w = workers[np.repeat(np.arange(len(workers)), np.diff(graph.indptr))]
        j = targets[graph.indices]
        score = graph.scores.astype(np.float64)
        # Scores without training, on the same jobs (a subset scores as the whole market does).
        local = np.searchsorted(targets, j)
        direct = pair_components(market.subset(jobs=targets), policy, w, local)[0].astype(np.float64)
        if blend is not None:  # as the graph of direct arcs holds them: blended, then rounded to float32
            score = blended(market, policy, blend, w, j, score).astype(np.float32).astype(np.float64)
            direct = blended(market, policy, blend, w, j, direct).astype(np.float32).astype(np.float64)
        for p in members:
            value = score - loss[p]
            keep = np.flatnonzero(value > direct)
            # The per_seat * seats workers who gain most from this programme keep their routes.
            gain = np.full(market.n_workers, -np.inf)
            np.maximum.at(gain, w[keep], value[keep] - best_direct[w[keep]])
            ranked = np.lexsort((np.arange(market.n_workers), -gain))[: per_seat * int(programs.seats[p])]
            chosen = np.zeros(market.n_workers, dtype=bool)
            chosen[ranked[np.isfinite(gain[ranked])]] = True
            keep = keep[chosen[w[keep]]]
            found.append((w[keep], j[keep], np.full(len(keep), p, dtype=np.int64), value[keep], direct[keep]))
    empty = np.zeros(0, dtype=np.int64)
    seats = programs.seats.astype(np.int64) * usable
    cost = programs.cost.astype(np.float64)
    if not found or not sum(len(part[0]) for part in found):
        return Routes(base, base.values, empty, empty, np.zeros(0), seats, cost, budget)
    w, j, program, value, direct = (np.concatenate(column) for column in zip(*found))
    m = market.n_jobs
    route_key = w * m + j
    base_key = base.workers * m + base.jobs.astype(np.int64)
    keys, first = np.unique(np.r_[base_key, route_key], return_index=True)
    pair_direct = np.r_[base.values, direct][first]
    arc = np.searchsorted(keys, route_key)
    best = pair_direct.copy()
    np.maximum.at(best, arc, value)
    size = market.workers.size
    problem = Problem.from_arcs(
        keys // m,
        keys % m,
        best,
        n_workers=market.n_workers,
        n_jobs=m,
        capacity=jobs.capacity,
        use=size[keys // m],
        people=size,
        quotas=base.quotas,
        caps=base.caps,
    )
    return Routes(problem, pair_direct, arc, program, value, seats, cost, budget)
