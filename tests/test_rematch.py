"""Re-matching (jobmatch.rematch) and the move-limited solve under it (jobmatch.solvers.limited)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from jobmatch import GroupQuota, Market, Policy, Problem, Status, ValidationError, match, rematch, synth
from jobmatch.pipeline.rematch import MAX_MOVE_PENALTY
from jobmatch.solvers.limited import left_unchosen, solve_limited
from test_solvers import satisfies

FORCED = ("job_closed", "capacity_cut", "not_feasible")


def changed(market, seed: int, share: float = 0.2):
    """The market a week later: some workers gone, some jobs closed, capacities moved, new workers."""
    rng = np.random.default_rng(seed)
    keep_w = np.flatnonzero(rng.random(market.n_workers) > share / 2)
    keep_j = np.flatnonzero(rng.random(market.n_jobs) > share / 2)
    if not len(keep_j):
        keep_j = np.arange(market.n_jobs)
    older = market.subset(workers=keep_w, jobs=keep_j)
    workers, jobs, _ = older.to_frames()
    jobs["capacity"] = np.maximum(0, jobs["capacity"] + rng.integers(-2, 2, len(jobs)))
    fresh = synth.scenario(max(1, int(share * market.n_workers)), 1, seed=seed + 100).to_frames()[0]
    fresh["id"] = [f"new-{i}" for i in range(len(fresh))]
    return Market.from_frames(pd.concat([workers, fresh], ignore_index=True), jobs)


def free_holders(after) -> tuple[np.ndarray, np.ndarray]:
    """Workers placed before, not locked and not forced out, and the job each held (in the new market)."""
    c = after.changes
    job_at = {j: i for i, j in enumerate(after.market.jobs.ids.tolist())}
    mask = (c.previous != None) & ~c.locked & ~np.isin(c.reason, FORCED)  # noqa: E711
    workers = np.flatnonzero(mask)
    return workers, np.array([job_at[c.previous[w]] for w in workers], dtype=np.int64)


def penalised(after, penalty: float) -> float:
    workers, held = free_holders(after)
    return after.objective + penalty * int(np.count_nonzero(after.job_of[workers] == held))


def brute_force(after, penalty: float, max_moves: int | None) -> float | None:
    """Best score + penalty x holders kept, over every assignment with locked workers in place and moves <= max."""
    problem = after.problem
    workers, held = free_holders(after)
    locked = np.flatnonzero(after.changes.locked)
    choices = []
    for i in range(problem.n_workers):
        if i in set(locked.tolist()):
            choices.append([int(after.job_of[i])])
        else:
            choices.append([-1, *problem.jobs[problem.indptr[i] : problem.indptr[i + 1]].tolist()])
    best = None
    for combo in itertools.product(*choices):
        job_of = np.array(combo, dtype=np.int64)
        moves = int(np.count_nonzero(job_of[workers] != held))
        if max_moves is not None and moves > max_moves:
            continue
        if not satisfies(problem, job_of):
            continue
        value = problem.objective_of(job_of) + penalty * (len(workers) - moves)
        best = value if best is None else max(best, value)
    return best


@st.composite
def cases(draw):
    n, m, seed = draw(st.integers(2, 6)), draw(st.integers(1, 3)), draw(st.integers(0, 50))
    market = synth.scenario(n, m, seed=seed)
    before = match(market, k=3, scope="candidates", training=False)
    later = changed(market, seed, share=draw(st.sampled_from([0.0, 0.3])))
    placed = [w for w, j in zip(market.workers.ids, before.job_of) if j >= 0 and w in set(later.workers.ids)]
    keep = draw(st.lists(st.sampled_from(placed), unique=True, max_size=2)) if placed else []
    return before, later, keep, draw(st.sampled_from([0.0, 0.05, 0.5])), draw(st.sampled_from([None, 0, 1, 2]))


@settings(max_examples=40, deadline=None)
@given(cases())
def test_rematch_is_the_exact_optimum_under_locks_and_the_move_limit(case):
    before, later, keep, penalty, max_moves = case
    after = rematch(before, later, keep=keep, move_penalty=penalty, max_moves=max_moves, k=3)
    best = brute_force(after, penalty, max_moves)
    if best is None:
        assert after.status is Status.INFEASIBLE
        return
    assert after.status in (Status.OPTIMAL, Status.FEASIBLE)
    assert after.solved_objective == pytest.approx(penalised(after, penalty), abs=1e-9)  # what the solve maximised
    assert after.objective <= after.solved_objective <= after.bound + 1e-5
    if after.status is Status.FEASIBLE:  # a couple split by the auction's relaxation: within its bound
        assert penalised(after, penalty) <= best + 1e-6 <= after.bound + 1e-5
    else:
        assert penalised(after, penalty) == pytest.approx(best, abs=1e-5)
    c = after.changes
    assert np.all(c.change[c.locked] == "kept")
    workers, held = free_holders(after)
    if max_moves is not None:
        assert np.count_nonzero(after.job_of[workers] != held) <= max_moves


def test_no_penalty_and_nobody_locked_is_a_fresh_match():
    market = synth.scenario(400, 25, seed=3)
    before = match(market, k=8, scope="candidates")
    later = changed(market, 3)
    for scope in ("candidates", "market"):  # the same proof: over the top k, or over every pair
        fresh = match(later, k=8, scope=scope, training=False)
        after = rematch(before, later, move_penalty=0.0, k=8, scope=scope)
        assert after.proven_over == fresh.proven_over == scope
        assert after.objective == pytest.approx(fresh.objective, abs=1e-6)
    policy = Policy(quotas=[GroupQuota("poverty_alleviated", min_share=0.75)])
    fresh = match(later, policy, k=8, scope="candidates", training=False)
    after = rematch(before, later, policy, move_penalty=0.0, k=8)
    assert after.objective == pytest.approx(fresh.objective, rel=1e-3)  # both lagrangian, within their gaps


def test_a_huge_penalty_moves_nobody_and_counts_add_up():
    market = synth.scenario(500, 30, seed=4)
    before = match(market, k=8)
    later = changed(market, 4)
    after = rematch(before, later, move_penalty=MAX_MOVE_PENALTY, k=8)
    c = after.changes
    moved_freely = (c.change == "moved") & ~np.isin(c.reason, FORCED)
    assert not moved_freely.any()
    assert not ((c.change == "evicted") & (c.reason == "displaced")).any()
    counts = after.metrics()["changes"]
    assert sum(counts[k] for k in ("kept", "moved", "new", "evicted", "unplaced")) == later.n_workers
    gone = set(market.workers.ids) - set(later.workers.ids)
    assert counts["left"] == sum(before.placement(w) is not None for w in gone)
    assert counts["kept"] + counts["moved"] + counts["new"] == after.n_placed


def test_capacity_cuts_evict_the_lowest_scores_and_spare_locked_workers():
    market = synth.scenario(300, 10, seed=6)
    before = match(market, k=10)
    job = int(np.bincount(before.job_of[before.job_of >= 0]).argmax())
    holders = np.flatnonzero(before.job_of == job)
    assert len(holders) >= 3
    workers, jobs, _ = market.to_frames()
    jobs.loc[job, "capacity"] = 1 + int(market.workers.size[holders].max())  # room for one or two
    later = type(market).from_frames(workers, jobs)
    lowest = holders[np.argmin([before.to_frame().score[h] for h in holders])]
    locked_id = market.workers.ids[lowest]
    after = rematch(before, later, keep=[locked_id], move_penalty=MAX_MOVE_PENALTY, k=10)
    c = after.changes
    assert after.placement(locked_id) == market.jobs.ids[job]  # the lowest scorer, locked, keeps its seat
    cut = np.flatnonzero(c.reason == "capacity_cut")
    assert len(cut) and set(cut.tolist()) <= set(holders.tolist())
    frame = after.to_frame()
    kept_free = [h for h in holders if h != lowest and after.job_of[h] == job]
    if kept_free:  # every free holder kept scores at least as much as every one cut
        assert min(frame.score[kept_free]) >= max(before.to_frame().score[cut]) - 1e-12


def test_locked_workers_stay_and_quotas_count_them():
    market = synth.scenario(400, 20, seed=8)
    policy = Policy(quotas=[GroupQuota("poverty_alleviated", min_share=0.75)])
    before = match(market, k=8)  # no quota: the locked share may be low
    frame = before.to_frame()
    frame["started"] = frame.job.notna() & (np.arange(len(frame)) % 2 == 0)
    after = rematch(frame, market, policy, keep="started", k=8)
    started = frame.worker[frame.started]
    assert all(after.placement(w) == frame.job[frame.worker == w].item() for w in started)
    if after.status in (Status.OPTIMAL, Status.FEASIBLE):
        assert after.metrics()["group_share"]["poverty_alleviated"] >= 0.75 - 1e-9  # over everyone placed
        room = np.bincount(after.job_of[after.job_of >= 0], weights=market.workers.size[after.job_of >= 0],
                           minlength=market.n_jobs)  # fmt: skip
        assert np.all(room <= market.jobs.capacity)
    else:
        assert after.diagnosis


def test_keep_placed_fills_only_the_room_left():
    market = synth.scenario(300, 15, seed=9)
    before = match(market.subset(workers=range(200)), k=8)
    after = rematch(before, market, keep="placed", k=8)
    c = after.changes
    assert np.all(c.change[c.previous != None] == "kept")  # noqa: E711
    assert after.metrics()["changes"]["locked"] == before.n_placed


def test_priced_move_limit_keeps_the_limit_within_its_bound_of_the_exact_optimum():
    market = synth.scenario(800, 25, seed=10)
    before = match(market, k=6)
    later = changed(market, 10)
    free = rematch(before, later, move_penalty=0.0, k=6)
    moved = int(np.count_nonzero(np.isin(free.changes.reason, ["better_match", "displaced"])))
    assert moved > 4
    limited = rematch(before, later, move_penalty=0.0, max_moves=moved // 2, solver="auction", k=6)
    workers, held = free_holders(limited)
    assert np.count_nonzero(limited.job_of[workers] != held) <= moved // 2
    assert limited.result.stats["method"] == "priced"
    exact = rematch(before, later, move_penalty=0.0, max_moves=moved // 2, solver="cpsat", k=6)
    assert exact.status is Status.OPTIMAL and exact.result.stats["method"] == "exact"
    assert limited.objective <= exact.objective + 1e-9 <= limited.bound + 1e-6
    if limited.status is Status.OPTIMAL:
        assert limited.objective == pytest.approx(exact.objective, abs=1e-6)
    assert exact.objective <= free.bound + 1e-6  # the limit costs, never gains


def test_move_limit_against_a_milp():
    market = synth.scenario(60, 6, seed=11)
    before = match(market, k=4)
    later = changed(market, 11)
    unlimited = rematch(before, later, move_penalty=0.02, k=4)
    workers, held = free_holders(unlimited)
    assert np.count_nonzero(unlimited.job_of[workers] != held) > 2  # the limit binds
    after = rematch(before, later, move_penalty=0.02, max_moves=2, k=4)
    problem = after.problem
    workers, held = free_holders(after)
    stay = np.flatnonzero(problem.chosen(np.where(np.isin(np.arange(problem.n_workers), workers),
                                                  _held_per_worker(problem.n_workers, workers, held), -1)))  # fmt: skip
    values = problem.values.copy()
    values[stay] += 0.02
    a = problem.n_arcs
    rows = [np.eye(problem.n_workers)[problem.workers].T]  # one job per worker
    ub = [np.ones(problem.n_workers)]
    by_job = np.zeros((problem.n_jobs, a))
    by_job[problem.jobs, np.arange(a)] = problem.use
    rows.append(by_job)
    ub.append(problem.capacity.astype(float))
    moves = np.zeros((1, a))
    moves[0, stay] = -1
    rows.append(moves)
    ub.append(np.array([2 - len(stay)], dtype=float))
    out = milp(-values, constraints=LinearConstraint(np.vstack(rows), -np.inf, np.concatenate(ub)),
               integrality=np.ones(a), bounds=Bounds(0, 1))  # fmt: skip
    assert out.success
    assert penalised(after, 0.02) == pytest.approx(-out.fun, abs=1e-6)


def _held_per_worker(n: int, workers: np.ndarray, held: np.ndarray) -> np.ndarray:
    out = np.full(n, -1, dtype=np.int64)
    out[workers] = held
    return out


def test_a_rematch_starts_warm_from_the_prices_before_and_reaches_the_cold_optimum():
    """A match's prices, then each re-match's (those of its penalised solve), start the next re-match's auction;
    new jobs start above every value.  From a frame (no prices) the same re-match runs cold, to the same bound."""
    market = synth.scenario(600, 30, seed=21)
    week1 = rematch(match(market, k=6, training=False), changed(market, 21), k=6, scope="candidates")
    assert week1.result.stats["warm"]  # candidates only: the stats are the first solve's, not a pricing pass's
    assert week1.duals is not None and len(week1.prices) == week1.market.n_jobs
    workers, jobs, _ = week1.market.subset(workers=range(20, week1.market.n_workers)).to_frames()
    fresh = synth.scenario(5, 3, seed=99).to_frames()[1]
    fresh["id"] = [f"new-job-{i}" for i in range(len(fresh))]
    later = Market.from_frames(workers, pd.concat([jobs.iloc[2:], fresh], ignore_index=True))
    warm = rematch(week1, later, k=6, scope="candidates")
    assert warm.result.stats["warm"]
    cold = rematch(week1.to_frame(), later, k=6, scope="candidates")
    assert not cold.result.stats["warm"]
    assert warm.bound == pytest.approx(cold.bound, abs=1e-6)
    new = later.jobs.positions([f"new-job-{i}" for i in range(3)])
    assert np.isin(warm.job_of, new).any()  # the new jobs drew workers in


@pytest.mark.parametrize(("penalty", "locks"), [(0.05, 0), (0.3, 12)])
def test_a_market_wide_rematch_is_the_rematch_over_every_pair(penalty, locks):
    """The pricing passes' answer equals the re-match given every feasible pair as a candidate."""
    market = synth.scenario(300, 20, seed=31)
    before = match(market, k=3, training=False)
    later = changed(market, 31)
    staying = set(later.workers.ids)
    keep = [w for w in market.workers.ids if before.placement(w) is not None and w in staying][:locks]
    wide = rematch(before, later, k=3, move_penalty=penalty, keep=keep, scope="market")
    every = rematch(before, later, k=later.n_jobs, move_penalty=penalty, keep=keep, scope="candidates")
    assert wide.proven_over == "market" and wide.result.stats["pairs_added"] > 0
    assert np.count_nonzero(wide.changes.locked) == np.count_nonzero(every.changes.locked)
    assert wide.bound == pytest.approx(every.bound, abs=1e-6 * later.n_workers)
    if wide.status is Status.OPTIMAL and every.status is Status.OPTIMAL:
        assert wide.solved_objective == pytest.approx(every.solved_objective, abs=1e-6)


