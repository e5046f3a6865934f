"""The subgradient search over Lagrange multipliers that :mod:`~jobmatch.solvers.lagrangian` and training share.

Both relax some rows into the objective with multipliers ``lam >= 0``:
each round solves the relaxed problem, whose value ``L(lam)`` is a proven
bound on the optimum (an upper bound, the search maximising), repairs its
solution into a feasible one, and moves the multipliers.  :class:`DualSearch`
holds what is common: the round count and time limit, the lowest bound and
the best feasible answer, the stopping rules, and the Polyak step.

Stopping rules, checked by :meth:`DualSearch.more` before a round and by
:meth:`DualSearch.record` after it:

- ``max_rounds`` rounds, or ``time_limit`` seconds since ``started``: a
  round starts only when the time left is longer than the last round took
  (the rounds' own solves get :attr:`DualSearch.deadline`'s time left);
- the best answer within ``gap`` (relative) of the bound;
- ``stall`` rounds in a row that improve neither the bound nor the best answer.

The step (:meth:`DualSearch.step`) is Polyak's, toward a target value
(the best answer so far, or an estimate before there is one)::

    lam <- max(lam + theta * max(L(lam) - target, 1e-9) / |g|^2 * g, 0)

with ``g`` the subgradient (each relaxed row's violation; zero where a
multiplier at zero would go lower).  ``theta`` starts at 1 and halves after
every two steps in a row that did not lower the bound.

Examples
--------
Maximise ``-x^2`` subject to ``x >= 1`` by relaxing the row ``1 - x <= 0``:
the relaxed maximiser of ``-x^2 - lam (1 - x)`` is ``x = lam / 2``, so
``L(lam) = lam^2 / 4 - lam``, lowest (-1, the optimum) at ``lam = 2``.

>>> search = DualSearch(max_rounds=30, stall=4, gap=1e-3)
>>> lam = np.zeros(1)
>>> while search.more():
...     x = float(lam[0]) / 2
...     bound = x * x - 2 * x
...     feasible = max(x, 1.0)
...     if search.record(bound, feasible, -feasible * feasible):
...         break
...     lam = search.step(lam, np.array([1.0 - x]), bound, search.target(bound - 1.0))
...     if lam is None:
...         break
>>> search.best, search.best_value <= -1.0 <= search.upper <= search.best_value + 1e-3
(1.0, True)
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from .._progress import note
from ._pack import Deadline

__all__ = ["DualSearch"]


class DualSearch:
    """Rounds, bound, best answer, stopping rules and Polyak steps of a subgradient search (maximising).

    Parameters
    ----------
    max_rounds : int
        Most rounds.
    stall : int
        Stop after this many rounds in a row that improve neither the bound
        nor the best answer.
    gap : float
        Stop once the best answer is within this relative gap of the bound
        (relative to ``max(1, |best|)``).
    time_limit : float, optional
        Seconds since ``started``: no round starts when the time left is
        shorter than the last round took.
    started : float, optional
        ``time.perf_counter()`` at the start of the solve (default: now).
    sign : float, optional
        +1 or -1: the problem's own sense, for :attr:`history` only (the
        search itself always maximises).

    Attributes
    ----------
    rounds : int
        Rounds started.
    upper : float
        The lowest bound recorded (``inf`` before any).
    best : object or None
        The best feasible answer recorded, as the caller gave it.
    best_value : float
        Its value (``-inf`` without one).
    theta : float
        The current step factor.
    deadline : Deadline
        The time limit's clock (its time left bounds the rounds' solves).
    out_of_time : bool
        Whether the time limit stopped the rounds.
    history : list of (float, float, float)
        Per round: seconds since ``started``, the bound and the best value,
        both times ``sign``.
    """

    def __init__(
        self,
        *,
        max_rounds: int,
        stall: int,
        gap: float,
        time_limit: float | None = None,
        started: float | None = None,
        sign: float = 1.0,
    ) -> None:
        self.max_rounds, self.stall_limit, self.gap = max_rounds, stall, gap
        self.time_limit = time_limit
        self.started = time.perf_counter() if started is None else started
        self.deadline = Deadline(time_limit, self.started)
        self.out_of_time = False
        self._round_started = self.started
        self.sign = sign
        self.rounds = 0
        self.upper = math.inf
        self.best: Any = None
        self.best_value = -math.inf
        self.theta = 1.0
        self.improved = False  # the last round lowered the bound
        self._progress = 0  # rounds in a row improving neither the bound nor the best answer
        self._stalled = 0  # steps in a row that did not lower the bound
        self.history: list[tuple[float, float, float]] = []

    def more(self) -> bool:
        """Whether another round may run (counting it when it may): rounds, and time left for one more.

        The last round's length (from one call to the next) is the estimate
        of the next one's: no round starts unless the time left exceeds it.
        """
        if self.rounds >= self.max_rounds:
            return False
        now = time.perf_counter()
        last = now - self._round_started if self.rounds else 0.0
        if self.deadline.left() <= last:
            self.out_of_time = True
            return False
        self._round_started = now
        self.rounds += 1
        return True

    def record(self, bound: float, found: Any = None, value: float = -math.inf) -> bool:
        """Note a round's bound and feasible answer ``found`` worth ``value`` (None: none); whether to stop.

        The answer is kept when it is better than the best so far.  Stop
        when the best answer is within ``gap`` of the bound, or after
        ``stall`` rounds in a row without progress.
        """
        self.improved = bound < self.upper - 1e-12
        self.upper = min(self.upper, bound)
        better = found is not None and value > self.best_value
        if better:
            self.best, self.best_value = found, value
        seconds = round(time.perf_counter() - self.started, 3)
        self.history.append((seconds, self.sign * self.upper, self.sign * self.best_value))
        note(f"round {self.rounds}: bound {self.sign * self.upper:.6g}, best {self.sign * self.best_value:.6g}")
        if self.best is not None and self.upper - self.best_value <= self.gap * max(1.0, abs(self.best_value)):
            return True
        self._progress = 0 if self.improved or better else self._progress + 1
        return self._progress >= self.stall_limit

    def target(self, estimate: float) -> float:
        """The value the next step aims at: the best answer's, or ``estimate`` before there is one."""
        return self.best_value if self.best is not None else estimate

    def step(self, lam: np.ndarray, violation: np.ndarray, value: float, target: float) -> np.ndarray | None:
        """The next multipliers by a Polyak step from ``lam`` (None: the subgradient is zero, so stop).

        ``violation`` is each relaxed row's activity less its right-hand
        side at the round's relaxed solution; ``value`` is the round's bound.
        """
        slope = np.where((lam == 0) & (violation < 0), 0.0, violation)  # a multiplier at zero cannot go lower
        norm = float(slope @ slope)
        if norm == 0.0:
            return None
        moved = np.maximum(lam + self.theta * max(value - target, 1e-9) / norm * slope, 0.0)
        self._stalled = 0 if self.improved else self._stalled + 1
        if self._stalled >= 2:
            self.theta, self._stalled = self.theta / 2, 0
        return moved
