"""jobmatch.shortlist against a plain-Python recomputation of the rounds and the cutoff rule."""

from __future__ import annotations

import math
import sys

import numpy as np
import pandas as pd
import pytest

import jobmatch
from jobmatch import GroupQuota, Job, Market, Policy, ValidationError, Worker, candidates, score_matrix, synth
from jobmatch.pipeline.shortlists import _stable_rounds, shortlist

WORKER_COLUMNS = ["worker", "rank", "job", "employer", "region", "score", "cutoff", "applicants", "plain_rank"]
JOB_COLUMNS = ["job", "rank", "worker", "origin", "score", "plain_rank", "attainable", "stable_score"]


@pytest.fixture(scope="module", params=[0, 2])
def market(request):
    # Few jobs for many workers and shallow lists (depth 4): congested, with three or four rounds, ~5% couples.
    return synth.scenario(400, 30, seed=request.param)


def deferred_acceptance(lists, capacity):
    """Worker-proposing deferred acceptance, one unit per worker: {worker: [(job, score)] best first} -> {worker: job}.

    Jobs rank workers by score, ties to the lower worker index.
    """
    nxt = dict.fromkeys(lists, 0)
    held = {j: [] for j in capacity}  # job -> [(score, worker)]
    free = sorted(lists, reverse=True)
    while free:
        i = free.pop()
        if nxt[i] >= len(lists[i]):
            continue
        j, s = lists[i][nxt[i]]
        nxt[i] += 1
        held[j].append((s, i))
        held[j].sort(key=lambda h: (-h[0], h[1]))
        if len(held[j]) > capacity[j]:
            free.append(held[j].pop()[1])
    return {i: j for j, holders in held.items() for _, i in holders}


def stable_rounds(market, policy, depth, rounds):
    """Plain-Python rounds from the dense scores: (arcs per worker as [(job, score, round)], job_of, placed_in)."""
    dense = score_matrix(market, policy).tolist()
    size, capacity = market.workers.size.tolist(), market.jobs.capacity.tolist()
    n, m = market.n_workers, market.n_jobs

    def best(i, pool):
        row = sorted((-dense[i][j], j) for j in pool if dense[i][j] > -math.inf)
        return [(j, -s) for s, j in row[:depth]]

    arcs = [[(j, s, 1) for j, s in best(i, range(m))] for i in range(n)]
    job_of, placed_in = [-1] * n, [0] * n
    lists = {i: [(j, s) for j, s, _ in arcs[i]] for i in range(n)}
    for i, j in deferred_acceptance(lists, dict(enumerate(capacity))).items():
        job_of[i], placed_in[i] = j, 1
    for number in range(2, rounds + 1):
        room = list(capacity)
        for i, j in enumerate(job_of):
            if j >= 0:
                room[j] -= size[i]
        lists = {i: best(i, [j for j in range(m) if room[j] >= size[i]]) for i in range(n) if job_of[i] < 0}
        got = deferred_acceptance(lists, {j: room[j] for j in range(m) if room[j] >= 1})
        if not got:
            break
        for i, row in lists.items():
            arcs[i] += [(j, s, number) for j, s in row]
        for i, j in got.items():
            job_of[i], placed_in[i] = j, number
    return arcs, job_of, placed_in


def cutoffs(market, arcs, job_of):
    """Per job: (people held, lowest holder as (score, worker) or None, cutoff)."""
    score = {(i, j): s for i, row in enumerate(arcs) for j, s, _ in row}
    size, capacity = market.workers.size.tolist(), market.jobs.capacity.tolist()
    people = [0] * market.n_jobs
    lowest = [None] * market.n_jobs
    for i, j in enumerate(job_of):
        if j >= 0:
            people[j] += size[i]
            if lowest[j] is None or (score[i, j], -i) < (lowest[j][0], -lowest[j][1]):
                lowest[j] = (score[i, j], i)
    cut = []
    for j in range(market.n_jobs):
        if capacity[j] - people[j] >= 1:
            cut.append(-math.inf)
        else:
            cut.append(math.inf if lowest[j] is None else lowest[j][0])
    return people, lowest, cut


def attainable(market, i, j, s, job_of, people, lowest):
    """i's stable job, room for i's people, or i outranks the lowest holder (ties to the lower worker index)."""
    low = lowest[j]
    return (
        job_of[i] == j
        or market.jobs.capacity[j] - people[j] >= market.workers.size[i]
        or (low is not None and (s > low[0] or (s == low[0] and i < low[1])))
    )


