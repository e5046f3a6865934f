"""Hostile input for :class:`~jobmatch.CandidateGraph`: the constructor, ``from_dense``, ``row``, ``to_dense``,
``concat``.

Valid graphs (rows best first, ties by increasing index) in any integer and
float dtypes must be accepted and equal the graph ``from_dense`` builds;
one bad value (a float or bool index, an unsorted row, a repeat, NaN, inf or
a score beyond float32, a wrong length, an offset that wraps, a bad count or
side) must raise ``ValidationError``; whatever random junk is accepted must
satisfy every invariant the class documents.
"""

from __future__ import annotations

import numpy as np
from _tally import REFUSED, attempt, refused
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import reference
from jobmatch import CandidateGraph

MAX_INDEX = 2**31 - 1
F32_MAX = float(np.finfo(np.float32).max)

scores = st.one_of(st.just(-np.inf), st.sampled_from([0.0, 0.25, 0.5, 1.0]), st.floats(-2, 2, width=32))
matrices = hnp.arrays(np.float32, hnp.array_shapes(min_dims=2, max_dims=2, min_side=0, max_side=6), elements=scores)
INT_FORMS = [np.int64, np.int32, np.uint32, np.uint64, np.int16, "list"]
FLOAT_FORMS = [np.float32, np.float64, "list"]


def in_form(array: np.ndarray, form):
    return array.tolist() if form == "list" else array.astype(form)