def test_locked_workers_gain_no_pairs_over_the_whole_market():
    """The pricing passes add pairs for the free workers only: a locked worker's row is as on the candidates."""
    market = synth.scenario(400, 25, seed=23)
    before = match(market, k=3, training=False)
    later = market.subset(jobs=range(2, 25))
    narrow = rematch(before, later, keep="placed", k=3, scope="candidates")
    wide = rematch(before, later, keep="placed", k=3, scope="market")
    assert wide.proven_over == "market" and wide.result.stats["pairs_added"] > 0
    locked = wide.changes.locked
    assert locked.any() and np.array_equal(locked, narrow.changes.locked)
    rows_narrow, rows_wide = np.diff(narrow.problem.indptr), np.diff(wide.problem.indptr)
    assert np.array_equal(rows_wide[locked], rows_narrow[locked])
    assert np.all(rows_wide >= rows_narrow)
    assert np.array_equal(wide.job_of[locked], narrow.job_of[locked])
    assert wide.objective >= narrow.objective - 1e-9


def test_determinism_and_previous_as_a_frame():
    market = synth.scenario(300, 20, seed=12)
    before = match(market, k=6)
    later = changed(market, 12)
    a = rematch(before, later, max_moves=3, k=6)
    b = rematch(before.to_frame(), later, max_moves=3, k=6)  # the same placements, from the frame
    assert np.array_equal(a.job_of, b.job_of)
    assert list(a.to_frame().change) == list(b.to_frame().change)
    arrow = rematch(before.to_frame(backend="arrow"), later, max_moves=3, k=6)
    assert np.array_equal(a.job_of, arrow.job_of)


