"""The Lagrangian quota-and-cap solver: valid bounds, met constraints, equal to CP-SAT where it proves."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobmatch import GroupQuota, Policy, Problem, Status, build_problem, solve, solvers, synth
from jobmatch.solvers import lagrangian
from jobmatch.solvers._subgradient import DualSearch
from jobmatch.solvers.problem import GroupBound
from test_solvers import brute_force, satisfies, tiny_problems


@pytest.fixture
def no_cpsat_finish(monkeypatch):
    """Exercise the relaxation alone: CP-SAT never closes the gap."""
    monkeypatch.setattr(lagrangian, "EXACT_ARCS", -1)


@given(tiny_problems())
def test_bounds_are_valid_and_answers_feasible_without_cpsat(problem):
    if solvers.unsupported("lagrangian", problem):
        return  # arcs of one worker using different capacity: cpsat's
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lagrangian, "EXACT_ARCS", -1)
        result = solve(problem, solver="lagrangian")
    best = brute_force(problem)
    sign = 1.0 if problem.maximize else -1.0
    if best is None:
        assert result.status in (Status.INFEASIBLE, Status.UNKNOWN)
        return
    assert result.status is not Status.INFEASIBLE, result.diagnosis  # INFEASIBLE only when proven
    if result.bound is not None:
        assert sign * result.bound >= sign * best - 1e-9
    if result.status in (Status.OPTIMAL, Status.FEASIBLE):
        assert satisfies(problem, result.job_of)
        assert sign * result.objective <= sign * best + 1e-9
    if result.status is Status.OPTIMAL:
        assert result.objective == pytest.approx(best)


def _market_problem(share: float, seed: int) -> Problem:
    market = synth.scenario(400, 25, seed=seed)
    jobs = market.jobs
    region = market.vocab.place[int(jobs.region[0])]
    employer = market.vocab.employer[int(jobs.employer[1])]
    policy = Policy(
        quotas=[GroupQuota("poverty_alleviated", min_share=share), GroupQuota("female", min_count=40)],
        region_caps={region: 30},
        employer_caps={employer: 4},
    )
    return build_problem(market, policy, k=6)


@pytest.mark.parametrize(("share", "seed"), [(0.75, 1), (0.8, 2), (0.85, 3)])
def test_medium_markets_against_cpsat(share, seed, no_cpsat_finish):
    problem = _market_problem(share, seed)
    assert solvers.unsupported("flow", problem) is not None  # shares need more than flow
    exact = solve(problem, solver="cpsat", seed=0)
    assert exact.status is Status.OPTIMAL
    result = solve(problem, solver="lagrangian")
    assert result.status in (Status.OPTIMAL, Status.FEASIBLE)
    assert satisfies(problem, result.job_of)
    assert result.objective <= exact.objective + 1e-9 <= result.bound + 2e-9
    assert result.gap <= 0.005  # the target, on markets where CP-SAT knows the optimum
    if result.status is Status.OPTIMAL:
        assert result.objective == pytest.approx(exact.objective, abs=problem.n_workers * 1e-6)


def test_small_problems_are_finished_exactly_by_cpsat():
    problem = _market_problem(0.85, 3)
    exact = solve(problem, solver="cpsat", seed=0)
    result = solve(problem, solver="lagrangian")
    assert result.status is Status.OPTIMAL and result.objective == pytest.approx(exact.objective)


def test_auto_uses_it_for_shares_and_flow_for_nested_caps():
    problem = _market_problem(0.8, 2)
    assert solve(problem).solver == "lagrangian"
    market = synth.scenario(200, 12, seed=0)
    region = market.vocab.place[int(market.jobs.region[0])]
    assert solve(build_problem(market, Policy(region_caps={region: 5}), k=4)).solver == "flow"


def test_deterministic(no_cpsat_finish):
    problem = _market_problem(0.8, 2)
    a, b = solve(problem, solver="lagrangian", seed=1), solve(problem, solver="lagrangian", seed=1)
    assert np.array_equal(a.job_of, b.job_of) and a.bound == b.bound


def test_infeasible_quota_names_the_shortfall():
    values = np.ones((4, 2))
    members = np.array([True, False, False, False])
    problem = Problem.from_dense(values, capacity=2, quotas=[GroupBound("poor", members, min_count=2, min_share=0.5)])
    result = solve(problem, solver="lagrangian")
    assert result.status is Status.INFEASIBLE
    assert "quota 'poor' needs 2 placed, but at most 1 members can be placed (short by 1)" in result.diagnosis
    forced = Problem.from_dense(
        values, capacity=2, must_place=True, quotas=[GroupBound("poor", members, min_share=0.5)]
    )
    result = solve(forced, solver="lagrangian")
    assert result.status is Status.INFEASIBLE and "share is fixed at 25.0%" in result.diagnosis


def test_time_limited_finish_keeps_the_better_answer_and_a_valid_bound():
    market = synth.scenario(2_000, 100, seed=1)  # CP-SAT needs minutes to prove this one
    problem = build_problem(market, Policy(quotas=[GroupQuota("poverty_alleviated", min_share=0.8)]), k=10)
    result = solve(problem, solver="lagrangian", time_limit=3)
    assert result.stats["finished_by"] == "cpsat" and result.status in (Status.OPTIMAL, Status.FEASIBLE)
    assert satisfies(problem, result.job_of) and result.bound >= result.objective - 1e-9


def test_finish_option_skips_cpsat():
    problem = _market_problem(0.85, 3)  # CP-SAT closes this one's gap (see above)
    finished = solve(problem, solver="lagrangian")
    assert finished.stats["finished_by"] == "cpsat"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lagrangian, "EXACT_ARCS", -1)
        relaxed = solve(problem, solver="lagrangian")
    unfinished = solve(problem, solver="lagrangian", options={"finish": False})
    assert "finished_by" not in unfinished.stats and "cpsat" not in unfinished.timings
    assert unfinished.status is Status.FEASIBLE and unfinished.gap > 0
    assert np.array_equal(unfinished.job_of, relaxed.job_of) and unfinished.bound == relaxed.bound


# ----------------------------------------------------------------------------- the shared subgradient driver


def _parabola(search, lam=0.0):
    """Maximise -x^2 subject to x >= 1 by relaxing 1 - x <= 0: L(lam) = lam^2 / 4 - lam, lowest (-1) at lam = 2."""
    lam = np.array([lam])
    while search.more():
        x = float(lam[0]) / 2
        bound = x * x - 2 * x
        feasible = max(x, 1.0)
        if search.record(bound, feasible, -feasible * feasible):
            return "stopped"
        lam = search.step(lam, np.array([1.0 - x]), bound, search.target(bound - 1.0))
        if lam is None:
            return "flat"
    return "out of rounds"


def test_driver_on_a_tiny_objective_stops_on_the_gap_with_a_falling_bound():
    search = DualSearch(max_rounds=50, stall=4, gap=1e-3)
    assert _parabola(search) == "stopped"
    bounds = [bound for _, bound, _ in search.history]
    assert all(b >= a for a, b in zip(bounds[1:], bounds))  # the bound kept never rises
    assert search.best == 1.0 and search.best_value == -1.0
    assert -1.0 <= search.upper <= -1.0 + 1e-3  # within the gap of the optimum, and still a bound
    assert search.rounds == len(search.history) < 50
    tight = DualSearch(max_rounds=3, stall=4, gap=1e-12)
    assert _parabola(tight) == "out of rounds" and tight.rounds == 3


def test_driver_halves_theta_after_two_steps_without_a_lower_bound_and_stops_stalled():
    search = DualSearch(max_rounds=20, stall=3, gap=0.0)
    lam, g = np.array([0.0, 2.0]), np.array([-1.0, 1.0])
    assert search.more() and not search.record(10.0)  # the first bound improves on inf
    step = search.step(lam, g, 10.0, 8.0)
    # the multiplier at zero with a negative subgradient stays; the other moves by theta * (10 - 8) / |g|^2
    assert step.tolist() == [0.0, 4.0] and search.theta == 1.0
    assert search.more() and not search.record(11.0, "answer", 1.0)  # no lower bound, but a better answer
    assert search.upper == 10.0 and search.best == "answer"
    search.step(lam, g, 11.0, 1.0)
    assert search.theta == 1.0
    assert search.more() and not search.record(10.5)  # neither: one round without progress
    search.step(lam, g, 10.5, 1.0)
    assert search.theta == 0.5  # two steps in a row that did not lower the bound
    assert search.more() and not search.record(12.0)
    assert search.more() and search.record(12.0)  # three rounds in a row without progress: stop
    assert [b for _, b, _ in search.history] == [10.0, 10.0, 10.0, 10.0, 10.0]
    assert search.step(np.zeros(2), np.array([-1.0, -2.0]), 1.0, 0.0) is None  # nowhere to go


def test_driver_stops_on_rounds_time_and_gap():
    import time

    rounds = DualSearch(max_rounds=2, stall=9, gap=0.0)
    assert rounds.more() and rounds.more() and not rounds.more() and rounds.rounds == 2
    late = DualSearch(max_rounds=9, stall=9, gap=0.0, time_limit=1.0, started=time.perf_counter() - 2.0)
    assert not late.more() and late.rounds == 0
    gap = DualSearch(max_rounds=9, stall=9, gap=1e-3, sign=-1.0)
    gap.more()
    assert gap.record(100.05, "x", 100.0)  # within 0.1% of the bound
    assert gap.history[0][1:] == (-100.05, -100.0)  # reported in the problem's own sense


def test_repair_swaps_a_member_in_at_the_same_job():
    """Under a 60% share, the cheapest swap at a job replaces a non-member by an unplaced member; nobody is dropped."""
    values = np.array([5.0, 3.0, 4.0, 1.0, 2.0])
    problem = Problem.from_arcs(
        np.arange(5),
        np.array([0, 0, 0, 0, 1]),
        values,
        n_workers=5,
        n_jobs=2,
        capacity=[2, 1],
        quotas=[GroupBound("g", np.array([False, False, True, True, True]), min_share=0.6)],
    )
    rows = lagrangian.rows_of(problem)
    start = np.array([0, 0, -1, -1, 1])
    over = float(rows.activity(start)[0] - rows.rhs[0])
    assert over == pytest.approx(0.8)
    swapped = lagrangian._swap(problem, rows, 0, over, start, values)
    assert swapped.tolist() == [0, -1, 0, -1, 1]  # worker 1 (3.0) makes way for worker 2 (4.0), not 3 (1.0)


@given(tiny_problems(side_constraints=False), st.data())
def test_swaps_keep_jobs_and_headcounts_and_push_the_row_back(problem, data):
    if problem.n_workers == 0 or solvers.unsupported("lagrangian", problem):
        return
    members = np.array(data.draw(st.lists(st.booleans(), min_size=problem.n_workers, max_size=problem.n_workers)))
    share = data.draw(st.sampled_from([0.5, 0.75, 1.0]))
    problem = problem.replace(quotas=[GroupBound("g", members, min_share=share)])
    start = solve(problem.replace(quotas=[]), solver="greedy").job_of
    rows = lagrangian.rows_of(problem)
    over = float(rows.activity(start)[0] - rows.rhs[0])
    gain = problem.values if problem.maximize else -problem.values
    after = lagrangian._swap(problem, rows, 0, over, np.asarray(start), gain)
    moved = np.flatnonzero(after != start)
    assert np.count_nonzero(after >= 0) == np.count_nonzero(start >= 0)
    for job in np.unique(np.r_[after[moved], start[moved]]):
        if job >= 0:  # each job holds as many people as before
            assert problem.people[after == job].sum() == problem.people[start == job].sum()
    assert all(members[w] == (after[w] >= 0) for w in moved)  # members came in, non-members went out
    free = problem.replace(quotas=[])
    assert satisfies(free, after) or not satisfies(free, start)
    if over > 0:
        assert rows.activity(after)[0] <= rows.activity(start)[0]
    else:
        assert np.array_equal(after, start)
