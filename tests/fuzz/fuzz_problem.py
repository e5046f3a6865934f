"""Hostile input for the solver layer's inputs: ``Problem``, its builders, ``GroupBound`` and ``Cap``.

Every call goes through ``_tally.attempt`` (only ``ValidationError`` may
escape) and plainly invalid inputs through ``_tally.refused``.  An accepted
problem must hold every invariant the solvers rely on (offsets, indices,
ranges, dtypes, read-only arrays) and, when small, solve with its result
checked.
"""

from __future__ import annotations

import resource

import numpy as np
from _tally import REFUSED, attempt, refused
from hypothesis import given
from hypothesis import strategies as st

from jobmatch import CandidateGraph, Problem, solve
from jobmatch._checks import MAX_INDEX, MAX_TOTAL
from jobmatch.solvers.problem import Cap, GroupBound

# A size the library accepts but this machine cannot hold must fail here with MemoryError, not have the
# kernel kill a process (this one or a neighbour's) for want of memory.
resource.setrlimit(resource.RLIMIT_AS, (6 * 2**30, resource.getrlimit(resource.RLIMIT_AS)[1]))

# 2**31 - 1 is a valid size, but n_jobs = 2**31 - 1 means a capacity per job: 16 GiB (tested on its own, small)
HUGE = [2**31, 2**53, 2**63 - 1, 2**63, 2**64 - 1, 2**70, -(2**63), -1, -(2**70)]
ODD = [
    None,
    True,
    np.bool_(False),
    "1",
    "",
    b"\xff\xfe",
    1.5,
    float("nan"),
    float("inf"),
    -float("inf"),
    1e308,
    np.float32(2.0),
    np.int64(2),
    np.uint64(2**64 - 1),
    complex(1, 1),
    {"a": 1},
    object(),
]
DTYPES = [np.int64, np.int32, np.int8, np.uint64, np.uint8, np.float64, np.float32, np.bool_, object]


def deep(depth: int) -> list:
    value: list = [1]
    for _ in range(depth):
        value = [value]
    return value


scalars = st.one_of(st.integers(-3, 6), st.sampled_from(HUGE), st.sampled_from(ODD), st.floats(), st.text(max_size=3))


@st.composite
def arrays(draw: st.DrawFn, size: int | None = None) -> np.ndarray:
    """A numpy array of any dtype, from small numbers, huge ones or odd values."""
    n = draw(st.integers(0, 5)) if size is None else size
    dtype = draw(st.sampled_from(DTYPES))
    items = draw(st.lists(st.one_of(st.integers(-2, 5), st.sampled_from(HUGE)), min_size=n, max_size=n))
    try:
        with np.errstate(all="ignore"):
            return np.array(items, dtype=object).astype(dtype)
    except (OverflowError, ValueError, TypeError):
        return np.array(items, dtype=object)


hostile = st.one_of(
    scalars,
    st.lists(scalars, max_size=4),
    arrays(),
    st.sampled_from([deep(40), deep(100), [[1], [1, 2]], [], [[]], (), range(3), "abc", b"\x80abc"]),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)


@st.composite
def valid_arcs(draw: st.DrawFn) -> dict:
    """The arguments of a valid Problem (CSR form), small."""
    n, m = draw(st.integers(0, 5)), draw(st.integers(0, 4))
    rows = [sorted(draw(st.sets(st.integers(0, m - 1), max_size=m))) if m else [] for _ in range(n)]
    nnz = sum(map(len, rows))
    limit = MAX_TOTAL / max(n, 1)
    values = draw(
        st.lists(
            st.one_of(st.integers(-20, 20), st.floats(-1e3, 1e3), st.sampled_from([limit * 0.999, -limit * 0.999])),
            min_size=nnz,
            max_size=nnz,
        )
    )
    kwargs = dict(
        indptr=np.cumsum([0] + [len(r) for r in rows]).astype(draw(st.sampled_from([np.int64, np.int32, np.uint64]))),
        jobs=np.array([j for r in rows for j in r], dtype=draw(st.sampled_from([np.int64, np.int32, np.uint16]))),
        values=np.array(values, dtype=np.float64),
        capacity=draw(st.one_of(st.integers(0, 3), st.lists(st.integers(0, 3), min_size=m, max_size=m))),
        n_jobs=m,
        use=draw(st.one_of(st.integers(0, 2), st.lists(st.integers(1, 2), min_size=nnz, max_size=nnz))),
        people=draw(st.one_of(st.integers(1, 2), st.lists(st.integers(0, 3), min_size=n, max_size=n))),
        maximize=draw(st.sampled_from([True, False, np.bool_(True)])),
        must_place=draw(st.booleans()),
    )
    if draw(st.booleans()):
        kwargs["quotas"] = [draw(group_bounds(n))]
    if draw(st.booleans()):
        kwargs["caps"] = [Cap("c", np.array(draw(st.lists(st.booleans(), min_size=m, max_size=m)), dtype=bool), 2)]
    return kwargs