def reference_worker_side(market, policy, k, depth, congestion, rounds):
    arcs, job_of, _ = stable_rounds(market, policy, depth, rounds)
    people, lowest, cut = cutoffs(market, arcs, job_of)
    applicants = [0] * market.n_jobs
    for row in arcs:
        for j, _, _ in row:
            applicants[j] += 1
    rows = []
    for i, row in enumerate(arcs):
        rank = 0
        for position, (j, s, number) in enumerate(row, start=1):
            ok = attainable(market, i, j, s, job_of, people, lowest)
            if congestion and not ok:
                continue
            rank += 1
            if rank > k:
                break
            rows.append((i, rank, j, s, cut[j], applicants[j], position if number == 1 else None, ok))
    return rows


def reference_job_side(market, policy, k, depth, congestion, rounds):
    arcs, job_of, _ = stable_rounds(market, policy, depth, rounds)
    own = {i: s for i, row in enumerate(arcs) for j, s, _ in row if j == job_of[i]}
    graph = candidates(market, policy, depth, side="job")
    rows = []
    for j in range(market.n_jobs):
        rank = 0
        for position, t in enumerate(range(graph.indptr[j], graph.indptr[j + 1]), start=1):
            i, s = int(graph.indices[t]), float(graph.scores[t])
            stable = job_of[i]
            realistic = stable == j or stable < 0 or s > own[i] or (s == own[i] and j < stable)
            if congestion and not realistic:
                continue
            rank += 1
            if rank > k:
                break
            rows.append((j, rank, i, s, position, realistic, own.get(i, math.nan)))
    return rows


def as_tuples(frame, columns):
    return [tuple(row) for row in frame[columns].itertuples(index=False)]


def listed_workers(frame):
    return frame["worker"].nunique()


@pytest.mark.parametrize("rounds", [1, 4])
@pytest.mark.parametrize("congestion", [True, False])
def test_worker_side_equals_brute_force(market, congestion, rounds):
    k, depth = 3, 4
    frame = shortlist(market, k=k, depth=depth, congestion=congestion, rounds=rounds)
    rows = reference_worker_side(market, None, k, depth, congestion, rounds)
    w_ids, j_ids = market.workers.ids, market.jobs.ids
    employers, places = market.vocab.employer.as_array(), market.vocab.place.as_array()
    expected = [
        (
            w_ids[i], rank, j_ids[j], employers[market.jobs.employer[j]], places[market.jobs.region[j]],
            s, math.nan if c == -math.inf else c, n, pos,
        )
        for i, rank, j, s, c, n, pos, _ in rows
    ]  # fmt: skip
    got = as_tuples(frame.astype({"plain_rank": object}).replace({pd.NA: None}), WORKER_COLUMNS)
    assert frame["plain_rank"].dtype == "Int64"
    assert len(got) == len(expected) > 0
    for g, e in zip(got, expected):
        assert g[:6] == e[:6] and g[7:] == e[7:]
        assert g[6] == e[6] or (math.isnan(g[6]) and math.isnan(e[6]))
    assert frame["attainable"].tolist() == [a for *_, a in rows]
    if congestion:
        assert frame["attainable"].all()
    else:
        assert not frame["attainable"].all()  # the plain ranking suggests jobs that are out of reach
    if congestion and rounds > 1:
        assert frame["plain_rank"].isna().any()  # suggestions from later rounds


def test_plain_ranking_is_candidates_top_k(market):
    k = 4
    frame = shortlist(market, k=k, depth=10, congestion=False)
    graph = candidates(market, None, k)
    rows = np.repeat(np.arange(market.n_workers), np.diff(graph.indptr))
    assert frame["worker"].tolist() == market.workers.ids[rows].tolist()
    assert frame["job"].tolist() == market.jobs.ids[graph.indices].tolist()
    assert frame["score"].tolist() == graph.scores.astype(np.float64).tolist()
    assert frame["rank"].tolist() == frame["plain_rank"].tolist()


def test_rounds_match_the_reference(market):
    got = _stable_rounds(market, Policy(), 4, 4)
    arcs, job_of, placed_in = stable_rounds(market, None, 4, 4)
    assert got.job_of.tolist() == job_of and got.placed_in.tolist() == placed_in
    assert max(placed_in) >= 2  # the fixture needs more than one round
    flat = [(i, j, s, r) for i, row in enumerate(arcs) for j, s, r in row]
    assert list(zip(got.workers.tolist(), got.jobs.tolist(), got.scores.tolist(), got.round.tolist())) == flat


