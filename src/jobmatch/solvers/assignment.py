"""Exact dense 1-to-1 assignment (linear sum assignment).

Uses SciPy's ``linear_sum_assignment`` when SciPy is installed, else OR-Tools'
``SimpleLinearSumAssignment`` (exact too, square matrices only, slower).
Jobs with capacity > 1 are expanded into that many identical slots, so this
solver suits small dense problems; ``flow`` is the one for large sparse ones.
"""

from __future__ import annotations

import time
from typing import cast

import numpy as np

from ._pack import infeasible, pack, timed
from ._scale import integer_values
from .problem import Problem
from .result import Result, Status

#: Largest slot-expanded matrix (rows x columns) this solver builds.
MAX_CELLS = 50_000_000


def unsupported(problem: Problem) -> str | None:
    """Why a dense 1-to-1 solve cannot express this problem (None if it can)."""
    if np.any(problem.use != 1):
        return "an arc uses more than one unit of capacity"
    if problem.quotas or problem.caps:
        return "quotas or caps"
    slots = int(problem.capacity.sum()) + (0 if problem.must_place else problem.n_workers)
    cells = max(problem.n_workers, 1) * slots  # the slots are made even without workers
    if cells > MAX_CELLS:
        return f"the slot-expanded matrix would have {cells:,} cells (limit {MAX_CELLS:,})"
    return None


def solve_assignment(problem: Problem, /, *, time_limit: float | None = None, seed: int = 0) -> Result:
    """Solve exactly as a dense linear sum assignment over job slots."""
    started = time.perf_counter()
    n = problem.n_workers
    slot_job = np.repeat(np.arange(problem.n_jobs), problem.capacity)
    ints = integer_values(problem).ints
    cost_of_arc = -ints if problem.maximize else ints
    big = int(np.abs(cost_of_arc).sum()) + 1  # dearer than any feasible assignment; below 2**53 + 1 (_scale)
    width = len(slot_job) + (0 if problem.must_place else n)
    if problem.must_place and len(slot_job) < n:
        return infeasible(
            problem,
            "assignment",
            started,
            diagnosis=f"every worker must be placed, but there are only {len(slot_job):,} places for {n:,} workers",
        )
    cost = np.full((n, max(width, n)), big, dtype=np.int64)
    m = problem.n_jobs
    one_slot = np.all(problem.capacity == 1)
    full = problem.n_arcs == n * m and bool((problem.jobs.reshape(n, m) == np.arange(m)).all())
    if one_slot and full:
        cost[:, :m] = cost_of_arc.reshape(n, m)  # a full matrix, each row's jobs in order
    elif one_slot:
        cost[problem.workers, problem.jobs] = cost_of_arc
    else:  # every arc fills all the slots of its job
        first_slot = np.concatenate([[0], np.cumsum(problem.capacity)])
        per_arc = problem.capacity[problem.jobs]
        arc = np.repeat(np.arange(problem.n_arcs), per_arc)
        offset = np.arange(len(arc)) - np.repeat(np.cumsum(per_arc) - per_arc, per_arc)
        cost[problem.workers[arc], first_slot[problem.jobs[arc]] + offset] = cost_of_arc[arc]
    if not problem.must_place:
        cost[np.arange(n), len(slot_job) + np.arange(n)] = 0  # each worker's own "stay unplaced" slot
    if width < n:
        cost[:, width:] = big

    (rows, cols), solve_s = timed(lambda: _linear_sum_assignment(cost))
    job_of = np.full(n, -1, dtype=np.int64)
    real = (cols < len(slot_job)) & (cost[rows, cols] < big)
    job_of[rows[real]] = slot_job[cols[real]]
    if problem.must_place and np.any(job_of < 0):
        return infeasible(
            problem,
            "assignment",
            started,
            timings={"solve": solve_s},
            diagnosis=f"every worker must be placed, but at most {int(np.sum(job_of >= 0)):,} of {n:,} can be",
        )
    return pack(problem, Status.OPTIMAL, job_of, "assignment", started, timings={"solve": solve_s})


def _linear_sum_assignment(cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    try:
        from scipy.optimize import linear_sum_assignment
    except ImportError:  # pragma: no cover - exercised where SciPy is absent
        return _ortools_assignment(cost)
    return cast("tuple[np.ndarray, np.ndarray]", linear_sum_assignment(cost))


def _ortools_assignment(cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from ortools.graph.python import linear_sum_assignment

    n, width = cost.shape
    size = max(n, width)
    square = np.zeros((size, size), dtype=np.int64)
    square[:n, :width] = cost
    solver = linear_sum_assignment.SimpleLinearSumAssignment()
    left, right = np.divmod(np.arange(size * size), size)
    solver.add_arcs_with_cost(left, right, square.ravel())
    solver.solve()
    cols = np.array([solver.right_mate(i) for i in range(n)])
    return np.arange(n), cols
