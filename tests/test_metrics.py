"""Programme metrics against a plain recount over the market's records."""

from __future__ import annotations

import math

import pytest

from jobmatch import GroupQuota, Job, Market, Policy, Worker, match, synth
from jobmatch.metrics import metrics


def recount(assignment) -> dict:
    """The same figures, one record at a time."""
    market = assignment.market
    pairs = [(market.worker(i), market.job(int(j))) for i, j in enumerate(assignment.job_of) if j >= 0]
    everyone = [market.worker(i) for i in range(market.n_workers)]
    people = sum(w.size for w, _ in pairs)
    groups = sorted({g for w in everyone for g in w.groups})
    chosen = assignment.problem.jobs == assignment.job_of[assignment.problem.workers]
    return {
        "workers_placed": len(pairs),
        "people_placed": people,
        "placement_rate": people / sum(w.size for w in everyone),
        "fill_rate": people / sum(market.job(j).capacity for j in range(market.n_jobs)),
        "mean_score": float(assignment.problem.values[chosen].mean()),
        "group_share": {g: sum(w.size for w, _ in pairs if g in w.groups) / people for g in groups},
        "group_placement_rate": {
            g: sum(w.size for w, _ in pairs if g in w.groups) / sum(w.size for w in everyone if g in w.groups)
            for g in groups
        },
        "wage_uplift": sum(j.wage + j.subsidy - w.min_wage for w, j in pairs) / len(pairs),
        "diet_mismatch": sum(1 for w, j in pairs if not w.diet <= j.canteen),
        "climate_mismatch": sum(1 for w, j in pairs if w.needs_heating and not j.heated_dorm),
        "brand_placements": sum(1 for w, j in pairs if w.brand is not None and w.brand in j.brands),
    }


@pytest.mark.parametrize("policy", [Policy(), Policy(quotas=[GroupQuota("poverty_alleviated", min_share=0.8)])])
def test_metrics_equal_a_recount_from_records(policy):
    assignment = match(synth.scenario(600, 30, seed=7), policy, k=6)
    got, want = metrics(assignment), recount(assignment)
    assert assignment.metrics() == got
    assert got.keys() == want.keys()
    for key, value in want.items():
        assert got[key] == pytest.approx(value), key
    assert want["diet_mismatch"] > 0 and want["brand_placements"] > 0  # the market exercises both


def test_metrics_of_an_empty_assignment():
    market = Market(
        [Worker(id="巫溪-1", origin="巫溪", min_wage=4000, diet={"sichuan"})],
        [Job(id="泰安-1", employer="E", region="泰安", capacity=0, wage=5000)],
    )
    m = metrics(match(market, k=1))
    assert m["workers_placed"] == 0 and m["fill_rate"] == 0 and m["diet_mismatch"] == 0
    assert math.isnan(m["mean_score"]) and math.isnan(m["wage_uplift"])
