"""Greedy baseline for researchers' comparisons (not exact).

Arcs are taken best first (highest value when maximising, lowest cost when
minimising; ties by worker, then job index); an arc is kept when its worker
is still free and its job still has room.  Quotas and caps are not
considered, so the solver refuses problems that have them.
"""

from __future__ import annotations

import time

import numpy as np

from ..problem import Problem
from ..result import Result, Status
from . import _kernels
from ._common import pack, timed


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
    if problem.must_place and np.any(job_of < 0):
        return pack(
            problem,
            Status.UNKNOWN,
            None,
            "greedy",
            started,
            timings={"solve": solve_s},
            diagnosis=f"greedy left {int(np.sum(job_of < 0)):,} workers unplaced; "
            "an exact solver may still place everyone",
        )
    return pack(problem, Status.FEASIBLE, job_of, "greedy", started, timings={"solve": solve_s})
