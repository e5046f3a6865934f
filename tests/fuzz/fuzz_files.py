"""Hostile files and arguments for ``Market.from_files``, ``Market.to_files``, ``data.files.problems`` and
``results.effect.effect``.

Every call goes through ``_tally.attempt``; plainly invalid arguments go
through ``_tally.refused``.  A CSV file with hostile cells must either read
into a market or be refused with a ``ValidationError``; ``problems`` must
list something exactly when reading refuses the cells.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import numpy as np
import pytest
from _tally import REFUSED, attempt, refused
from hypothesis import given, settings
from hypothesis import strategies as st

pd = pytest.importorskip("pandas")

from jobmatch import Market, match, synth  # noqa: E402
from jobmatch.data.files import problems  # noqa: E402
from jobmatch.results.effect import effect  # noqa: E402

CELLS = ["", " ", "-1", "1e400", "nan", "inf", "True", "two", "a;b", "a,,b", "x:9", "x:", ":3", "；", "0x10", "3.0",
         "泰安", "\x00", "=1+1", "2**70", "1" * 40, "welding: 3", "rice; sichuan"]  # fmt: skip
FOLDER = Path(tempfile.mkdtemp(prefix="jobmatch-fuzz-files-"))
MARKET = synth.scenario(8, 3, 2, seed=1)
PATHS = MARKET.to_files(FOLDER)


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_hostile_cells(data):
    workers = pd.read_csv(PATHS["workers"], dtype=str, keep_default_na=False)
    for _ in range(data.draw(st.integers(1, 3))):
        row = data.draw(st.integers(0, len(workers) - 1))
        column = data.draw(st.sampled_from(list(workers.columns)))
        workers.loc[row, column] = data.draw(st.sampled_from(CELLS))
    path = FOLDER / f"w-{data.draw(st.integers(0, 3))}.csv"
    workers.to_csv(path, index=False)
    market = attempt("Market.from_files", Market.from_files, path, PATHS["jobs"], PATHS["programs"])
    found = problems(path, PATHS["jobs"], PATHS["programs"])
    if found:  # a bad cell: reading refuses it too
        assert market is REFUSED, found
    if market is not REFUSED:
        assert market.n_workers == len(workers)
        assert attempt("match", match, market, k=2) is not REFUSED


@settings(max_examples=30, deadline=None)
@given(st.sampled_from([None, 3, b"\xff", "", "missing.csv", "w.txt", str(FOLDER), math.nan, [1], object()]))
def test_hostile_paths(path):
    refused("Market.from_files", Market.from_files, path, PATHS["jobs"])
    if isinstance(path, str) and path:
        found = problems(path, PATHS["jobs"])
        assert found and all(isinstance(line, str) for line in found)


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(["xml", "", None, 3, "CSV"]), st.sampled_from([True, False]))
def test_hostile_formats(fmt, valid):
    if valid:
        paths = attempt("Market.to_files", MARKET.to_files, FOLDER / "out", format="parquet")
        assert paths is not REFUSED
        assert Market.from_files(paths["workers"], paths["jobs"], paths["programs"]) == MARKET
    refused("Market.to_files", MARKET.to_files, FOLDER / "out", format=fmt)


@settings(max_examples=20, deadline=None)
@given(st.sampled_from([None, "run", 3, np.zeros(3), MARKET]))
def test_effect_needs_assignments(thing):
    base = match(MARKET, k=2)
    refused("effect", effect, base, thing)
    refused("effect", effect, thing, base)
