"""Helpers every solver shares: integer values for OR-Tools, result packing."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from ..problem import Problem
from ..result import Result, Status

#: Totals of scaled values stay below this, so int64 arithmetic in OR-Tools
#: (which multiplies costs by up to the node count internally) cannot overflow.
_BUDGET = 2.0**53


def integer_values(problem: Problem) -> tuple[np.ndarray, float]:
    """The arc values as int64 for OR-Tools, and the scale used.

    Integral values are kept exactly (scale 1).  Other values are multiplied
    by ``10**d``, the largest ``d <= 9`` that keeps any total within 2**53,
    and rounded: the solution is then optimal for the rounded values, and
    its true objective is within ``n_placed * 0.5 / scale`` of the optimum
    (for scores in [0, 1] and a million workers: within 5e-4).
    """
    values = problem.values
    top = float(np.abs(values).max()) if len(values) else 0.0
    terms = max(problem.n_workers, 1)
    if np.all(values == np.round(values)) and top * terms < _BUDGET:
        return values.astype(np.int64), 1.0
    digits = 9
    while digits > 0 and top * 10.0**digits * terms >= _BUDGET:
        digits -= 1
    scale = 10.0**digits
    return np.round(values * scale).astype(np.int64), scale


def pack(
    problem: Problem, status: Status, job_of: np.ndarray | None, solver: str, started: float, **extra: Any
) -> Result:
    """A Result whose objective is recomputed from the chosen arcs."""
    if job_of is None:
        job_of = np.full(problem.n_workers, -1, dtype=np.int64)
        objective = float("nan")
    else:
        objective = problem.objective_of(job_of)
    timings = dict(extra.pop("timings", {}))
    timings.setdefault("total", time.perf_counter() - started)
    return Result(status=status, objective=objective, job_of=job_of, solver=solver, timings=timings, **extra)


def infeasible(problem: Problem, solver: str, started: float, diagnosis: str, **extra: Any) -> Result:
    """An INFEASIBLE result with its diagnosis in words."""
    return pack(problem, Status.INFEASIBLE, None, solver, started, diagnosis=diagnosis, **extra)


def job_of_from_arcs(problem: Problem, chosen: np.ndarray) -> np.ndarray:
    """Job index per worker from a boolean mask over arcs."""
    job_of = np.full(problem.n_workers, -1, dtype=np.int64)
    job_of[problem.workers[chosen]] = problem.jobs[chosen]
    return job_of


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start
