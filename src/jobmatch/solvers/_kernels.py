"""Numba kernels of the solvers: arrays in, arrays out, no checks.

Each has a plain-Python reference in ``tests/`` and a test comparing them.
"""

from __future__ import annotations

import numpy as np

from .._config import (
    JIT,
    njit,  # numba's, with jobmatch's cache directory set first
)


@njit(**JIT)
def greedy_assign(
    order: np.ndarray, workers: np.ndarray, jobs: np.ndarray, use: np.ndarray, capacity: np.ndarray, n_workers: int
) -> np.ndarray:
    """Take arcs in ``order``; keep one if its worker is free and its job has room."""
    left = capacity.copy()
    job_of = np.full(n_workers, -1, dtype=np.int64)
    for t in order:
        i, j = workers[t], jobs[t]
        if job_of[i] < 0 and use[t] <= left[j]:
            job_of[i] = j
            left[j] -= use[t]
    return job_of


@njit(**JIT)
def _sift_down(ranks: np.ndarray, who: np.ndarray, base: int, size: int, pos: int) -> None:
    """Restore the max-heap (by rank) ``ranks[base:base+size]`` from ``pos`` down."""
    while True:
        child = 2 * pos + 1
        if child >= size:
            return
        if child + 1 < size and ranks[base + child + 1] > ranks[base + child]:
            child += 1
        if ranks[base + pos] >= ranks[base + child]:
            return
        a, b = base + pos, base + child
        ranks[a], ranks[b] = ranks[b], ranks[a]
        who[a], who[b] = who[b], who[a]
        pos = child


@njit(**JIT)
def _sift_up(ranks: np.ndarray, who: np.ndarray, base: int, pos: int) -> None:
    while pos > 0:
        parent = (pos - 1) // 2
        if ranks[base + parent] >= ranks[base + pos]:
            return
        a, b = base + parent, base + pos
        ranks[a], ranks[b] = ranks[b], ranks[a]
        who[a], who[b] = who[b], who[a]
        pos = parent


@njit(**JIT)
def worker_proposing(
    w_ptr: np.ndarray, w_list: np.ndarray, rank_at_job: np.ndarray, capacity: np.ndarray
) -> np.ndarray:
    """Deferred acceptance, workers proposing: the worker-optimal stable matching.

    Worker ``i`` proposes to ``w_list[w_ptr[i]:w_ptr[i+1]]`` in order;
    ``rank_at_job[t]`` is the proposer's rank in that job's list (-1: the job
    does not accept them).  Each job holds its best ``capacity`` proposers in
    a max-heap by rank, so the worst held is rejected in O(log capacity).  A
    heap has room for no more than the proposers the job accepts, so memory
    stays linear in the lists whatever the capacities (up to 2**31 - 1 each).
    """
    n = len(w_ptr) - 1
    acceptable = np.zeros(len(capacity), dtype=np.int64)
    for t in range(len(w_list)):
        if rank_at_job[t] >= 0:
            acceptable[w_list[t]] += 1
    base = np.zeros(len(capacity) + 1, dtype=np.int64)
    base[1:] = np.cumsum(np.minimum(capacity, acceptable))
    ranks = np.empty(base[-1], dtype=np.int64)
    who = np.empty(base[-1], dtype=np.int64)
    held = np.zeros(len(capacity), dtype=np.int64)
    cursor = w_ptr[:-1].copy()
    stack = np.arange(n)[::-1].copy()
    top = n
    while top > 0:
        top -= 1
        i = stack[top]
        while cursor[i] < w_ptr[i + 1]:
            t = cursor[i]
            cursor[i] += 1
            j, r = w_list[t], rank_at_job[t]
            b, room = base[j], base[j + 1] - base[j]  # room: min(capacity, proposers the job accepts)
            if r < 0 or room == 0:
                continue
            if held[j] < room:
                ranks[b + held[j]], who[b + held[j]] = r, i
                _sift_up(ranks, who, b, held[j])
                held[j] += 1
                break
            if r < ranks[b]:
                stack[top] = who[b]  # the worst held is rejected and proposes again
                top += 1
                ranks[b], who[b] = r, i
                _sift_down(ranks, who, b, held[j], 0)
                break
    job_of = np.full(n, -1, dtype=np.int64)
    for j in range(len(capacity)):
        for s in range(held[j]):
            job_of[who[base[j] + s]] = j
    return job_of


@njit(**JIT)
def job_proposing(
    j_ptr: np.ndarray, j_list: np.ndarray, rank_at_worker: np.ndarray, capacity: np.ndarray, n_workers: int
) -> np.ndarray:
    """Deferred acceptance, jobs proposing: the job-optimal stable matching.

    Job ``j`` offers its free places to ``j_list[j_ptr[j]:j_ptr[j+1]]`` in
    order; ``rank_at_worker[t]`` is the job's rank in that worker's list (-1:
    the worker does not accept it).  A worker keeps the best offer so far.
    """
    m = len(j_ptr) - 1
    job_of = np.full(n_workers, -1, dtype=np.int64)
    their_rank = np.full(n_workers, np.iinfo(np.int64).max, dtype=np.int64)
    free = capacity.astype(np.int64).copy()
    cursor = j_ptr[:-1].copy()
    stack = np.arange(m)[::-1].copy()
    top = m
    queued = np.ones(m, dtype=np.bool_)
    while top > 0:
        top -= 1
        j = stack[top]
        queued[j] = False
        while free[j] > 0 and cursor[j] < j_ptr[j + 1]:
            t = cursor[j]
            cursor[j] += 1
            i, r = j_list[t], rank_at_worker[t]
            if r < 0 or r >= their_rank[i]:
                continue
            old = job_of[i]
            job_of[i], their_rank[i] = j, r
            free[j] -= 1
            if old >= 0:
                free[old] += 1
                if not queued[old]:
                    stack[top] = old
                    top += 1
                    queued[old] = True
    return job_of


@njit(**JIT)
def fill_within_rows(
    order: np.ndarray,
    workers: np.ndarray,
    jobs: np.ndarray,
    use: np.ndarray,
    left: np.ndarray,
    job_of: np.ndarray,
    by_worker: np.ndarray,
    by_job: np.ndarray,
    activity: np.ndarray,
    rhs: np.ndarray,
) -> np.ndarray:
    """Greedy placement that keeps side rows: take arcs in ``order``, place a free worker
    where the job has room and no row ``activity <= rhs`` goes over.

    A row's coefficient for arc ``t`` is ``by_worker[r, w] * by_job[r, j]``; a
    row already over may still take arcs that do not add to it.  Returns new
    ``job_of`` (the input's placements kept).
    """
    job_of = job_of.copy()
    left = left.copy()
    activity = activity.copy()
    rows = len(rhs)
    for t in order:
        i, j = workers[t], jobs[t]
        if job_of[i] >= 0 or use[t] > left[j]:
            continue
        fits = True
        for r in range(rows):
            c = by_worker[r, i] * by_job[r, j]
            if c > 0 and activity[r] + c > rhs[r] + 1e-9:
                fits = False
                break
        if fits:
            job_of[i] = j
            left[j] -= use[t]
            for r in range(rows):
                activity[r] += by_worker[r, i] * by_job[r, j]
    return job_of