def test_first_suggestion_is_the_stable_job(market):
    depth = 4
    # One round: every placed worker's first row is its stable job; the unplaced have no rows.
    once = shortlist(market, k=2, depth=depth, rounds=1)
    _, job_of, _ = stable_rounds(market, None, depth, 1)
    first = once[once["rank"] == 1]
    stable = {market.workers.ids[i]: market.jobs.ids[j] for i, j in enumerate(job_of) if j >= 0}
    assert dict(zip(first["worker"], first["job"])) == stable
    unplaced = [market.workers.ids[i] for i, j in enumerate(job_of) if j < 0]
    assert unplaced and once.attrs["no_suggestion"] == unplaced
    assert set(once["worker"]).isdisjoint(unplaced)
    # More rounds: still so for every worker placed in round 1.
    frame = shortlist(market, k=2, depth=depth)
    _, job_of, placed_in = stable_rounds(market, None, depth, 4)
    first = dict(zip(*(frame[frame["rank"] == 1][c] for c in ("worker", "job"))))
    early = [i for i, r in enumerate(placed_in) if r == 1]
    assert early and all(first[market.workers.ids[i]] == market.jobs.ids[job_of[i]] for i in early)


def test_rounds_reach_more_workers(market):
    once = shortlist(market, k=3, depth=4, rounds=1)
    counts = [listed_workers(shortlist(market, k=3, depth=4, rounds=r)) for r in (2, 4, 10)]
    assert listed_workers(once) < counts[0] <= counts[1] <= counts[2]
    assert len(once.attrs["no_suggestion"]) > len(shortlist(market, k=3, depth=4).attrs["no_suggestion"])


def test_later_round_suggestions_are_attainable(market):
    depth = 4
    frame = shortlist(market, k=depth, depth=depth)
    arcs, job_of, _ = stable_rounds(market, None, depth, 4)
    people, lowest, _ = cutoffs(market, arcs, job_of)
    w_index = {w: i for i, w in enumerate(market.workers.ids)}
    j_index = {j: i for i, j in enumerate(market.jobs.ids)}
    later = frame[frame["plain_rank"].isna()]
    assert len(later) > 0
    for w, j, s in zip(later["worker"], later["job"], later["score"]):
        assert attainable(market, w_index[w], j_index[j], s, job_of, people, lowest)


def test_rows_stay_in_plain_ranking_order():
    # Later-round arcs score no higher than earlier ones, and tie with a higher job index.
    market = synth.scenario(500, 40, seed=0)
    arcs = _stable_rounds(market, Policy(), 3, 6)
    assert arcs.round.max() >= 3
    for i in range(market.n_workers):
        lo, hi = arcs.indptr[i], arcs.indptr[i + 1]
        keys = list(zip(-arcs.scores[lo:hi], arcs.jobs[lo:hi]))
        assert keys == sorted(keys) and len(set(arcs.jobs[lo:hi])) == hi - lo
        assert (np.diff(arcs.round[lo:hi]) >= 0).all()


def test_capacity_holds_in_workers_and_in_people_up_to_couples():
    # Each job holds at most `capacity` workers; only couples push it past `capacity` people,
    # by at most their extra members; a job left with no room gets nobody in a later round.
    market = synth.scenario(500, 40, seed=0)
    size, capacity = market.workers.size, market.jobs.capacity
    arcs = _stable_rounds(market, Policy(), 3, 6)
    placed = arcs.job_of >= 0
    assert arcs.placed_in.max() >= 3
    workers = np.bincount(arcs.job_of[placed], minlength=market.n_jobs)
    people = np.bincount(arcs.job_of[placed], weights=size[placed], minlength=market.n_jobs)
    extra = np.bincount(arcs.job_of[placed], weights=size[placed] - 1, minlength=market.n_jobs)
    assert (workers <= capacity).all()
    assert (people <= capacity + extra).all()
    assert (people > capacity).any() and (extra[people > capacity] > 0).all()  # over only by holding couples
    for r in range(2, arcs.placed_in.max() + 1):
        before = placed & (arcs.placed_in < r)
        room = capacity - np.bincount(arcs.job_of[before], weights=size[before], minlength=market.n_jobs)
        joined = arcs.placed_in == r
        assert (room[arcs.job_of[joined]] >= size[joined]).all()  # a couple joins a job with room for both


