"""Names mean one thing: one normalisation (case, width, spacing), names on one side only reported."""

from __future__ import annotations

import unicodedata
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobmatch import (
    GroupQuota,
    Job,
    Market,
    NameWarning,
    Policy,
    TrainingProgram,
    ValidationError,
    Worker,
    match,
    synth,
)
from jobmatch.data.coverage import name_notices
from jobmatch.data.names import normalise
from jobmatch.data.vocabulary import Vocabulary


def _w(id, **kw):
    return Worker(**{"id": id, "origin": "Wuxi", "min_wage": 3000, **kw})


def _j(id, **kw):
    return Job(**{"id": id, "employer": "Acme", "region": "Taian", "capacity": 3, "wage": 5000, **kw})


# ------------------------------------------------------------------ the normalisation
@given(st.text(max_size=20))
def test_normalise_is_idempotent_and_blind_to_case_width_and_spacing(text):
    key = normalise(text)
    assert normalise(key) == key
    assert normalise(f"  {text}\t") == key
    assert normalise(" " + text + "  ") == key
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)  # full-width ASCII
    assert normalise(wide) == key


def test_normalise_examples():
    assert normalise("Halal") == normalise("HALAL") == normalise(" halal ") == normalise("ＨＡＬＡＬ") == "halal"
    assert normalise("Shizhu   Aunties") == normalise("shizhu\u3000aunties") == "shizhu aunties"
    assert normalise("巫溪") == "巫溪"
    assert normalise("weldng") != normalise("welding")  # a misspelling is another name (reported, not merged)


def test_vocabulary_keeps_the_first_spelling_and_finds_any():
    foods = Vocabulary(["Halal", "rice", "halal", "HALAL "])
    assert list(foods) == ["Halal", "rice"]
    assert foods.code("halal") == foods.code("ＨＡＬＡＬ") == 0
    assert "RICE" in foods and "pork" not in foods and 3 not in foods
    assert foods.encode(["rice", "hAlAl"]).tolist() == [1, 0]
    with pytest.raises(KeyError):
        foods.code("pork")


# ------------------------------------------------------------------ the Halal market (issue 28)
def test_halal_in_capitals_is_still_strict():
    workers = [_w(f"W{i}", diet={"Halal"} if i < 3 else {"rice"}) for i in range(6)]
    pork = _j("pork", canteen={"rice", "pork"}, capacity=6)
    halal = _j("halal", canteen={"halal ", "rice"}, capacity=1, wage=4000)
    placed = match(Market(workers, [pork, halal]))
    frame = placed.to_frame(backend="pandas").set_index("worker")
    for i in range(3):
        assert frame.loc[f"W{i}", "job"] != "pork"
    assert (frame["job"] == "halal").sum() == 1
    with pytest.warns(NameWarning, match="'Halal': strict"):
        alone = match(Market(workers, [pork]))
    reasons = alone.to_frame(backend="pandas").set_index("worker")
    for i in range(3):
        assert reasons.loc[f"W{i}", "reason"] == "no_feasible_job"
        assert "the strict diet 'Halal' (no canteen serves it)" in reasons.loc[f"W{i}", "why"]


def test_skills_groups_regions_and_employers_match_in_any_spelling():
    workers = [_w("W1", skills={"Welding": 3}, groups={"Poverty_Alleviated"}, preferred_regions={"TAIAN"}),
               _w("W2", skills={"welding ": 2})]  # fmt: skip
    jobs = [_j("J1", requires={"WELDING": 2}, region="taian", employer="ACME"), _j("J2", region="Jinan", capacity=1)]
    market = Market(workers, jobs)
    assert len(market.vocab.skill) == 1 and len(market.vocab.place) == 3  # Wuxi, Taian, Jinan
    policy = Policy(
        region_caps={"TaiAn": 1}, employer_caps={"acme": 5}, strict_diets={"HALAL"},
        quotas=[GroupQuota("poverty_alleviated", min_count=1)],
    )  # fmt: skip
    placed = match(market, policy)
    assert placed.status.name in ("OPTIMAL", "FEASIBLE")
    frame = placed.to_frame(backend="pandas").set_index("worker")
    assert frame.loc["W1", "job"] == "J1"  # the quota's member, at the capped region's one place


def test_one_set_naming_a_thing_twice_is_refused_with_both_spellings():
    with pytest.raises(ValidationError, match=r"Worker 'W1': diet must be each name once.*'Halal' and 'halal'"):
        Market([_w("W1", diet={"Halal", "halal"})], [_j("J1")])
    with pytest.raises(ValidationError, match=r"Job 'J1': requires must be each name once"):
        Market([_w("W1")], [_j("J1", requires={"welding": 2, "Welding": 3})])
    pd = pytest.importorskip("pandas")
    workers = pd.DataFrame({"id": ["W1", "W2"], "origin": ["Wuxi"] * 2, "min_wage": [3000] * 2,
                            "diet": ["rice", "rice;RICE"]})  # fmt: skip
    with pytest.raises(ValidationError, match=r"Worker 'W2': diet must be each name once.*'RICE' and 'rice'"):
        Market.from_frames(workers, pd.DataFrame({"id": ["J1"], "employer": ["E"], "region": ["R"],
                                                  "capacity": [1], "wage": [5000]}))  # fmt: skip


