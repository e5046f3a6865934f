"""The placements frame: every worker once, figures that agree with metrics, and reasons that are true."""

from __future__ import annotations

import re

import numpy as np
import pytest

from jobmatch import Assignment, GroupQuota, Policy, Result, Status, match, score_matrix, synth
from jobmatch.results.frame import FIT_COLUMNS
from jobmatch.results.reasons import REASONS

QUOTA = Policy(quotas=[GroupQuota("poverty_alleviated", min_share=0.95)])
QUOTA_AND_CAPS = Policy(quotas=[GroupQuota("poverty_alleviated", min_share=0.85)], region_caps={"泰安": 20, "济南": 30})


@pytest.fixture(scope="module")
def market():
    return synth.scenario(600, 30, seed=7)


@pytest.fixture(scope="module")
def roomy():
    """More places than takers: quotas, not capacity, leave people out."""
    return synth.scenario(300, 40, seed=7)


@pytest.fixture(scope="module", params=["plain", "quota", "quota_and_caps", "greedy"])
def assignment(request, market, roomy):
    if request.param == "greedy":
        return match(market, k=6, solver="greedy")
    if request.param == "quota":
        return match(roomy, QUOTA, k=6)
    return match(market, QUOTA_AND_CAPS if request.param == "quota_and_caps" else None, k=6)


def arcs_of(problem, i):
    lo, hi = problem.indptr[i], problem.indptr[i + 1]
    return list(zip(problem.jobs[lo:hi].tolist(), problem.values[lo:hi].tolist(), problem.use[lo:hi].tolist()))


def check_reason(assignment, dense, i, reason, why):
    """Recheck one unplaced worker's reason from the problem, one arc at a time."""
    problem, job_of = assignment.problem, assignment.job_of
    holders = {}
    for w, j in enumerate(job_of):
        if j >= 0:
            holders.setdefault(int(j), []).append(w)
    value_at = {(int(w), int(j)): v for w, j, v in zip(problem.workers, problem.jobs, problem.values)}
    use_at = {(int(w), int(j)): u for w, j, u in zip(problem.workers, problem.jobs, problem.use)}

    def room(j):
        return problem.capacity[j] - sum(use_at[w, j] for w in holders.get(j, []))

    def lowest(j):
        """The holder of job j that ranks last: lowest value, then highest index."""
        return min(holders[j], key=lambda h: (value_at[h, j], -h))

    def broken(j, out=None):
        """(cap, quota) names that placing worker i at job j, taking `out` off it, would break."""
        people, placed = problem.people.astype(float), (job_of >= 0).copy()
        if out is not None:
            placed[out] = False
        cap_name = quota_name = None
        for cap in problem.caps:
            held = sum(people[w] for w in range(problem.n_workers) if placed[w] and cap.jobs[job_of[w]])
            if cap.jobs[j] and held + people[i] > cap.limit:
                cap_name = cap_name or cap.name
        for q in problem.quotas:
            total = people[placed].sum() + people[i]
            members = people[placed & q.members].sum() + people[i] * q.members[i]
            if q.min_share is not None and members < q.min_share * total - 1e-9:
                quota_name = quota_name or q.name
        return cap_name, quota_name

    arcs = arcs_of(problem, i)
    job_ids = list(assignment.market.jobs.ids)
    if reason == "no_feasible_job":
        assert not arcs and np.all(np.isneginf(dense[i]))
        return
    assert arcs
    beats = {j: value_at[i, j] > value_at[lowest(j), j] or (value_at[i, j] == value_at[lowest(j), j] and i < lowest(j))
             for j, _, u in arcs if room(j) < u}  # fmt: skip
    if reason in ("outranked", "displaced"):
        assert all(room(j) < u for j, _, u in arcs)
        free_swaps = [j for j, hit in beats.items() if hit and broken(j, lowest(j)) == (None, None)]
        assert bool(free_swaps) == (reason == "displaced")
        if reason == "outranked":
            assert not any(beats.values())
        return
    named = re.match(r".*?job (\S+) (has room|who scores lower)", why)
    j = job_ids.index(named.group(1))
    if named.group(2) == "has room":
        assert room(j) >= use_at[i, j]
        cap, quota = broken(j)
    else:
        assert room(j) < use_at[i, j] and beats[j]
        cap, quota = broken(j, lowest(j))
    if reason == "cap":
        assert cap is not None and repr(cap) in why
        assert (quota is not None) == ("quota" in why)
    elif reason == "quota":
        assert cap is None and quota is not None and repr(quota) in why
    else:
        assert reason == "not_chosen" and cap is None and quota is None


def test_every_worker_appears_once_in_market_order(assignment):
    market = assignment.market
    frame = assignment.to_frame()
    assert frame["worker"].tolist() == list(market.workers.ids)
    assert frame["job"].fillna("-").tolist() == [assignment.placement(w) or "-" for w in market.workers.ids]
    assert (frame["job"].isna() == frame["reason"].notna()).all()
    assert set(frame["reason"].dropna()) <= set(REASONS)
    assert frame["why"].notna().sum() == frame["reason"].notna().sum()