def arrays_of(matrix: np.ndarray, side: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The documented CSR of a dense matrix, from the reference's sorted rows (not from the class)."""
    rows = reference.top_k(matrix, max(matrix.shape[1 if side == "worker" else 0], 1), side)
    indptr = np.concatenate([[0], np.cumsum([len(r) for r in rows])]).astype(np.int64)
    indices = np.array([t for r in rows for t, _ in r], dtype=np.int64)
    values = np.array([v for r in rows for _, v in r], dtype=np.float32)
    return indptr, indices, values


def check_graph(g: CandidateGraph) -> None:
    """Every invariant the class documents, read back from an accepted graph."""
    n_rows, n_cols = (g.n_workers, g.n_jobs) if g.side == "worker" else (g.n_jobs, g.n_workers)
    assert 0 <= g.n_workers <= MAX_INDEX and 0 <= g.n_jobs <= MAX_INDEX and g.n_rows == n_rows
    assert g.indptr.dtype == np.int64 and g.indices.dtype == np.int32 and g.scores.dtype == np.float32
    assert not (g.indptr.flags.writeable or g.indices.flags.writeable or g.scores.flags.writeable)
    assert g.indptr.shape == (n_rows + 1,) and g.indptr[0] == 0 and (np.diff(g.indptr) >= 0).all()
    assert g.indices.shape == g.scores.shape == (g.nnz,)
    assert g.nnz == 0 or (0 <= g.indices.min() and g.indices.max() < n_cols)
    assert np.isfinite(g.scores).all()
    for r in range(n_rows):
        idx, val = g.row(r)
        assert len(set(idx.tolist())) == len(idx)
        pairs = list(zip((-val).tolist(), idx.tolist()))
        assert pairs == sorted(pairs)  # best first, equal scores by increasing index
    if g.n_workers * g.n_jobs <= 10_000:
        dense = attempt("CandidateGraph.to_dense", g.to_dense)
        assert dense.shape == (g.n_workers, g.n_jobs)
        assert CandidateGraph.from_dense(dense, side=g.side) == g


def build(indptr, indices, values, **kwargs):
    return CandidateGraph(indptr, indices, values, **kwargs)


# ------------------------------------------------------------------ the constructor


@given(
    matrices,
    st.sampled_from(["worker", "job"]),
    st.sampled_from(INT_FORMS),
    st.sampled_from(INT_FORMS),
    st.sampled_from(FLOAT_FORMS),
)
def test_valid_graphs_in_any_dtype_are_accepted(matrix, side, ptr_form, idx_form, score_form):
    indptr, indices, values = arrays_of(matrix, side)
    n_workers, n_jobs = matrix.shape
    g = attempt(
        "CandidateGraph",
        build,
        in_form(indptr, ptr_form),
        in_form(indices, idx_form),
        in_form(values, score_form),
        n_workers=n_workers,
        n_jobs=n_jobs,
        side=side,
    )
    assert g is not REFUSED
    check_graph(g)
    assert g == CandidateGraph.from_dense(matrix, side=side)


bad_counts = st.one_of(
    st.integers(-(2**70), -1),
    st.integers(MAX_INDEX + 1, 2**70),
    st.floats(allow_nan=True),
    st.booleans(),
    st.builds(np.bool_, st.booleans()),
    st.sampled_from([None, "3", b"\xff", [1], 1 + 0j, np.float64(2.0)]),
)


@given(matrices, st.sampled_from(["worker", "job"]), st.data())
def test_one_bad_value_is_refused(matrix, side, data):
    indptr, indices, values = arrays_of(matrix, side)
    kwargs = {"n_workers": matrix.shape[0], "n_jobs": matrix.shape[1], "side": side}
    nnz = len(indices)
    how = data.draw(
        st.sampled_from(
            [
                "float indptr",
                "float indices",
                "bool indices",
                "uint indptr",
                "indptr start",
                "indptr order",
                "indptr length",
                "index range",
                "unsorted",
                "tie order",
                "repeat",
                "bad score",
                "lengths",
                "count",
                "side",
                "2d",
            ]
        )
    )
    args = [indptr, indices, values]
    if how == "float indptr":  # whole numbers too: floats are refused, never truncated
        args[0] = indptr.astype(np.float64) if data.draw(st.booleans()) else [*indptr[:-1].tolist(), float(nnz)]
    elif how == "float indices" and nnz:
        args[1] = indices.astype(np.float64) + data.draw(st.sampled_from([0.0, 0.5]))
    elif how == "bool indices" and nnz:
        args[1] = [True if t == 0 else int(x) for t, x in enumerate(indices)]
    elif how == "uint indptr":  # an offset that would wrap when cast to int64
        args[0] = indptr.astype(np.uint64)
        args[0][-1] = np.uint64(2**64 - 1)
    elif how == "indptr start":
        args[0] = indptr + 1
    elif how == "indptr order" and len(indptr) > 2:
        t = data.draw(st.integers(1, len(indptr) - 2))
        args[0] = indptr.copy()
        args[0][t] = indptr[-1] + 1  # above the end, so the next offset goes down
    elif how == "indptr length":
        args[0] = np.append(indptr, indptr[-1]) if data.draw(st.booleans()) else indptr[:-1]
    elif how == "index range" and nnz:
        n_cols = kwargs["n_jobs"] if side == "worker" else kwargs["n_workers"]
        args[1] = indices.copy()
        args[1][data.draw(st.integers(0, nnz - 1))] = data.draw(st.sampled_from([-1, n_cols, n_cols + 5, 2**40]))
    elif how in ("unsorted", "tie order", "repeat") and nnz:
        rows = [r for r in range(len(indptr) - 1) if indptr[r + 1] - indptr[r] >= 2]
        if not rows:
            refused("CandidateGraph", build, indptr, indices, values, **{**kwargs, "side": "both"})
            return
        r = data.draw(st.sampled_from(rows))
        t = data.draw(st.integers(int(indptr[r]), int(indptr[r + 1]) - 2))
        args[1], args[2] = indices.copy(), values.copy()
        if how == "repeat":
            args[1][t + 1] = args[1][t]
        elif how == "tie order":
            args[2][t + 1] = args[2][t]
            args[1][t], args[1][t + 1] = max(indices[t], indices[t + 1]), min(indices[t], indices[t + 1])
        else:
            args[2][t + 1] = args[2][t] + data.draw(st.sampled_from([0.5, 1e-3, 1.0]))
    elif how == "bad score" and nnz:
        args[2] = values.astype(np.float64)
        args[2][data.draw(st.integers(0, nnz - 1))] = data.draw(
            st.sampled_from([np.nan, np.inf, -np.inf, 1e39, -1e300])
        )
    elif how == "lengths":
        which = data.draw(st.integers(1, 2))
        args[which] = np.append(args[which], 0) if data.draw(st.booleans()) or not nnz else args[which][:-1]
    elif how == "count":
        kwargs[data.draw(st.sampled_from(["n_workers", "n_jobs"]))] = data.draw(bad_counts)
    elif how == "side":
        kwargs["side"] = data.draw(st.sampled_from(["workers", "", None, 0, ["job"], b"job", np.str_("jobs")]))
    else:
        which = data.draw(st.integers(0, 2))
        args[which] = np.stack([np.asarray(args[which])] * 2)
    refused("CandidateGraph", build, *args, **kwargs)


junk_ints = st.lists(st.integers(-2, 6), max_size=8)
junk_any = st.one_of(
    junk_ints,
    st.lists(st.floats(allow_nan=True), max_size=4),
    st.lists(st.sampled_from([0, 1, True, 2.0, None, "1"]), max_size=4),
    st.sampled_from([None, 0, "01", b"\x00", {0: 1}, np.float64(1.0)]),
    hnp.arrays(st.sampled_from([np.int8, np.uint64, np.float16, np.bool_]), st.integers(0, 5)),
)
junk_scores = st.one_of(
    st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=8), junk_any, st.lists(st.integers(-3, 3))
)


@given(
    st.one_of(junk_ints, junk_any),
    st.one_of(junk_ints, junk_any),
    junk_scores,
    st.integers(0, 4) | bad_counts,
    st.integers(0, 4) | bad_counts,
    st.sampled_from(["worker", "job"]),
)
def test_junk_is_refused_or_a_well_formed_graph(indptr, indices, values, n_workers, n_jobs, side):
    g = attempt("CandidateGraph", build, indptr, indices, values, n_workers=n_workers, n_jobs=n_jobs, side=side)
    if g is not REFUSED:
        check_graph(g)


