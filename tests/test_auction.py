"""The auction solver: exact against OR-Tools flow and scipy's milp, certificates recomputed in numpy, warm starts,
determinism, time limits, and its kernels against plain-numpy references."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import LinearConstraint, milp

import reference
from jobmatch import Policy, Problem, Status, ValidationError, WarmStart, build_problem, match, solve, synth
from jobmatch.solvers import Certificate, _auction, auction
from jobmatch.solvers.problem import GroupBound


@st.composite
def problems(draw, *, sizes=False, must_place=None):
    """Random problems of the auction's shape: integer or float values (ties, negatives), zero capacities, workers
    without arcs, jobs nobody wants, capacity above demand and far below it; couples when ``sizes``."""
    n, m = draw(st.integers(0, 25)), draw(st.integers(1, 7))
    density = draw(st.sampled_from([0.1, 0.4, 1.0]))
    mask = np.array(draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m)), dtype=bool).reshape(n, m)
    if density < 1.0:
        mask &= np.array(draw(st.lists(st.floats(0, 1), min_size=n * m, max_size=n * m))).reshape(n, m) < density
    workers, jobs = np.nonzero(mask)
    kind = draw(st.sampled_from(["small", "ties", "float", "wide"]))
    if kind == "small":
        values = draw(st.lists(st.integers(-3, 9), min_size=len(jobs), max_size=len(jobs)))
    elif kind == "ties":
        values = [draw(st.sampled_from([1.0, 2.0]))] * len(jobs)
    elif kind == "float":
        values = draw(st.lists(st.floats(-1, 1).map(lambda v: round(v, 6)), min_size=len(jobs), max_size=len(jobs)))
    else:
        values = draw(st.lists(st.integers(-(10**6), 10**6), min_size=len(jobs), max_size=len(jobs)))
    capacity = draw(st.lists(st.sampled_from([0, 1, 1, 2, 3, 50]), min_size=m, max_size=m))
    size = np.array(draw(st.lists(st.sampled_from([1, 1, 2]), min_size=n, max_size=n)) if sizes else [1] * n)
    return Problem.from_arcs(
        workers,
        jobs,
        np.array(values, dtype=np.float64),
        n_workers=n,
        n_jobs=m,
        capacity=capacity,
        use=size[workers],
        people=size,
        maximize=draw(st.booleans()),
        must_place=draw(st.booleans()) if must_place is None else must_place,
    )


def by_milp(problem: Problem) -> float | None:
    """The optimum by HiGHS (None: infeasible)."""
    if problem.n_arcs == 0:
        return None if problem.must_place and problem.n_workers else 0.0
    n, m = problem.n_workers, problem.n_jobs
    rows = np.zeros((n + m, problem.n_arcs))
    rows[problem.workers, np.arange(problem.n_arcs)] = 1
    rows[n + problem.jobs, np.arange(problem.n_arcs)] = problem.use
    low = np.r_[np.full(n, 1.0 if problem.must_place else 0.0), np.full(m, -np.inf)]
    high = np.r_[np.ones(n), problem.capacity]
    res = milp(
        (-1 if problem.maximize else 1) * problem.values,
        constraints=LinearConstraint(rows, low, high),
        integrality=np.ones(problem.n_arcs),
        bounds=(0, 1),
        options={"mip_rel_gap": 0.0},
    )
    if res.status == 2:
        return None
    assert res.status == 0, res.message
    return float(problem.values @ np.round(res.x))


def tolerance(problem: Problem) -> float:
    """One unit of the six-digit integer values per worker, and float rounding."""
    return 1e-6 * (problem.n_workers + 1) + 1e-9 * float(np.abs(problem.values).sum())


def certifies(problem: Problem, result) -> None:
    """The prices prove the bound: D(prices), recomputed in numpy on the real values, is at least the optimum; for
    OPTIMAL it meets the objective; the reported bound and surplus agree with it."""
    sign = 1.0 if problem.maximize else -1.0
    assert result.prices is not None and result.prices.shape == (problem.n_jobs,)
    assert np.all(result.prices >= 0) and np.all(np.isfinite(result.prices))
    d = reference.auction_dual_bound(problem, result.prices)
    assert sign * (d - result.objective) >= -tolerance(problem)
    assert result.bound == pytest.approx(d, abs=tolerance(problem))
    assert float(problem.capacity @ result.prices) + result.surplus.sum() == pytest.approx(
        sign * d, abs=tolerance(problem)
    )  # in the maximisation's terms
    duals = result.duals
    documented = sign * (math.fsum(problem.capacity * duals.prices) + math.fsum(duals.surplus) + duals.rounding)
    assert result.bound == pytest.approx(documented, rel=1e-12, abs=1e-9)  # Duals.rounding's formula, exactly
    if result.status is Status.OPTIMAL:
        assert abs(d - result.objective) <= tolerance(problem)


@settings(max_examples=300)
@given(problems())
def test_equal_optimum_to_flow_and_milp_with_a_certificate(problem):
    flow = solve(problem, solver="flow")
    result = solve(problem, solver="auction")
    best = by_milp(problem)
    if best is None:
        assert flow.status is Status.INFEASIBLE
        assert result.status is Status.INFEASIBLE and result.diagnosis
        return
    assert result.status is Status.OPTIMAL, result
    assert result.objective == pytest.approx(best, abs=tolerance(problem))
    assert result.objective == pytest.approx(flow.objective, abs=tolerance(problem))
    certifies(problem, result)
    if np.all(problem.values == np.round(problem.values)):
        assert result.duals.certificate in (Certificate.EXACT, Certificate.GAP_BELOW_UNIT)
        assert result.bound == best  # integer values: the dual bound meets the optimum exactly


@settings(max_examples=150)
@given(problems(sizes=True, must_place=False))
def test_couples_get_the_flow_relaxation_bound_and_a_valid_answer(problem):
    flow = solve(problem, solver="flow")
    result = solve(problem, solver="auction")
    best = by_milp(problem)
    sign = 1.0 if problem.maximize else -1.0
    assert result.bound == pytest.approx(flow.bound, abs=tolerance(problem))  # the same relaxation, solved exactly
    assert sign * result.objective <= sign * best + tolerance(problem) <= sign * result.bound + 2 * tolerance(problem)
    if result.stats["split"] == 0:
        assert result.status is Status.OPTIMAL and result.objective == pytest.approx(best, abs=tolerance(problem))
    else:
        assert result.status is Status.FEASIBLE and "split" in result.diagnosis
        assert result.duals.certificate is Certificate.BOUND  # the prices prove the relaxation, not this answer
    certifies(problem, result)


@settings(max_examples=150)
@given(problems(must_place=False), st.data())
def test_warm_starts_reach_the_cold_optimum(problem, data):
    """After moving values, adding a place and taking one away: from prices and assignment, or prices alone."""
    first = solve(problem, solver="auction")
    values = problem.values + np.array(
        data.draw(
            st.lists(st.sampled_from([0.0, 0.0, 1.0, -2.0, 0.25]), min_size=problem.n_arcs, max_size=problem.n_arcs)
        )
    )
    capacity = problem.capacity.copy()
    capacity[data.draw(st.integers(0, problem.n_jobs - 1))] += 1
    capacity[data.draw(st.integers(0, problem.n_jobs - 1))] = data.draw(st.integers(0, 2))
    changed = Problem.from_arcs(
        problem.workers,
        problem.jobs,
        values,
        n_workers=problem.n_workers,
        n_jobs=problem.n_jobs,
        capacity=capacity,
        maximize=problem.maximize,
    )
    cold = solve(changed, solver="auction")
    for start in (WarmStart.of(first), WarmStart(prices=first.prices), WarmStart(hint=first.job_of)):
        warm = solve(changed, solver="auction", warm=start)
        assert warm.status is Status.OPTIMAL and warm.stats["warm"]
        assert warm.objective == pytest.approx(cold.objective, abs=tolerance(changed))
        certifies(changed, warm)


@settings(max_examples=100)
@given(problems(sizes=True, must_place=False), st.data())
def test_a_warm_start_from_the_relaxed_answer_makes_no_bid_and_a_hostile_one_no_crash(problem, data):
    """Couples: from its own prices and relaxed answer (a job per one-person copy) the auction has nothing to do;
    a per-copy hint with jobs outside the problem starts those copies unplaced and reaches the same bound."""
    first = solve(problem, solver="auction")
    relaxed = first.stats["relaxed"]
    assert len(relaxed) == int(problem.units.sum())
    again = solve(problem, solver="auction", warm=WarmStart(prices=first.prices, hint=relaxed))
    assert again.stats["bids"] == 0 and again.stats["reverse_moves"] == 0
    assert np.array_equal(again.job_of, first.job_of) and again.bound == pytest.approx(first.bound)
    hostile = relaxed.astype(np.int64) + np.array(
        data.draw(st.lists(st.sampled_from([0, 0, 10**9, -5]), min_size=len(relaxed), max_size=len(relaxed)))
    )
    other = solve(problem, solver="auction", warm=WarmStart(hint=hostile))
    assert other.bound == pytest.approx(first.bound, abs=tolerance(problem))
    certifies(problem, other)
    shifted = (relaxed.astype(np.int64) + 1) % problem.n_jobs  # jobs in range, mostly none of the worker's arcs
    moved = solve(problem, solver="auction", warm=WarmStart(hint=shifted))  # checked: never placed off its arcs
    assert moved.bound == pytest.approx(first.bound, abs=tolerance(problem))
    certifies(problem, moved)


def test_determinism_and_a_synthetic_market_against_flow():
    problem = build_problem(synth.scenario(3000, 120, seed=3), Policy(), k=10)
    unit = Problem._trusted(
        problem.indptr,
        problem.jobs,
        problem.values,
        capacity=problem.capacity,
        n_jobs=problem.n_jobs,
        use=np.ones(problem.n_arcs, np.int64),
        people=np.ones(problem.n_workers, np.int64),
        maximize=True,
        must_place=False,
    )
    runs = [solve(unit, solver="auction") for _ in range(2)]
    flow = solve(unit, solver="flow")
    assert runs[0].status is Status.OPTIMAL and runs[0].objective == pytest.approx(flow.objective, abs=1e-6)
    assert np.array_equal(runs[0].job_of, runs[1].job_of) and np.array_equal(runs[0].prices, runs[1].prices)
    certifies(unit, runs[0])
    placed = runs[0].job_of >= 0
    full = np.bincount(runs[0].job_of[placed], minlength=unit.n_jobs) == unit.capacity
    assert np.all(runs[0].prices[~full] == 0)  # a job with room left is free


def test_time_limit_returns_a_valid_answer_with_a_bound(monkeypatch):
    problem = build_problem(synth.scenario(2000, 60, seed=1), Policy(), k=10)
    calls = iter(range(10**9))

    class Soon(auction.Deadline):  # the clock runs out after a few slices of the kernels
        def passed(self) -> bool:
            return next(calls) >= 3

    monkeypatch.setattr(auction, "Deadline", Soon)
    monkeypatch.setattr(auction, "BIDS_PER_CALL", 50)
    result = solve(problem, solver="auction")
    assert result.status is Status.FEASIBLE and "time limit" in result.diagnosis
    assert result.bound >= result.objective
    assert reference.auction_dual_bound(problem, result.prices) == pytest.approx(result.bound, abs=tolerance(problem))
    documented = math.fsum(problem.capacity * result.prices) + math.fsum(result.surplus) + result.duals.rounding
    assert result.bound == pytest.approx(documented, rel=1e-12)
    calls = iter(range(10**9))  # the same, time-limited from a warm start: its own prices and a shifted answer
    warm = solve(problem, solver="auction", warm=WarmStart(prices=result.prices * 1.5, hint=np.roll(result.job_of, 7)))
    assert warm.status is Status.FEASIBLE and "time limit" in warm.diagnosis
    documented = math.fsum(problem.capacity * warm.prices) + math.fsum(warm.surplus) + warm.duals.rounding
    assert warm.bound == pytest.approx(documented, rel=1e-12) and warm.bound >= warm.objective


def test_options_and_shapes_it_refuses():
    problem = Problem.from_dense(np.array([[4.0, 1.0], [3.0, 2.0]]), capacity=1)
    for bad in ([1.0], [-1.0, 0.0], [np.nan, 0.0], "ab", [[1.0, 2.0]]):
        with pytest.raises(ValidationError, match="prices"):
            solve(problem, solver="auction", warm=WarmStart(prices=bad))
    with pytest.raises(ValidationError, match="hint"):
        solve(problem, solver="auction", warm=WarmStart(hint=[0.5, 1.0]))
    assert solve(problem, solver="auction", warm=WarmStart(hint=[7, -5])).status is Status.OPTIMAL  # not arcs: ignored
    quota = GroupBound("g", np.array([True, False]), min_count=1)
    with pytest.raises(ValidationError, match="quotas"):
        solve(problem.replace(quotas=[quota]), solver="auction")


# ---------------------------------------------------------------------- kernels against their references
@st.composite
def priced_markets(draw):
    """Integer arcs, offsets, capacities, some prices and a valid assignment."""
    n, m = draw(st.integers(1, 12)), draw(st.integers(1, 5))
    degree = draw(st.lists(st.integers(0, m), min_size=n, max_size=n))
    jobs = np.concatenate(
        [np.sort(np.array(draw(st.permutations(range(m)))[:d], dtype=np.int64)) for d in degree] + [np.zeros(0, int)]
    ).astype(np.int32)
    indptr = np.concatenate([[0], np.cumsum(degree)]).astype(np.int64)
    w = np.array(draw(st.lists(st.integers(-20, 40), min_size=len(jobs), max_size=len(jobs))), dtype=np.int32)
    off = np.array(draw(st.lists(st.integers(-5, 5), min_size=n, max_size=n)), dtype=np.int64)
    cap = np.array(draw(st.lists(st.integers(0, 3), min_size=m, max_size=m)), dtype=np.int64)
    p = np.array(draw(st.lists(st.integers(0, 60), min_size=m, max_size=m)), dtype=np.int64)
    return indptr, jobs, w, off, cap, p


@given(priced_markets(), st.integers(1, 7))
def test_best_profits_and_columns_match_numpy(market, S):
    indptr, jobs, w, off, cap, p = market
    n = len(indptr) - 1
    a_job = np.full(n, -1, np.int32)
    a_val = np.arange(n, dtype=np.int64)
    a_job[::2] = 0
    best = np.zeros(n, np.int64)
    d, primal = _auction.best_profits(indptr, jobs, w, off, S, cap, p, a_job, a_val, best)
    ref_best, ref_d, ref_primal = reference.best_profits(indptr, jobs, w, off, S, cap, p, a_job, a_val)
    assert np.array_equal(best, ref_best) and (d, primal) == (ref_d, ref_primal)
    cval = np.empty(len(jobs), np.int64)
    cptr, cwho = _auction.columns(indptr, jobs, w, off, len(cap), cval)
    for got, expected in zip((cptr, cwho, cval), reference.auction_columns(indptr, jobs, w, off, len(cap))):
        assert np.array_equal(got, expected)


@given(priced_markets(), st.booleans())
def test_tighten_matches_the_bellman_ford_fixpoint(market, optimal):
    """From the auction's optimal assignment (when ``optimal``) or a worker-order greedy one, and prices 0."""
    indptr, jobs, w, off, cap, _ = market
    n, m = len(indptr) - 1, len(cap)
    workers = np.repeat(np.arange(n), np.diff(indptr))
    problem = Problem.from_arcs(workers, jobs, (w - off[workers]).astype(float), n_workers=n, n_jobs=m, capacity=cap)
    if optimal:
        a_job = solve(problem, solver="auction").job_of.astype(np.int32)
    else:
        a_job, left = np.full(n, -1, np.int32), cap.copy()
        for t in range(len(jobs)):
            if a_job[workers[t]] < 0 and left[jobs[t]] > 0 and w[t] - off[workers[t]] > 0:
                a_job[workers[t]], left[jobs[t]] = jobs[t], left[jobs[t]] - 1
    q = np.zeros(m, np.int64)
    done = _auction.tighten(indptr, jobs, w, off, cap, a_job, q, 10**6)
    ref_done, ref_q = reference.tighten(indptr, jobs, w, off, cap, a_job, np.zeros(m, np.int64))
    assert done == ref_done
    if done == 1:
        assert np.array_equal(q, ref_q)
    if optimal:
        assert done == 1  # an optimal assignment always has exact prices