def test_rounds_place_an_unplaced_worker_by_hand():
    # Both like A best (capacity 1); with depth 1 round 1 leaves 乙 unplaced, round 2 places it at B.
    workers = [
        Worker(id="甲", origin="巫溪", min_wage=3000, diet={"rice"}),
        Worker(id="乙", origin="巫溪", min_wage=3000, diet={"wheat"}),
    ]
    jobs = [
        Job(id="A", employer="E", region="泰安", capacity=1, wage=9000, canteen={"rice"}),
        Job(id="B", employer="E", region="济南", capacity=1, wage=4000),
    ]
    crowded = Market(workers, jobs)
    once = shortlist(crowded, k=1, depth=1, rounds=1)
    assert once["worker"].tolist() == ["甲"] and once.attrs["no_suggestion"] == ["乙"]
    frame = shortlist(crowded, k=1, depth=1)
    assert frame["job"].tolist() == ["A", "B"] and frame.attrs["no_suggestion"] == []
    assert frame["plain_rank"].tolist() == [1, pd.NA]  # B lies beyond 乙's depth-1 list
    assert frame["cutoff"].tolist() == frame["score"].tolist()  # both jobs full, each of its one holder
    assert frame["applicants"].tolist() == [2, 1]
    jobs_side = shortlist(crowded, k=2, depth=2, side="job")
    assert jobs_side[jobs_side["job"] == "B"]["stable_score"].notna().all()


@pytest.mark.parametrize("side", ["worker", "job"])
def test_every_id_accounted_for(market, side):
    frame = shortlist(market, k=2, depth=4, side=side)
    ids = market.workers.ids if side == "worker" else market.jobs.ids
    listed = list(dict.fromkeys(frame[side]))
    missing = frame.attrs["no_suggestion"]
    assert sorted(listed + missing) == sorted(ids.tolist())
    assert listed == [i for i in ids if i in set(listed)]  # market order


@pytest.mark.parametrize("rounds", [1, 4])
@pytest.mark.parametrize("congestion", [True, False])
def test_job_side_equals_brute_force(market, congestion, rounds):
    k, depth = 3, 5
    frame = shortlist(market, k=k, depth=depth, side="job", congestion=congestion, rounds=rounds)
    rows = reference_job_side(market, None, k, depth, congestion, rounds)
    w_ids, j_ids, places = market.workers.ids, market.jobs.ids, market.vocab.place.as_array()
    expected = [
        (j_ids[j], rank, w_ids[i], places[market.workers.origin[i]], s, pos, ok, own)
        for j, rank, i, s, pos, ok, own in rows
    ]
    got = as_tuples(frame, JOB_COLUMNS)
    assert len(got) == len(expected) > 0
    for g, e in zip(got, expected):
        assert g[:7] == e[:7]
        assert g[7] == e[7] or (math.isnan(g[7]) and math.isnan(e[7]))
    assert frame["attainable"].all() if congestion else not frame["attainable"].all()


def test_policy_weights_count_but_quotas_and_caps_do_not(market):
    plain = Policy(weights={"diet": 3.0})
    constrained = Policy(
        weights={"diet": 3.0},
        quotas=[GroupQuota("poverty_alleviated", min_share=0.9)],
        region_caps={market.vocab.place.as_array()[market.jobs.region[0]]: 1},
    )
    a = shortlist(market, plain, k=3, depth=4)
    pd.testing.assert_frame_equal(a, shortlist(market, constrained, k=3, depth=4))
    rows = reference_worker_side(market, plain, 3, 4, True, 4)
    assert a["score"].tolist() == [s for _, _, _, s, *_ in rows]
    assert not a["score"].equals(shortlist(market, k=3, depth=4)["score"])


# --------------------------------------------------------------------------- a congested market by hand
def star_market(capacities):
    """One star job everyone likes best (巫溪-甲 fits it best, then 乙, 丙, 丁) and two plainer ones."""
    diets = [set(), {"rice", "wheat"}, {"rice", "wheat", "sichuan"}, {"wheat"}]
    workers = [Worker(id=f"巫溪-{c}", origin="巫溪", min_wage=3000, diet=d) for c, d in zip("甲乙丙丁", diets)]
    star, first, second = capacities
    jobs = [
        Job(id="泰安-王牌", employer="泰安机械", region="泰安", capacity=star, wage=9000, canteen={"rice"}),
        Job(id="济南-01", employer="济南电子", region="济南", capacity=first, wage=4000),
        Job(id="济南-02", employer="济南电子", region="济南", capacity=second, wage=3800),
    ]
    return Market(workers, jobs)


