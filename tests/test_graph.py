"""CandidateGraph: construction checks, dense round trips, concatenation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import reference
from jobmatch import CandidateGraph, ValidationError

scores = st.one_of(st.just(-np.inf), st.sampled_from([0.0, 0.25, 0.5, 1.0]), st.floats(0, 1, width=32))
matrices = hnp.arrays(np.float32, hnp.array_shapes(min_dims=2, max_dims=2, min_side=0, max_side=7), elements=scores)


@given(matrices, st.one_of(st.none(), st.integers(1, 8)), st.sampled_from(["worker", "job"]))
def test_from_dense_keeps_the_k_best_finite_entries(matrix, k, side):
    graph = CandidateGraph.from_dense(matrix, k=k, side=side)
    n_rows = matrix.shape[0] if side == "worker" else matrix.shape[1]
    assert graph.n_rows == n_rows and (graph.n_workers, graph.n_jobs) == matrix.shape
    want = reference.top_k(matrix, k or max(matrix.shape[1 if side == "worker" else 0], 1), side)
    for r in range(n_rows):
        indices, values = graph.row(r)
        assert indices.tolist() == [t for t, _ in want[r]]
        assert values.tolist() == [s for _, s in want[r]]


@given(matrices, st.sampled_from(["worker", "job"]))
def test_to_dense_round_trip_without_k(matrix, side):
    graph = CandidateGraph.from_dense(matrix, side=side)
    np.testing.assert_array_equal(graph.to_dense(), matrix)
    assert graph.nnz == np.isfinite(matrix).sum()


@given(matrices, st.integers(1, 4), st.data())
def test_concat_of_row_slices_equals_the_whole(matrix, k, data):
    cut = data.draw(st.integers(0, matrix.shape[0]))
    parts = [CandidateGraph.from_dense(matrix[:cut], k=k), CandidateGraph.from_dense(matrix[cut:], k=k)]
    assert CandidateGraph.concat(parts) == CandidateGraph.from_dense(matrix, k=k)


def test_arrays_are_read_only():
    graph = CandidateGraph.from_dense(np.eye(3, dtype=np.float32))
    for array in (graph.indptr, graph.indices, graph.scores):
        with pytest.raises(ValueError):
            array[0] = 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        (dict(indptr=[0, 1], indices=[0], scores=[0.5], n_workers=2, n_jobs=1), "indptr"),
        (dict(indptr=[1, 1], indices=[], scores=[], n_workers=1, n_jobs=1), "indptr"),
        (dict(indptr=[0, 2, 1], indices=[0, 0], scores=[1, 1], n_workers=2, n_jobs=1), "indptr"),
        (dict(indptr=[0, 2], indices=[0], scores=[0.5, 0.4], n_workers=1, n_jobs=1), "indices/scores"),
        (dict(indptr=[0, 1], indices=[3], scores=[0.5], n_workers=1, n_jobs=2), "indices"),
        (dict(indptr=[0, 1], indices=[0], scores=[np.nan], n_workers=1, n_jobs=1), "scores"),
        (dict(indptr=[0, 1], indices=[0], scores=[-np.inf], n_workers=1, n_jobs=1), "scores"),
        (dict(indptr=[0], indices=[], scores=[], n_workers=0, n_jobs=0, side="row"), "side"),
    ],
)
def test_bad_arrays_raise_validation_error(kwargs, field):
    kwargs = {k: np.asarray(v) if isinstance(v, list) else v for k, v in kwargs.items()}
    with pytest.raises(ValidationError) as caught:
        CandidateGraph(kwargs.pop("indptr"), kwargs.pop("indices"), kwargs.pop("scores"), **kwargs)
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("matrix", "k", "field"),
    [
        (np.zeros(3), None, "matrix"),
        ([["x"]], None, "matrix"),
        (np.array([[np.nan]]), None, "matrix"),
        (np.array([[np.inf]]), None, "matrix"),
        (np.zeros((2, 2)), 0, "k"),
        (np.zeros((2, 2)), 1.5, "k"),
    ],
)
def test_bad_dense_input(matrix, k, field):
    with pytest.raises(ValidationError) as caught:
        CandidateGraph.from_dense(matrix, k=k)
    assert caught.value.field == field


def test_concat_needs_worker_graphs_over_the_same_jobs():
    a = CandidateGraph.from_dense(np.zeros((2, 3), dtype=np.float32))
    b = CandidateGraph.from_dense(np.zeros((2, 4), dtype=np.float32))
    with pytest.raises(ValidationError):
        CandidateGraph.concat([a, b])
    with pytest.raises(ValidationError):
        CandidateGraph.concat([])
    with pytest.raises(ValidationError):
        CandidateGraph.concat([CandidateGraph.from_dense(np.zeros((2, 3)), side="job")])