def test_frame_figures_agree_with_metrics(assignment):
    market = assignment.market
    frame, m = assignment.to_frame(), assignment.metrics()
    placed = frame[frame["job"].notna()]
    assert len(placed) == m["workers_placed"] and placed["people"].sum() == m["people_placed"]
    assert placed["people"].sum() / frame["people"].sum() == pytest.approx(m["placement_rate"])
    assert placed["score"].mean() == pytest.approx(m["mean_score"])
    assert (placed["fit_diet"] < 1).sum() == m["diet_mismatch"]
    assert (placed["fit_climate"] < 1).sum() == m["climate_mismatch"]
    assert (placed["fit_brand"] == 1).sum() == m["brand_placements"]
    jobs = market.to_frames()[1].set_index("id")
    assert (placed["employer"] == jobs.loc[placed["job"], "employer"].to_numpy()).all()
    assert (placed["region"] == jobs.loc[placed["job"], "region"].to_numpy()).all()
    # Score and components are those of breakdown, for a sample of placements.
    for row in placed.head(25).itertuples():
        from jobmatch import breakdown

        b = breakdown(market, assignment.policy, row.worker, row.job)
        assert row.score == pytest.approx(b["score"], abs=1e-6)
        assert [getattr(row, c) for c in FIT_COLUMNS] == pytest.approx(list(b["components"].values()), abs=1e-6)


def test_every_unplaced_reason_is_true(assignment):
    market = assignment.market
    frame = assignment.to_frame()
    dense = score_matrix(market, assignment.policy)
    unplaced = frame[frame["reason"].notna()]
    assert len(unplaced)
    for i, row in unplaced.iterrows():
        check_reason(assignment, dense, i, row["reason"], row["why"])


def test_the_markets_exercise_every_reason(market, roomy):
    quota = match(roomy, QUOTA, k=6).to_frame()
    both = match(market, QUOTA_AND_CAPS, k=6).to_frame()
    assert {"quota", "outranked", "displaced", "no_feasible_job"} <= set(quota["reason"].dropna())
    assert "cap" in set(both["reason"].dropna())
    assert both["why"].str.contains("is reached and the quota").any()


def test_a_job_left_with_room_is_reported_as_not_chosen(market):
    full = match(market, k=6)
    job_of = full.job_of.copy()
    dropped = np.flatnonzero(job_of >= 0)[:3]
    job_of[dropped] = -1
    result = Result(Status.FEASIBLE, full.problem.objective_of(job_of), job_of, "by hand")
    partial = Assignment(market, None, full.problem, result, {})
    frame = partial.to_frame()
    assert set(frame.loc[dropped, "reason"]) == {"not_chosen"}
    assert all("'by hand' solver did not use it" in why for why in frame.loc[dropped, "why"])
    dense = score_matrix(market)
    for i in dropped:
        check_reason(partial, dense, i, "not_chosen", frame.loc[i, "why"])


def test_without_a_solution_every_worker_says_so(market):
    impossible = Policy(quotas=[GroupQuota("poverty_alleviated", min_count=10_000)])
    assignment = match(market, impossible, k=4)
    assert assignment.status is Status.INFEASIBLE
    frame = assignment.to_frame()
    assert (frame["reason"] == "no_solution").all()
    assert frame["why"].str.contains("poverty_alleviated").all()


def test_arrow_frame_equals_pandas_frame(market):
    assignment = match(market, k=6)
    pandas_frame = assignment.to_frame()
    arrow = assignment.to_frame(backend="arrow").to_pandas()
    assert arrow.columns.tolist() == pandas_frame.columns.tolist()
    assert arrow["worker"].tolist() == pandas_frame["worker"].tolist()
    assert arrow["job"].fillna("-").tolist() == pandas_frame["job"].fillna("-").tolist()
    np.testing.assert_array_equal(arrow["score"].to_numpy(), pandas_frame["score"].to_numpy())


def test_bad_backend_is_named(market):
    from jobmatch import ValidationError

    with pytest.raises(ValidationError, match="backend"):
        match(market, k=2).to_frame(backend="excel")


def test_repr_html_summarises(market):
    html = match(market, QUOTA_AND_CAPS, k=6)._repr_html_()
    assert html.startswith("<table>") and "poverty_alleviated" in html and "blocking pairs" in html


def test_match_logs_each_stage_with_its_size_and_time(caplog):
    import logging

    from jobmatch import match, synth

    with caplog.at_level(logging.INFO, logger="jobmatch"):
        placed = match(synth.scenario(120, 8, seed=2), k=4, training=False)
    lines = [r.getMessage() for r in caplog.records if r.name == "jobmatch.pipeline.match"]
    assert len(lines) == 2
    assert lines[0].startswith("match: scored 120 workers x 8 jobs into ") and lines[0].endswith(" s)")
    assert f"{placed.n_placed} of 120 workers placed" in lines[1] and placed.solver in lines[1]
