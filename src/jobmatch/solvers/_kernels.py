"""Numba kernels of the solvers: arrays in, arrays out, no checks.

Each has a plain-Python reference in ``tests/`` and a test comparing them.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .._config import JIT


@njit(**JIT)
def greedy_assign(order, workers, jobs, use, capacity, n_workers):
    """Take arcs in ``order``; keep one if its worker is free and its job has room."""
    left = capacity.copy()
    job_of = np.full(n_workers, -1, dtype=np.int64)
    for t in order:
        i, j = workers[t], jobs[t]
        if job_of[i] < 0 and use[t] <= left[j]:
            job_of[i] = j
            left[j] -= use[t]
    return job_of
