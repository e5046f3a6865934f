"""Whole-column checks (jobmatch.data.columns) against the per-cell check they stand in for."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from jobmatch import Market, ValidationError, Worker, synth
from jobmatch.data.columns import ArrowLists, ArrowMaps, ArrowStructs, Flat, fast_column
from jobmatch.data.frames import _check_cells
from jobmatch.data.records import Labels, record_fields

RULES = {name: rule for name, rule, _ in record_fields(Worker)}
NAMES = st.sampled_from(["rice", "sichuan", "泰安", " rice", "rice ", " ", "", "a:b", "x；y", "a：b", "c，d", "\x00"])
LEVEL = st.one_of(st.integers(-1, 7), st.sampled_from([None, math.nan, 2.0, 2.5, True, np.int64(3)]))
CELLS = {
    "names": st.one_of(
        st.lists(NAMES, max_size=4),
        st.lists(NAMES, max_size=4).map(tuple),
        st.lists(NAMES, max_size=4).map(lambda v: np.array(v, dtype=object)),
        st.lists(NAMES, max_size=4).map(";".join),
        st.lists(NAMES, max_size=4).map(", ".join),
        st.sampled_from([None, math.nan, 7, {"rice": 1}, [1, "rice"]]),
    ),
    "levels": st.one_of(
        st.dictionaries(NAMES, LEVEL, max_size=4),
        st.lists(st.tuples(NAMES, st.integers(0, 12)), max_size=3).map(lambda v: ";".join(f"{a}:{b}" for a, b in v)),
        st.lists(st.tuples(NAMES, st.sampled_from(["：", ":", " : "]), st.sampled_from(["2", " 3", "x", "0003"]))).map(
            lambda v: "，".join("".join(t) for t in v)
        ),
        st.sampled_from([None, math.nan, "welding", "welding:3:4", "welding:03", "welding:1000", 5, [("welding", 2)]]),
    ),
    "text": st.one_of(NAMES, st.sampled_from([None, math.nan, 7, 7.0, True])),
}
FIELDS = {"diet": "names", "skills": "levels", "origin": "text", "brand": "text", "id": "text"}


def slow(field: str, cells: list):
    """The per-cell check's column, or the error it raises."""
    try:
        return _check_cells(RULES[field], cells, Labels("Worker", [f"W{i}" for i in range(len(cells))]), field)
    except ValidationError as error:
        return error


def rows(column) -> list:
    return [column[r] for r in range(len(column))] if isinstance(column, Flat) else list(column)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(FIELDS)), st.data())
def test_fast_column_accepts_only_what_the_cell_check_accepts_and_gives_the_same(field, data):
    cells = data.draw(st.lists(CELLS[FIELDS[field]], max_size=6))
    fast = fast_column(RULES[field], cells)
    want = slow(field, cells)
    if fast is None:
        return  # checked cell by cell, as before
    assert not isinstance(want, ValidationError), f"fast path accepted what the check refuses: {want}"
    assert rows(fast) == list(want)


def arrow_column(field: str, cells: list):
    if field == "diet":
        return ArrowLists(pa.chunked_array([pa.array(cells, type=pa.list_(pa.string()))]))
    return ArrowMaps(pa.chunked_array([pa.array([None if c is None else list(c.items()) for c in cells],
                                                type=pa.map_(pa.string(), pa.int64()))]))  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["diet", "skills"]), st.data())
def test_arrow_columns_read_flat_equal_the_cell_check(field, data):
    if field == "diet":
        cells = data.draw(st.lists(st.one_of(st.none(), st.lists(NAMES, max_size=3)), max_size=6))
    else:
        cell = st.dictionaries(NAMES, st.integers(-1, 7), max_size=3)
        cells = data.draw(st.lists(st.one_of(st.none(), cell), max_size=6))
    column = arrow_column(field, cells)
    fast = fast_column(RULES[field], column)
    want = slow(field, list(column))  # the per-cell check walks the same column
    if fast is not None:
        assert not isinstance(want, ValidationError), want
        assert rows(fast) == list(want)


def test_a_struct_column_of_levels_reads_flat():
    cells = [{"welding": 3, "cooking": None}, None, {"welding": None, "cooking": 2.0}]
    column = ArrowStructs(pa.chunked_array([pa.array(cells)]))
    assert rows(column.flat()) == [{"welding": 3}, {}, {"cooking": 2}]
    bad = ArrowStructs(pa.chunked_array([pa.array([{"welding": 9}])]))
    assert bad.flat() is None and isinstance(slow("skills", list(bad)), ValidationError)


def test_frames_round_trip_through_pandas_and_both_arrow_forms():
    market = synth.scenario(300, 20, seed=5)
    for backend in ("pandas", "arrow"):
        workers, jobs, _ = market.to_frames(backend=backend)
        assert Market.from_frames(workers, jobs) == market
    workers, jobs, _ = market.to_frames()
    as_structs = pa.Table.from_pandas(workers, preserve_index=False)  # pandas writes dict cells as a struct
    assert pa.types.is_struct(as_structs.schema.field("skills").type)
    assert Market.from_frames(as_structs, jobs) == market


def test_the_frames_the_library_writes_take_the_fast_path():
    market = synth.scenario(200, 10, seed=6)
    workers, _, _ = market.to_frames()
    text, _, _ = market.to_frames(backend="text")
    arrow, _, _ = market.to_frames(backend="arrow")
    for field in FIELDS:
        assert fast_column(RULES[field], workers[field].to_numpy()) is not None, field
        assert fast_column(RULES[field], text[field].to_numpy()) is not None, field
    assert fast_column(RULES["diet"], ArrowLists(arrow.column("diet"))) is not None
    assert fast_column(RULES["skills"], ArrowMaps(arrow.column("skills"))) is not None
