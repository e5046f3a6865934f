"""Any data frame in (pandas, Arrow, Polars, anything with ``__arrow_c_stream__``), results in the caller's library."""

from __future__ import annotations

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from jobmatch import Market, ValidationError, match, synth


class Stream:
    """Only the Arrow PyCapsule stream interface, as DuckDB results and other libraries offer it."""

    def __init__(self, table: pa.Table) -> None:
        self.table = table

    def __arrow_c_stream__(self, requested_schema=None):
        return self.table.__arrow_c_stream__(requested_schema)


@pytest.fixture(scope="module")
def market() -> Market:
    return synth.scenario(300, 20, 3, seed=8)


@pytest.mark.parametrize(("backend", "kind"), [("pandas", pd.DataFrame), ("arrow", pa.Table), ("polars", pl.DataFrame)])
def test_frames_round_trip_and_results_come_back_in_the_same_library(market, backend, kind):
    frames = market.to_frames(backend=backend)
    assert all(isinstance(frame, kind) for frame in frames)
    again = Market.from_frames(*frames)
    assert again == market and again.frame_library == backend
    assert isinstance(again.to_frames()[0], kind)
    placed = match(again, k=5)
    frame = placed.to_frame()
    assert isinstance(frame, kind) and len(frame) == market.n_workers
    assert isinstance(placed.to_frame(backend="pandas"), pd.DataFrame)
    assert isinstance(again.subset(workers=[0, 1]).to_frames()[0], kind)


def test_any_frame_with_the_arrow_stream_interface_is_read(market):
    workers, jobs, programs = market.to_frames(backend="arrow")
    again = Market.from_frames(Stream(workers), Stream(jobs), Stream(programs))
    assert again == market and again.frame_library == "arrow"


def test_polars_maps_written_as_lists_of_pairs_are_read(market):
    workers, jobs, _ = market.to_frames(backend="arrow")
    pairs = pa.list_(pa.struct([("key", pa.string()), ("value", pa.int64())]))
    as_lists = workers.set_column(workers.schema.get_field_index("skills"), "skills",
                                  workers.column("skills").cast(pairs))  # fmt: skip
    assert Market.from_frames(pl.from_arrow(as_lists), jobs).workers.skills.codes.tolist() == \
        market.workers.skills.codes.tolist()  # fmt: skip


def test_bad_frames_and_backends_are_named(market):
    class Broken:
        def __arrow_c_stream__(self, requested_schema=None):
            raise ValueError("no stream today")

    with pytest.raises(ValidationError, match="no stream today"):
        Market.from_frames(Broken(), market.to_frames()[1])
    with pytest.raises(ValidationError, match="backend must be"):
        market.to_frames(backend="excel")
    with pytest.raises(ValidationError, match="backend must be"):
        match(market, k=3).to_frame(backend="text")
