"""Numba kernels over CSR arrays: repeats, counting sorts, segment sorts, rank lookups.

Shared by :class:`~jobmatch.Problem` (its checks), the stable solvers and
:mod:`jobmatch.stable`.  Arrays in, arrays out, no checks; each has a plain
numpy reference in ``tests/reference.py`` and a hypothesis test comparing
them.  Written here because numpy's tools for these jobs sort or hash all
arcs at once: ``np.unique`` on 20M pair keys took 26 s, these take well
under one.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from ._config import JIT, PARALLEL


@njit(**JIT)
def first_repeat(indptr, cols, n_cols):
    """The first row that lists a column twice (-1 if none), in O(entries + columns)."""
    last = np.full(n_cols, -1, dtype=np.int64)
    for row in range(len(indptr) - 1):
        for t in range(indptr[row], indptr[row + 1]):
            if last[cols[t]] == row:
                return row
            last[cols[t]] = row
    return -1


@njit(**JIT)
def bucket_order(keys, n_buckets):
    """Stable counting sort: (offsets per bucket, positions of ``keys`` grouped by bucket).

    O(n): numpy's stable sort of int32 keys is a timsort, about 20x slower
    at 20M arcs.
    """
    ptr = np.zeros(n_buckets + 1, dtype=np.int64)
    for key in keys:
        ptr[key + 1] += 1
    for b in range(n_buckets):
        ptr[b + 1] += ptr[b]
    fill = ptr[:-1].copy()
    order = np.empty(len(keys), dtype=np.int64)
    for t in range(len(keys)):
        order[fill[keys[t]]] = t
        fill[keys[t]] += 1
    return ptr, order


@njit(**PARALLEL)
def segment_order(ptr, order, value, tie):
    """Sort each segment ``order[ptr[s]:ptr[s+1]]`` by value (highest first), then tie (lowest).

    ``order`` holds positions into ``value`` and ``tie``; a new array is
    returned.  Segments are sorted in parallel, so a million short rows or
    ten thousand long columns both cost about one pass.
    """
    out = np.empty_like(order)
    for s in prange(len(ptr) - 1):
        part = order[ptr[s] : ptr[s + 1]]
        by_tie = part[np.argsort(tie[part], kind="mergesort")]
        out[ptr[s] : ptr[s + 1]] = by_tie[np.argsort(-value[by_tie], kind="mergesort")]
    return out


@njit(**JIT)
def rank_lookup(ptr, lst, other_ptr, other_lst):
    """For each entry (a, b) of the first side's lists, b's rank of a (-1 if b does not list a).

    The other side's entries are bucketed by the ``a`` they name; for each
    ``a`` its bucket is spread into a scratch row indexed by ``b``, read, and
    cleared, so the whole lookup is linear in the entries.
    """
    n_a, n_b = len(ptr) - 1, len(other_ptr) - 1
    b_of = np.empty(len(other_lst), dtype=np.int64)
    for b in range(n_b):
        for e in range(other_ptr[b], other_ptr[b + 1]):
            b_of[e] = b
    bucket_ptr, bucket = bucket_order(other_lst, n_a)
    scratch = np.full(n_b, -1, dtype=np.int64)
    out = np.empty(len(lst), dtype=np.int64)
    for a in range(n_a):
        for e in bucket[bucket_ptr[a] : bucket_ptr[a + 1]]:
            scratch[b_of[e]] = e - other_ptr[b_of[e]]
        for t in range(ptr[a], ptr[a + 1]):
            out[t] = scratch[lst[t]]
        for e in bucket[bucket_ptr[a] : bucket_ptr[a + 1]]:
            scratch[b_of[e]] = -1
    return out
