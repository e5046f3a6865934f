"""Programme metrics against a plain recount over the market's records."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobmatch import GroupQuota, Job, Market, Policy, Problem, Worker, match, solve, synth
from jobmatch.results.metrics import blocking_pairs, flows, metrics


def blocking_recount(problem, job_of) -> int:
    """Blocking pairs one arc at a time: rank by value, ties to the lower index."""
    arcs = [(int(w), int(j), float(v)) for w, j, v in zip(problem.workers, problem.jobs, problem.values)]
    sign = 1 if problem.maximize else -1
    own = {w: (sign * v, -j) for w, j, v in arcs if job_of[w] == j}
    holders: dict[int, list] = {}
    used = [0] * problem.n_jobs
    for (w, j, v), use in zip(arcs, problem.use):
        if job_of[w] == j:
            holders.setdefault(j, []).append((sign * v, -w))
            used[j] += int(use)
    count = 0
    for (w, j, v), use in zip(arcs, problem.use):
        if job_of[w] == j:
            continue
        worker_rather = w not in own or (sign * v, -j) > own[w]
        job_rather = problem.capacity[j] - used[j] >= use or (sign * v, -w) > min(holders.get(j, [(math.inf, 0)]))
        count += worker_rather and job_rather
    return count


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
        "blocking_pairs": blocking_recount(assignment.problem, assignment.job_of),
        **training_recount(assignment),
    }


def training_recount(assignment) -> dict:
    """Trainees, seats per programme and cost, one placed worker at a time."""
    market = assignment.market
    seats = {market.program(p).id: 0 for p in range(market.n_programs)}
    cost = 0.0
    for i, j in enumerate(assignment.job_of):
        program = assignment.program(market.worker(i).id)
        if j >= 0 and program is not None:
            seats[program] += market.worker(i).size
            cost += market.program(program).cost * market.worker(i).size
    return {"trainees": sum(seats.values()), "seats_used": seats, "training_cost": cost}


@pytest.mark.parametrize("policy", [Policy(), Policy(quotas=[GroupQuota("poverty_alleviated", min_share=0.8)])])
def test_metrics_equal_a_recount_from_records(policy):
    assignment = match(synth.scenario(600, 30, 4, seed=7), policy, k=6)
    got, want = metrics(assignment), recount(assignment)
    assert assignment.metrics() == got
    assert got.keys() == want.keys()
    for key, value in want.items():
        assert got[key] == pytest.approx(value), key
    assert want["diet_mismatch"] > 0 and want["brand_placements"] > 0  # the market exercises both
    assert want["blocking_pairs"] > 0  # optimal placements are not stable here
    assert want["trainees"] > 0 and want["training_cost"] > 0  # and some are trained


@settings(max_examples=40)
@given(st.integers(1, 7), st.integers(1, 4), st.data())
def test_blocking_pairs_equal_the_arc_by_arc_count_and_vanish_for_stable(n, m, data):
    values = data.draw(st.lists(st.sampled_from([-np.inf, 0.0, 0.5, 1.0, 2.0]), min_size=n * m, max_size=n * m))
    capacity = data.draw(st.lists(st.integers(0, 2), min_size=m, max_size=m))
    problem = Problem.from_dense(np.array(values).reshape(n, m), capacity=capacity)
    job_of = np.array([data.draw(st.sampled_from([-1, *problem.jobs[problem.indptr[i] : problem.indptr[i + 1]]]))
                       for i in range(n)])  # fmt: skip
    if np.all(np.bincount(job_of[job_of >= 0], minlength=m) <= capacity):
        assert blocking_pairs(problem, job_of) == blocking_recount(problem, job_of)
    assert blocking_pairs(problem, solve(problem, solver="stable").job_of) == 0


def test_metrics_of_an_empty_assignment():
    market = Market(
        [Worker(id="巫溪-1", origin="巫溪", min_wage=4000, diet={"sichuan"})],
        [Job(id="泰安-1", employer="E", region="泰安", capacity=0, wage=5000)],
    )
    m = metrics(match(market, k=1))
    assert m["workers_placed"] == 0 and m["fill_rate"] == 0 and m["diet_mismatch"] == 0
    assert math.isnan(m["mean_score"]) and math.isnan(m["wage_uplift"])


def test_flows_count_people_from_each_origin_to_each_region():
    assignment = match(synth.scenario(500, 30, seed=4), k=5)
    table = flows(assignment)
    market = assignment.market
    want: dict[tuple[str, str], int] = {}
    for i, j in enumerate(assignment.job_of):
        if j >= 0:
            key = (market.worker(i).origin, market.job(int(j)).region)
            want[key] = want.get(key, 0) + market.worker(i).size
    got = {(o, r): int(c) for (o, r), c in table.stack().items() if c}
    assert got == want
    assert table.index.name == "origin" and table.columns.name == "region"