@st.composite
def group_bounds(draw: st.DrawFn, n: int) -> GroupBound:
    count = st.one_of(st.none(), st.integers(0, 4))
    share = st.one_of(st.none(), st.sampled_from([0.0, 0.25, 0.5, 1 / 3, 1.0]))
    return GroupBound(
        draw(st.sampled_from(["g", "贫困户", "a b"])),
        np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool),
        min_count=draw(count),
        min_share=draw(share),
        max_share=draw(share),
        max_count=draw(count),
    )


def holds_invariants(p: Problem) -> None:
    """What every solver relies on in an accepted problem."""
    n, m, nnz = p.n_workers, p.n_jobs, p.n_arcs
    assert type(n) is int and type(m) is int and 0 <= n <= MAX_INDEX and 0 <= m <= MAX_INDEX
    assert p.indptr.dtype == np.int64 and p.indptr.shape == (n + 1,) and p.indptr[0] == 0
    assert np.all(np.diff(p.indptr) >= 0) and nnz <= MAX_INDEX
    assert p.jobs.dtype == np.int32 and p.jobs.shape == (nnz,)
    assert nnz == 0 or (p.jobs.min() >= 0 and p.jobs.max() < m)
    for i in range(n):
        row = p.jobs[p.indptr[i] : p.indptr[i + 1]]
        assert len(np.unique(row)) == len(row)
    assert p.values.dtype == np.float64 and p.values.shape == (nnz,) and np.all(np.isfinite(p.values))
    assert nnz == 0 or np.abs(p.values).max() * max(n, 1) < MAX_TOTAL
    for name, size in (("capacity", m), ("use", nnz), ("people", n)):
        array = getattr(p, name)
        assert array.dtype == np.int64 and array.shape == (size,), name
        assert size == 0 or (array.min() >= 0 and array.max() <= MAX_INDEX), name
    for array in (p.indptr, p.jobs, p.values, p.capacity, p.use, p.people):
        assert not array.flags.writeable
    assert type(p.maximize) is bool and type(p.must_place) is bool
    for q in p.quotas:
        assert isinstance(q, GroupBound) and q.members.shape == (n,) and q.members.dtype == np.bool_
    for c in p.caps:
        assert isinstance(c, Cap) and c.jobs.shape == (m,) and c.jobs.dtype == np.bool_ and 0 <= c.limit <= MAX_INDEX


def solves(p: Problem) -> None:
    """A small accepted problem solves, its result checked by ``solve`` (the objective re-added here)."""
    if p.n_arcs <= 20:
        result = attempt("solve", solve, p)
        assert result is not REFUSED, "auto never refuses a valid problem"
        if result.job_of is not None and result.status.name in ("OPTIMAL", "FEASIBLE"):
            assert abs(result.objective - p.objective_of(result.job_of)) <= 1e-9 * max(1.0, abs(result.objective))


# ------------------------------------------------------------------ Problem
@given(valid_arcs(), st.data())
def test_problem(kwargs, data):
    field = data.draw(st.sampled_from([None, *kwargs]))
    if field is not None:
        kwargs = {**kwargs, field: data.draw(hostile)}
    p = attempt("Problem", Problem, kwargs.pop("indptr"), kwargs.pop("jobs"), kwargs.pop("values"), **kwargs)
    if p is not REFUSED:
        holds_invariants(p)
        solves(p)