# ------------------------------------------------------------------ from_dense and the methods


hostile_matrices = st.one_of(
    matrices,
    matrices.map(lambda m: m.astype(np.float64).tolist()),
    hnp.arrays(
        st.sampled_from([np.float64, np.float32, np.int64, np.uint64, np.int8, np.bool_, np.float16]),
        hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
    ),
    st.lists(st.lists(st.one_of(st.floats(), st.integers(-5, 5), st.booleans(), st.text(max_size=1)), max_size=3)),
    st.sampled_from([None, "abc", {0: 1}, [[1], [1, 2]], [[1e39]], [[-1e39]], np.array([[np.nan]])]),
)
ks = st.one_of(st.none(), st.integers(1, 8), st.integers(-3, 0), bad_counts)


@given(hostile_matrices, ks, st.sampled_from(["worker", "job"]))
def test_from_dense_is_refused_or_keeps_the_k_best(matrix, k, side):
    g = attempt("CandidateGraph.from_dense", CandidateGraph.from_dense, matrix, k=k, side=side)
    if g is REFUSED:
        return
    check_graph(g)
    dense = np.asarray(matrix)
    assert dense.ndim == 2 and (dense.dtype.kind in "iuf" or not dense.size)
    dense = dense.astype(np.float64)
    assert not np.isnan(dense).any()
    assert not (dense > F32_MAX).any() and not ((dense < -F32_MAX) & np.isfinite(dense)).any()
    width = dense.shape[1 if side == "worker" else 0]
    want = reference.top_k(dense.astype(np.float32), k or max(width, 1), side)
    assert [g.row(r)[0].tolist() for r in range(g.n_rows)] == [[t for t, _ in row] for row in want]


@given(matrices, st.data())
def test_from_dense_refuses_what_it_cannot_keep(matrix, data):
    if matrix.size:
        bad = matrix.astype(np.float64)
        bad.flat[data.draw(st.integers(0, matrix.size - 1))] = data.draw(
            st.sampled_from([np.nan, np.inf, 1e39, -1e39, 2.0**200])
        )
        refused("CandidateGraph.from_dense", CandidateGraph.from_dense, bad)
        refused("CandidateGraph.from_dense", CandidateGraph.from_dense, matrix.astype(bool))
    k = data.draw((st.integers(-3, 0) | bad_counts).filter(lambda x: x is not None))
    refused("CandidateGraph.from_dense", CandidateGraph.from_dense, matrix, k=k)


@given(matrices, st.sampled_from(["worker", "job"]), st.one_of(st.integers(-3, 8), bad_counts))
def test_row_is_checked(matrix, side, r):
    g = CandidateGraph.from_dense(matrix, side=side)
    out = attempt("CandidateGraph.row", g.row, r)
    if type(r) is int and 0 <= r < g.n_rows:
        assert out is not REFUSED
        assert out[0].tolist() == g.indices[g.indptr[r] : g.indptr[r + 1]].tolist()
    else:
        assert out is REFUSED


@given(st.lists(matrices, max_size=3), st.data())
def test_concat_is_refused_or_the_graph_of_the_stacked_rows(parts, data):
    graphs: list = [CandidateGraph.from_dense(m, k=3) for m in parts]
    if data.draw(st.booleans()) and graphs:
        graphs[data.draw(st.integers(0, len(graphs) - 1))] = data.draw(
            st.sampled_from([None, 1, "g", CandidateGraph.from_dense(np.zeros((1, 1)), side="job")])
        )
    out = attempt("CandidateGraph.concat", CandidateGraph.concat, graphs)
    fine = bool(parts) and len({m.shape[1] for m in parts}) == 1 and all(isinstance(g, CandidateGraph) for g in graphs)
    fine = fine and all(g.side == "worker" for g in graphs)
    assert (out is not REFUSED) == fine
    if fine:
        check_graph(out)
        assert out == CandidateGraph.from_dense(np.concatenate(parts), k=3)
    refused(
        "CandidateGraph.concat",
        CandidateGraph.concat,
        data.draw(st.sampled_from([None, 3, graphs[0] if graphs else None])),
    )


def test_huge_shapes_are_refused_not_allocated():
    wide = attempt("CandidateGraph", build, [0, 0, 0], [], [], n_workers=2, n_jobs=MAX_INDEX)
    check_graph(wide)
    refused("CandidateGraph.to_dense", wide.to_dense)
    refused("CandidateGraph", build, [0], [], [], n_workers=0, n_jobs=MAX_INDEX + 1)
    refused("CandidateGraph.from_dense", CandidateGraph.from_dense, np.zeros((2**31, 0), dtype=np.float32))