# ---------------------------------------------------------------------- optimal over the whole market
def test_match_proves_the_optimum_over_every_feasible_pair():
    market = synth.scenario(600, 30, seed=2)
    narrow = match(market, k=3, training=False)
    only = match(market, k=3, training=False, scope="candidates")
    full = solve(build_problem(market, Policy(), k=30), solver="auction")
    assert narrow.proven_over == "market" and only.proven_over == "candidates"
    assert narrow.result.stats["pricing_passes"] >= 2 and narrow.result.stats["pairs_added"] > 0
    slack = 2e-6 * market.n_workers
    assert narrow.bound == pytest.approx(full.bound, abs=slack)  # the same relaxation over every feasible pair
    assert only.bound < full.bound - slack  # the top 3 alone prove less
    assert narrow.n_placed >= only.n_placed
    if full.stats["split"] == 0 and narrow.result.stats["split"] == 0:
        assert narrow.objective == pytest.approx(full.objective, abs=slack)
    with pytest.raises(ValidationError, match="scope"):
        match(market, k=3, scope="everything")


def test_auto_scope_stops_proving_over_the_market_beyond_its_size(monkeypatch):
    from jobmatch.pipeline import pricing

    market = synth.scenario(600, 30, seed=2)
    monkeypatch.setattr(pricing, "MARKET_PAIRS", 600 * 30 - 1)
    assert match(market, k=3, training=False).proven_over == "candidates"
    assert match(market, k=3, training=False, scope="market").proven_over == "market"