@pytest.fixture(scope="module")
def star():
    """The star job has one place, the others two each: room for everyone."""
    return star_market((1, 2, 2))


def test_star_job_goes_only_to_the_top_worker(star):
    plain = shortlist(star, k=3, depth=3, congestion=False)
    assert plain[plain["rank"] == 1]["job"].tolist() == ["泰安-王牌"] * 4  # everyone's favourite
    congested = shortlist(star, k=3, depth=3)
    assert congested[congested["job"] == "泰安-王牌"]["worker"].tolist() == ["巫溪-甲"]
    assert congested[congested["worker"] == "巫溪-甲"]["job"].tolist() == ["泰安-王牌", "济南-01", "济南-02"]
    star_row = congested.iloc[0]
    assert star_row["cutoff"] == star_row["score"] and star_row["applicants"] == 4
    # 济南-02 has room: open (NaN cutoff), and attainable for everyone.
    assert congested[congested["job"] == "济南-02"]["cutoff"].isna().all()
    assert sorted(congested[congested["job"] == "济南-02"]["worker"]) == sorted(star.workers.ids)
    assert congested.attrs["no_suggestion"] == []


def test_star_job_side(star):
    plain = shortlist(star, k=4, depth=4, side="job", congestion=False)
    congested = shortlist(star, k=4, depth=4, side="job")
    # Everyone would take the star job; 巫溪-甲 holds it and would take no other.
    assert congested[congested["job"] == "泰安-王牌"]["worker"].tolist() == ["巫溪-甲", "巫溪-乙", "巫溪-丙", "巫溪-丁"]
    for job in ("济南-01", "济南-02"):
        assert "巫溪-甲" in plain[plain["job"] == job]["worker"].tolist()
        assert "巫溪-甲" not in congested[congested["job"] == job]["worker"].tolist()
    top = congested[congested["worker"] == "巫溪-甲"]
    assert top["stable_score"].tolist() == top["score"].tolist()


def test_ties_go_to_the_lower_worker_index():
    # 济南-01 (capacity 2) holds 乙 and 丙, who tie with 丁 and X there; 丙 is its lowest holder.
    diets = [{"rice", "wheat"}, {"rice"}, {"rice", "wheat", "sichuan"}, {"wheat"}]
    workers = [Worker(id=name, origin="巫溪", min_wage=3000, diet=d) for name, d in zip(["乙", "X", "丙", "丁"], diets)]
    jobs = [
        Job(id="泰安-王牌", employer="泰安机械", region="泰安", capacity=1, wage=9000, canteen={"rice"}),
        Job(id="济南-01", employer="济南电子", region="济南", capacity=2, wage=4000),
        Job(id="济南-02", employer="济南电子", region="济南", capacity=2, wage=3800),
    ]
    frame = shortlist(Market(workers, jobs), k=3, depth=3)
    got = {w: frame[frame["worker"] == w]["job"].tolist() for w in ["乙", "X", "丙", "丁"]}
    # X takes the star job, and would outrank 丙 (tied score, lower index); 丁 would not.
    assert got == {
        "乙": ["济南-01", "济南-02"],
        "X": ["泰安-王牌", "济南-01", "济南-02"],
        "丙": ["济南-01", "济南-02"],
        "丁": ["济南-02"],
    }
    row = frame[(frame["worker"] == "X") & (frame["job"] == "济南-01")].iloc[0]
    assert row["score"] == row["cutoff"]


