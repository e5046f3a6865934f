"""Scoring kernels against the numpy reference; candidates, breakdowns and their invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reference
from jobmatch import (
    CandidateGraph,
    Job,
    Market,
    Policy,
    ValidationError,
    Worker,
    breakdown,
    candidates,
    score_matrix,
    synth,
)
from jobmatch.policy import COMPONENTS
from strategies import markets, policies

TOL = dict(rtol=1e-6, atol=1e-6)


def assert_scores_match(got: np.ndarray, want: np.ndarray) -> None:
    assert got.dtype == np.float32 and got.shape == want.shape
    assert np.array_equal(np.isfinite(got), np.isfinite(want)), "feasibility differs from the reference"
    finite = np.isfinite(want)
    np.testing.assert_allclose(got[finite], want[finite], **TOL)


@given(markets(max_workers=10, max_jobs=8), policies())
def test_dense_kernel_equals_reference(market, policy):
    assert_scores_match(score_matrix(market, policy), reference.score_matrix(market, policy))


@given(markets(max_workers=10, max_jobs=8), policies(), st.integers(1, 6), st.sampled_from(["worker", "job"]))
def test_candidates_equal_stable_argsort_of_scores(market, policy, k, side):
    dense = score_matrix(market, policy)
    graph = candidates(market, policy, k, side=side, block=3)
    assert graph == CandidateGraph.from_dense(dense, k=k, side=side)
    want = reference.top_k(reference.score_matrix(market, policy), k, side)
    for r, row in enumerate(want):
        indices, scores = graph.row(r)
        assert indices.tolist() == [t for t, _ in row] or _tied_reorder_only(indices, scores, row)
        np.testing.assert_allclose(scores, [s for _, s in row], **TOL)


def _tied_reorder_only(indices, scores, row) -> bool:
    """Scores within 1e-6 of each other may order differently from the reference's float rounding."""
    ref = np.array([s for _, s in row])
    return len(indices) == len(row) and np.allclose(np.sort(scores), np.sort(ref), **TOL)


@given(markets(max_workers=8, max_jobs=6), policies())
def test_no_infeasible_pair_in_a_candidate_graph(market, policy):
    feasible = np.isfinite(reference.score_matrix(market, policy))
    for side in ("worker", "job"):
        graph = candidates(market, policy, k=50, side=side)
        rows = np.repeat(np.arange(graph.n_rows), np.diff(graph.indptr))
        pairs = (rows, graph.indices) if side == "worker" else (graph.indices, rows)
        assert feasible[pairs].all()
        assert graph.nnz == feasible.sum()  # k=50 exceeds every row's length: all feasible pairs kept
    assert candidates(market, policy, k=max(market.n_jobs, 1)).nnz == feasible.sum()


@given(markets(max_workers=6, max_jobs=5), policies(), st.data())
def test_breakdown_recombines_to_the_score(market, policy, data):
    if market.n_workers == 0 or market.n_jobs == 0:
        return
    i = data.draw(st.integers(0, market.n_workers - 1))
    j = data.draw(st.integers(0, market.n_jobs - 1))
    b = breakdown(market, policy, market.workers.ids[i], market.jobs.ids[j])
    dense = score_matrix(market, policy)
    ref = reference.components(market, policy)
    for name in COMPONENTS:
        assert 0.0 <= b["components"][name] <= 1.0
        np.testing.assert_allclose(b["components"][name], ref["values"][name][i, j], **TOL)
        assert (name in b["unmet"]) == bool(ref["unmet"][name][i, j])
    assert b["failed"] == [name for name, mask in ref["failed"].items() if mask[i, j]]
    assert b["feasible"] == np.isfinite(dense[i, j])
    assert b["score"] == float(dense[i, j])
    if b["feasible"]:
        assert b["composite"] == b["score"]
    weights = np.array([policy.weights[c] for c in COMPONENTS])
    mean = sum(w * b["components"][c] for w, c in zip(weights / weights.sum(), COMPONENTS))
    np.testing.assert_allclose(b["composite"], mean, **TOL)


