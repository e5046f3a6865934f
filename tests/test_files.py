"""Markets to and from files (jobmatch.data.files) and the tolerant text form."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jobmatch import Market, ValidationError, synth


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_written_files_read_back_equal(tmp_path, fmt):
    market = synth.scenario(200, 15, 4, seed=3)
    paths = market.to_files(tmp_path, format=fmt)
    assert sorted(p.name for p in paths.values()) == sorted(f"{n}.{fmt}" for n in ("jobs", "programs", "workers"))
    again = Market.from_files(paths["workers"], paths["jobs"], paths["programs"])
    assert again == market


def test_csv_through_pandas_round_trips_and_keeps_leading_zeros(tmp_path):
    market = synth.scenario(60, 6, seed=2)
    workers, jobs, _ = market.to_frames(backend="text")
    workers["id"] = [f"{i:03d}" for i in range(len(workers))]  # ids a number parser would strip
    workers.to_csv(tmp_path / "w.csv", index=False)
    jobs.to_csv(tmp_path / "j.csv", index=False)
    again = Market.from_files(tmp_path / "w.csv", tmp_path / "j.csv")
    assert again.workers.ids[:3].tolist() == ["000", "001", "002"]
    assert again.jobs.capacity.tolist() == market.jobs.capacity.tolist()


def test_pandas_default_parquet_reads_back(tmp_path):
    """pandas writes dict cells as structs or maps whose levels come back as floats (2.0): accepted when whole."""
    market = synth.scenario(80, 8, seed=4)
    workers, jobs, _ = market.to_frames()
    workers.to_parquet(tmp_path / "w.parquet")
    jobs.to_parquet(tmp_path / "j.parquet")
    back_w, back_j = pd.read_parquet(tmp_path / "w.parquet"), pd.read_parquet(tmp_path / "j.parquet")
    assert Market.from_frames(back_w, back_j) == Market.from_frames(workers, jobs)
    levels = {"welding": 2.0}
    w = pd.DataFrame({"id": ["a"], "origin": ["o"], "min_wage": [1.0], "skills": [levels]})
    j = pd.DataFrame({"id": ["J"], "employer": ["E"], "region": ["R"], "capacity": [1], "wage": [2.0]})
    assert dict(Market.from_frames(w, j).worker("a").skills) == {"welding": 2}
    w["skills"] = [{"welding": 2.5}]
    with pytest.raises(ValidationError, match=r"skills\['welding'\] must be a level"):
        Market.from_frames(w, j)


def test_the_text_form_is_tolerant_and_says_what_it_cannot_read():
    j = pd.DataFrame({"id": ["J"], "employer": ["E"], "region": ["R"], "capacity": [1], "wage": [2.0]})
    w = pd.DataFrame({
        "id": [7, 8, 9],  # integer ids are ids
        "origin": ["o", "o", "o"],
        "min_wage": [1.0, 1.0, 1.0],
        "groups": ["poverty_alleviated,female", " female ; poverty_alleviated ", "female，poverty_alleviated"],
        "diet": ["rice; sichuan", "rice,sichuan", ""],
        "skills": ["welding: 3", "welding:3, cooking :2", "welding：3；cooking：2"],
    })  # fmt: skip
    market = Market.from_frames(w, j)
    assert market.workers.ids.tolist() == ["7", "8", "9"]
    for i in range(3):
        record = market.worker(i)
        assert record.groups == frozenset({"poverty_alleviated", "female"})
    assert market.worker(0).diet == frozenset({"rice", "sichuan"}) == market.worker(1).diet
    assert market.worker(2).diet == frozenset()
    assert dict(market.worker(2).skills) == {"welding": 3, "cooking": 2}
    w.loc[1, "skills"] = "welding=3"
    with pytest.raises(ValidationError, match=r"row 1: skills must be text of the form 'skill:level;skill"):
        Market.from_frames(w, j)
    w.loc[1, "skills"] = ""
    w["id"] = pd.Series([7, 8, True], dtype=object)  # a flag is not an id
    with pytest.raises(ValidationError, match="id"):
        Market.from_frames(w, j)


@pytest.mark.parametrize(
    ("name", "message"),
    [("workers.txt", r"a file ending in one of \.csv"), ("missing.csv", "an existing file")],
)
def test_bad_paths_are_named(tmp_path, name, message):
    market = synth.scenario(10, 2, seed=1)
    paths = market.to_files(tmp_path)
    (tmp_path / "workers.txt").write_text("id\n")
    with pytest.raises(ValidationError, match=message):
        Market.from_files(tmp_path / name, paths["jobs"])
    with pytest.raises(ValidationError, match="format must be one of"):
        market.to_files(tmp_path, format="xml")


def test_excel_files_read_when_pandas_can(tmp_path):
    pytest.importorskip("openpyxl")
    market = synth.scenario(20, 3, seed=5)
    workers, jobs, _ = market.to_frames(backend="text")
    workers.to_excel(tmp_path / "w.xlsx", index=False)
    jobs.to_excel(tmp_path / "j.xlsx", index=False)
    again = Market.from_files(tmp_path / "w.xlsx", tmp_path / "j.xlsx")
    assert np.array_equal(again.jobs.capacity, market.jobs.capacity)
    assert again.workers.ids.tolist() == market.workers.ids.tolist()


def test_a_frame_where_a_market_belongs_points_to_the_readers():
    from jobmatch import match

    workers, _, _ = synth.scenario(5, 2, seed=1).to_frames()
    with pytest.raises(ValidationError, match=r"Market\.from_frames\(workers, jobs\), or from files"):
        match(workers)


def test_numbers_and_flags_written_as_text_are_read():
    """A CSV column with one bad cell is read as text throughout: the good cells still read, the bad one is named."""
    j = pd.DataFrame({"id": ["J"], "employer": ["E"], "region": ["R"], "capacity": ["3"], "wage": [" 2.5 "]})
    w = pd.DataFrame({"id": ["a", "b"], "origin": ["o", "o"], "min_wage": ["1", "2.0"],
                      "needs_heating": ["True", "false"], "size": ["1", "2"]})  # fmt: skip
    market = Market.from_frames(w, j)
    assert market.jobs.capacity.tolist() == [3] and market.jobs.wage.tolist() == [2.5]
    assert market.workers.needs_heating.tolist() == [True, False] and market.workers.size.tolist() == [1, 2]
    w.loc[1, "size"] = "two"
    with pytest.raises(ValidationError, match=r"^Worker 'b': size must be an integer from 1 to 1000, got 'two'$"):
        Market.from_frames(w, j)
