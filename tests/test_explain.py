"""Explanations agree with the frame, with breakdown, and with the problem's arcs."""

from __future__ import annotations

import numpy as np
import pytest

from jobmatch import GroupQuota, Job, JobmatchError, Market, Policy, TrainingProgram, Worker, breakdown, match, synth
from jobmatch.results.explain import FAILED

CAPS = Policy(quotas=[GroupQuota("poverty_alleviated", min_share=0.85)], region_caps={"泰安": 20, "济南": 30})


@pytest.fixture(scope="module", params=["plain", "caps"])
def assignment(request):
    market = synth.scenario(300, 15, seed=2) if request.param == "plain" else synth.scenario(600, 30, seed=7)
    return match(market, None if request.param == "plain" else CAPS, k=4)


def other_arcs(problem, i, own):
    lo, hi = problem.indptr[i], problem.indptr[i + 1]
    arcs = [(float(v), int(j)) for j, v in zip(problem.jobs[lo:hi], problem.values[lo:hi]) if j != own]
    return sorted(arcs, key=lambda a: (-a[0], a[1]))


def test_placed_workers_are_explained_by_their_job_and_best_other_candidate(assignment):
    market, problem = assignment.market, assignment.problem
    frame = assignment.to_frame().set_index("worker")
    placed = [w for w in market.workers.ids if assignment.placement(w) is not None][:40]
    assert placed
    for wid in placed:
        note = assignment.explain(wid)
        i = market.worker_index(wid)
        own = int(assignment.job_of[i])
        assert note.worker == wid and note.job == assignment.placement(wid) and note.reason is None
        assert note.score == pytest.approx(frame.loc[wid, "score"])
        assert note.components == pytest.approx(breakdown(market, assignment.policy, wid, note.job)["components"])
        assert note.text.startswith(f"Worker {wid} is placed at job {note.job} ")
        others = other_arcs(problem, i, own)
        if not others:
            assert note.alternative is None and "no other candidate" in note.text
            continue
        value, j = others[0]
        alt = note.alternative
        assert alt["job"] == market.jobs.ids[j] and alt["score"] == pytest.approx(value)
        assert alt["components"] == pytest.approx(breakdown(market, assignment.policy, wid, alt["job"])["components"])
        assert (alt["why_not"] is not None) == (value > note.score)
        if alt["why_not"] and "full" in alt["why_not"]:
            held = sum(problem.people[w] for w in np.flatnonzero(assignment.job_of == j))
            assert held + problem.people[i] > market.jobs.capacity[j]


def test_unplaced_workers_get_their_reason_and_every_candidate(assignment):
    market, problem = assignment.market, assignment.problem
    frame = assignment.to_frame().set_index("worker")
    unplaced = [w for w in market.workers.ids if assignment.placement(w) is None][:40]
    assert unplaced
    for wid in unplaced:
        note = assignment.explain(wid)
        i = market.worker_index(wid)
        assert note.job is None and note.reason == frame.loc[wid, "reason"]
        assert note.text.startswith(f"Worker {wid} is not placed: {frame.loc[wid, 'why']}.")
        lo, hi = problem.indptr[i], problem.indptr[i + 1]
        assert sorted(c["job"] for c in note.candidates) == sorted(market.jobs.ids[problem.jobs[lo:hi]])
        scores = [c["score"] for c in note.candidates]
        assert scores == sorted(scores, reverse=True)
        for c in note.candidates:
            assert f"job {c['job']} " in note.text


def test_a_worker_with_no_feasible_job_is_told_what_rules_each_job_out():
    assignment = match(synth.scenario(300, 15, seed=2), k=3)
    market = assignment.market
    frame = assignment.to_frame()
    wid = frame.loc[frame["reason"] == "no_feasible_job", "worker"].iloc[0]
    note = assignment.explain(wid)
    want = dict.fromkeys(FAILED, 0)
    for j in market.jobs.ids:
        b = breakdown(market, None, wid, j)
        assert not b["feasible"]
        for name in b["failed"]:
            want[name] += 1
    assert note.failed == want
    for name, count in want.items():
        assert (f"{count:,} {FAILED[name]}" in note.text) == (count > 0)