def test_edge_markets():
    worker = Worker(id="W", origin="巫溪", min_wage=4000, skills={})
    job = Job(id="J", employer="E", region="泰安", capacity=0, wage=5000)
    # One worker, one zero-capacity job: infeasible, so no candidate.
    market = Market([worker], [job])
    assert score_matrix(market)[0, 0] == -np.inf
    assert candidates(market).nnz == 0 and candidates(market, side="job").nnz == 0
    # Empty markets in every direction.
    for w, j in (([], []), ([worker], []), ([], [job])):
        m = Market(w, j)
        assert score_matrix(m).shape == (len(w), len(j))
        graph = candidates(m)
        assert graph.nnz == 0 and graph.n_rows == len(w)
        assert candidates(m, side="job").n_rows == len(j)


def test_tiny_and_zero_wage_floors():
    workers = [Worker(id=f"W{k}", origin="巫溪", min_wage=floor) for k, floor in enumerate((0.0, 5e-324, 1e-300))]
    jobs = [Job(id=f"J{k}", employer="E", region="泰安", capacity=1, wage=pay) for k, pay in enumerate((0.0, 1.0))]
    market = Market(workers, jobs)
    policy = Policy(hard=set())
    got = score_matrix(market, policy)
    assert not np.isnan(got).any()
    assert_scores_match(got, reference.score_matrix(market, policy))
    assert breakdown(market, policy, "W1", "J0")["components"]["wage"] == 0.0
    assert breakdown(market, policy, "W0", "J0")["components"]["wage"] == 1.0


def test_all_infeasible_worker_has_an_empty_row():
    market = synth.scenario(300, 40, seed=4)
    wants_everything = Worker(id="挑剔", origin="巫溪", min_wage=9_000_000, skills={})
    rebuilt = Market(
        [wants_everything, *[market.worker(i) for i in range(50)]], [market.job(j) for j in range(market.n_jobs)]
    )
    graph = candidates(rebuilt, k=5)
    assert graph.indptr[1] == 0
    assert np.isinf(score_matrix(rebuilt)[0]).all()


def test_hard_and_soft_filters_and_strict_diets():
    halal = Worker(id="W", origin="巫溪", min_wage=3000, diet={"halal", "rice"}, needs_heating=True)
    cold_rice = Job(id="J1", employer="E", region="泰安", capacity=3, wage=4000, canteen={"rice"})
    warm_halal = Job(
        id="J2", employer="E", region="泰安", capacity=3, wage=4000, canteen={"rice", "halal"}, heated_dorm=True
    )
    market = Market([halal], [cold_rice, warm_halal])
    default = score_matrix(market, Policy())
    assert default[0, 0] == -np.inf and np.isfinite(default[0, 1])  # halal is strict by default
    lenient = score_matrix(market, Policy(strict_diets=set()))
    assert np.isfinite(lenient[0, 0]) and lenient[0, 0] < lenient[0, 1]
    strict_climate = score_matrix(market, Policy(strict_diets=set(), hard={"skill", "wage", "climate"}))
    assert strict_climate[0, 0] == -np.inf
    assert breakdown(market, Policy(), "W", "J1")["failed"] == ["strict_diet"]


def test_weights_change_the_ranking():
    worker = Worker(id="W", origin="巫溪", min_wage=4000, needs_heating=True, diet={"sichuan"})
    rich_cold = Job(id="rich", employer="E", region="泰安", capacity=1, wage=7000)
    poor_warm = Job(
        id="warm", employer="E", region="泰安", capacity=1, wage=4000, heated_dorm=True, canteen={"sichuan"}
    )
    market = Market([worker], [rich_cold, poor_warm])
    money = candidates(market, Policy(weights={"wage": 10, "climate": 0, "diet": 0}))
    comfort = candidates(market, Policy(weights={"wage": 0.1, "climate": 5, "diet": 5}))
    assert money.row(0)[0].tolist() == [0, 1] and comfort.row(0)[0].tolist() == [1, 0]


def test_worker_slices_concatenate_to_the_whole():
    market = synth.scenario(1_000, 60, seed=9)
    whole = candidates(market, k=7)
    parts = [candidates(market.worker_slice(a, b), k=7) for a, b in ((0, 333), (333, 334), (334, 1000))]
    assert CandidateGraph.concat(parts) == whole


def test_deterministic_and_ties_to_lower_index():
    market = synth.scenario(2_000, 150, seed=3)
    a, b = candidates(market, k=10), candidates(market, k=10)
    assert a == b
    dense = score_matrix(market)
    for r in range(0, 2000, 97):
        idx, sc = a.row(r)
        for t in range(len(idx) - 1):
            assert sc[t] > sc[t + 1] or (sc[t] == sc[t + 1] and idx[t] < idx[t + 1])
        np.testing.assert_array_equal(sc, dense[r, idx])