PLAINLY_INVALID = {
    "indptr": [np.array([0, 1000, 3], dtype=np.uint64), np.array([0.0, 1.0]), np.array([1, 1]), [0, -1], "01", None],
    "jobs": [np.array([2**64 - 1], dtype=np.uint64), np.array([0.0]), np.array([-1]), np.array([7]), [[0]], "0"],
    "values": [[np.nan], [np.inf], [-np.inf], [1e20], ["1"], [True], [2**70]],
    "capacity": [-1, 2**31, 2**63, 1e19, np.uint64(2**64 - 1), 1.5, np.nan, np.inf, True, "1", None, b"\xff", [1, 2]],
    "use": [-1, 2**31, 2**63, 1.5, True, "1", None, [1, 1]],
    "people": [-1, 2**31, 2**70, 0.5, np.bool_(True), "x", [1, 1]],
    "n_jobs": [-1, 1.5, 1.0, True, 2**31 + 2, 2**70, "1", None, np.float64(1)],
    "maximize": ["False", "no", 0, 1, None, np.array([True]), 1.0],
    "must_place": ["no", "yes", 0, 1, None, [True]],
    "quotas": [GroupBound("g", np.array([True])), "g", [None], ["g"], 1, [Cap("c", np.array([True]), 1)]],
    "caps": [Cap("c", np.array([True]), 1), "c", [None], [GroupBound("g", np.array([True]))], 3],
}


@given(st.sampled_from(sorted(PLAINLY_INVALID)), st.data())
def test_problem_plainly_invalid(field, data):
    bad = data.draw(st.sampled_from(PLAINLY_INVALID[field]))
    kwargs = dict(indptr=np.array([0, 1]), jobs=np.array([0]), values=np.array([1.0]), capacity=1, n_jobs=1)
    kwargs[field] = bad
    refused("Problem", Problem, kwargs.pop("indptr"), kwargs.pop("jobs"), kwargs.pop("values"), **kwargs)


# ------------------------------------------------------------------ from_dense
dense_entries = st.one_of(
    st.integers(-9, 9), st.floats(-1e3, 1e3), st.sampled_from([-np.inf, np.inf, np.nan, 1e20, 2**62, -(2**62)])
)


@given(
    st.integers(0, 4),
    st.integers(0, 4),
    st.data(),
    st.sampled_from([None, None, None, "matrix", "capacity", "maximize", "must_place", "people"]),
)
def test_from_dense(n, m, data, field):
    entries = (
        dense_entries if data.draw(st.booleans()) else st.one_of(st.integers(-9, 9), st.just(-np.inf), st.just(np.inf))
    )
    matrix = np.array(data.draw(st.lists(entries, min_size=n * m, max_size=n * m)), dtype=np.float64)
    kwargs: dict = dict(matrix=matrix.reshape(n, m), capacity=data.draw(st.integers(0, 3)))
    kwargs["maximize"] = maximize = data.draw(st.booleans())
    if field is not None:
        kwargs[field] = data.draw(hostile)
    p = attempt("Problem.from_dense", Problem.from_dense, kwargs.pop("matrix"), **kwargs)
    if p is REFUSED:
        return
    holds_invariants(p)
    if field is None:
        dense = matrix.reshape(n, m)
        forbidden = -np.inf if maximize else np.inf
        assert p.n_arcs == int(np.sum(dense != forbidden))
        assert np.array_equal(p.values, dense[dense != forbidden])
    solves(p)


@given(st.data())
def test_from_dense_plainly_invalid(data):
    maximize = data.draw(st.booleans())
    wrong = np.inf if maximize else -np.inf
    bad = data.draw(
        st.sampled_from(
            [
                dict(matrix=[[wrong, 1.0]], maximize=maximize),
                dict(matrix=[[np.nan]], maximize=maximize),
                dict(matrix=[[1e20, 1.0], [1.0, 1e20]], maximize=maximize),
                dict(matrix=np.array([[2**62, 1], [1, 2**62]]), maximize=maximize),
                dict(matrix=[[True]], maximize=maximize),
                dict(matrix=[["a"]], maximize=maximize),
                dict(matrix=[1.0, 2.0], maximize=maximize),
                dict(matrix=deep(40), maximize=maximize),
                dict(matrix=[[1.0], [1.0, 2.0]], maximize=maximize),
                dict(matrix=[[1.0]], maximize="False"),
                dict(matrix=[[1.0]], capacity=2**63),
                dict(matrix=[[1.0]], capacity=1e19),
                dict(matrix=[[1.0]], capacity=np.uint64(2**64 - 1)),
                dict(matrix=[[1.0]], must_place="no"),
            ]
        )
    )
    refused("Problem.from_dense", Problem.from_dense, bad.pop("matrix"), **bad)


