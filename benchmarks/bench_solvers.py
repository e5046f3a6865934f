"""Solver speed against peers, in one run (ratios within a group are what count).

    python -m pytest benchmarks/bench_solvers.py --benchmark-columns=min,median,rounds

Groups: ``flow`` (ours against OR-Tools called directly on the same arcs;
target <= 1.1x), ``auction`` (the price-directed solver against flow on
the same arcs, cold and warm after one more place; issue 19), ``dense`` (1-to-1 at n=1000: ours, SciPy, lap, flow),
``stable-lists`` (deferred acceptance from Python lists against the
`matching` package; target >= 1000x), ``stable-problem`` and ``match``
(end to end on a synthetic market).  The issue's national sizes are in
``large_solvers.py``; figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import numpy as np
import pytest

from _peers import matching_package, ortools_direct, preference_lists
from jobmatch import Policy, Problem, WarmStart, candidates, match, solve, synth
from jobmatch.stable import deferred_acceptance


@pytest.fixture(scope="module")
def market():
    return synth.scenario(20_000, 1_000, seed=0)


@pytest.fixture(scope="module")
def problem(market):
    return Problem.from_graph(candidates(market, k=20), capacity=market.jobs.capacity)


@pytest.mark.benchmark(group="flow")
def test_flow_ours(benchmark, problem):
    result = benchmark.pedantic(solve, args=(problem,), kwargs={"solver": "flow"}, rounds=3, iterations=1)
    benchmark.extra_info["arcs"] = problem.n_arcs
    assert result.status.name == "OPTIMAL"


@pytest.mark.benchmark(group="flow")
def test_flow_ortools_direct(benchmark, problem):
    args = (problem.workers, problem.jobs, problem.values, problem.capacity, problem.n_workers)
    chosen = benchmark.pedantic(ortools_direct, args=args, rounds=3, iterations=1)
    assert chosen.sum() == np.count_nonzero(solve(problem, solver="flow").job_of >= 0)


@pytest.mark.benchmark(group="auction")
@pytest.mark.parametrize("solver", ["auction", "flow"])
def test_auction_against_flow(benchmark, problem, solver):
    solve(problem, solver=solver)  # compile or load the kernels
    result = benchmark.pedantic(solve, args=(problem,), kwargs={"solver": solver}, rounds=3, iterations=1)
    assert result.status.name == "OPTIMAL"
    benchmark.extra_info["objective"] = result.objective


@pytest.mark.benchmark(group="auction")
def test_auction_warm_after_one_more_place(benchmark, problem):
    first = solve(problem, solver="auction")
    full = np.flatnonzero(np.bincount(first.job_of[first.job_of >= 0], minlength=problem.n_jobs) == problem.capacity)
    capacity = problem.capacity.copy()
    capacity[full[0]] += 1
    changed = Problem.from_graph(problem.graph, capacity=capacity)
    result = benchmark.pedantic(
        solve, args=(changed,), kwargs={"solver": "auction", "warm": WarmStart.of(first)}, rounds=3, iterations=1
    )
    assert result.objective == pytest.approx(solve(changed, solver="auction").objective, abs=1e-6)


@pytest.fixture(scope="module")
def dense():
    return np.random.default_rng(0).integers(0, 1_000, (1_000, 1_000)).astype(np.float64)


@pytest.mark.benchmark(group="dense")
@pytest.mark.parametrize("solver", ["assignment", "flow"])
def test_dense_ours(benchmark, dense, solver):
    problem = Problem.from_dense(dense, maximize=False, must_place=True)  # the same problem as SciPy and lap
    result = benchmark.pedantic(solve, args=(problem,), kwargs={"solver": solver}, rounds=3, iterations=1)
    from scipy.optimize import linear_sum_assignment

    assert result.status.name == "OPTIMAL"
    assert result.objective == dense[linear_sum_assignment(dense)].sum()


@pytest.mark.benchmark(group="dense")
def test_dense_scipy(benchmark, dense):
    from scipy.optimize import linear_sum_assignment

    benchmark.pedantic(linear_sum_assignment, args=(dense,), rounds=3, iterations=1)


@pytest.mark.benchmark(group="dense")
def test_dense_lap(benchmark, dense):
    lap = pytest.importorskip("lap")
    benchmark.pedantic(lap.lapjv, args=(dense,), rounds=3, iterations=1)


@pytest.fixture(scope="module")
def lists():
    return preference_lists()


@pytest.mark.benchmark(group="stable-lists")
def test_stable_lists_ours(benchmark, lists):
    deferred_acceptance(*lists)  # compile or load the kernels
    benchmark.pedantic(deferred_acceptance, args=lists, rounds=5, iterations=1)


@pytest.mark.benchmark(group="stable-lists")
def test_stable_lists_matching_package(benchmark, lists):
    out = benchmark.pedantic(matching_package, args=lists, rounds=1)
    assert out == deferred_acceptance(*lists).tolist()


@pytest.mark.benchmark(group="stable-problem")
@pytest.mark.parametrize("solver", ["stable", "stable_jobs"])
def test_stable_on_problem(benchmark, problem, solver):
    solve(problem, solver=solver)  # compile or load the kernels
    benchmark.pedantic(solve, args=(problem,), kwargs={"solver": solver}, rounds=3, iterations=1)


@pytest.mark.benchmark(group="match")
@pytest.mark.parametrize(
    "solver,scope", [("auto", "market"), ("auto", "candidates"), ("flow", "candidates"), ("greedy", "candidates")]
)
def test_match(benchmark, market, solver, scope):
    match(market.worker_slice(0, 10), solver=solver)  # compile or load the kernels
    kwargs = {"solver": solver, "scope": scope}
    assignment = benchmark.pedantic(match, args=(market, Policy()), kwargs=kwargs, rounds=3, iterations=1)
    benchmark.extra_info["placed"] = int(np.count_nonzero(assignment.result.job_of >= 0))
    benchmark.extra_info["proven_over"] = assignment.proven_over


@pytest.fixture(scope="module")
def quota_problem():
    from jobmatch import GroupQuota, build_problem

    small = synth.scenario(2_000, 100, seed=0)
    jobs = small.jobs
    caps = {small.vocab.place[r]: int(jobs.capacity[jobs.region == r].sum()) // 2 for r in np.unique(jobs.region)}
    return build_problem(
        small, Policy(quotas=[GroupQuota("poverty_alleviated", min_share=0.8)], region_caps=caps), k=10
    )


@pytest.mark.benchmark(group="quotas")
@pytest.mark.parametrize("solver", ["lagrangian", "cpsat"])
def test_quotas(benchmark, quota_problem, solver):
    result = benchmark.pedantic(solve, args=(quota_problem,), kwargs={"solver": solver}, rounds=1, iterations=1)
    benchmark.extra_info.update(status=result.status.name, objective=result.objective, gap=result.gap)
