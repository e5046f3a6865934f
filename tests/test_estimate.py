"""Candidates chosen at estimated prices (issue 30): the start changes the time, never the answer or its proof."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobmatch import Market, Policy, WarmStart, build_problem, match, score_matrix, solve, synth
from jobmatch.pipeline import estimate


def singles(n: int, m: int, seed: int) -> Market:
    """A synthetic market of one-person workers: no couple to split, so every answer is proven OPTIMAL."""
    workers, jobs, _ = synth.scenario(n, m, seed=seed).to_frames()
    workers["size"] = 1
    return Market.from_frames(workers, jobs)


@pytest.fixture
def sampled(monkeypatch):
    """The estimate on small markets (a sample of at least 5 workers, every 4th), and a count of its uses."""
    monkeypatch.setattr(estimate, "MIN_SAMPLE", 5)
    monkeypatch.setattr(estimate, "SHARE", 0.25)
    calls = []
    original = estimate.at_prices

    def counted(*args, **kwargs):
        calls.append(args[2])
        return original(*args, **kwargs)

    monkeypatch.setattr("jobmatch.pipeline.match.at_prices", counted)
    return calls


@settings(max_examples=15, deadline=None)
@given(st.integers(40, 120), st.integers(3, 12), st.integers(0, 10_000), st.sampled_from([1, 2, 5]))
def test_the_answer_at_estimated_prices_is_the_optimum_over_every_feasible_pair(n, m, seed, k):
    """Whatever the estimate, the whole-market answer equals a solve over every feasible pair (k = all jobs),
    and its prices prove it: recomputed here from the dense score matrix."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(estimate, "MIN_SAMPLE", 5)
        patch.setattr(estimate, "SHARE", 0.25)
        market = singles(n, m, seed)
        placed = match(market, k=k, training=False, scope="market")
    full = solve(build_problem(market, k=m), solver="flow")
    slack = 2e-6 * max(n, 1)  # each solver is optimal up to rounding the values to six digits, 0.5e-6 a worker
    assert placed.proven_over == "market" and placed.status.name == "OPTIMAL"
    assert placed.objective == pytest.approx(full.objective, abs=slack)
    scores = score_matrix(market).astype(np.float64)
    feasible = np.isfinite(scores)
    duals = placed.duals
    assert duals is not None
    reduced = np.where(feasible, scores - duals.prices[None, :], -np.inf)
    assert np.all(reduced.max(axis=1, initial=0.0) <= duals.surplus + slack)  # no pair anywhere pays more
    proven = market.jobs.capacity @ duals.prices + duals.surplus.sum() + duals.rounding
    assert proven - slack <= placed.bound <= proven + slack  # widened by the rounding allowance, at most


def test_the_estimate_changes_the_time_not_the_answer(sampled):
    market = singles(400, 15, seed=3)
    priced = match(market, k=3, training=False, scope="market")
    assert len(sampled) == 1 and sampled[0].shape == (15,)  # the candidates were chosen at estimated prices
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(estimate, "MIN_SAMPLE", 10**9)  # no estimate: the top 3 by score
        plain = match(market, k=3, training=False, scope="market")
    assert len(sampled) == 1
    assert priced.objective == pytest.approx(plain.objective, abs=1e-6 * 400)
    assert priced.bound == pytest.approx(plain.bound, abs=1e-6 * 400)
    again = match(market, k=3, training=False, scope="market")
    assert np.array_equal(again.job_of, priced.job_of)  # the same market gives the same sample and answer


def test_an_earlier_answers_prices_are_used_without_a_sample(sampled, monkeypatch):
    market = singles(400, 15, seed=4)
    before = match(market, k=3, training=False, scope="market")

    def no_sample(*args, **kwargs):
        raise AssertionError("a sample was solved although the warm start has prices")

    monkeypatch.setattr("jobmatch.pipeline.match.sample_prices", no_sample)
    after = match(market, k=3, training=False, scope="market", warm=WarmStart.of(before))
    assert np.array_equal(sampled[-1], before.prices)
    assert after.objective == pytest.approx(before.objective, abs=1e-6 * 400)


def test_no_estimate_where_the_passes_cannot_widen_and_a_warning_says_why(sampled):
    """Quotas, caps, outside scores, training or the candidates' scope keep the top ``k`` by score; asked for
    the whole market, ``match`` says why its proof covers the candidates only."""
    import warnings

    from jobmatch import GroupQuota
    from jobmatch.exceptions import ScopeWarning

    market = singles(300, 12, seed=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScopeWarning)
        assert match(market, k=3, training=False, scope="candidates").proven_over == "candidates"
        assert match(market, k=3, training=False, scope="market").proven_over == "market"
    quota = Policy(quotas=[GroupQuota("poverty_alleviated", min_share=0.3)])
    with pytest.warns(ScopeWarning, match="multipliers of quotas and caps"):
        assert match(market, quota, k=3, training=False, scope="market").proven_over == "candidates"
    with pytest.warns(ScopeWarning, match="solver 'flow' returns no prices"):
        match(market, k=3, training=False, scope="market", solver="flow")  # no prices: nothing to estimate with
    assert len(sampled) == 1  # the plain whole-market run only
