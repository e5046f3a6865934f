"""Hostile input for custom components: ``components.register``, then the scoring functions that run them.

One component function (a table lookup by origin and region) serves every example, so the kernels' copies
compile once per mode (checked, unchecked); hypothesis draws the table (its shape and values: NaN, inf, out of
[0, 1]), the weights, the market and the pair.  Whether an input is valid is decided here, from the formula:
a table too small for a feasible pair's codes, or a bad value there, must be refused with ``ValidationError``
(for breakdown, also at the pair asked for); anything else must be accepted and equal the numpy reference.
"""

from __future__ import annotations

import numba
import numpy as np
from _tally import REFUSED, attempt, refused
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import reference
from jobmatch import CandidateGraph, Policy, breakdown, candidates, score_matrix
from jobmatch.components import COMPONENTS, JOB_FIELDS, WORKER_FIELDS, register, registered, unregister
from jobmatch.scoring import pair_components
from strategies import markets


@numba.njit
def lookup(worker, job, table):
    return table[int(worker[0]), int(job[0])]


@numba.njit
def constant(worker, job, table):
    return 0.5


VALUES = st.one_of(
    st.floats(0, 1),
    st.sampled_from([np.nan, np.inf, -np.inf, -0.5, 1.0000001, 2.0, -0.0, 1e308, 5e-324]),
)
HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.binary(max_size=5),
    st.just(np.uint64(2**64 - 1)),
    st.just(np.array([2**63], dtype=np.uint64)),
    st.lists(st.integers(), max_size=3),
    st.recursive(st.just([]), lambda inner: st.lists(inner, max_size=2), max_leaves=30),
)


def fields_ok(names, allowed):
    return isinstance(names, list) and all(isinstance(f, str) and f in allowed for f in names)


def clean():
    for name in registered():
        unregister(name)


# ----------------------------------------------------------------------------- register, hostile arguments


def sometimes(valid, hostile):
    """Mostly a valid value (so that whole registrations are valid often enough), else a hostile one."""
    return st.integers(0, 3).flatmap(lambda k: hostile if k == 0 else valid)  # one_of would flatten hostile


@settings(max_examples=150)
@given(
    name=sometimes(st.sampled_from(["fz", "方言"]), st.one_of(st.sampled_from([*COMPONENTS, "", "  "]), HOSTILE)),
    fn=sometimes(st.sampled_from([lookup, constant]), st.one_of(st.sampled_from([lambda w, j, t: 0.5, len]), HOSTILE)),
    worker=sometimes(
        st.lists(st.sampled_from(WORKER_FIELDS), max_size=3),
        st.one_of(st.lists(st.sampled_from(["skills", "nope", ""]), min_size=1, max_size=2), HOSTILE),
    ),
    job=sometimes(
        st.lists(st.sampled_from(JOB_FIELDS), max_size=3),
        st.one_of(st.lists(st.sampled_from(["requires", "泰安"]), min_size=1, max_size=2), HOSTILE),
    ),
    data=sometimes(
        st.one_of(st.none(), arrays(np.float64, st.tuples(st.integers(0, 3), st.integers(0, 3)), elements=VALUES)),
        st.one_of(
            arrays(np.float64, st.integers(0, 3)),
            arrays(np.float64, st.tuples(st.integers(1, 2), st.integers(1, 2), st.integers(1, 2))),
            st.just(np.array([["a", "b"]])),
            st.just([[1.0, 2.0], [3.0]]),
            st.just([[2**70]]),
            HOSTILE,
        ),
    ),
    checked=sometimes(st.one_of(st.booleans(), st.just(np.bool_(False))), HOSTILE),
)
def test_register(name, fn, worker, job, data, checked):
    out = attempt("components.register", register, name, fn, worker=worker, job=job, data=data, checked=checked)
    plainly_invalid = (
        not isinstance(name, str)
        or name.strip() == ""
        or name in COMPONENTS
        or not hasattr(fn, "py_func")
        or not isinstance(checked, (bool, np.bool_))
        or not fields_ok(worker, WORKER_FIELDS)
        or not fields_ok(job, JOB_FIELDS)
        or (isinstance(data, np.ndarray) and (data.ndim != 2 or data.dtype.kind not in "iufb"))
        or isinstance(data, (str, bytes, int, float, np.integer))
    )
    if plainly_invalid:
        refused("components.register", register, name, fn, worker=worker, job=job, data=data, checked=checked)
    if out is not REFUSED:
        assert out.name == name and out.checked == bool(checked) and out.data.ndim == 2
        assert out.data.dtype == np.float64 and set(out.worker) <= set(WORKER_FIELDS)
    clean()


# ----------------------------------------------------------------------------- the component in the kernels


