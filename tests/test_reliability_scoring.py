"""Issue 15, scoring: custom components checked (case 3), weights that overflow (case 7), positions in range.

Component functions are module-level, so each set of them compiles the kernels' copies once for the file.
"""

from __future__ import annotations

import numba
import numpy as np
import pytest

from jobmatch import CandidateGraph, Policy, ValidationError, breakdown, candidates, match, score_matrix, synth
from jobmatch.blend import Blend, PairScores, blend_candidates, blended
from jobmatch.components import register, registered, unregister
from jobmatch.policy import COMPONENTS
from jobmatch.scoring import pair_components
from jobmatch.scoring.scores import filter_failures


@numba.njit
def lookup(worker, job, table):
    """The table at (the worker's origin, the job's region)."""
    return table[int(worker[0]), int(job[0])]


@numba.njit
def divide(worker, job, table):
    """1 / the worker's origin code: a division by zero for code 0 (numba's default error model raises)."""
    return 1.0 / worker[0]


@numba.njit
def two_arguments(worker, job):
    return 0.5


@pytest.fixture(autouse=True)
def clean_registry():
    yield
    for name in registered():
        unregister(name)


@pytest.fixture(scope="module")
def market():
    return synth.scenario(60, 12, seed=1)


def places(market):
    return len(market.vocab.place)


def first_bad_pair(market, bad):
    """The pair the error names: the first worker with a feasible pair the component fails on, and its first bad job.

    The kernels evaluate components on feasible pairs only (custom components never filter, so feasibility is the
    built-in score's); the error then scans the worker's jobs in order.
    """
    feasible = np.isfinite(score_matrix(market, Policy()))
    i = int(np.flatnonzero((feasible & bad).any(axis=1))[0])
    j = int(np.flatnonzero(bad[i])[0])
    return market.workers.ids[i], market.jobs.ids[j]


def out_of(market, rows, cols):
    """Pairs whose (origin, region) fall outside a rows x cols table."""
    return (market.workers.origin[:, None] >= rows) | (market.jobs.region[None, :] >= cols)


# ----------------------------------------------------------------------------- case 3: out of bounds


def test_the_issue_component_indexing_a_billion_rows_past_its_table_is_an_error_not_a_segfault(market):
    fn = numba.njit(lambda w, j, t: t[int(w[0]) + 10**9, 0])
    register("x", fn, worker=("origin",), job=("region",), data=np.ones((2, 2)))
    worker, job = first_bad_pair(market, np.ones((market.n_workers, market.n_jobs), dtype=bool))  # every pair fails
    with pytest.raises(
        ValidationError,
        match=rf"^component 'x': fn must be a numba function fn\(worker, job, data\) returning a number for every "
        rf"pair, got IndexError: index is out of bounds \(worker '{worker}', job '{job}'\)$",
    ):
        candidates(market, Policy(weights={"x": 1.0}))


def test_a_table_too_small_is_an_error_in_every_kernel_naming_the_first_pair(market):
    register("lookup", lookup, worker=("origin",), job=("region",), data=np.full((2, 2), 0.5))
    policy = Policy(weights={"lookup": 1.0})
    worker, job = first_bad_pair(market, out_of(market, 2, 2))
    message = rf"^component 'lookup': fn .* got IndexError: index is out of bounds \(worker '{worker}', job '{job}'\)$"
    for call in (
        lambda: candidates(market, policy, 5),
        lambda: candidates(market, policy, 5, side="job"),
        lambda: score_matrix(market, policy),
    ):
        with pytest.raises(ValidationError, match=message):
            call()
    # One worker's row: breakdown and pair_components name that worker, and its first job out of the table.
    i = market.worker_index(worker)
    j = market.jobs.ids[int(np.flatnonzero(out_of(market, 2, 2)[i])[0])]
    one = rf"IndexError: index is out of bounds \(worker '{worker}', job '{j}'\)$"
    with pytest.raises(ValidationError, match=one):
        breakdown(market, policy, i, 0)
    with pytest.raises(ValidationError, match=one):
        pair_components(market, policy, np.array([i]), np.array([0]))
    with pytest.raises(ValidationError, match=one):
        filter_failures(market, policy, i)


def test_a_checked_component_sees_its_own_table_not_the_padded_stack(market):
    """Two components' tables are stacked, padded to the largest: a checked one still cannot read the padding."""
    n = places(market)
    register("big", lookup, worker=("origin",), job=("region",), data=np.full((n, n), 0.5))
    register("small", lookup, worker=("origin",), job=("region",), data=np.full((2, 2), 0.5))
    worker, job = first_bad_pair(market, out_of(market, 2, 2))
    with pytest.raises(
        ValidationError, match=rf"^component 'small': .*IndexError.*\(worker '{worker}', job '{job}'\)$"
    ):
        score_matrix(market, Policy(weights={"big": 1.0, "small": 1.0}))


