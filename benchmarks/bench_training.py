"""Training-aware matching against matching without training, at 10k workers x 500 jobs x 20 programmes, in one run.

    python -m pytest benchmarks/bench_training.py --benchmark-only --benchmark-columns=min,median,max,rounds

Group ``training``: ``match`` without training (the baseline), with the
market's own seats, and under a budget of 10% of what filling every seat
would cost (which binds); plus the routes' scoring alone.  Each entry's
``extra_info`` holds the people placed and trained and the gap.  The issue's
100k size is in ``large_training.py``; figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import pytest

from jobmatch import Policy, match, synth
from jobmatch.pipeline.routes import routes


@pytest.fixture(scope="module")
def market():
    return synth.scenario(10_000, 500, 20, seed=0)


def budget(market) -> Policy:
    return Policy(training_budget=round(0.1 * float((market.programs.seats * market.programs.cost).sum())))


CASES = {
    "baseline": lambda market: (Policy(), False),
    "seats": lambda market: (Policy(), True),
    "budget": lambda market: (budget(market), True),
}


@pytest.mark.benchmark(group="training")
@pytest.mark.parametrize("case", list(CASES))
def test_match(benchmark, market, case):
    policy, training = CASES[case](market)
    match(synth.scenario(200, 20, 3, seed=1), k=5)  # compile or load the kernels
    placed = benchmark.pedantic(
        match, args=(market, policy), kwargs={"k": 20, "training": training}, rounds=3, iterations=1
    )
    figures = placed.metrics()
    benchmark.extra_info.update(
        solver=placed.solver, gap=placed.gap, people=figures["people_placed"], trainees=figures["trainees"]
    )
    assert figures["training_cost"] <= (policy.training_budget or float("inf"))


@pytest.mark.benchmark(group="training")
def test_routes(benchmark, market):
    found = benchmark.pedantic(routes, args=(market,), kwargs={"k": 20}, rounds=3, iterations=1)
    benchmark.extra_info["routes"] = found.n_routes
    assert found.n_routes > 0
