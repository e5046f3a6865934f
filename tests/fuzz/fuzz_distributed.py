"""Hostile arguments for ``jobmatch.distributed``: ``candidates``, ``assign`` and ``sweep`` (dask's threaded
scheduler, in this process).

Every call goes through ``_tally.attempt``; plainly invalid arguments go
through ``_tally.refused``.  Accepted calls must give a sound answer:
candidate rows only for known workers and jobs, placements that list every
worker of the candidates once within the job capacities, one sweep row per
scenario.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from _tally import REFUSED, attempt, refused
from _valid import valid_amount, valid_int
from hypothesis import given, settings
from hypothesis import strategies as st

pd = pytest.importorskip("pandas")
pytest.importorskip("dask.dataframe")

from jobmatch import GroupQuota, Policy, synth  # noqa: E402
from jobmatch.distributed import assign, candidates, sweep  # noqa: E402

HUGE = [0, -1, 2**31, 2**63, 2**70, -(2**70), 10**400]
ODD = [None, True, "3", "", b"\xff", 1.5, math.nan, math.inf, -math.inf, np.int64(3), [3], {"k": 3}, object()]
hostile = st.one_of(st.sampled_from(HUGE), st.sampled_from(ODD))
BAD_CELLS = [None, math.nan, math.inf, -1, "x", "", b"\xff", 2**70, 1.5, [1], {"a": 1}, True]


@settings(max_examples=40)
@given(
    st.integers(0, 30),
    st.integers(1, 5),
    st.one_of(st.integers(1, 6), hostile),
    st.sampled_from(["frame", "arrow", 42, None, "no/such/file.parquet"]),
)
def test_candidates(n, m, k, kind):
    market = synth.scenario(n, m, seed=n % 3)
    workers, jobs, _ = market.to_frames()
    given_workers = {"frame": workers, "arrow": market.to_frames(backend="arrow")[0]}.get(kind, kind)
    bad = not valid_int(k, 1) or kind in (42, None)
    if bad:
        refused("distributed.candidates", lambda: candidates(given_workers, jobs, k=k).compute())
        return
    if kind == "no/such/file.parquet":
        with pytest.raises((FileNotFoundError, OSError)):  # dask's own error for a missing file
            candidates(given_workers, jobs, k=k).compute()
        return
    rows = attempt("distributed.candidates", lambda: candidates(given_workers, jobs, k=k).compute())
    assert rows is not REFUSED
    assert set(rows.worker) <= set(workers.id) and set(rows.job) <= set(jobs.id)
    assert (rows.groupby("worker").size() <= k).all()


@st.composite
def candidate_rows(draw):
    n, m = draw(st.integers(1, 12)), draw(st.integers(1, 4))
    rows = [
        (f"W{i}", f"J{j}", float(draw(st.integers(0, 5))), 1)
        for i in range(n)
        for j in draw(st.lists(st.integers(0, m - 1), unique=True, max_size=m))
    ]
    frame = pd.DataFrame(rows, columns=["worker", "job", "score", "people"]).astype(
        {"score": "float64", "people": "int64", "worker": object, "job": object}
    )
    jobs = pd.DataFrame({"id": [f"J{j}" for j in range(m)], "employer": "E", "region": "泰安",
                         "capacity": [draw(st.integers(0, 3)) for _ in range(m)], "wage": 4000.0})  # fmt: skip
    bad = False
    if len(frame) and draw(st.booleans()):
        column = draw(st.sampled_from(["job", "score", "people"]))
        frame[column] = frame[column].astype(object)
        frame.at[draw(st.integers(0, len(frame) - 1)), column] = draw(st.sampled_from(BAD_CELLS))
        bad = True
    return frame, jobs, bad


@settings(max_examples=60)
@given(
    candidate_rows(),
    st.one_of(st.integers(0, 3), hostile),
    st.one_of(st.none(), st.floats(0, 1), hostile),
    st.sampled_from([None, Policy(), Policy(quotas=[GroupQuota("g", min_share=0.5)]), "policy"]),
)
def test_assign(case, rounds, delta, policy):
    frame, jobs, bad_cell = case
    plain_bad = (
        not valid_int(rounds, 0, 1000)
        or (delta is not None and not valid_amount(delta))
        or (policy is not None and not (isinstance(policy, Policy) and not policy.quotas))
    )
    if plain_bad:
        refused("distributed.assign", assign, frame, jobs, policy, rounds=rounds, delta=delta)
        return
    done = attempt("distributed.assign", assign, frame, jobs, policy, rounds=rounds, delta=delta)
    if done is REFUSED:
        assert bad_cell, "assign refused valid candidates"
        return
    # A bad cell may still be a valid value (e.g. True as a score of 1, -1 as a score): then it is accepted.
    placed = done.placements.compute()
    assert placed.worker.tolist() == list(dict.fromkeys(frame.worker))
    used = placed.dropna(subset=["job"]).groupby("job")["people"].sum()
    capacity = dict(zip(jobs.id, jobs.capacity))
    assert all(used[j] <= capacity[j] for j in used.index)
    assert done.bound >= done.objective - 1e-9


@settings(max_examples=25)
@given(st.one_of(st.lists(st.sampled_from([0, 1, Policy()]), min_size=1, max_size=3), hostile), st.integers(1, 3))
def test_sweep(scenarios, k):
    market = synth.scenario(30, 4, seed=1)
    good = isinstance(scenarios, list)
    if not good:
        refused("distributed.sweep", sweep, market, scenarios, solver="greedy", k=k)
        return
    table = attempt("distributed.sweep", sweep, market, scenarios, solver="greedy", k=k)
    assert table is not REFUSED and table["scenario"].tolist() == list(range(len(scenarios)))
