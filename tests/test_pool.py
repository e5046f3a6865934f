"""Candidate pools re-used across markets (jobmatch.scoring.pool) and their merge kernel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reference
from jobmatch import Market, Policy, candidates, match, rematch, synth
from jobmatch.scoring import _merge
from jobmatch.scoring.pool import depth, pool, record_keys, reuse
from jobmatch.scoring.scores import pair_components


def week_later(market: Market, seed: int, *, share: float = 0.1, shuffle: bool = False) -> Market:
    """Some workers and jobs gone, some records edited (wage, skills, capacity), new ones, optionally reordered."""
    rng = np.random.default_rng(seed)
    workers, jobs, _ = market.to_frames()
    workers = workers[rng.random(len(workers)) > share].reset_index(drop=True)
    jobs = jobs[rng.random(len(jobs)) > share].reset_index(drop=True)
    if not len(jobs):
        jobs = market.to_frames()[1]
    edit = rng.random(len(workers)) < share
    workers.loc[edit, "min_wage"] = workers.loc[edit, "min_wage"] + 100.0
    edit = rng.random(len(jobs)) < share
    jobs.loc[edit, "wage"] = jobs.loc[edit, "wage"] * 1.1
    moved = rng.random(len(jobs)) < 2 * share  # capacities move: only a group's fit depends on them
    jobs.loc[moved, "capacity"] = np.maximum(0, jobs.loc[moved, "capacity"] + rng.integers(-3, 4, int(moved.sum())))
    new_w, new_j, _ = synth.scenario(max(1, int(share * len(workers))), 3, seed=seed + 1000).to_frames()
    new_w["id"], new_j["id"] = f"w{seed}-" + new_w["id"], f"j{seed}-" + new_j["id"]
    workers = pd.concat([workers, new_w], ignore_index=True)
    jobs = pd.concat([jobs, new_j], ignore_index=True)
    if shuffle:
        workers = workers.iloc[rng.permutation(len(workers))].reset_index(drop=True)
        jobs = jobs.iloc[rng.permutation(len(jobs))].reset_index(drop=True)
    return Market.from_frames(workers, jobs)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 8), st.booleans(), st.sampled_from([0.02, 0.1, 0.4]))
def test_reused_candidates_equal_fresh_ones_week_after_week(seed, k, shuffle, share):
    market = synth.scenario(120, 25, seed=seed)
    kept = pool(market, Policy(), k)
    for week in range(3):
        market = week_later(market, seed + week, share=share, shuffle=shuffle)
        kept, stats = reuse(kept, market, Policy(), k)
        assert stats["reused"]
        assert kept.top(k) == candidates(market, k=k)
        assert kept.graph.nnz <= depth(k, market.n_jobs) * market.n_workers


def test_reuse_scores_only_what_changed():
    market = synth.scenario(3000, 60, seed=4)
    later = week_later(market, 5, share=0.02)
    after, stats = reuse(pool(market, Policy(), 10), later, Policy(), 10)
    new_workers = int(np.char.startswith(later.workers.ids.astype(str), "w5-").sum())
    assert after.top(10) == candidates(later, k=10)
    assert new_workers <= stats["rescored_workers"] < 0.25 * later.n_workers  # edits and thin rows besides
    assert 3 <= stats["fresh_jobs"] < 0.3 * later.n_jobs


def test_another_policy_scores_everything_again():
    market = synth.scenario(300, 20, seed=2)
    before = pool(market, Policy(), 5)
    other = Policy(weights={"wage": 3.0}, hard={"skill"})
    after, stats = reuse(before, market, other, 5)
    assert not stats["reused"] and after.top(5) == candidates(market, other, k=5)
    same, stats = reuse(before, market, Policy(), 5)
    assert stats["reused"] and stats["rescored_workers"] == 0 and stats["fresh_jobs"] == 0
    assert same.graph == before.graph


def test_record_keys_follow_the_fields_not_the_vocabulary():
    market = synth.scenario(200, 15, seed=3)
    workers, jobs, _ = market.to_frames()
    # Without its first 100 workers the market's vocabularies lose names, so codes differ: keys must not.
    part = Market.from_frames(workers.iloc[100:].reset_index(drop=True), jobs)
    assert np.array_equal(record_keys(part)[0], record_keys(market)[0][100:])
    edited = jobs.copy()
    edited["canteen"] = [sorted(set(c) ^ {"halal"}) if j == 3 else c for j, c in enumerate(edited["canteen"])]
    edited.loc[4, "capacity"] += 5  # capacity is not in a job's key
    keys = record_keys(Market.from_frames(workers, edited))[1]
    differs = keys != record_keys(market)[1]
    assert differs.tolist() == [j == 3 for j in range(len(jobs))]


def test_rematch_keeps_a_pool_and_reuses_it():
    market = synth.scenario(400, 25, seed=6)
    first = rematch(match(market, k=5), week_later(market, 1), k=5, scope="candidates")
    assert first.pool is not None and not first.result.stats["candidates"]["reused"]
    later = week_later(first.market, 2)
    second = rematch(first, later, k=5, scope="candidates")
    assert second.result.stats["candidates"]["reused"]
    first.pool = None  # the same re-match, scoring everything
    whole = rematch(first, later, k=5, scope="candidates")
    assert second.problem.n_arcs == whole.problem.n_arcs
    assert np.array_equal(second.job_of, whole.job_of) and second.objective == whole.objective


@pytest.mark.parametrize("shuffle", [False, True])
def test_a_market_wide_rematch_carries_last_weeks_pairs_and_proves_the_same_optimum(shuffle):
    """Over the whole market, the pairs of last week's pricing passes are carried over (same records score the
    same, in any order): fewer pairs to find again, the same proven optimum as a re-match that finds them all,
    and every carried pair scores what scoring it now gives."""
    market = synth.scenario(400, 25, seed=6)
    first = rematch(match(market, k=3), week_later(market, 1), k=3)
    later = week_later(first.market, 2, shuffle=shuffle)
    carried = rematch(first, later, k=3, move_penalty=0)
    assert first.proven_over == carried.proven_over == "market"
    first.pool = None  # nothing re-used, nothing carried
    found = rematch(first, later, k=3, move_penalty=0)
    assert found.proven_over == "market"
    assert carried.result.stats["pairs_added"] < found.result.stats["pairs_added"]
    assert carried.objective == pytest.approx(found.objective, abs=1e-6)
    assert carried.objective == pytest.approx(match(later, k=3, training=False).objective, abs=1e-6)
    problem = carried.problem
    scores = pair_components(later, None, problem.workers, problem.jobs)[0]
    assert np.array_equal(problem.values, scores.astype(np.float64))


@st.composite
def merge_inputs(draw):
    """An old ranked graph, its columns mapped one-to-one into some new columns (or dropped), a second graph over
    the other new columns (the fresh jobs), their cuts, and k <= depth."""
    n_cols = draw(st.integers(1, 8))
    perm = draw(st.permutations(range(n_cols)))
    n_same = draw(st.integers(0, n_cols))
    job_map = np.array([perm[c] if draw(st.booleans()) else -1 for c in range(n_same)] or [-1], dtype=np.int64)
    fresh = sorted(perm[n_same:]) or [0]
    score = st.sampled_from([0.25, 0.5, 0.75, 1.0])  # few values: ties everywhere

    def ranked(rows, columns, into):
        out = []
        for _ in range(rows):
            cols = draw(st.lists(st.sampled_from(columns), unique=True, max_size=len(columns)))
            out.append(sorted(((draw(score), c) for c in cols), key=lambda e: (-e[0], into[e[1]])))
        ptr = np.concatenate([[0], np.cumsum([len(r) for r in out])]).astype(np.int64)
        idx = np.array([into[c] for r in out for _, c in r], dtype=np.int64)
        sc = np.array([s for r in out for s, _ in r], dtype=np.float32)
        cut = np.array([draw(st.sampled_from([-np.inf, 0.25, 0.5])) for _ in out], dtype=np.float32)
        at = np.array([-1 if c == -np.inf else draw(st.integers(-1, n_cols - 1)) for c in cut], dtype=np.int64)
        return ptr, idx, sc, cut, at

    n_old = draw(st.integers(0, 5))
    old_cols = list(range(len(job_map)))
    a = ranked(n_old, old_cols, {c: c for c in old_cols})
    n = draw(st.integers(0, 5))
    b = ranked(n, fresh, {c: c for c in fresh})
    old_row = np.array([draw(st.integers(-1, n_old - 1)) for _ in range(n)], dtype=np.int64)
    b_row = np.array([draw(st.sampled_from([-1, i])) for i in range(n)], dtype=np.int64)
    wide = draw(st.integers(1, 6))
    k = draw(st.integers(1, wide))
    return old_row, a, job_map, b_row, b, k, wide


@settings(max_examples=300, deadline=None)
@given(merge_inputs())
def test_merge_rows_equals_reference(case):
    old_row, (a_ptr, a_idx, a_sc, a_cut, a_at), job_map, b_row, (b_ptr, b_idx, b_sc, b_cut, b_at), k, wide = case
    n = len(old_row)
    out_idx, out_sc = np.zeros((n, wide), np.int64), np.zeros((n, wide), np.float32)
    count, cut, at, exact = np.zeros(n, np.int64), np.zeros(n, np.float32), np.zeros(n, np.int64), np.zeros(n, bool)
    args = (old_row, a_ptr, a_idx, a_sc, a_cut, a_at, job_map, b_row, b_ptr, b_idx, b_sc, b_cut, b_at, k, wide)
    _merge.merge_rows(*args, out_idx, out_sc, count, cut, at, exact)
    rows, want_cut, want_at, want_exact = reference.merge_rows(*args)
    for i, row in enumerate(rows):
        got = list(zip(out_idx[i, : count[i]].tolist(), out_sc[i, : count[i]].tolist()))
        assert got == [(j, float(s)) for j, s in row]
    assert np.array_equal(cut, want_cut) and np.array_equal(at[cut > -np.inf], want_at[cut > -np.inf])
    assert np.array_equal(exact, want_exact)
