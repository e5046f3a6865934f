"""Packing a solver's answer into a :class:`~jobmatch.Result`: the objective always recomputed from the arcs."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from .problem import Problem
from .result import Result, Status

__all__ = ["infeasible", "job_of_from_arcs", "pack", "timed"]


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
    """``fn()`` and the seconds it took."""
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start
