"""How a solution uses a problem's constraints: room per job, each job's lowest holder, slack per row.

One definition for everyone who reads a solution against its problem: the
post-solve check (:mod:`jobmatch.solvers.check`), the slack a
:class:`~jobmatch.Result` carries, the unplaced reasons and explanations of
the results layer, blocking pairs and shortlist cutoffs.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from ._rows import Rows, rows_of
from .problem import Problem

__all__ = ["Usage", "room_left"]


def room_left(problem: Problem, chosen: np.ndarray) -> np.ndarray:
    """Capacity each job has left once the arcs in the boolean mask ``chosen`` are placed (int64).

    Examples
    --------
    >>> p = Problem.from_dense(np.array([[1.0, 2.0], [3.0, 4.0]]), capacity=2)
    >>> room_left(p, p.chosen(np.array([1, 1]))).tolist()
    [2, 0]
    """
    used = np.bincount(problem.jobs[chosen], weights=problem.use[chosen], minlength=problem.n_jobs)
    return problem.capacity - used.astype(np.int64)


class Usage:
    """A solution (job per worker, -1 unplaced) read against its problem; every part computed once, on demand.

    Parameters
    ----------
    problem : Problem
    job_of : ndarray of int64
        Job index per worker, -1 if unplaced (trusted: a job each worker has an arc to).

    Examples
    --------
    >>> p = Problem.from_dense(np.array([[3.0, 1.0], [2.0, 5.0], [4.0, 1.0]]), capacity=[2, 1])
    >>> u = Usage(p, np.array([0, 1, 0]))
    >>> u.room.tolist(), [v.tolist() for v in u.lowest]
    ([0, 0], [[3.0, 5.0], [0, 1]])
    """

    def __init__(self, problem: Problem, job_of: np.ndarray) -> None:
        self.problem = problem
        self.job_of = np.asarray(job_of, dtype=np.int64)

    @cached_property
    def chosen(self) -> np.ndarray:
        """Boolean mask over arcs: the placements."""
        return self.problem.chosen(self.job_of)

    @property
    def sign(self) -> float:
        """1 when the problem maximises, -1 when it minimises: ``sign * values`` is always 'higher is better'."""
        return 1.0 if self.problem.maximize else -1.0

    @cached_property
    def room(self) -> np.ndarray:
        """Capacity left per job (negative where a job is over capacity)."""
        return room_left(self.problem, self.chosen)

    @cached_property
    def lowest(self) -> tuple[np.ndarray, np.ndarray]:
        """Per job: the value (in the problem's sense) and worker of its lowest-ranked holder (inf, -1 if none).

        Holders rank by value, ties to the lower worker index, so the lowest
        is the lowest value and, among equals, the highest worker index.
        """
        p, chosen = self.problem, self.chosen
        held = np.flatnonzero(chosen)
        value = self.sign * p.values
        order = held[np.lexsort((-p.workers[held], value[held], p.jobs[held]))]
        first = np.r_[True, p.jobs[order][1:] != p.jobs[order][:-1]] if len(order) else np.zeros(0, dtype=bool)
        score = np.full(p.n_jobs, np.inf)
        worker = np.full(p.n_jobs, -1, dtype=np.int64)
        score[p.jobs[order[first]]] = value[order[first]]
        worker[p.jobs[order[first]]] = p.workers[order[first]]
        return score, worker

    @cached_property
    def rows(self) -> tuple[Rows, np.ndarray]:
        """Quotas and caps as rows (quota rows first), with each row's slack (``rhs - activity``)."""
        rows = rows_of(self.problem)
        return rows, rows.rhs - rows.activity(self.job_of)

    @property
    def n_quota_rows(self) -> int:
        """How many of :attr:`rows` are quota rows (the rest, one per cap, follow)."""
        return len(self.rows[0]) - len(self.problem.caps)

    def blocking_rows(
        self, workers: np.ndarray, jobs: np.ndarray, *, instead: np.ndarray | None = None, leaving: int = -1
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per (worker, job) pair: the first cap row and the first quota row that placing it would break (-1 none).

        ``instead``: per pair, a worker taken out of that job to make room
        (-1 for none).  ``leaving``: a job every worker leaves (its own, when
        asking about a move).
        """
        rows, slack = self.rows
        n_quota_rows = self.n_quota_rows
        cap, quota = np.full(len(workers), -1, dtype=np.int64), np.full(len(workers), -1, dtype=np.int64)
        for r in range(len(rows)):
            out = quota if r < n_quota_rows else cap
            extra = rows.by_worker[r, workers] * rows.by_job[r, jobs]
            if instead is not None:
                extra = extra - np.where(instead >= 0, rows.by_worker[r, instead] * rows.by_job[r, jobs], 0.0)
            if leaving >= 0:
                extra = extra - rows.by_worker[r, workers] * rows.by_job[r, leaving]
            out[(out < 0) & (extra > slack[r] + 1e-9)] = r
        return cap, quota