@given(problems(must_place=False), st.data())
def test_added_arcs_keep_the_old_ones_and_never_repeat(problem, data):
    if problem.n_workers == 0:
        return
    count = data.draw(st.integers(0, 12))
    workers = np.array(data.draw(st.lists(st.integers(0, problem.n_workers - 1), min_size=count, max_size=count)), int)
    jobs = np.array(data.draw(st.lists(st.integers(0, problem.n_jobs - 1), min_size=count, max_size=count)), int)
    values = np.arange(count, dtype=float)
    keep = np.unique(workers * problem.n_jobs + jobs, return_index=True)[1]  # one value per new pair
    grown = problem.with_arcs(workers[keep], jobs[keep], values[keep])
    old = dict(zip(zip(problem.workers.tolist(), problem.jobs.tolist()), problem.values.tolist()))
    new = list(zip(grown.workers.tolist(), grown.jobs.tolist()))
    assert len(new) == len(set(new)) and np.all(np.diff(grown.workers) >= 0)
    assert set(new) == set(old) | set(zip(workers.tolist(), jobs.tolist()))
    for pair, value in zip(new, grown.values.tolist()):
        if pair in old:
            assert value == old[pair]
    assert np.array_equal(grown.use, grown.people[grown.workers])


@settings(max_examples=150)
@given(problems(sizes=True, must_place=False), st.sampled_from(["job_of", "relaxed", "shuffled"]))
def test_a_warm_start_is_never_worse_than_its_hint(problem, which):
    """From its own answer, its relaxed answer or a worse one: the result is worth at least the hint's assignment."""
    sign = 1.0 if problem.maximize else -1.0
    first = solve(problem, solver="auction")
    hint = {"job_of": first.job_of, "relaxed": first.stats["relaxed"],
            "shuffled": np.roll(first.job_of, 1)}[which]  # fmt: skip
    warm = solve(problem, solver="auction", warm=WarmStart(prices=first.prices, hint=hint))
    if which != "relaxed":  # a job per worker: worth what its arcs are worth, when it fits the capacities
        chosen = problem.chosen(np.where(np.isin(np.arange(problem.n_workers), problem.workers), hint, -1))
        people = np.bincount(problem.jobs[chosen], weights=problem.use[chosen], minlength=problem.n_jobs)
        if np.all(people <= problem.capacity):
            worth = float(problem.values[chosen].sum())
            assert sign * warm.objective >= sign * worth - tolerance(problem)
    assert sign * warm.objective <= sign * warm.bound + tolerance(problem)
    certifies(problem, warm)