# ------------------------------------------------------------------ from_arcs
@given(st.integers(0, 5), st.integers(0, 4), st.data())
def test_from_arcs(n, m, data):
    inside = st.tuples(st.integers(0, max(n - 1, 0)), st.integers(0, max(m - 1, 0)))
    anywhere = st.tuples(st.integers(0, 6), st.integers(0, 5))
    pairs = data.draw(
        st.lists(
            st.sampled_from([inside, inside, anywhere]).flatmap(lambda s: s),
            max_size=8,
            unique=data.draw(st.booleans()) or n * m == 0,
        )
    )
    size = len(pairs)
    values = data.draw(st.lists(st.floats(-50, 50), min_size=size, max_size=size))
    use = data.draw(st.one_of(st.just(1), st.lists(st.integers(1, 2), min_size=size, max_size=size)))
    kwargs: dict = dict(
        workers=np.array([w for w, _ in pairs], dtype=data.draw(st.sampled_from([np.int64, np.uint64, np.int8]))),
        jobs=np.array([j for _, j in pairs], dtype=np.int64),
        values=np.array(values),
        n_workers=n,
        n_jobs=m,
        use=use,
    )
    if size == 0 and data.draw(st.booleans()):
        kwargs.update(workers=[], jobs=[], values=[])  # plain empty lists (float arrays to numpy)
    field = data.draw(st.sampled_from([None, None, None, "workers", "jobs", "values", "n_workers", "n_jobs", "use"]))
    if field is not None:
        kwargs[field] = data.draw(st.one_of(hostile, arrays(size)))
    p = attempt(
        "Problem.from_arcs",
        Problem.from_arcs,
        kwargs.pop("workers"),
        kwargs.pop("jobs"),
        kwargs.pop("values"),
        **kwargs,
    )
    if p is REFUSED:
        return
    holds_invariants(p)
    if field is None:  # the same arcs, sorted by worker then job, each with its own value and use
        order = sorted(range(size), key=lambda t: pairs[t])
        assert p.jobs.tolist() == [pairs[t][1] for t in order]
        assert p.values.tolist() == [float(values[t]) for t in order]
        if not np.isscalar(use):
            assert p.use.tolist() == [use[t] for t in order]
    solves(p)


@given(st.data())
def test_from_arcs_plainly_invalid(data):
    base = dict(workers=[0, 0], jobs=[0, 1], values=[1.0, 2.0], n_workers=1, n_jobs=2)
    change = data.draw(
        st.sampled_from(
            [
                dict(use=[1, 2, 3]),
                dict(use=[1]),
                dict(use=[[1, 1]]),
                dict(n_workers=1.5),
                dict(n_workers=True),
                dict(n_jobs=2**31 + 2),
                dict(n_jobs=-1),
                dict(workers=[0, 5]),
                dict(workers=[0.0, 0.0]),
                dict(workers=np.array([0, 2**64 - 1], dtype=np.uint64)),
                dict(jobs=[0, 0]),
                dict(jobs=[0, -1]),
                dict(values=[1.0, np.nan]),
                dict(values=[1.0]),
                dict(values=["a", "b"]),
            ]
        )
    )
    kwargs = {**base, **change}
    refused(
        "Problem.from_arcs",
        Problem.from_arcs,
        kwargs.pop("workers"),
        kwargs.pop("jobs"),
        kwargs.pop("values"),
        **kwargs,
    )


# ------------------------------------------------------------------ from_graph
@given(st.integers(0, 4), st.integers(1, 4), st.data())
def test_from_graph(n, m, data):
    dense = np.array(
        data.draw(st.lists(st.sampled_from([-np.inf, 0.0, 0.25, 0.5, 1.0]), min_size=n * m, max_size=n * m)),
        dtype=np.float32,
    ).reshape(n, m)
    graph = CandidateGraph.from_dense(dense)
    if data.draw(st.booleans()):  # the same pairs seen from the jobs: refused
        by_job = CandidateGraph.from_dense(dense.T.copy())
        job_side = CandidateGraph(by_job.indptr, by_job.indices, by_job.scores, n_workers=n, n_jobs=m, side="job")
        refused("Problem.from_graph", Problem.from_graph, job_side, capacity=1)
    corrupt = data.draw(st.sampled_from([None, None, "graph", "capacity"]))
    capacity = data.draw(hostile if corrupt == "capacity" else st.integers(0, 3))
    target = data.draw(hostile) if corrupt == "graph" else graph
    p = attempt("Problem.from_graph", Problem.from_graph, target, capacity=capacity)
    if p is REFUSED:
        return
    assert isinstance(target, CandidateGraph), "from_graph accepted something that is not a CandidateGraph"
    holds_invariants(p)
    assert p.n_arcs == graph.nnz and p.n_jobs == m
    solves(p)


