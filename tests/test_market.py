"""Market: cross-record checks, encoding, frames round trips, slicing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobmatch import Job, Market, TrainingProgram, ValidationError, Worker, score_matrix, synth
from jobmatch.data.ragged import Ragged
from jobmatch.exceptions import ColumnWarning
from strategies import markets, policies, record_lists


def _w(id, **kw):
    return Worker(**{"id": id, "origin": "巫溪", "min_wage": 4000, **kw})


def _j(id, **kw):
    return Job(**{"id": id, "employer": "E", "region": "泰安", "capacity": 2, "wage": 4500, **kw})


@given(record_lists())
def test_records_survive_encoding(lists):
    workers, jobs, programs = lists
    market = Market(workers, jobs, programs)
    assert (market.n_workers, market.n_jobs, market.n_programs) == (len(workers), len(jobs), len(programs))
    assert [market.worker(i) for i in range(len(workers))] == list(workers)
    assert [market.job(r.id) for r in jobs] == list(jobs)
    assert [market.program(i) for i in range(len(programs))] == list(programs)


@given(record_lists(), st.randoms(use_true_random=False))
def test_codes_do_not_depend_on_record_order(lists, random):
    workers, jobs, programs = lists
    shuffled = list(workers)
    random.shuffle(shuffled)
    a, b = Market(workers, jobs, programs), Market(shuffled, jobs, programs)
    assert a.vocab == b.vocab
    for w in workers:
        i, k = a.workers.index(w.id), b.workers.index(w.id)
        assert a.workers.origin[i] == b.workers.origin[k]
        assert a.workers.skills.row(i)[0].tolist() == b.workers.skills.row(k)[0].tolist()


@given(markets())
def test_vocabularies_hold_exactly_the_names_used(market):
    used_places = {market.worker(i).origin for i in range(market.n_workers)}
    for i in range(market.n_workers):
        used_places |= market.worker(i).preferred_regions
    used_places |= {market.job(i).region for i in range(market.n_jobs)}
    used_places |= {market.program(i).region for i in range(market.n_programs)}
    assert set(market.vocab.place) == used_places
    assert list(market.vocab.place) == sorted(used_places)


@given(markets())
def test_arrays_are_read_only_and_rows_sorted(market):
    for table in (market.workers, market.jobs, market.programs):
        for column in table.columns.values():
            arrays = [column.indptr, column.codes] if isinstance(column, Ragged) else [column]
            for array in arrays:
                assert not array.flags.writeable
            if isinstance(column, Ragged):
                for i in range(len(column)):
                    codes = column.row(i)[0]
                    assert np.all(np.diff(codes) > 0)


@given(markets(), st.sampled_from(["pandas", "arrow"]))
def test_frames_round_trip_exactly(market, backend):
    frames = market.to_frames(backend=backend)
    again = Market.from_frames(*frames)
    assert again == market
    for before, after in zip(frames, again.to_frames(backend=backend)):
        if backend == "pandas":
            pd.testing.assert_frame_equal(before, after)
        else:
            assert before.equals(after)


def test_frames_keep_unicode_and_layout():
    market = Market([_w("城口-母亲", skills={"足疗": 2}, diet={"米饭", "rice"}, brand="石柱土家大姐")], [_j("泰安-07")])
    workers, _, programs = market.to_frames()
    row = workers.iloc[0]
    assert row["id"] == "城口-母亲" and row["skills"] == {"足疗": 2} and row["diet"] == ["rice", "米饭"]
    assert row["brand"] == "石柱土家大姐" and len(programs) == 0
    table = market.to_frames(backend="arrow")[0]
    assert table.schema.field("skills").type == pa.map_(pa.string(), pa.int8())
    assert table.schema.field("diet").type == pa.list_(pa.string())


def test_duplicate_ids_named_with_rows():
    with pytest.raises(
        ValidationError,
        match=r"Worker 'W1': id must be unique among Worker records, got the same id "
        r"at rows 0 and 2",
    ):
        Market([_w("W1"), _w("W2"), _w("W1")], [])
    with pytest.raises(ValidationError, match="Job 'J'"):
        Market([], [_j("J"), _j("J")])
    # The same id in different kinds is fine.
    Market([_w("X")], [_j("X")])


def test_wrong_record_type_rejected():
    with pytest.raises(ValidationError, match=r"workers at position 1: type must be a Worker record"):
        Market([_w("W1"), _j("J1")], [])
    with pytest.raises(ValidationError, match=r"programs at position 0"):
        Market([], [], [{"id": "P"}])


def test_skill_catalogue_catches_misspelt_skills():
    with pytest.raises(ValidationError, match=r"Job 'J1': requires\['weldng'\] must be a skill in the catalogue"):
        Market([_w("W1", skills={"welding": 2})], [_j("J1", requires={"weldng": 2})], skills=["welding"])
    Market([_w("W1", skills={"welding": 2})], [_j("J1", requires={"welding": 2})], skills=["welding", "assembly"])


def _frames():
    workers = pd.DataFrame({"id": ["W1", "W2"], "origin": ["巫溪", "城口"], "min_wage": [4000, 3500]})
    jobs = pd.DataFrame({"id": ["J1"], "employer": ["E"], "region": ["泰安"], "capacity": [5], "wage": [4500.0]})
    return workers, jobs


@pytest.mark.parametrize(
    ("column", "values", "message"),
    [
        ("min_wage", [4000, np.nan], r"Worker 'W2': min_wage must be a finite number from 0 to 1e\+07, got nan"),
        ("min_wage", [4000, -1], r"Worker 'W2': min_wage must be a finite number from 0 to 1e\+07, got -1"),
        ("min_wage", ["4000", "a lot"], r"Worker 'W2': min_wage must be a finite number .* got 'a lot'"),
        ("size", [1, 2.5], r"Worker 'W2': size must be an integer from 1 to 1000, got 2.5"),
        ("size", [1, 10**30], r"Worker 'W2': size must be an integer from 1 to 1000, got 10{30}"),
        ("id", ["W1", ""], r"Worker at row 1: id must be non-empty text, got ''"),
        ("id", ["W1", "W1"], r"Worker 'W1': id must be unique"),
        ("origin", ["巫溪", None], r"Worker 'W2': origin must be non-empty text, got None"),
        ("needs_heating", [True, "maybe"], r"Worker 'W2': needs_heating must be True or False, got 'maybe'"),
        ("skills", [{"welding": 9}, {}], r"Worker 'W1': skills\['welding'\] must be a level from 1 to 5, got 9"),
        ("skills", ["welding:x", ""], r"Worker 'W1': skills must be text of the form 'skill:level;skill:level'"),
        ("diet", [["rice", "rice"], []], r"Worker 'W1': diet must be a set without repeated values"),
        ("diet", [5, []], r"Worker 'W1': diet must be a set of non-empty text values, got 5"),
    ],
)
def test_bad_frame_values_name_record_and_field(column, values, message):
    workers, jobs = _frames()
    workers[column] = pd.Series(values, dtype=object if column != "min_wage" or isinstance(values[0], str) else None)
    with pytest.raises(ValidationError, match=message):
        Market.from_frames(workers, jobs)


def test_frame_columns_checked():
    workers, jobs = _frames()
    with pytest.warns(ColumnWarning, match=r"workers frame: 2 column\(s\) ignored, not Worker fields: 'wage', 'phone'"):
        extra = Market.from_frames(workers.assign(wage=1.0, phone="138"), jobs)
    assert extra == Market.from_frames(workers, jobs)
    with pytest.raises(ValidationError, match=r"workers frame: columns must be fields of workers \(is 'diett' a typo"):
        Market.from_frames(workers.assign(diett="rice"), jobs)
    with pytest.raises(ValidationError, match=r"jobs frame: columns must be a 'capacity' column"):
        Market.from_frames(workers, jobs.drop(columns="capacity"))
    with pytest.raises(ValidationError, match=r"jobs frame: type must be a pandas DataFrame, a pyarrow Table or a fr"):
        Market.from_frames(workers, {"id": ["J1"]})


def test_frame_text_forms_and_missing_cells():
    workers, jobs = _frames()
    workers["skills"] = ["welding:3;assembly:2", np.nan]
    workers["diet"] = ["rice;sichuan", None]
    workers["brand"] = ["Shizhu aunties", np.nan]
    workers["size"] = [1.0, 2.0]  # whole numbers in a float column are fine
    market = Market.from_frames(workers, jobs)
    w1, w2 = market.worker("W1"), market.worker("W2")
    assert w1.skills == {"welding": 3, "assembly": 2} and w1.diet == {"rice", "sichuan"}
    assert w2.skills == {} and w2.diet == frozenset() and w2.brand is None and w2.size == 2


def test_arrow_input_with_nulls_in_numbers_is_rejected_by_record():
    workers, jobs = _frames()
    table = pa.Table.from_pandas(workers, preserve_index=False)
    table = table.set_column(2, "min_wage", pa.array([4000.0, None]))
    with pytest.raises(ValidationError, match=r"Worker 'W2': min_wage must be a finite number .* got None"):
        Market.from_frames(table, jobs)


def test_worker_and_job_lookup_errors():
    market = Market([_w("W1")], [_j("J1")])
    with pytest.raises(ValidationError, match=r"Worker: id must be the id of a Worker in the market, got 'nope'"):
        market.worker("nope")
    with pytest.raises(ValidationError, match=r"Job: position must be an id or a position below 1, got 5"):
        market.job(5)
    assert market.worker(-1).id == "W1"


def test_worker_slice_shares_vocabulary_and_views():
    market = synth.scenario(500, 20, 3, seed=2)
    part = market.worker_slice(100, 250)
    assert part.vocab is market.vocab and part.jobs is market.jobs
    assert part.n_workers == 150
    assert np.shares_memory(part.workers.min_wage, market.workers.min_wage)
    assert np.shares_memory(part.workers.skills.codes, market.workers.skills.codes)
    assert [part.worker(i) for i in range(150)] == [market.worker(i) for i in range(100, 250)]
    assert market.worker_slice(0, 0).n_workers == 0
    with pytest.raises(ValidationError, match="worker_slice"):
        market.worker_slice(10, 5)


def test_empty_market():
    market = Market([], [])
    assert (market.n_workers, market.n_jobs, market.n_programs) == (0, 0, 0)
    assert Market.from_frames(*market.to_frames()) == market
    assert "0 workers" in repr(market)


def test_programs_from_frames_check_prerequisites():
    workers, jobs = _frames()
    programs = pd.DataFrame(
        {
            "id": ["P"],
            "grants": [{"welding": 2}],
            "prerequisites": [{"welding": 3}],
            "seats": [10],
            "cost": [100.0],
            "weeks": [4],
            "region": ["巫溪"],
        }
    )
    with pytest.raises(ValidationError, match=r"TrainingProgram 'P': prerequisites\['welding'\] must be below"):
        Market.from_frames(workers, jobs, programs)
    ok = programs.assign(prerequisites=[{"welding": 1}])
    assert Market.from_frames(workers, jobs, ok).program("P") == TrainingProgram(
        id="P", grants={"welding": 2}, prerequisites={"welding": 1}, seats=10, cost=100, weeks=4, region="巫溪"
    )


@given(st.lists(st.lists(st.integers(0, 9), unique=True, max_size=4), max_size=6), st.data())
def test_ragged_take_and_rows_with(rows, data):
    levels = [[(c % 5) + 1 for c in row] for row in rows]
    ragged = Ragged.from_lists(rows, levels)
    picked = data.draw(st.lists(st.integers(0, max(len(rows) - 1, 0)), max_size=8)) if rows else []
    taken = ragged.take(np.asarray(picked, dtype=np.int64))
    expected = Ragged.from_lists([rows[p] for p in picked], [levels[p] for p in picked])
    assert taken.equals(expected)
    for code in range(10):
        assert ragged.rows_with(code).tolist() == [code in row for row in rows]


# --------------------------------------------------------------------------- subset
@given(markets(), policies(), st.randoms(use_true_random=False))
def test_subset_keeps_records_and_scores(market, policy, random):
    w = random.sample(range(market.n_workers), random.randint(0, market.n_workers))
    j = random.sample(range(market.n_jobs), random.randint(0, market.n_jobs))
    part = market.subset(workers=np.array(w, dtype=np.int32), jobs=j)
    assert part.vocab is market.vocab and part.programs is market.programs
    assert [part.worker(i) for i in range(len(w))] == [market.worker(i) for i in w]
    assert [part.job(i) for i in range(len(j))] == [market.job(i) for i in j]
    # Shared vocabularies: the same pairs score the same, hard filters (-inf) included.
    np.testing.assert_array_equal(score_matrix(part, policy), score_matrix(market, policy)[np.ix_(w, j)])


def test_subset_of_a_large_market_scores_like_the_whole():
    market = synth.scenario(600, 40, 3, seed=4)
    rng = np.random.default_rng(0)
    w, j = rng.permutation(600)[:150], np.sort(rng.permutation(40)[:25])
    part = market.subset(workers=w, jobs=j)
    np.testing.assert_array_equal(score_matrix(part), score_matrix(market)[np.ix_(w, j)])
    assert part.workers.equals(market.workers.take(w)) and part.n_programs == market.n_programs
    assert not part.workers.min_wage.flags.writeable and not part.jobs.requires.codes.flags.writeable
    everything = market.subset()
    assert everything.workers is market.workers and everything.jobs is market.jobs and everything == market
    assert market.subset(workers=[], jobs=np.array([], dtype=np.int64)).n_workers == 0


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"workers": [[0, 1]]}, "workers"),
        ({"workers": 3}, "workers"),
        ({"workers": [0.0, 1.0]}, "workers"),
        ({"workers": [True, False]}, "workers"),
        ({"workers": [0, -1]}, "workers"),
        ({"workers": [5]}, "workers"),
        ({"workers": [1, 2, 1]}, "workers"),
        ({"jobs": [2]}, "jobs"),
        ({"jobs": ["0"]}, "jobs"),
        ({"jobs": [0, 0]}, "jobs"),
    ],
)
def test_subset_rejects_bad_positions(given, field):
    market = Market([_w(f"W{i}") for i in range(5)], [_j("J0"), _j("J1")])
    with pytest.raises(ValidationError) as err:
        market.subset(**given)
    assert err.value.field == field and field in str(err.value)
