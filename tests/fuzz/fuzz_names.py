"""Hostile names, catalogues and layouts: ``normalise``, ``Catalogue``, ``Layout`` and ``Market.from_frames`` with
``catalogue=``, ``columns=`` and ``groups_from=``, and ``name_notices``.

Every call goes through ``_tally.attempt`` (only ``ValidationError`` may escape); plainly invalid arguments go
through ``_tally.refused``.  An accepted catalogue or layout must give a market whose names are the catalogue's
and whose groups are the flags', and notices must name only names of the market.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from _tally import REFUSED, attempt, refused
from hypothesis import given, settings
from hypothesis import strategies as st

pd = pytest.importorskip("pandas")

from jobmatch import Catalogue, Market, synth  # noqa: E402
from jobmatch.data.coverage import name_notices  # noqa: E402
from jobmatch.data.layout import Layout  # noqa: E402
from jobmatch.data.names import normalise  # noqa: E402

HOSTILE = [None, 3, 1.5, math.nan, b"x", "", " ", "\x00", "ＨＡＬＡＬ", "Halal", "halal ", "清真", ["a"], {"a": 1},
           ("a", "A"), "a" * 5000, object()]  # fmt: skip
MARKET = synth.scenario(30, 4, 2, seed=5)
FRAMES = MARKET.to_frames(backend="pandas")


@settings(max_examples=200)
@given(st.text(max_size=40))
def test_normalise_any_text(text):
    key = normalise(text)
    assert normalise(key) == key and key == key.strip()


@settings(max_examples=150)
@given(st.sampled_from(["skills", "foods", "places", "groups", "brands", "employers", "aliases"]),
       st.sampled_from(HOSTILE), st.booleans())  # fmt: skip
def test_hostile_catalogues(field, value, listed):
    kwargs = {field: [value] if listed and field != "aliases" else value}
    if field == "aliases":  # a hostile alias (as a key where it can be one) or a hostile target
        hashable = value.__hash__ is not None
        pairs = {value: "halal"} if listed and hashable else {"x": value}
        kwargs = {"foods": ["halal"], "aliases": {"foods": pairs} if listed else value}
    catalogue = attempt("Catalogue", Catalogue, **kwargs)
    if catalogue is REFUSED:
        return
    built = attempt("Market.from_frames(catalogue)", Market.from_frames, *FRAMES, catalogue=catalogue)
    if built is not REFUSED:
        for name in ("skills", "foods", "places", "groups", "brands", "employers"):
            allowed = getattr(catalogue, name)
            domain = {"skills": "skill", "foods": "food", "places": "place", "groups": "group", "brands": "brand",
                      "employers": "employer"}[name]  # fmt: skip
            if allowed is not None:
                assert set(built.vocab[domain]) <= set(allowed)


@settings(max_examples=150)
@given(st.sampled_from(["workers", "workers", "jobs", "programs", "people", 3]),
       st.sampled_from([*HOSTILE, "id", "diet", "工号", "工号"]), st.sampled_from([*HOSTILE, "id", "id", "origin"]),
       st.sampled_from([*HOSTILE, "Y", "N", "是", True, 0]))  # fmt: skip
def test_hostile_layouts(kind, source, target, flag):
    columns = {kind: {source: target}} if isinstance(source, str) else {kind: [source]}
    layout = attempt("Layout", Layout, columns=columns)
    if layout is not REFUSED:
        workers, jobs, programs = (frame.copy() for frame in FRAMES)
        if source == "工号":  # a portal's own id column, mapped (or not) onto ``id``
            workers = workers.rename(columns={"id": "工号"})
        workers["flag"] = pd.Series([flag] * len(workers), dtype=object)
        built = attempt("Market.from_frames(columns)", Market.from_frames, workers, jobs, programs,
                        columns=layout.columns, groups_from={"flag": "flagged"})  # fmt: skip
        if built is not REFUSED:
            flagged = [i for i in range(built.n_workers) if "flagged" in built.worker(i).groups]
            assert len(flagged) in (0, built.n_workers)  # the same flag on every row: all or none
    refused("Layout", Layout, columns={"workers": {"x": "no_such_field"}})
    refused("Layout", Layout, groups_from={"flag": ""})


@settings(max_examples=100)
@given(st.lists(st.sampled_from(["welding", "Welding", "weldng", "cooking", "焊工", "ＷＥＬＤＩＮＧ"]), min_size=1,
                max_size=4, unique=True), st.integers(0, 3))  # fmt: skip
def test_notices_name_only_names_of_the_market(skills, seed):
    workers, jobs, programs = (frame.copy() for frame in FRAMES)
    rng = np.random.default_rng(seed)
    workers["skills"] = [{skills[rng.integers(len(skills))]: 2} for _ in range(len(workers))]
    jobs["requires"] = [{skills[rng.integers(len(skills))]: 1} for _ in range(len(jobs))]
    built = attempt("Market.from_frames(names)", Market.from_frames, workers, jobs, programs)
    if built is REFUSED:
        return
    notices = attempt("name_notices", name_notices, built)
    assert notices is not REFUSED
    for notice in notices:
        assert notice.name in built.vocab[notice.domain]
        assert all(c in built.vocab[notice.domain] for c in notice.close)
    refused("name_notices", name_notices, built, strict_diets=3)


@settings(max_examples=100)
@given(st.sampled_from([*HOSTILE, "Y", "N", "是", "否", True, 0, 1, "yes"]), st.booleans())
def test_a_portal_export_with_hostile_flags(flag, mapped):
    workers, jobs, programs = (frame.copy() for frame in FRAMES)
    workers = workers.rename(columns={"id": "工号"})
    workers["flag"] = pd.Series([flag] * len(workers), dtype=object)
    columns = {"workers": {"工号": "id"}} if mapped else {}
    built = attempt("Market.from_frames(columns)", Market.from_frames, workers, jobs, programs, columns=columns,
                    groups_from={"flag": "flagged"})  # fmt: skip
    if not mapped:
        assert built is REFUSED  # no id column without the mapping
        return
    yes = {"Y", "是", "yes", True}  # True is 1 too
    if built is not REFUSED:
        flagged = [i for i in range(built.n_workers) if "flagged" in built.worker(i).groups]
        assert len(flagged) == (built.n_workers if (flag in yes and not isinstance(flag, float)) else 0)
        assert built.workers.ids.tolist() == MARKET.workers.ids.tolist()
