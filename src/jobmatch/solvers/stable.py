"""Stable matching as a solver: deferred acceptance on the problem's own values.

Each worker ranks its arcs by value (best first, ties to the lower job) and
each job ranks the workers with an arc to it the same way (ties to the lower
worker).  ``stable`` lets workers propose (the worker-optimal stable
matching); ``stable_jobs`` lets jobs propose.  The result is stable, not
value-optimal, so its status is FEASIBLE.
"""

from __future__ import annotations

import time

import numpy as np

from .. import stable
from ..problem import Problem
from ..result import Result, Status
from ._common import pack, timed


def unsupported(problem: Problem) -> str | None:
    """Deferred acceptance places one unit per worker and knows no side constraints."""
    if np.any(problem.use != 1):
        return "an arc uses more than one unit of capacity"
    if problem.quotas or problem.caps:
        return "quotas or caps"
    if problem.must_place:
        return "every worker must be placed (a stable matching need not place everyone)"
    return None


def preferences(problem: Problem) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(worker indptr, jobs in worker-preference order, job indptr, workers in job-preference order)."""
    sign = 1.0 if problem.maximize else -1.0
    workers, jobs, value = problem.workers, problem.jobs, sign * problem.values
    by_worker = np.lexsort((jobs, -value, workers))
    by_job = np.lexsort((workers, -value, jobs))
    j_ptr = np.zeros(problem.n_jobs + 1, dtype=np.int64)
    np.cumsum(np.bincount(jobs, minlength=problem.n_jobs), out=j_ptr[1:])
    return problem.indptr, jobs[by_worker].astype(np.int64), j_ptr, workers[by_job].astype(np.int64)


def _solve(problem: Problem, proposing: str, name: str) -> Result:
    started = time.perf_counter()
    w_ptr, w_list, j_ptr, j_list = preferences(problem)
    job_of, solve_s = timed(lambda: stable.run(w_ptr, w_list, j_ptr, j_list, problem.capacity, proposing))
    return pack(
        problem, Status.FEASIBLE, job_of, name, started, timings={"solve": solve_s}, stats={"proposing": proposing}
    )


def solve_stable(problem: Problem, /, *, time_limit: float | None = None, seed: int = 0) -> Result:
    """Worker-proposing deferred acceptance."""
    return _solve(problem, "worker", "stable")


def solve_stable_jobs(problem: Problem, /, *, time_limit: float | None = None, seed: int = 0) -> Result:
    """Job-proposing deferred acceptance."""
    return _solve(problem, "job", "stable_jobs")