def test_couple_needs_two_free_places():
    # Singles S1, S2 like A (capacity 3); the couple C likes B (capacity 2) and fills it alone.
    workers = [
        Worker(id="S1", origin="巫溪", min_wage=3000, diet={"rice"}),
        Worker(id="S2", origin="巫溪", min_wage=3000, diet={"rice"}),
        Worker(id="C", origin="巫溪", min_wage=3000, diet={"wheat"}, size=2),
    ]
    jobs = [
        Job(id="A", employer="E", region="泰安", capacity=3, wage=4000, canteen={"rice"}),
        Job(id="B", employer="E", region="泰安", capacity=2, wage=4000, canteen={"wheat"}),
    ]
    frame = shortlist(Market(workers, jobs), k=2, depth=2)
    plain = shortlist(Market(workers, jobs), k=2, depth=2, congestion=False)
    # A keeps one free place (open, NaN cutoff) but the couple needs two; B is full of the couple.
    assert frame[frame["worker"] == "C"]["job"].tolist() == ["B"]
    assert frame[frame["worker"] == "S1"]["job"].tolist() == ["A"]
    couple = plain[plain["worker"] == "C"]
    assert couple["job"].tolist() == ["B", "A"] and couple["attainable"].tolist() == [True, False]
    assert math.isnan(couple["cutoff"].iloc[1]) and couple["cutoff"].iloc[0] == couple["score"].iloc[0]


def test_unplaced_worker():
    crowded = star_market((1, 1, 1))  # three places for four workers: 巫溪-丁 loses every tie
    by_worker = shortlist(crowded, k=3, depth=3)
    assert "巫溪-丁" not in set(by_worker["worker"]) and by_worker.attrs["no_suggestion"] == ["巫溪-丁"]
    by_job = shortlist(crowded, k=4, depth=4, side="job")
    unplaced = by_job[by_job["worker"] == "巫溪-丁"]
    assert unplaced["job"].tolist() == ["泰安-王牌", "济南-01", "济南-02"]  # realistic everywhere
    assert unplaced["stable_score"].isna().all()


def test_empty_sides():
    worker = Worker(id="W1", origin="巫溪", min_wage=3000)
    alone = shortlist(Market([worker], []))
    assert alone.empty and alone.attrs["no_suggestion"] == ["W1"]
    assert list(alone.columns) == [*WORKER_COLUMNS, "attainable"]
    job = Job(id="J1", employer="E", region="泰安", capacity=1, wage=4000)
    assert shortlist(Market([], [job]), side="job").attrs["no_suggestion"] == ["J1"]


# --------------------------------------------------------------------------- validation and determinism
@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"market": "market"}, "market"),
        ({"policy": "policy"}, "policy"),
        ({"k": 0}, "k"),
        ({"k": 2.0}, "k"),
        ({"k": True}, "k"),
        ({"depth": 0}, "depth"),
        ({"k": 5, "depth": 4}, "depth"),
        ({"side": "employer"}, "side"),
        ({"side": ["worker"]}, "side"),
        ({"congestion": 1}, "congestion"),
        ({"rounds": 0}, "rounds"),
        ({"rounds": 2.0}, "rounds"),
        ({"rounds": True}, "rounds"),
        ({"rounds": None}, "rounds"),
    ],
)
def test_bad_inputs_name_the_field(star, given, field):
    args = {"market": star, "policy": None, "k": 2, **given}
    options = {name: args.pop(name) for name in ("side", "depth", "congestion", "rounds") if name in args}
    with pytest.raises(ValidationError) as err:
        shortlist(args["market"], args["policy"], args["k"], **options)
    assert err.value.field == field
    assert field in str(err.value)


@pytest.mark.parametrize("side", ["worker", "job"])
def test_deterministic(side):
    market = synth.scenario(400, 20, seed=5)
    a = shortlist(market, k=3, depth=4, side=side)
    b = shortlist(synth.scenario(400, 20, seed=5), k=3, depth=4, side=side)
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs == b.attrs
    assert not a.equals(shortlist(market, k=3, depth=4, side=side, rounds=1))  # the rounds changed something


def test_the_public_name_is_the_pipeline_step():
    assert jobmatch.shortlist is shortlist
    assert shortlist.__module__ == "jobmatch.pipeline.shortlists"


def test_the_old_path_warns_naming_the_new_one_and_gives_the_same_shortlist(market, monkeypatch):
    monkeypatch.delitem(sys.modules, "jobmatch.results.shortlists", raising=False)  # import it afresh: it warns
    with pytest.warns(DeprecationWarning, match=r"jobmatch\.results\.shortlists is deprecated") as said:
        from jobmatch.results.shortlists import shortlist as old
    message = str(said[0].message)
    assert "jobmatch.shortlist" in message and "jobmatch.pipeline.shortlists" in message
    assert said[0].filename == __file__  # the warning points at the import, not at importlib
    assert old is shortlist
    for side in ("worker", "job"):
        pd.testing.assert_frame_equal(old(market, k=3, depth=4, side=side), shortlist(market, k=3, depth=4, side=side))
