"""A problem with one more rule: of some marked arcs (one per worker), at most ``most_left`` go unchosen.

Re-matching (:func:`jobmatch.rematch`) marks each placed worker's current
job: leaving it is a move, and ``max_moves`` bounds the moves.  The rule is
a row over arcs, which the problem's quotas and caps (rows over workers
and jobs) cannot say, so it is solved here in one of two ways:

- *exact* (``cpsat``, and ``"auto"`` up to :data:`EXACT_ARCS` arcs): the
  rule as one more linear row of the CP-SAT model;
- *priced* (any other solver): the rule moved into the objective, a bonus
  ``lam`` on every marked arc, as Lagrangian quotas are priced.  The
  number left unchosen falls as ``lam`` grows; a bisection finds the
  smallest ``lam`` that keeps it within ``most_left``.  Every ``lam`` gives
  a bound, ``bound(lam) - lam x (marked - most_left)``, and the answer is
  OPTIMAL when the best of them meets the placements found (no duality
  gap), FEASIBLE with that bound otherwise.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Mapping
from typing import Any

import numpy as np

from .._checks import COUNT, fail, param
from ..exceptions import SolverError
from ._pack import job_of_from_arcs, pack
from ._scale import integer_values
from .check import check
from .cpsat import Columns, Row, solve_columns
from .problem import Problem
from .registry import SolverFn, capabilities, resolve, solve
from .result import Result, Status
from .warm import WarmStart

__all__ = ["EXACT_ARCS", "solve_limited"]

#: ``solver="auto"`` solves the rule exactly by CP-SAT up to this many arcs, and prices it beyond.
EXACT_ARCS = 20_000
#: Bisection steps on the bonus (each one solve, warm where the solver takes prices).
STEPS = 30


def left_unchosen(problem: Problem, arcs: np.ndarray, job_of: np.ndarray) -> int:
    """How many of ``arcs`` the assignment ``job_of`` does not choose."""
    return int(np.count_nonzero(job_of[problem.workers[arcs]] != problem.jobs[arcs]))


def solve_limited(
    problem: Problem,
    arcs: np.ndarray,
    most_left: int,
    *,
    solver: str | SolverFn = "auto",
    time_limit: float | None = None,
    seed: int = 0,
    options: Mapping[str, Any] | None = None,
    warm: WarmStart | None = None,
) -> Result:
    """Solve a maximisation ``problem`` leaving at most ``most_left`` of ``arcs`` unchosen (module notes).

    Parameters
    ----------
    problem : Problem
        A maximisation problem.
    arcs : numpy.ndarray
        Indices of marked arcs, at most one per worker.
    most_left : int
        How many of them may go unchosen.
    solver, time_limit, seed, options, warm
        As for :func:`~jobmatch.solve`; ``"auto"`` is exact up to
        :data:`EXACT_ARCS` arcs.  Options go to each priced solve; the warm
        start to the first (later ones start from the one before).

    Returns
    -------
    Result
        Checked against the problem and the rule (a solution that breaks
        the rule raises :class:`~jobmatch.exceptions.SolverError`);
        ``stats["left"]`` counts the marked arcs left, ``stats["method"]``
        says ``"exact"`` or ``"priced"``.

    Examples
    --------
    >>> import numpy as np
    >>> from jobmatch import Problem
    >>> p = Problem.from_dense(np.array([[1.0, 5.0], [4.0, 3.0]]))  # both would rather swap
    >>> marked = np.array([0, 3])  # arcs (worker 0, job 0) and (worker 1, job 1)
    >>> solve_limited(p, marked, 2).objective, solve_limited(p, marked, 0).job_of.tolist()
    (9.0, [0, 1])
    """
    started = time.perf_counter()
    where = "solve_limited"
    most_left = param(where, "most_left", most_left, COUNT)
    arcs = np.asarray(arcs, dtype=np.int64)
    if arcs.size and (arcs.min() < 0 or arcs.max() >= problem.n_arcs):
        raise fail(where, "arcs", f"arc indices below {problem.n_arcs}", arcs)
    if len(np.unique(problem.workers[arcs])) != len(arcs):
        raise fail(where, "arcs", "at most one marked arc per worker", "two arcs of one worker", described=True)
    if not problem.maximize:
        raise fail(where, "problem", "a maximisation problem", "a minimisation problem", described=True)
    if most_left >= len(arcs):  # the rule cannot bind
        result = solve(problem, solver=solver, time_limit=time_limit, seed=seed, options=options, warm=warm)
        method = "free"
    elif solver == "cpsat" or (solver == "auto" and problem.n_arcs <= EXACT_ARCS):
        result = _exact(problem, arcs, most_left, time_limit, seed, started)
        method = "exact"
    else:
        result = _priced(problem, arcs, most_left, solver, time_limit, seed, options, warm, started)
        method = "priced"
    if result.status in (Status.OPTIMAL, Status.FEASIBLE):
        left = left_unchosen(problem, arcs, result.job_of)
        if left > most_left:
            raise SolverError(f"{where}: {left} marked arcs left unchosen, at most {most_left} allowed ({method})")
    else:
        left = 0
    return check(problem, dataclasses.replace(result, stats={**result.stats, "left": left, "method": method}),
                 solver=result.solver)  # fmt: skip


def _exact(problem: Problem, arcs: np.ndarray, most_left: int, time_limit: float | None, seed: int,
           started: float) -> Result:  # fmt: skip
    """The rule as one more CP-SAT row: ``-sum(x[arcs]) <= most_left - len(arcs)``."""
    scaled = integer_values(problem)
    columns = Columns(problem.workers, problem.jobs, problem.use, scaled.ints)
    row = Row("moves", arcs, -np.ones(len(arcs), dtype=np.int64), most_left - len(arcs))
    out = solve_columns(problem, columns, (row,), time_limit=time_limit, seed=seed, started=started)
    stats = {**out.stats, "scale": scaled.scale}
    if out.chosen is None:
        return pack(problem, out.status, None, "cpsat", started, timings=out.timings, stats=stats,
                    diagnosis=out.diagnosis)  # fmt: skip
    return pack(problem, out.status, job_of_from_arcs(problem, out.chosen), "cpsat", started, timings=out.timings,
                stats=stats, bound=scaled.bound(out.bound, True))  # fmt: skip


def _priced(
    problem: Problem,
    arcs: np.ndarray,
    most_left: int,
    solver: str | SolverFn,
    time_limit: float | None,
    seed: int,
    options: Mapping[str, Any] | None,
    start: WarmStart | None,
    started: float,
) -> Result:
    """Bisection on a bonus ``lam`` for the marked arcs (module notes)."""
    name = resolve(solver, problem)
    need = len(arcs) - most_left  # marked arcs that must be chosen
    deadline = None if time_limit is None else started + time_limit
    given = dict(options or {})

    def at(lam: float, previous: Result | None) -> Result:
        values = problem.values.copy()
        values[arcs] += lam
        left = None if deadline is None else max(deadline - time.perf_counter(), 1e-3)
        warm = start
        if previous is not None and previous.prices is not None and capabilities(name).warm:
            warm = WarmStart.of(previous)
        return solve(problem.replace(values=values), solver=name, time_limit=left, seed=seed, options=given,
                     warm=warm)  # fmt: skip

    best_bound = math.inf
    feasible: tuple[float, Result] | None = None

    def record(lam: float, result: Result) -> int:
        nonlocal best_bound, feasible
        if result.status not in (Status.OPTIMAL, Status.FEASIBLE):
            return len(arcs) + 1
        chosen = len(arcs) - left_unchosen(problem, arcs, result.job_of)
        if result.bound is not None or result.status is Status.OPTIMAL:
            top = result.bound if result.bound is not None else result.objective
            best_bound = min(best_bound, top - lam * need)
        if chosen >= need:
            value = problem.objective_of(result.job_of)
            if feasible is None or value > feasible[0]:
                feasible = (value, result)
        return len(arcs) - chosen

    low, high = 0.0, max(float(np.abs(problem.values).max(initial=0.0)), 1.0)
    result = at(low, None)
    if record(low, result) <= most_left:
        return _packed(problem, result, best_bound, started, 0.0)
    while record(high, result := at(high, result)) > most_left:
        if high > 1e12 or (deadline is not None and time.perf_counter() > deadline):
            break
        high *= 4
    for _ in range(STEPS):
        if deadline is not None and time.perf_counter() > deadline:
            break
        middle = (low + high) / 2
        result = at(middle, result)
        if record(middle, result) <= most_left:
            high = middle
        else:
            low = middle
        if high - low <= 1e-9 * max(high, 1.0):
            break
    if feasible is None:
        why = f"no assignment keeps {need:,} of the {len(arcs):,} marked arcs within the other rules"
        return pack(problem, Status.INFEASIBLE, None, str(name), started, diagnosis=why)
    return _packed(problem, feasible[1], best_bound, started, high)


def _packed(problem: Problem, result: Result, bound: float, started: float, lam: float) -> Result:
    """The priced answer on the problem's own values: OPTIMAL when the best bound meets it."""
    job_of = np.asarray(result.job_of)
    objective = problem.objective_of(job_of)
    tolerance = 1e-6 * max(1.0, abs(objective))
    proven = math.isfinite(bound) and bound <= objective + tolerance
    status = Status.OPTIMAL if proven else Status.FEASIBLE
    finite = max(bound, objective) if math.isfinite(bound) else None
    return pack(problem, status, job_of, result.solver, started, bound=finite, stats={"bonus": lam})
