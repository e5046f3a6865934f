"""Greedy baselines for researchers' comparisons (not exact).

``greedy``: arcs are taken best first (highest value when maximising, lowest
cost when minimising; ties by worker, then job index); an arc is kept when
its worker is still free and its job still has room.

Two *status-quo* baselines, for measuring what optimisation adds over how
placements happen without it (as Bansak et al. 2018 compared with actual
placements):

``first_come``
    Workers arrive in a random order (drawn from ``seed``); each takes its
    best candidate job that still has room.
``random``
    Workers arrive in a random order; each takes a random candidate job
    that still has room (every feasible job equally likely).

Both keep every job's capacity.  None of the three considers quotas or
caps, so they refuse problems that have them.
"""

from __future__ import annotations

import time

import numpy as np

from . import _kernels
from ._pack import pack, timed
from .problem import Problem
from .result import Result, Status


def unsupported(problem: Problem) -> str | None:
    """Greedy ignores side constraints, so it does not take problems that have them."""
    if problem.quotas or problem.caps:
        return "quotas or caps (greedy does not consider them)"
    return None


def solve_greedy(problem: Problem, /, *, time_limit: float | None = None, seed: int = 0) -> Result:
    """Greedy by value; status FEASIBLE (never proven optimal)."""
    started = time.perf_counter()
    sign = -1.0 if problem.maximize else 1.0
    workers = problem.workers
    order = np.lexsort((problem.jobs, workers, sign * problem.values))
    job_of, solve_s = timed(
        lambda: _kernels.greedy_assign(order, workers, problem.jobs, problem.use, problem.capacity, problem.n_workers)
    )
    return _packed(problem, job_of, "greedy", started, solve_s)


def _packed(problem: Problem, job_of: np.ndarray, name: str, started: float, solve_s: float) -> Result:
    """FEASIBLE, or UNKNOWN when every worker had to be placed and some were not."""
    if problem.must_place and np.any(job_of < 0):
        return pack(
            problem,
            Status.UNKNOWN,
            None,
            name,
            started,
            timings={"solve": solve_s},
            diagnosis=f"{name} left {int(np.sum(job_of < 0)):,} workers unplaced; "
            "an exact solver may still place everyone",
        )
    return pack(problem, Status.FEASIBLE, job_of, name, started, timings={"solve": solve_s})


def _arrivals(problem: Problem, seed: int, within: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Arcs taken worker by worker in a random arrival order, each worker's in the order of ``within``.

    Returns the job per worker, the start time and the solve seconds.
    """
    started = time.perf_counter()
    arrival = np.random.default_rng(seed).permutation(problem.n_workers)
    order = np.lexsort((within, arrival[problem.workers]))
    job_of, solve_s = timed(
        lambda: _kernels.greedy_assign(
            order, problem.workers, problem.jobs, problem.use, problem.capacity, problem.n_workers
        )
    )
    return job_of, started, solve_s


def solve_first_come(problem: Problem, /, *, time_limit: float | None = None, seed: int = 0) -> Result:
    """Status quo: workers in a random arrival order, each takes its best job with room (see the module notes)."""
    sign = -1.0 if problem.maximize else 1.0
    rank = np.lexsort((problem.jobs, sign * problem.values))  # best first, ties to the lower job
    within = np.empty(problem.n_arcs, dtype=np.int64)
    within[rank] = np.arange(problem.n_arcs)
    job_of, started, solve_s = _arrivals(problem, seed, within)
    return _packed(problem, job_of, "first_come", started, solve_s)


def solve_random(problem: Problem, /, *, time_limit: float | None = None, seed: int = 0) -> Result:
    """Status quo: workers in a random arrival order, each takes a random job with room (see the module notes)."""
    rng = np.random.default_rng([seed, 1])  # a stream apart from the arrival order's
    job_of, started, solve_s = _arrivals(problem, seed, rng.permutation(problem.n_arcs))
    return _packed(problem, job_of, "random", started, solve_s)
