"""The Lagrangian quota-and-cap solver: valid bounds, met constraints, equal to CP-SAT where it proves."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given

from jobmatch import GroupQuota, Policy, Problem, Status, compile, solve, solvers, synth
from jobmatch.solvers import lagrangian
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
    return compile(market, policy, k=6)


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
    assert solve(compile(market, Policy(region_caps={region: 5}), k=4)).solver == "flow"


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
    problem = compile(market, Policy(quotas=[GroupQuota("poverty_alleviated", min_share=0.8)]), k=10)
    result = solve(problem, solver="lagrangian", time_limit=3)
    assert result.stats["finished_by"] == "cpsat" and result.status in (Status.OPTIMAL, Status.FEASIBLE)
    assert satisfies(problem, result.job_of) and result.bound >= result.objective - 1e-9