@settings(max_examples=5, deadline=None)
@given(st.integers(0, 10_000))
def test_synthetic_markets_match_reference(seed):
    market = synth.scenario(150, 40, 3, seed=seed)
    for policy in (Policy(), Policy(hard=set(), strict_diets=set()), Policy(hard=set(COMPONENTS))):
        assert_scores_match(score_matrix(market, policy), reference.score_matrix(market, policy))


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda m: score_matrix("market"), "market"),
        (lambda m: score_matrix(m, {"hard": []}), "policy"),
        (lambda m: candidates(m, k=0), "k"),
        (lambda m: candidates(m, k=2.5), "k"),
        (lambda m: candidates(m, side="both"), "side"),
        (lambda m: candidates(m, block=0), "block"),
        (lambda m: breakdown(m, None, "nobody", 0), "id"),
        (lambda m: breakdown(m, None, 0, 99), "position"),
        (lambda m: score_matrix(m, max_bytes=10), "market size"),
    ],
)
def test_bad_arguments_raise_validation_error(call, field):
    market = synth.scenario(20, 5, seed=0)
    with pytest.raises(ValidationError) as caught:
        call(market)
    assert caught.value.field == field


@given(markets(max_workers=8, max_jobs=6), policies(), st.data())
def test_pair_components_kernel_equals_the_reference(market, policy, data):
    from jobmatch.scoring import pair_components

    if market.n_workers == 0 or market.n_jobs == 0:
        return
    size = data.draw(st.integers(0, 12))
    positions = st.lists(st.integers(0, market.n_workers - 1), min_size=size, max_size=size)
    workers = np.array(data.draw(positions), dtype=np.int64)
    jobs = np.array(
        data.draw(st.lists(st.integers(0, market.n_jobs - 1), min_size=size, max_size=size)), dtype=np.int64
    )
    scores, parts = pair_components(market, policy, workers, jobs)
    ref = reference.components(market, policy)
    dense = score_matrix(market, policy)
    np.testing.assert_array_equal(scores, dense[workers, jobs].reshape(-1))
    for c, name in enumerate(COMPONENTS):
        np.testing.assert_allclose(parts[:, c], ref["values"][name][workers, jobs].reshape(-1), **TOL)
    # Grouped by worker, consecutive pairs share the worker's row: the same answers.
    order = np.argsort(workers, kind="stable")
    grouped_scores, grouped_parts = pair_components(market, policy, workers[order], jobs[order])
    np.testing.assert_array_equal(grouped_scores, scores[order])
    np.testing.assert_array_equal(grouped_parts, parts[order])


def test_pair_components_bad_positions():
    from jobmatch.scoring import pair_components

    market = synth.scenario(20, 3, seed=0)
    with pytest.raises(ValidationError, match=r"positions in 0\.\.19"):
        pair_components(market, None, np.array([20]), np.array([0]))
    with pytest.raises(ValidationError, match="one length"):
        pair_components(market, None, np.array([0, 1]), np.array([0]))


@given(markets(max_workers=10, max_jobs=8), policies(), st.integers(1, 6), st.data())
def test_priced_candidates_equal_the_numpy_pricing_pass(market, policy, k, data):
    """The pricing kernel takes each worker's best pairs by score minus price above its floor (its surplus)."""
    from jobmatch.scoring.scores import priced_candidates

    m, n = market.n_jobs, market.n_workers
    prices = np.array(data.draw(st.lists(st.sampled_from([0.0, 0.1, 0.25, 0.5, 2.0]), min_size=m, max_size=m)))
    floor = np.array(data.draw(st.lists(st.sampled_from([0.0, 0.05, 0.3, -1.0]), min_size=n, max_size=n)))
    graph = priced_candidates(market, policy, prices, floor, k=k)
    dense = score_matrix(market, policy)
    want = reference.priced_top_k(dense, market.workers.size.astype(float), prices, floor, k)
    for r, row in enumerate(want):
        indices, scores = graph.row(r)
        assert indices.tolist() == [j for j, _ in row]
        assert scores.tolist() == [s for _, s in row]
    if n and m:
        with pytest.raises(ValidationError, match="prices"):
            priced_candidates(market, policy, prices[:-1], floor)
        with pytest.raises(ValidationError, match="surplus"):
            priced_candidates(market, policy, prices, np.full(n, np.nan))