@pytest.mark.parametrize(
    ("previous", "kwargs", "message"),
    [
        ("placements", {}, "previous must be an Assignment or a placements frame"),
        (pd.DataFrame({"who": ["a"]}), {}, "'worker'"),
        (pd.DataFrame({"worker": ["a", "a"], "job": [None, None]}), {}, "worker 'a' on several rows"),
        (pd.DataFrame({"worker": ["a"], "job": [None], "started": [True]}), {}, "False for a worker without a job"),
        (pd.DataFrame({"worker": ["a"], "job": [None], "started": ["yes"]}), {}, "started must be True or False"),
        (pd.DataFrame({"worker": ["a"], "job": [None]}), {"keep": "started"}, "'started' column"),
        (pd.DataFrame({"worker": ["a"], "job": [None]}), {"keep": ["a"]}, "ids of workers placed before"),
        (pd.DataFrame({"worker": ["a"], "job": [None]}), {"keep": "everyone"}, "keep must be None"),
        (pd.DataFrame({"worker": ["a"], "job": [None]}), {"move_penalty": -1}, "move_penalty"),
        (pd.DataFrame({"worker": ["a"], "job": [None]}), {"move_penalty": float("inf")}, "move_penalty"),
        (pd.DataFrame({"worker": ["a"], "job": [None]}), {"max_moves": -1}, "max_moves"),
        (pd.DataFrame({"worker": ["a"], "job": [None]}), {"solver": "nope"}, "solver"),
        (pd.DataFrame({"worker": ["a"], "job": [None]}), {"scope": "everything"}, "scope"),
    ],
)
def test_bad_arguments_are_named(previous, kwargs, message):
    with pytest.raises(ValidationError, match=message):
        rematch(previous, synth.scenario(5, 2, seed=1), **kwargs)