def test_an_exception_in_a_checked_component_names_it():
    market = synth.scenario(60, 12, seed=1)
    register("divide", divide, worker=("origin",))
    worker, job = first_bad_pair(market, np.repeat((market.workers.origin == 0)[:, None], market.n_jobs, axis=1))
    with pytest.raises(
        ValidationError,
        match=rf"^component 'divide': .*ZeroDivisionError: division by zero \(worker '{worker}', job '{job}'\)$",
    ):
        candidates(market, Policy(weights={"divide": 1.0}))


def test_a_function_numba_cannot_compile_is_named(market):
    register("pair", two_arguments)
    with pytest.raises(ValidationError, match=r"^component 'pair': fn must be a numba function .* got TypingError"):
        score_matrix(market, Policy(weights={"pair": 1.0}))


# ----------------------------------------------------------------------------- case 3: values outside [0, 1]


@pytest.mark.parametrize("bad", [np.nan, 2.0, -0.5, np.inf])
@pytest.mark.parametrize("checked", [True, False])
def test_a_value_outside_the_unit_interval_is_an_error_in_the_kernels_as_in_breakdown(market, bad, checked):
    n = places(market)
    table = np.full((n, n), 0.5)
    o, r = market.workers.origin[7], market.jobs.region[3]
    table[o, r] = bad
    register("lookup", lookup, worker=("origin",), job=("region",), data=table, checked=checked)
    policy = Policy(weights={"lookup": 1.0})
    worker, job = first_bad_pair(market, (market.workers.origin[:, None] == o) & (market.jobs.region[None, :] == r))
    message = (
        rf"^component 'lookup': value must be a number in \[0, 1\], got {bad!r} for worker '{worker}', job '{job}'$"
    )
    with pytest.raises(ValidationError, match=message):
        score_matrix(market, policy)
    if checked:  # the unchecked copies compile once more per kernel: one kernel is enough there
        with pytest.raises(ValidationError, match=message):
            candidates(market, policy)
        with pytest.raises(ValidationError, match=message):
            breakdown(market, policy, worker, job)


def test_unchecked_gives_the_same_scores_bit_for_bit(market):
    n = places(market)
    table = np.random.default_rng(2).random((n, n))
    register("checked", lookup, worker=("origin",), job=("region",), data=table)
    register("unchecked", lookup, worker=("origin",), job=("region",), data=table, checked=False)
    checked, unchecked = Policy(weights={"checked": 1.5}), Policy(weights={"unchecked": 1.5})
    assert np.array_equal(score_matrix(market, checked), score_matrix(market, unchecked))


@pytest.mark.parametrize("checked", ["no", 0, None, 1.0])
def test_checked_must_be_a_bool(checked):
    with pytest.raises(
        ValidationError, match=rf"^components.register: checked must be True or False, got {checked!r}$"
    ):
        register("lookup", lookup, checked=checked)


# ----------------------------------------------------------------------------- case 7: weights that overflow


def test_policy_weights_of_1e308_are_refused_not_scored_zero():
    """The Policy half (policy.py) bounds the sum of its weights: the kernels' normalisation cannot overflow."""
    with pytest.raises(ValidationError, match=r"^Policy: sum of weights must be at most 1e\+06"):
        Policy(weights={c: 1e308 for c in COMPONENTS})


def test_two_sources_at_weight_1e308_are_refused():
    with pytest.raises(
        ValidationError, match=r"^PairScores: weight must be a finite number from 0 to 1e\+06, got 1e\+308$"
    ):
        PairScores.dense(np.zeros((2, 2)), weight=1e308)
    heavy = {"a": PairScores.dense(np.zeros((2, 2)), weight=1e6), "b": PairScores.dense(np.zeros((2, 2)), weight=1e6)}
    with pytest.raises(
        ValidationError, match=r"^Blend: sum of source weights must be at most 1e\+06, .*got 2000000\.0$"
    ):
        Blend(heavy)