def bad_pairs(market, table):
    """Pairs (origin, region) that index outside the table or read a value that is not in [0, 1]."""
    o, r = market.workers.origin[:, None], market.jobs.region[None, :]
    outside = (o >= table.shape[0]) | (r >= table.shape[1])
    value = table[np.minimum(o, table.shape[0] - 1), np.minimum(r, table.shape[1] - 1)] if table.size else 0.0
    return outside | ~((value >= 0) & (value <= 1)), np.where(outside, 0.0, value)


@st.composite
def cases(draw):
    market = draw(markets(max_workers=8, max_jobs=6, max_programs=0).filter(lambda m: m.n_workers and m.n_jobs))
    n = len(market.vocab.place)
    checked = draw(st.sampled_from([True, True, True, False]))
    low = n if not checked else 0  # unchecked: the table covers every code (else undefined behaviour, by contract)
    shape = (draw(st.integers(low, n + 1)), draw(st.integers(low, n + 1)))
    table = draw(arrays(np.float64, shape, elements=st.one_of(st.floats(0, 1), VALUES)))
    hard = draw(st.frozensets(st.sampled_from(COMPONENTS)))
    weights = {"fz": draw(st.floats(0.1, 5)), **draw(st.dictionaries(st.sampled_from(COMPONENTS), st.floats(0, 3)))}
    return market, table, checked, hard, weights


@settings(max_examples=80)
@given(cases(), st.data())
def test_component_in_every_kernel(case, data):
    market, table, checked, hard, weights = case
    register("fz", lookup, worker=("origin",), job=("region",), data=table, checked=checked)
    try:
        policy = Policy(weights=weights, hard=hard)
        bad, value = bad_pairs(market, table)
        feasible = np.isfinite(score_matrix(market, Policy(hard=hard)))  # hard filters decide, not weights
        invalid = bool((bad & feasible).any())
        n, m = market.n_workers, market.n_jobs  # both at least 1

        want = None if invalid else reference.score_matrix(market, policy, {"fz": value})
        # Each set of component functions compiles the kernels' copies (seconds each): checked, the dense and top-k
        # kernels run here; unchecked, breakdown's.  pair_components' copy is in tests/test_reliability_scoring.py.
        if checked:
            got = (refused if invalid else attempt)("score_matrix", score_matrix, market, policy)
            graph = (refused if invalid else attempt)("candidates", candidates, market, policy, 3)
            if want is not None:
                np.testing.assert_array_equal(np.isfinite(got), np.isfinite(want))
                np.testing.assert_allclose(got[np.isfinite(got)], want[np.isfinite(want)], rtol=1e-6, atol=1e-6)
                assert graph == CandidateGraph.from_dense(got, k=3)
        i, j = data.draw(st.integers(0, n - 1)), data.draw(st.integers(0, m - 1))
        wrong = bool((bad[i] & feasible[i]).any() or bad[i, j])  # the kernels score worker i's whole row
        b = (refused if wrong else attempt)("breakdown", breakdown, market, policy, i, j)
        if not wrong:
            assert b["components"]["fz"] == value[i, j]
            if want is not None:
                np.testing.assert_allclose(b["score"], want[i, j], rtol=1e-6, atol=1e-6)
    finally:
        clean()


# ----------------------------------------------------------------------------- positions, hostile


@settings(max_examples=150)
@given(markets(max_workers=5, max_jobs=4, max_programs=0), HOSTILE, st.integers(-10, 10))
def test_breakdown_positions(market, hostile, position):
    for worker in (hostile, position):
        out = attempt("breakdown", breakdown, market, None, worker, 0)
        wrong = not isinstance(worker, (int, str)) or isinstance(worker, bool)
        wrong |= isinstance(worker, int) and not 0 <= worker < market.n_workers
        wrong |= market.n_jobs == 0
        if wrong:
            refused("breakdown", breakdown, market, None, worker, 0)
        if out is not REFUSED:
            assert out["worker"] == market.workers.ids[market.worker_index(worker)]


@settings(max_examples=150)
@given(
    markets(max_workers=5, max_jobs=4, max_programs=0),
    st.one_of(
        arrays(st.sampled_from([np.int64, np.int32, np.uint64, np.float64, np.bool_]), st.integers(0, 4)),
        HOSTILE,
    ),
)
def test_pair_components_positions(market, workers):
    jobs = np.zeros(np.size(workers) if isinstance(workers, np.ndarray) else 1, dtype=np.int64)
    out = attempt("pair_components", pair_components, market, None, workers, jobs)
    array = workers if isinstance(workers, np.ndarray) else None
    wrong = array is None or array.dtype.kind not in "iu"
    if array is not None and array.size and array.dtype.kind in "iu":
        wrong = wrong or int(array.min()) < 0 or int(array.max()) >= market.n_workers or market.n_jobs == 0
    if array is not None and array.size == 0:
        wrong = False
    if wrong and array is not None:
        refused("pair_components", pair_components, market, None, workers, jobs)
    if out is not REFUSED:
        scores, parts = out
        assert scores.shape == (len(jobs),) and parts.shape == (len(jobs), 6)