# ------------------------------------------------------------------ the property: spelling changes no answer
_SPELLINGS = {
    "upper": str.upper,
    "title": str.title,
    "padded": lambda s: f"  {s} ",
    "wide": lambda s: "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s),
    "spaced": lambda s: s.replace("_", "_ ").replace(" ", "\u3000 ") if " " in s else s,
}


def _respelt(market: Market, how: dict[str, str]) -> Market:
    """The same market with every name column's names respelt (sets, maps and scalars)."""
    frames = [frame.copy() for frame in market.to_frames(backend="pandas")]
    for frame in frames:
        for column in frame.columns:
            if column == "id" or column not in how:
                continue
            spell = _SPELLINGS[how[column]]
            values = frame[column].tolist()
            if column in ("skills", "requires", "grants", "prerequisites"):
                frame[column] = [{spell(k): v for k, v in cell.items()} for cell in values]
            elif column in ("diet", "groups", "preferred_regions", "canteen", "brands"):
                frame[column] = [[spell(k) for k in cell] for cell in values]
            elif frame[column].dtype == object:
                frame[column] = [None if v is None else spell(v) for v in values]
    return Market.from_frames(*frames)


_NAME_COLUMNS = ("skills", "requires", "grants", "prerequisites", "diet", "canteen", "groups", "preferred_regions",
                 "brands", "brand", "origin", "region", "employer")  # fmt: skip


@settings(max_examples=8, deadline=None)
@given(st.dictionaries(st.sampled_from(_NAME_COLUMNS), st.sampled_from(sorted(_SPELLINGS)), min_size=1),
       st.integers(0, 3))  # fmt: skip
def test_respelling_any_name_changes_no_answer(how, seed):
    market = synth.scenario(60, 6, 3, seed=seed)
    policy = Policy(strict_diets={"halal"}, quotas=[GroupQuota("poverty_alleviated", min_share=0.5)])
    respelt = _respelt(market, how)
    assert [len(v) for _, v in respelt.vocab.items()] == [len(v) for _, v in market.vocab.items()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NameWarning)
        a = match(market, policy, k=4, seed=1)
        b = match(respelt, policy, k=4, seed=1)
    assert np.array_equal(a.job_of, b.job_of) and np.array_equal(a.program_of, b.program_of)
    assert a.objective == b.objective and a.status == b.status


# ------------------------------------------------------------------ names on one side only
def test_notices_name_each_one_sided_name_with_the_close_names():
    market = Market(
        [_w("W1", skills={"weldng": 3}, diet={"Halal", "noodles"}, preferred_regions={"Taain"}),
         _w("W2", groups={"poverty_alleviated"}), _w("W3", groups={"poverty_aleviated"})],
        [_j("J1", requires={"welding": 2}, canteen={"rice", "noodle"})],
    )  # fmt: skip
    notices = name_notices(market)
    kinds = [(n.kind, n.name, n.close) for n in notices]
    assert kinds == [
        ("strict_unserved", "Halal", ()),
        ("diet_unserved", "noodles", ("noodle",)),
        ("skill_unheld", "welding", ("weldng",)),
        ("skill_unwanted", "weldng", ("welding",)),
        ("region_unoffered", "Taain", ("Taian",)),
        ("near_duplicate", "poverty_aleviated", ("poverty_alleviated",)),
    ]
    assert all(n.likely_mistake for n in notices)
    assert "1 worker needs it" in str(notices[0])


def test_notices_are_silent_on_a_consistent_market_and_count_programmes():
    assert name_notices(synth.scenario(2000, 100, 10, seed=3)) == []
    market = Market(
        [_w("W1", skills={"cooking": 1})],
        [_j("J1", requires={"foot_care": 2})],
        [TrainingProgram(id="P1", grants={"foot_care": 2}, seats=5, cost=100, weeks=2,
                                                region="Wuxi", prerequisites={"cooking": 1})],
    )  # fmt: skip
    assert name_notices(market) == []  # the programme grants the required skill and asks for the held one


def test_match_warns_only_of_likely_mistakes():
    market = Market([_w("W1", skills={"cooking": 2})], [_j("J1")])
    with warnings.catch_warnings():
        warnings.simplefilter("error", NameWarning)
        match(market)  # a skill no job asks for, nothing close: reported by validate, not warned
    assert [n.kind for n in name_notices(market)] == ["skill_unwanted"]


def test_nfkc_keeps_chinese_names_intact():
    names = ["巫溪", "城口", "泰安", "济南", "丰都"]
    assert all(normalise(n) == n == unicodedata.normalize("NFKC", n) for n in names)
