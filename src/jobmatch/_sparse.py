"""Numba kernels over CSR arrays: repeats, counting sorts, segment sorts, rank lookups.

Shared by :class:`~jobmatch.Problem` (its checks), the stable solvers and
:mod:`jobmatch.stable`.  Arrays in, arrays out, no checks; each has a plain
numpy reference in ``tests/reference.py`` and a hypothesis test comparing
them.  Written here because numpy's tools for these jobs sort or hash all
arcs at once, which is many times slower at national scale (figures in
``docs/benchmarks.md``, "Solvers").
"""

from __future__ import annotations

import numpy as np

from ._config import INLINE, JIT, PARALLEL, njit, parallel_lock, prange


@njit(**JIT)
def first_repeat(indptr: np.ndarray, cols: np.ndarray, n_cols: int) -> int:
    """The first row that lists a column twice (-1 if none), in O(entries + columns)."""
    last = np.full(n_cols, -1, dtype=np.int64)
    for row in range(len(indptr) - 1):
        for t in range(indptr[row], indptr[row + 1]):
            if last[cols[t]] == row:
                return row
            last[cols[t]] = row
    return -1


@njit(**JIT)
def in_rows(indptr: np.ndarray, cols: np.ndarray, rows: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """For each ``t``, whether row ``rows[t]`` lists column ``queries[t]``: a scan of that row, O(its length)."""
    out = np.zeros(len(rows), dtype=np.bool_)
    for t in range(len(rows)):
        row, col = rows[t], queries[t]
        for s in range(indptr[row], indptr[row + 1]):
            if cols[s] == col:
                out[t] = True
                break
    return out


@njit(**JIT)
def bucket_order(keys: np.ndarray, n_buckets: int) -> tuple[np.ndarray, np.ndarray]:
    """Stable counting sort: (offsets per bucket, positions of ``keys`` grouped by bucket).

    O(n): numpy's stable sort of int32 keys is a timsort, many times slower
    on millions of arcs.
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


@njit(**INLINE)
def _before(a: int, b: int, value: np.ndarray, tie: np.ndarray) -> bool:
    # An array's elements are Any in numpy's stubs, and compiled code cannot call typing.cast.
    return value[a] > value[b] or (value[a] == value[b] and tie[a] < tie[b])  # type: ignore[no-any-return]


@njit(**INLINE)
def _insertion_sort(out: np.ndarray, lo: int, hi: int, value: np.ndarray, tie: np.ndarray) -> None:
    for t in range(lo + 1, hi):
        item = out[t]
        u = t
        while u > lo and _before(item, out[u - 1], value, tie):
            out[u] = out[u - 1]
            u -= 1
        out[u] = item


def segment_order(
    ptr: np.ndarray, order: np.ndarray, value: np.ndarray, tie: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Sort each segment of ``order`` by value (highest first), then tie (lowest first).

    The parallel kernel :func:`_segment_order` run under
    :func:`jobmatch._config.parallel_lock` (safe from several threads at
    once under every threading layer).
    """
    with parallel_lock():
        return _segment_order(ptr, order, value, tie)


@njit(**PARALLEL)
def _segment_order(
    ptr: np.ndarray, order: np.ndarray, value: np.ndarray, tie: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Sort each segment of ``order`` by value (highest first), then tie (lowest first).

    ``order`` holds positions into ``value`` and ``tie``, and ``tie`` never
    repeats within a segment, so the order is total.  Returns the sorted
    positions and each position's rank within its segment (-1 for positions
    in no segment).  Short segments (a worker's candidates) are sorted in
    place by insertion; long ones (a job's applicants) by one quicksort on
    value, after which runs of equal values are put in tie order.
    """
    out = order.copy()
    rank = np.full(len(value), -1, dtype=np.int64)
    for s in prange(len(ptr) - 1):
        lo, hi = ptr[s], ptr[s + 1]
        if hi - lo <= 32:
            _insertion_sort(out, lo, hi, value, tie)
        else:
            part = out[lo:hi].copy()
            part = part[np.argsort(-value[part])]
            start = 0
            for t in range(1, len(part) + 1):
                if t == len(part) or value[part[t]] != value[part[start]]:
                    if t - start > 1:
                        run = part[start:t].copy()
                        part[start:t] = run[np.argsort(tie[run])]
                    start = t
            out[lo:hi] = part
        for t in range(lo, hi):
            rank[out[t]] = t - lo
    return out, rank


@njit(**JIT)
def rank_lookup(ptr: np.ndarray, lst: np.ndarray, other_ptr: np.ndarray, other_lst: np.ndarray) -> np.ndarray:
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
