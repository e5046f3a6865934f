"""Quotas and caps as linear rows ``activity <= rhs`` over placed workers.

A row's coefficient for placing worker ``w`` at job ``j`` factorises as
``by_worker[r, w] * by_job[r, j]``: quota rows weigh the worker's people
(times ``s - 1`` or ``s`` for shares) at any job; cap rows weigh the
worker's people at the cap's jobs only.  This keeps a million workers and
a few dozen rows in a few hundred megabytes, and lets the Lagrangian move
each row into the arc values and the repair kernel check rows per arc.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np

from .problem import Problem


@dataclass(frozen=True)
class Rows:
    """Rows ``sum over placed (w, j) of by_worker[r, w] * by_job[r, j] <= rhs[r]``."""

    names: tuple[str, ...]
    by_worker: np.ndarray  # (rows, workers)
    by_job: np.ndarray  # (rows, jobs)
    rhs: np.ndarray  # (rows,)

    def __len__(self) -> int:
        return len(self.names)

    def activity(self, job_of: np.ndarray) -> np.ndarray:
        """Each row's left-hand side for an assignment (job index per worker, -1 unplaced)."""
        placed = np.flatnonzero(job_of >= 0)
        return cast(np.ndarray, (self.by_worker[:, placed] * self.by_job[:, job_of[placed]]).sum(axis=1))

    def on_arcs(self, weights: np.ndarray, workers: np.ndarray, jobs: np.ndarray) -> np.ndarray:
        """``sum_r weights[r] * coefficient[r, arc]`` for every arc (rows with weight 0 skipped)."""
        out = np.zeros(len(workers))
        for r in np.flatnonzero(weights):
            out += weights[r] * self.by_worker[r, workers] * self.by_job[r, jobs]
        return out


def rows_of(problem: Problem, *, caps: bool = True) -> Rows:
    """The problem's quotas (and caps, unless ``caps=False``) as rows."""
    n, m = problem.n_workers, problem.n_jobs
    people = problem.people.astype(np.float64)
    names, by_worker, by_job, rhs = [], [], [], []

    def add(name: str, worker_coef: np.ndarray, job_coef: np.ndarray, bound: float) -> None:
        names.append(name)
        by_worker.append(worker_coef)
        by_job.append(job_coef)
        rhs.append(bound)

    everywhere = np.ones(m)
    for q in problem.quotas:
        member = q.members.astype(np.float64)
        label = f"quota {q.name!r}"
        if q.min_count is not None:
            add(f"{label} min_count", -people * member, everywhere, -q.min_count + q.rhs_shift("min_count"))
        if q.max_count is not None:
            add(f"{label} max_count", people * member, everywhere, q.max_count + q.rhs_shift("max_count"))
        if q.min_share is not None:
            add(f"{label} min_share", people * (q.min_share - member), everywhere, q.rhs_shift("min_share"))
        if q.max_share is not None:
            add(f"{label} max_share", people * (member - q.max_share), everywhere, q.rhs_shift("max_share"))
    if caps:
        for c in problem.caps:
            add(f"cap {c.name!r}", people, c.jobs.astype(np.float64), c.limit)
    return Rows(
        tuple(names),
        np.array(by_worker, dtype=np.float64).reshape(len(names), n),
        np.array(by_job, dtype=np.float64).reshape(len(names), m),
        np.array(rhs, dtype=np.float64),
    )