def test_sources_at_the_largest_weights_blend_to_their_mean(market):
    rng = np.random.default_rng(5)
    a, b = rng.random((market.n_workers, market.n_jobs)), rng.random((market.n_workers, market.n_jobs))
    blend = Blend({"a": PairScores.dense(a, weight=5e5), "b": PairScores.dense(b, weight=5e5)})
    # The policy's weights (a few units) are 1e-5 of the sources': the blend is nearly the sources' mean.
    total = sum(Policy().weights.values())
    built_in = score_matrix(market, Policy()).astype(np.float64)
    want = ((total * built_in + 5e5 * a + 5e5 * b) / (total + 1e6)).astype(np.float32)
    got, expected = blend_candidates(market, Policy(), 4, blend), CandidateGraph.from_dense(want, k=4)
    assert np.array_equal(got.indptr, expected.indptr) and np.array_equal(got.indices, expected.indices)
    np.testing.assert_allclose(got.scores, expected.scores, rtol=1e-6)
    placed = match(market, k=4, blend=blend)
    assert placed.status.name == "OPTIMAL" and (placed.job_of >= 0).sum() > 0 and placed.objective > 0


@pytest.mark.parametrize("weight", [float("inf"), float("nan"), -1.0, 1e6 + 1])
def test_a_source_weight_must_be_finite_and_at_most_the_policy_maximum(weight):
    with pytest.raises(ValidationError, match=r"^PairScores: weight must be a finite number from 0 to 1e\+06, got "):
        PairScores.dense(np.zeros((2, 2)), weight=weight)


# ----------------------------------------------------------------------------- positions in range


@pytest.mark.parametrize("position", [-1, -60, 60, 2**70, 1.0, True])
def test_breakdown_positions_are_from_zero_never_wrapped(market, position):
    with pytest.raises(
        ValidationError, match=r"^Worker: position must be an id or a position (from 0 to 59|below 60), got "
    ):
        breakdown(market, None, position, 0)
    with pytest.raises(
        ValidationError, match=r"^Job: position must be an id or a position (from 0 to 11|below 12), got "
    ):
        breakdown(market, None, 0, position)
    with pytest.raises(ValidationError, match=r"^Worker: position must be"):
        filter_failures(market, None, position)


def test_breakdown_of_the_issue():
    market = synth.scenario(20, 5, seed=0)
    with pytest.raises(ValidationError, match=r"^Worker: position must be an id or a position from 0 to 19, got -1$"):
        breakdown(market, Policy(), -1, 0)
    assert breakdown(market, Policy(), 19, 0)["worker"] == market.workers.ids[19]


@pytest.mark.parametrize(
    ("workers", "message"),
    [
        (np.array([-1]), r"workers must be integer positions in 0\.\.59, got -1$"),
        (np.array([0.0]), r"workers must be integer positions, got dtype float64$"),
        (np.array([2**63], dtype=np.uint64), r"workers must be integer positions in 0\.\.59, got 9223372036854775808$"),
        ([2**70], r"workers must be integer positions, got dtype object$"),
        (np.array([[0]]), r"workers must be a 1-d array of integer positions, got 2-d$"),
        (np.array([True]), r"workers must be integer positions, got dtype bool$"),
    ],
)
def test_pair_positions_are_integers_in_range(market, workers, message):
    with pytest.raises(ValidationError, match="^pair_components: " + message):
        pair_components(market, None, workers, np.zeros(np.shape(workers), dtype=np.int64).reshape(-1))
    source = PairScores.dense(np.zeros((market.n_workers, market.n_jobs)))
    with pytest.raises(ValidationError, match="^PairScores 's': " + message):
        source.at(market, workers, np.zeros(np.shape(workers), dtype=np.int64).reshape(-1), name="s")


def test_pair_scores_built_directly_are_checked():
    with pytest.raises(ValidationError, match=r"^PairScores: kind must be one of \['dense', 'graph', 'function'\]"):
        PairScores("weird", np.zeros((2, 2)))
    with pytest.raises(
        ValidationError,
        match=r"^PairScores: data must be a callable fn\(workers, jobs\) for kind 'function', got 'int'$",
    ):
        PairScores("function", 3)


def test_blended_checks_its_arguments(market):
    blend = Blend({"a": PairScores.function(lambda w, j: np.zeros(len(w)))})
    with pytest.raises(
        ValidationError, match=r"^blended: composite must be 2 numbers \(one per pair\), got shape \(3,\)"
    ):
        blended(market, Policy(), blend, np.array([0, 1]), np.array([0, 1]), np.zeros(3))
    with pytest.raises(ValidationError, match=r"^blended: policy must be a jobmatch.Policy, got 'NoneType'$"):
        blended(market, None, blend, np.array([0]), np.array([0]), np.zeros(1))
    with pytest.raises(ValidationError, match=r"^blend_candidates: market must be a jobmatch.Market, got 'str'$"):
        blend_candidates("market", None, 2, blend)
