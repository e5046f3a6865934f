"""The Catalogue: allowed names per kind, aliases, and names outside it refused with the closest ones."""

from __future__ import annotations

import pandas as pd
import pytest

from jobmatch import Catalogue, Job, Market, Policy, ValidationError, Worker, match, synth
from jobmatch.cli import main


def _w(id, **kw):
    return Worker(**{"id": id, "origin": "巫溪", "min_wage": 3000, **kw})


def _j(id, **kw):
    return Job(**{"id": id, "employer": "E", "region": "泰安", "capacity": 2, "wage": 4000, **kw})


CATALOGUE = Catalogue(
    foods=["halal", "rice", "pork"],
    skills=["welding", "cooking"],
    places=["巫溪", "泰安", "济南"],
    aliases={"foods": {"清真": "halal"}, "skills": {"焊工": "welding"}, "places": {"Taian": "泰安"}},
)


def test_aliases_read_as_their_names_everywhere():
    market = Market(
        [_w("W1", diet={"清真"}, skills={"焊工": 3}, preferred_regions={"taian"})],
        [_j("J1", canteen={"HALAL"}, requires={"Welding": 2}), _j("J2", region="Taian", canteen={"pork"})],
        catalogue=CATALOGUE,
    )
    assert list(market.vocab.food) == ["halal", "pork"] and list(market.vocab.skill) == ["welding"]
    assert list(market.vocab.place) == ["巫溪", "泰安"]  # the catalogue's spelling, aliases folded in
    assert market.jobs.region.tolist() == [1, 1]
    placed = match(market, Policy(strict_diets={"清真"}, region_caps={"Taian": 1}))  # policy names through aliases
    assert placed.to_frame(backend="pandas")["job"].tolist() == ["J1"]


@pytest.mark.parametrize(
    ("worker", "job", "message"),
    [
        ({"diet": {"hallal"}}, {}, r"Worker 'W1': diet item must be a food in the catalogue \(close: 'halal'\)"),
        ({"skills": {"weldng": 2}}, {}, r"skills\['weldng'\] must be a skill in the catalogue \(close: 'welding'\)"),
        ({}, {"region": "泰按"}, r"Job 'J1': region must be a place in the catalogue \(close: '泰安'\)"),
        ({"origin": "Wuxi"}, {}, r"Worker 'W1': origin must be a place in the catalogue, got 'Wuxi'"),
    ],
)
def test_names_outside_are_refused_with_the_closest(worker, job, message):
    with pytest.raises(ValidationError, match=message):
        Market([_w("W1", **worker)], [_j("J1", **job)], catalogue=CATALOGUE)


def test_open_kinds_take_any_name_and_frames_and_files_take_the_catalogue(tmp_path):
    market = Market([_w("W1", groups={"anything"})], [_j("J1", employer="any employer")], catalogue=CATALOGUE)
    assert list(market.vocab.group) == ["anything"]
    workers, jobs, _ = synth.scenario(20, 3, seed=1).to_frames(backend="pandas")
    with pytest.raises(ValidationError, match="in the catalogue"):
        Market.from_frames(workers, jobs, catalogue=Catalogue(skills=["welding"]))
    skills = sorted({s for cell in workers["skills"] for s in cell} | {s for cell in jobs["requires"] for s in cell})
    assert Market.from_frames(workers, jobs, catalogue=Catalogue(skills=skills)) == Market.from_frames(workers, jobs)
    paths = Market.from_frames(workers, jobs).to_files(tmp_path)
    with pytest.raises(ValidationError, match="in the catalogue"):
        Market.from_files(paths["workers"], paths["jobs"], catalogue=Catalogue(skills=["welding"]))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"foods": "halal"}, "a str is not one"),
        ({"foods": ["halal", "Halal"]}, "each name once"),
        ({"foods": ["halal", ""]}, "non-empty text"),
        ({"aliases": {"foods": {"清真": "halal"}}}, "aliases of a kind with a list"),
        ({"foods": ["halal"], "aliases": {"foods": {"清真": "hala"}}}, r"a name of foods \(close: 'halal'\)"),
        ({"foods": ["halal", "rice"], "aliases": {"foods": {"Rice": "halal"}}}, "not another name"),
        ({"foods": ["halal"], "aliases": {"diets": {}}}, "one of"),
        ({"foods": ["halal"], "aliases": ["x"]}, "a mapping"),
    ],
)
def test_a_bad_catalogue_is_refused(kwargs, message):
    with pytest.raises(ValidationError, match=message):
        Catalogue(**kwargs)


def test_skills_is_short_for_a_skill_catalogue_and_not_both():
    with pytest.raises(ValidationError, match=r"skills\['weldng'\] must be a skill in the catalogue"):
        Market([_w("W1", skills={"weldng": 2})], [_j("J1")], skills=["welding"])
    with pytest.raises(ValidationError, match="None when a catalogue is given"):
        Market([_w("W1")], [_j("J1")], skills=["welding"], catalogue=CATALOGUE)
    with pytest.raises(ValidationError, match=r"a jobmatch\.Catalogue"):
        Market([_w("W1")], [_j("J1")], catalogue={"foods": ["halal"]})


def test_json_round_trip_and_the_command_line(tmp_path, capsys):
    again = Catalogue.from_json(CATALOGUE.to_json())
    assert again.foods == CATALOGUE.foods and dict(again.aliases["foods"]) == {"清真": "halal"}
    with pytest.raises(ValidationError, match="keys"):
        Catalogue.from_json('{"food": ["halal"]}')
    with pytest.raises(ValidationError, match="valid JSON"):
        Catalogue.from_json("{")
    (tmp_path / "catalogue.json").write_text('{"#": "a comment", "skills": ["welding"]}', encoding="utf-8")
    pd.DataFrame({"id": ["W1"], "origin": ["巫溪"], "min_wage": [3000], "skills": ["weldng:2"]}).to_csv(
        tmp_path / "w.csv", index=False
    )
    pd.DataFrame({"id": ["J1"], "employer": ["E"], "region": ["泰安"], "capacity": [1], "wage": [4000]}).to_csv(
        tmp_path / "j.csv", index=False
    )
    argv = [str(tmp_path / "w.csv"), str(tmp_path / "j.csv"), "--catalogue", str(tmp_path / "catalogue.json")]
    assert main(["validate", *argv]) == 2
    assert "skills['weldng'] must be a skill in the catalogue (close: 'welding')" in capsys.readouterr().err
    assert main(["match", *argv, "--out", str(tmp_path / "w.csv")]) == 2  # an input: never overwritten
    assert "another file than the inputs" in capsys.readouterr().err