@settings(max_examples=150)
@given(problems(sizes=True, must_place=False), st.sampled_from(["flow", "auction"]))
def test_no_place_stays_free_beside_an_unplaced_worker_it_would_gain(problem, solver):
    """After split groups are dropped, the room they leave is offered again: no unplaced worker has an arc that adds
    value to a job with room for it."""
    result = solve(problem, solver=solver)
    sign = 1.0 if problem.maximize else -1.0
    job_of = result.job_of
    placed = job_of >= 0
    room = problem.capacity - np.bincount(job_of[placed], weights=problem.people[placed], minlength=problem.n_jobs)
    idle = (job_of[problem.workers] < 0) & (sign * problem.values > 0) & (room[problem.jobs] >= problem.use)
    assert not idle.any(), (result.status, result.diagnosis)


def test_must_place_at_scale_keeps_its_sums_in_int64():
    """20,000 workers who must all be placed, values up to 1,000: the shift that makes placing outweigh any value
    once wrapped int64 (a bound of -3.7e14 below the objective, a SolverError); now the optimum of flow."""
    rng = np.random.default_rng(2)
    n, m = 20_000, 20
    values = rng.random((n, m)) * 1e3
    values[rng.random((n, m)) > 0.3] = -np.inf
    values[np.arange(n), rng.integers(0, m, n)] = rng.random(n) * 1e3
    problem = Problem.from_dense(values, capacity=np.full(m, int(n / m * 1.02) + 1), must_place=True)
    result = solve(problem, solver="auction")
    flow = solve(problem, solver="flow")
    assert result.status in (Status.OPTIMAL, Status.FEASIBLE) and np.all(result.job_of >= 0)
    assert result.objective == pytest.approx(flow.objective, rel=1e-9)
    assert result.bound >= result.objective - tolerance(problem)


