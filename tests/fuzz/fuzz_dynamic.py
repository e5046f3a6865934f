"""Hostile arguments for the living market: ``rematch`` and ``simulate.run`` / ``simulate.compare_strategies``.

Every call goes through ``_tally.attempt``; plainly invalid arguments go
through ``_tally.refused``.  Accepted calls must give a sound answer: every
worker of the new market in the result once, placed within the job
headcounts or with a reason, locked workers in their old job, a change code
per worker; one row per simulated week.
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

from jobmatch import GroupQuota, Policy, match, rematch, synth  # noqa: E402
from jobmatch.data.names import normalise  # noqa: E402
from jobmatch.pipeline.rematch import MAX_MOVE_PENALTY  # noqa: E402
from jobmatch.pipeline.simulate import MAX_WEEKS  # noqa: E402
from jobmatch.results.changes import CHANGES  # noqa: E402
from jobmatch.simulate import Strategy, compare_strategies, run  # noqa: E402

HUGE = [0, -1, 2**31, 2**63, 2**70, -(2**70), 10**400]
ODD = [None, True, "3", "", b"\xff", 1.5, math.nan, math.inf, -math.inf, np.int64(3), [3], {"k": 3}, object()]
hostile = st.one_of(st.sampled_from(HUGE), st.sampled_from(ODD))
EARLIER = [None, {"people": 3}, {"people": 2, "female": 1}, {"people": -1}, {"female": 2}, "x",
           {"people": 2, "femal": 1}, {"people": 2, "FEMALE ": 1}]  # fmt: skip
BAD_CELLS = [None, math.nan, "", b"\xff", 2**70, 1.5, [1], {"a": 1}, "yes", -1]


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 12), st.integers(1, 4), st.integers(0, 3), st.data())
def test_rematch(n, m, seed, data):
    market = synth.scenario(n, m, seed=seed)
    before = match(market, k=3, scope="candidates", training=False)
    later = synth.scenario(data.draw(st.integers(0, 12)), data.draw(st.integers(0, 4)), seed=seed + 1)
    frame = before.to_frame()[["worker", "job"]]
    frame["started"] = frame.job.notna() & data.draw(st.booleans())
    if len(frame) and data.draw(st.booleans()):  # a hostile cell
        column = data.draw(st.sampled_from(["worker", "job", "started"]))
        cells = frame[column].tolist()
        cells[0] = data.draw(st.sampled_from(BAD_CELLS))
        frame[column] = pd.Series(cells, index=frame.index, dtype=object)
    previous = data.draw(st.sampled_from([before, frame, "frame", None, frame.rename(columns={"job": "j"})]))
    kwargs: dict = {"k": 3}
    bad = previous is None or isinstance(previous, str) or (hasattr(previous, "columns") and "j" in previous.columns)
    if data.draw(st.booleans()):
        kwargs["move_penalty"] = value = data.draw(
            st.one_of(st.sampled_from([0.0, 0.05, 2, 100, 100.5, 1e14]), hostile)
        )
        bad |= not (valid_amount(value) and float(value) <= MAX_MOVE_PENALTY)
    if data.draw(st.booleans()):
        kwargs["max_moves"] = value = data.draw(st.one_of(st.sampled_from([None, 0, 1, 3]), hostile))
        bad |= value is not None and not valid_int(value, 0)
    if data.draw(st.booleans()):
        kwargs["keep"] = data.draw(st.sampled_from([None, "started", "placed", "all", [], ["nobody"], 3]))
        bad |= kwargs["keep"] in ("all", 3) or kwargs["keep"] == ["nobody"]
    if data.draw(st.booleans()) and later.n_workers:
        groups = later.vocab.group.decode(np.unique(later.workers.groups.codes))
        if groups:
            kwargs["policy"] = Policy(quotas=[GroupQuota(groups[0], min_share=data.draw(st.floats(0, 0.9)))])
            kwargs["options"] = {"finish": False}
    if data.draw(st.booleans()):
        kwargs["placed_earlier"] = value = data.draw(st.sampled_from(EARLIER))
        bad |= value in ({"people": -1}, {"female": 2}, "x", {"people": 2, "femal": 1})  # a typo: never ignored
        quotas = getattr(kwargs.get("policy"), "quotas", ())
        groups = {normalise(g) for g in later.vocab.group} | {normalise(q.group) for q in quotas}
        bad |= isinstance(value, dict) and any(normalise(key) not in groups for key in value if key != "people")
    if data.draw(st.booleans()):
        kwargs["scope"] = value = data.draw(st.sampled_from(["auto", "market", "candidates", "all", None, 1]))
        bad |= value not in ("auto", "market", "candidates")
    if data.draw(st.booleans()):
        kwargs["progress"] = value = data.draw(st.sampled_from([None, False, "yes", 1]))
        bad |= value not in (None, False)
    after = attempt("rematch", rematch, previous, later, **kwargs)
    if bad:
        refused("rematch", rematch, previous, later, **kwargs)
    if after is REFUSED:
        return
    job_of = np.asarray(after.job_of)
    assert job_of.shape == (later.n_workers,)
    people = np.bincount(job_of[job_of >= 0], weights=later.workers.size[job_of >= 0], minlength=later.n_jobs)
    assert np.all(people <= later.jobs.capacity)
    codes, words = after.reasons
    assert all((j >= 0) == (c is None) == (w is None) for j, c, w in zip(job_of.tolist(), codes, words))
    changes = after.changes
    assert set(changes.change.tolist()) <= set(CHANGES)
    for i in np.flatnonzero(changes.locked):
        assert later.jobs.ids[job_of[i]] == changes.previous[i]


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_simulate(data):
    kwargs: dict = {"workers": data.draw(st.integers(1, 80)), "jobs": data.draw(st.integers(1, 6)), "weeks": 3}
    bad = False
    for name in ("weeks", "notice", "patience", "seed"):
        if data.draw(st.integers(0, 3)) == 0:
            kwargs[name] = value = data.draw(st.one_of(st.integers(0, 4), st.sampled_from([520, 521]), hostile))
            bad |= not valid_int(value, 0 if name == "seed" else 1, MAX_WEEKS if name == "weeks" else 2**31 - 1)
    if data.draw(st.integers(0, 3)) == 0:  # what the user's departures model says: probabilities, or not
        said = data.draw(st.sampled_from([0.5, 1.0, -0.1, 1.5, math.nan, "x"]))
        kwargs["departures"] = lambda market, said=said: lambda w, j: np.full(len(w), said, dtype=object)
    strategy = data.draw(st.sampled_from([Strategy("a"), Strategy("b", moves=False, solver="first_come"), "a"]))
    bad |= not isinstance(strategy, Strategy)
    year = attempt("simulate.run", run, strategy, **kwargs)
    if bad:
        refused("simulate.run", run, strategy, **kwargs)
    if year is REFUSED:
        return
    assert len(year.weeks) == kwargs["weeks"]
    employed = [year.totals[f"employed_{months}m"] for months in (3, 6, 12)]
    assert all(math.isfinite(e) and e >= 0 for e in employed), employed  # never negative employment
    w = year.weeks
    assert (w.registered.cumsum() == w.waiting + w.pending + w.employed_workers + w.left.cumsum()
            + w.gave_up.cumsum()).all()  # fmt: skip
    seed = kwargs.pop("seed", 0)
    table = attempt("simulate.compare_strategies", compare_strategies, [strategy], seeds=(seed,), **kwargs)
    assert table is not REFUSED and len(table) == 1
    # seeds= holds the seeds: seed= is refused
    refused("simulate.compare_strategies", compare_strategies, [strategy], seeds=(seed,), seed=seed, **kwargs)