def test_caps_and_quotas_are_named_in_words():
    assignment = match(synth.scenario(600, 30, seed=7), CAPS, k=4)
    frame = assignment.to_frame()
    wid = frame.loc[frame["reason"] == "cap", "worker"].iloc[0]
    text = str(assignment.explain(wid))
    assert "the cap 'region" in text and "is reached" in text


def test_explanation_structured_form_and_bad_ids():
    assignment = match(synth.scenario(200, 10, seed=1), k=3)
    d = assignment.explain(0).to_dict()
    assert set(d) == {
        "worker", "job", "score", "components", "program", "alternative", "reason", "candidates", "failed", "text"
    }  # fmt: skip
    assert d["worker"] == assignment.market.workers.ids[0]
    with pytest.raises(JobmatchError, match="nobody"):
        assignment.explain("nobody")


def test_trainee_is_explained_on_its_levels_after_training():
    jobs = [
        Job(id="济南-足疗", employer="济南康养", region="济南", capacity=1, wage=5200, requires={"foot_care": 2}),
        Job(id="济南-家政", employer="济南康养", region="济南", capacity=1, wage=3600, requires={"housekeeping": 1}),
    ]
    course = TrainingProgram(id="足疗-2021-07", grants={"foot_care": 2}, seats=40, cost=1800, weeks=4, region="城口")
    market = Market([Worker(id="城口-母亲", origin="城口", min_wage=3000, skills={"housekeeping": 1})], jobs, [course])
    # The same worker already holding what the course grants.
    graduate = Worker(id="城口-母亲", origin="城口", min_wage=3000, skills={"housekeeping": 1, "foot_care": 2})
    trained = Market([graduate], jobs)
    note = match(market).explain("城口-母亲")
    assert note.job == "济南-足疗" and note.program == "足疗-2021-07"
    assert "after training in programme 足疗-2021-07 (4 weeks, 1,800 CNY" in note.text
    assert note.components["skill"] == 1.0  # met after training; the worker held no foot care before
    assert not breakdown(market, None, "城口-母亲", "济南-足疗")["feasible"]
    after = breakdown(trained, None, "城口-母亲", "济南-足疗")
    assert note.components == pytest.approx(after["components"])
    assert note.score == pytest.approx(after["score"] - (0.005 * 4 + 0.005 * 1.8), abs=1e-6)  # the default penalty
    assert note.alternative["job"] == "济南-家政" and note.alternative["program"] is None


def test_cutoffs_are_the_prices_that_explain_each_choice():
    """With the auction's prices: unplaced workers' scores beat no cutoff; placed workers gain at least as much
    over the cutoff where they are as at their best other candidate (up to the six-digit rounding)."""
    assignment = match(synth.scenario(300, 15, seed=2), k=3)
    assert assignment.solver == "auction" and assignment.result.prices is not None
    market, tol = assignment.market, 2e-6
    seen = {"placed": 0, "unplaced": 0}
    for w in market.workers.ids:
        note = assignment.explain(w)
        if note.job is None:
            for candidate in note.candidates:
                assert candidate["cutoff"] is not None and candidate["score"] <= candidate["cutoff"] + tol
                seen["unplaced"] += 1
        elif note.alternative is not None:
            i = market.worker_index(w)
            here = float(assignment.result.prices[assignment.job_of[i]] * market.workers.size[i])
            there = note.alternative["cutoff"]
            assert note.score - here >= note.alternative["score"] - there - tol
            assert "Cutoffs" in note.text
            seen["placed"] += 1
    assert seen["placed"] and seen["unplaced"]
    plain = match(synth.scenario(300, 15, seed=2), k=3, solver="flow")
    assert "Cutoffs" not in str(plain.explain(market.workers.ids[0]))