def test_a_registered_solver_with_prices_joins_the_pricing_passes():
    """The pipeline asks for a capability, not a name: a user's solver that declares prices is extended to the
    whole market by the pricing passes, as the auction is; the same solver without the declaration is not."""
    from jobmatch.solvers import registry

    def mine(problem, /, *, time_limit=None, seed=0, warm=None):
        return auction.solve_auction(problem, time_limit=time_limit, warm=warm)

    registry.register("mine", mine, capabilities=registry.Capabilities(prices=True, warm=True))
    registry.register("mine_unpriced", mine, capabilities=registry.Capabilities(warm=True))
    try:
        market = synth.scenario(1500, 60, seed=3)
        theirs = match(market, k=2, solver="auction", training=False, scope="market")
        ours = match(market, k=2, solver="mine", training=False, scope="market")
        plain = match(market, k=2, solver="mine_unpriced", training=False, scope="market")
        assert theirs.proven_over == ours.proven_over == "market" and plain.proven_over == "candidates"
        assert ours.objective == pytest.approx(theirs.objective, abs=1e-6)
        assert ours.objective > plain.objective  # the passes found pairs beyond the top 2
        assert registry.capabilities("mine") == registry.Capabilities(prices=True, warm=True)
        assert registry.capabilities(mine) == registry.Capabilities()  # a callable declares nothing
    finally:
        del registry._REGISTRY["mine"], registry._REGISTRY["mine_unpriced"]
