"""CSR kernels (``jobmatch._sparse``) against their numpy references."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import reference
from jobmatch import _sparse


@st.composite
def lists(draw, max_rows=12, max_cols=6, unique=True):
    """CSR index lists: rows of column indices, repeated within a row only if ``unique`` is False."""
    n_cols = draw(st.integers(1, max_cols))
    rows = draw(st.lists(st.lists(st.integers(0, n_cols - 1), max_size=2 * n_cols, unique=unique), max_size=max_rows))
    indptr = np.concatenate([[0], np.cumsum([len(r) for r in rows], dtype=np.int64)]).astype(np.int64)
    cols = np.array([c for r in rows for c in r], dtype=np.int64)
    return indptr, cols, n_cols


@given(lists(unique=False))
def test_first_repeat_equals_reference(csr):
    indptr, cols, n_cols = csr
    assert _sparse.first_repeat(indptr, cols, n_cols) == reference.first_repeat(indptr, cols, n_cols)


@given(lists(unique=False), st.data())
def test_in_rows_equals_reference(csr, data):
    indptr, cols, n_cols = csr
    n_rows = len(indptr) - 1
    if n_rows == 0:
        return
    pairs = data.draw(st.lists(st.tuples(st.integers(0, n_rows - 1), st.integers(0, n_cols - 1)), max_size=20))
    rows = np.array([r for r, _ in pairs], dtype=np.int64)
    queries = np.array([c for _, c in pairs], dtype=np.int64)
    got = _sparse.in_rows(indptr, cols.astype(data.draw(st.sampled_from([np.int32, np.int64]))), rows, queries)
    assert got.tolist() == reference.in_rows(indptr, cols, rows, queries).tolist()


@given(lists(unique=False))
def test_bucket_order_equals_reference(csr):
    _, keys, n_buckets = csr
    ptr, grouped = _sparse.bucket_order(keys, n_buckets)
    want_ptr, want = reference.bucket_order(keys, n_buckets)
    assert ptr.tolist() == want_ptr.tolist() and grouped.tolist() == want.tolist()


@given(st.lists(st.integers(0, 80), max_size=6), st.data())
def test_segment_order_equals_reference(lengths, data):
    """Short segments (insertion sort) and long ones (over 32: quicksort, then tie runs)."""
    ptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    size = int(ptr[-1])
    value = np.array(data.draw(st.lists(st.sampled_from([-1.0, 0.0, 0.5]), min_size=size, max_size=size)))
    tie = np.array(data.draw(st.permutations(range(size))), dtype=np.int64)  # distinct within any segment
    order = np.array(data.draw(st.permutations(range(size))), dtype=np.int64)
    got, rank = _sparse.segment_order(ptr, order, value, tie)
    want, want_rank = reference.segment_order(ptr, order, value, tie)
    assert got.tolist() == want and rank.tolist() == want_rank.tolist()


@given(lists(), st.data())
def test_rank_lookup_equals_reference(csr, data):
    ptr, lst, n_b = csr
    n_a = len(ptr) - 1
    # The other side: for each b, some of the a's (any order), not necessarily those that list b.
    other = [data.draw(st.lists(st.integers(0, max(n_a - 1, 0)), unique=True, max_size=n_a)) for _ in range(n_b)]
    other_ptr = np.concatenate([[0], np.cumsum([len(r) for r in other], dtype=np.int64)]).astype(np.int64)
    other_lst = np.array([a for r in other for a in r], dtype=np.int64)
    got = _sparse.rank_lookup(ptr, lst, other_ptr, other_lst)
    assert got.tolist() == reference.rank_lookup(ptr, lst, other_ptr, other_lst).tolist()
