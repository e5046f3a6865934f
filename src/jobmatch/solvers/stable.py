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

from .. import _sparse
from . import _kernels
from ._pack import pack, timed
from .problem import Problem
from .result import Result, Status


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
    w_ptr, w_list, j_ptr, j_list, _, _ = _ranked(problem)
    return w_ptr, w_list, j_ptr, j_list


def _ranked(problem: Problem) -> tuple[np.ndarray, ...]:
    """Both sides' preference lists and, for each entry, the other side's rank of the proposer.

    Both lists come from the same arcs, so each side's rank of an arc is its
    position in the other side's sorted order: no search is needed.
    """
    sign = 1.0 if problem.maximize else -1.0
    workers, jobs, value = problem.workers, problem.jobs, sign * problem.values
    # Rows by value then job, columns by value then worker: numba segment sorts
    # (two numpy lexsorts over all arcs are far slower: docs/benchmarks.md).
    by_worker, rank_in_worker = _sparse.segment_order(problem.indptr, np.arange(problem.n_arcs), value, jobs)
    j_ptr, grouped = _sparse.bucket_order(jobs, problem.n_jobs)
    by_job, rank_in_job = _sparse.segment_order(j_ptr, grouped, value, workers)
    return (
        problem.indptr,
        jobs[by_worker].astype(np.int64),
        j_ptr,
        workers[by_job],
        rank_in_job[by_worker],
        rank_in_worker[by_job],
    )


def _solve(problem: Problem, proposing: str, name: str) -> Result:
    started = time.perf_counter()
    (w_ptr, w_list, j_ptr, j_list, rank_at_job, rank_at_worker), prepare_s = timed(lambda: _ranked(problem))
    if proposing == "worker":
        job_of, solve_s = timed(lambda: _kernels.worker_proposing(w_ptr, w_list, rank_at_job, problem.capacity))
    else:
        job_of, solve_s = timed(
            lambda: _kernels.job_proposing(j_ptr, j_list, rank_at_worker, problem.capacity, problem.n_workers)
        )
    return pack(
        problem,
        Status.FEASIBLE,
        job_of,
        name,
        started,
        timings={"prepare": prepare_s, "solve": solve_s},
        stats={"proposing": proposing},
    )


def solve_stable(problem: Problem, /, *, time_limit: float | None = None, seed: int = 0) -> Result:
    """Worker-proposing deferred acceptance."""
    return _solve(problem, "worker", "stable")


def solve_stable_jobs(problem: Problem, /, *, time_limit: float | None = None, seed: int = 0) -> Result:
    """Job-proposing deferred acceptance."""
    return _solve(problem, "job", "stable_jobs")