# ------------------------------------------------------------------ GroupBound and Cap
@given(
    st.sampled_from(["g", "女"]),
    st.lists(st.booleans(), max_size=4),
    st.one_of(st.none(), st.integers(0, 5)),
    st.one_of(st.none(), st.floats(0, 1)),
    st.one_of(st.none(), st.floats(0, 1)),
    st.one_of(st.none(), st.integers(0, 5)),
    st.sampled_from([None, None, None, 0, 1, 2, 3, 4, 5]),
    hostile,
)
def test_group_bound(name, members, min_count, min_share, max_share, max_count, corrupt, bad):
    fields = [name, members, min_count, min_share, max_share, max_count]
    if corrupt is not None:
        fields[corrupt] = bad
    name, members, min_count, min_share, max_share, max_count = fields
    bound = attempt("GroupBound", GroupBound, name, members, min_count, min_share, max_share, max_count)
    if bound is REFUSED:
        return
    assert isinstance(bound.name, str) and bound.name.strip()
    assert bound.members.ndim == 1 and bound.members.dtype == np.bool_ and not bound.members.flags.writeable
    for count in (bound.min_count, bound.max_count):
        assert count is None or (type(count) is int and 0 <= count <= MAX_INDEX)
    for share in (bound.min_share, bound.max_share):
        assert share is None or (type(share) is float and 0.0 <= share <= 1.0)
    n = len(bound.members)
    p = attempt("Problem", Problem.from_dense, np.ones((n, 2)), quotas=[bound])
    assert p is not REFUSED
    solves(p)
    if bound.min_count is not None and bound.max_count is not None and bound.min_count > bound.max_count:
        result = solve(p)
        assert result.status.name == "INFEASIBLE" and result.diagnosis


@given(st.data())
def test_group_bound_plainly_invalid(data):
    bad = data.draw(
        st.sampled_from(
            [
                dict(min_share=1.5),
                dict(min_share=float("nan")),
                dict(max_share=-0.5),
                dict(max_share=float("inf")),
                dict(min_count=-3),
                dict(max_count=-1),
                dict(max_count=2**63),
                dict(min_count=2.0),
                dict(min_count=True),
                dict(min_share="0.5"),
                dict(name=""),
                dict(name=None),
                dict(name=b"\xff"),
                dict(members=[1, 0]),
                dict(members=[[True]]),
                dict(members="TF"),
            ]
        )
    )
    kwargs = {"name": "g", "members": [True, False], **bad}
    refused("GroupBound", GroupBound, **kwargs)


@given(
    st.sampled_from(["c", "region 泰安"]),
    st.lists(st.booleans(), max_size=4),
    st.integers(0, 5),
    st.sampled_from([None, None, 0, 1, 2]),
    hostile,
)
def test_cap(name, jobs, limit, corrupt, bad):
    fields = [name, jobs, limit]
    if corrupt is not None:
        fields[corrupt] = bad
    name, jobs, limit = fields
    cap = attempt("Cap", Cap, name, jobs, limit)
    if cap is REFUSED:
        return
    assert isinstance(cap.name, str) and cap.jobs.dtype == np.bool_ and cap.jobs.ndim == 1
    assert type(cap.limit) is int and 0 <= cap.limit <= MAX_INDEX
    p = attempt("Problem", Problem.from_dense, np.ones((2, len(cap.jobs))), caps=[cap])
    assert p is not REFUSED
    solves(p)


@given(st.sampled_from([-1, 2**31, 2**63, 1.5, True, None, "1", float("nan")]))
def test_cap_plainly_invalid(limit):
    refused("Cap", Cap, "c", [True], limit)