def test_solve_limited_refuses_two_marked_arcs_of_one_worker():
    p = Problem.from_dense(np.array([[1.0, 5.0], [4.0, 3.0]]))
    with pytest.raises(ValidationError, match="one marked arc per worker"):
        solve_limited(p, np.array([0, 1]), 0)
    exact = solve_limited(p, np.array([0, 3]), 1)
    assert left_unchosen(p, np.array([0, 3]), exact.job_of) <= 1


def test_a_market_wide_rematch_short_of_its_proof_says_why():
    """Asked for the whole market, a re-match whose proof covers the candidates only warns with the reason; one
    that proves the market, or that was not asked, is silent."""
    import warnings

    from jobmatch.exceptions import ScopeWarning

    market = synth.scenario(300, 20, seed=41)
    before = match(market, k=3, training=False)
    later = changed(market, 41)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScopeWarning)
        assert rematch(before, later, k=3, scope="market").proven_over == "market"
        assert rematch(before, later, k=3, scope="candidates", max_moves=1).proven_over == "candidates"
    with pytest.warns(ScopeWarning, match="max_moves=1 limits the moves"):
        assert rematch(before, later, k=3, scope="market", max_moves=1).proven_over == "candidates"
    quota = Policy(quotas=[GroupQuota("poverty_alleviated", min_share=0.5)])
    with pytest.warns(ScopeWarning, match="multipliers of quotas and caps"):
        rematch(before, later, quota, k=3, scope="market")
