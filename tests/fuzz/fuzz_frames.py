"""Hostile input for markets: ``Market.from_frames`` (pandas and pyarrow), ``Market(records)`` and the records.

Every call goes through ``_tally.attempt`` (only ``ValidationError`` may
escape) and plainly invalid inputs through ``_tally.refused``.  A frame left
valid (or re-encoded: dictionary, large_string, categorical columns) must
give the market it came from; any accepted market must round-trip through
its frames and match with every worker placed or given a reason.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pyarrow as pa
from _tally import REFUSED, attempt, refused
from hypothesis import given, settings
from hypothesis import strategies as st

from jobmatch import Job, Market, TrainingProgram, Worker, match, synth
from jobmatch.data.records import record_fields

KINDS = {"workers": Worker, "jobs": Job, "programs": TrainingProgram}
REQUIRED = {
    key: {name for name, _, default in record_fields(kind) if default is dataclasses.MISSING}
    for key, kind in KINDS.items()
}
NUMERIC = {
    key: {name for name, rule, _ in record_fields(kind) if rule.kind.name in ("COUNT", "AMOUNT", "FLAG")}
    for key, kind in KINDS.items()
}
LEVELS = {
    key: {name for name, rule, _ in record_fields(kind) if rule.kind.name == "LEVELS"} for key, kind in KINDS.items()
}
MARKETS = [synth.scenario(n, m, p, seed=s) for n, m, p, s in [(0, 0, 0, 0), (1, 1, 0, 1), (4, 2, 1, 2), (6, 3, 2, 3)]]

HOSTILE_CELLS = [
    None,
    math.nan,
    math.inf,
    -1,
    -1.5,
    0.5,
    2**31,
    2**63,
    2**64 - 1,
    2**70,
    10**400,
    True,
    "",
    " ",
    "3",
    "x",
    b"x",
    b"\xff",
    np.timedelta64(3, "s"),
    np.datetime64("2021-01-01"),
    complex(1, 2),
    [],
    ["rice", "rice"],
    {"a": 9},
    {"": 1},
    "welding:³",
    "welding:٣",
    "welding:" + "1" * 5000,
    "welding:0",
    "welding:3;welding:2",
    ":3",
    "welding",
    "rice;;sichuan",
    [("welding", 3), ("welding", 3)],
    [[[[[]]]]],
    object(),
]
#: How a case changes the frames of a market (``cell`` thrice as often).
MUTATIONS = ["none", "encode", "cell", "cell", "cell", "alien", "duplicate", "drop", "unknown", "ids", "order",
             "nullable", "lazy"]  # fmt: skip
#: Whole columns of a dtype that holds no valid value for a number or flag field.
ALIEN_COLUMNS = ["timedelta", "datetime", "complex", "bytes"]


def alien(kind: str, n: int) -> object:
    if kind == "timedelta":
        return pd.to_timedelta(np.arange(n), unit="s")
    if kind == "datetime":
        return pd.to_datetime(np.arange(n))
    if kind == "complex":
        return np.arange(n) + 1j
    return [b"1"] * n


@st.composite
def frame_cases(draw: st.DrawFn) -> tuple:
    """(market it came from, frames, mutation, plainly invalid?)"""
    market = draw(st.sampled_from(MARKETS))
    backend = draw(st.sampled_from(["pandas", "arrow"]))
    frames = dict(zip(KINDS, market.to_frames(backend=backend)))
    key = draw(st.sampled_from(list(KINDS)))
    frame = frames[key]
    columns = list(frame.column_names) if backend == "arrow" else list(frame.columns)
    n = len(frame)
    column = draw(st.sampled_from(columns))
    how = draw(st.sampled_from(MUTATIONS))
    bad = False
    if backend == "pandas":
        frame = frame.copy()
    if how == "encode":  # the same values, another encoding: must read the same
        if backend == "arrow":
            array = frame.column(column)
            if pa.types.is_string(array.type):
                array = draw(st.sampled_from([array.dictionary_encode(), array.cast(pa.large_string())]))
            elif pa.types.is_floating(array.type) or pa.types.is_integer(array.type):
                array = array.dictionary_encode()
            frame = frame.set_column(columns.index(column), column, array)
        elif frame[column].dtype == object and all(isinstance(v, str) for v in frame[column]):
            frame[column] = pd.Categorical(frame[column])
    elif how == "cell" and n:
        row, value = draw(st.integers(0, n - 1)), draw(st.sampled_from(HOSTILE_CELLS))
        cells = np.empty(n, dtype=object)
        for at, cell in enumerate(frame.column(column).to_pylist() if backend == "arrow" else frame[column]):
            cells[at] = cell
        cells[row] = value
        frame = set_column(frame, backend, column, cells)
        if frame is None:  # Arrow cannot hold these values together: nothing to read
            return market, frames, "none", False
        text = isinstance(value, str)
        bad = column in NUMERIC[key] and (
            value is None
            or isinstance(value, (str, bytes, complex, list, dict, np.timedelta64, np.datetime64))
            or (isinstance(value, float) and not math.isfinite(value))
            or (isinstance(value, int) and value > 10**10)
        )
        bad |= (
            column in REQUIRED[key]
            and column not in NUMERIC[key]
            and (value is None or isinstance(value, float) or (text and not value.strip()))
        )
        bad |= column in LEVELS[key] and text and value not in ("", "welding:٣")  # ASCII digits only: not claimed
    elif how == "alien" and n and column in NUMERIC[key]:
        frame = set_column(frame, backend, column, alien(draw(st.sampled_from(ALIEN_COLUMNS)), n))
        if frame is None:
            return market, frames, "none", False
        bad = True
    elif how == "duplicate":
        if backend == "arrow":
            frame = frame.append_column(column, frame.column(column))
        else:
            frame = pd.concat([frame, frame[[column]]], axis=1)
        bad = True
    elif how == "drop":
        frame = frame.drop_columns([column]) if backend == "arrow" else frame.drop(columns=[column])
        bad = column in REQUIRED[key]
    elif how == "unknown":  # a column that is no field (a name, a phone): ignored, with a ColumnWarning
        name = draw(st.sampled_from(["bogus", "Id", "min wage", 0, ("id",), "姓名"]))
        if backend == "arrow":
            frame = frame.append_column(str(name), pa.array([1] * n))
        else:
            frame[name] = [1] * n
    elif how == "nullable" and backend == "pandas" and n and column in NUMERIC[key]:
        # pandas' extension dtypes as portals export them; a missing cell in a number or flag is refused
        dtype = {"b": "boolean", "i": "Int64", "f": "Float64"}[frame[column].dtype.kind]
        values = pd.array(frame[column].tolist(), dtype=dtype)
        if draw(st.booleans()):
            values[draw(st.integers(0, n - 1))] = pd.NA
            bad = True
        frame[column] = values
    elif how == "lazy":  # a Polars lazy frame: computed, the same market
        import polars as pl

        frame = (pl.from_arrow(frame) if backend == "arrow" else pl.from_pandas(frame)).lazy()
    elif how == "ids" and n >= 2:
        ids = (frame.column("id").to_pylist() if backend == "arrow" else list(frame["id"]))[:]
        ids[-1] = ids[0]
        frame = set_column(frame, backend, "id", np.array(ids, dtype=object))
        if frame is None:
            return market, frames, "none", False
        bad = True
    elif how == "order":  # the same records in another column order: the same market
        order = draw(st.permutations(columns))
        frame = frame.select(order) if backend == "arrow" else frame[order]
    frames[key] = frame
    return market, frames, how, bad


def set_column(frame: object, backend: str, column: str, values: object) -> object | None:
    """The frame with one column replaced (None when Arrow cannot hold the values as one column)."""
    if backend == "arrow":
        try:
            array = pa.array(values, from_pandas=True)
        except (pa.ArrowException, TypeError, ValueError, OverflowError):
            return None
        return frame.set_column(list(frame.column_names).index(column), column, array)
    frame = frame.copy()
    frame[column] = values
    return frame


@settings(max_examples=150)
@given(frame_cases(), st.booleans())
def test_from_frames(case, without_programs):
    market, frames, how, bad = case
    args = [frames["workers"], frames["jobs"]]
    if not (without_programs and market.n_programs == 0 and how == "none"):
        args.append(frames["programs"])
    built = attempt("Market.from_frames", Market.from_frames, *args)
    if bad:
        refused("Market.from_frames", Market.from_frames, *args)
    if built is REFUSED:
        return
    if how in ("none", "encode", "order", "unknown", "lazy") or (how == "nullable" and not bad):
        assert built == market, how
    check_market(built)


def check_market(market: Market) -> None:
    assert market.n_workers == len(market.workers.ids) and len(set(market.workers.ids)) == market.n_workers
    assert np.all(np.isfinite(market.workers.min_wage)) and np.all(market.workers.size >= 1)
    assert np.all(market.jobs.capacity >= 0) and np.all(np.isfinite(market.jobs.wage))
    again = Market.from_frames(*market.to_frames(backend="arrow"))
    assert again == market and Market.from_frames(*market.to_frames()) == market
    if market.n_workers <= 6:
        placed = match(market, k=2)
        codes, _ = placed.reasons
        assert len(placed.job_of) == market.n_workers
        assert all((j >= 0) == (c is None) for j, c in zip(placed.job_of.tolist(), codes))


# ----------------------------------------------------------------------------- records

FIELDS = {kind: [name for name, _, _ in record_fields(kind)] for kind in KINDS.values()}


@st.composite
def record_cases(draw: st.DrawFn) -> tuple:
    """(record type, field values with one of them hostile maybe, plainly invalid?)"""
    market = draw(st.sampled_from(MARKETS[1:]))
    kind = draw(st.sampled_from([Worker, Job] + ([TrainingProgram] if market.n_programs else [])))
    table = {Worker: market.workers, Job: market.jobs, TrainingProgram: market.programs}[kind]
    record = table.record(0)
    values = {name: getattr(record, name) for name in FIELDS[kind]}
    bad = False
    if draw(st.booleans()):
        name = draw(st.sampled_from(FIELDS[kind]))
        value = draw(st.sampled_from(HOSTILE_CELLS))
        values[name] = value
        rule = next(rule for field, rule, _ in record_fields(kind) if field == name)
        bad = rule.kind.name in ("COUNT", "AMOUNT", "FLAG", "ID", "NAME") and (
            value is None
            or isinstance(value, (bytes, complex, list, dict, np.datetime64))
            or (isinstance(value, str) and not value.strip())
        )
        bad |= rule.kind.name == "LEVELS" and isinstance(value, str)  # a record takes a mapping, not the text form
    return kind, values, bad


@given(record_cases())
def test_records(case):
    kind, values, bad = case
    record = attempt(kind.kind, kind, **values)
    if bad:
        refused(kind.kind, kind, **values)
    if record is REFUSED:
        return
    for name in FIELDS[kind]:
        value = getattr(record, name)
        if isinstance(value, float):
            assert math.isfinite(value)
        if isinstance(value, int) and not isinstance(value, bool):
            assert 0 <= value <= 10**9
    built = attempt(
        "Market", Market, *{Worker: ([record], []), Job: ([], [record]), TrainingProgram: ([], [], [record])}[kind]
    )
    assert built is not REFUSED
    check_market(built)


HOSTILE_LISTS = [None, 5, "W1", b"W1", {"id": "W1"}, [None], [1], pd.DataFrame({"id": ["W1"]})]


@given(
    st.sampled_from(MARKETS),
    st.sampled_from(["workers", "jobs", "programs", "skills", "mixed", "none"]),
    st.sampled_from(HOSTILE_LISTS),
)
def test_market_from_records(market, where, hostile):
    records = {
        "workers": [market.worker(i) for i in range(market.n_workers)],
        "jobs": [market.job(j) for j in range(market.n_jobs)],
        "programs": [market.program(p) for p in range(market.n_programs)],
    }
    skills = None
    bad = where in records
    if where in records:
        records[where] = hostile
    elif where == "skills":
        skills = hostile
        bad = hostile is not None and not isinstance(hostile, pd.DataFrame)  # a frame iterates its column names
    elif where == "mixed" and records["workers"] and records["jobs"]:
        records["workers"] = [*records["workers"][:-1], records["jobs"][0]]  # a job among the workers
        bad = True
    built = attempt("Market", Market, *records.values(), skills=skills)
    if bad:
        refused("Market", Market, *records.values(), skills=skills)
    if built is REFUSED:
        return
    assert built == market
