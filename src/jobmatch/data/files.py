"""Markets to and from files: CSV (the text form), Parquet and Excel, one file per record kind.

CSV holds every field as text: sets as ``"rice;sichuan"``, skill maps as
``"welding:3;cooking:2"`` (commas work as separators too, spaces around
items are trimmed, full-width ``；，：`` are read like their ASCII forms),
a missing optional name or an empty set as an empty cell.  Text columns are
read as text, so ids such as ``"007"`` keep their zeros and integer ids
work.  Parquet keeps sets as lists and skill maps as maps (written by
pyarrow), and a file written by pandas from ``to_frames()`` reads back too.
:func:`write` then :meth:`~jobmatch.Market.from_files` gives an equal market in every format.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..exceptions import ValidationError, optional_import
from .frames import is_missing
from .records import Job, Record, TrainingProgram, Worker, record_fields
from .schema import Kind, fail
from .text import name_cell

if TYPE_CHECKING:
    from .market import Market

__all__ = ["FORMATS", "listed", "problems", "read_frames", "write"]

#: What :func:`write` writes, by ``format``, and what :func:`read` reads, by suffix.
FORMATS = {"csv": ".csv", "parquet": ".parquet"}
_READABLE = (".csv", ".parquet", ".xlsx", ".xls")
_TEXT_KINDS = (Kind.ID, Kind.NAME, Kind.OPTIONAL, Kind.NAMES, Kind.LEVELS)
_KINDS: dict[str, type[Record]] = {"worker": Worker, "job": Job, "program": TrainingProgram}


def _frame(where: str, path: Any, kind: str) -> Any:
    """One file as a frame: CSV with its text columns as text, Parquet as an Arrow table, Excel by pandas."""
    if not isinstance(path, (str, os.PathLike)) or isinstance(os.fspath(path), bytes):
        raise fail(where, f"{kind} file", "a path (text or a pathlib.Path)", path)
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in _READABLE:
        raise fail(where, f"{kind} file", f"a file ending in one of {', '.join(_READABLE)}", str(path))
    if not path.is_file():
        raise fail(where, f"{kind} file", "an existing file", str(path))
    if suffix == ".parquet":
        parquet = optional_import("pyarrow.parquet", "pandas", where)
        return parquet.read_table(path)
    pd = optional_import("pandas", "pandas", where)
    text = {name: str for name, rule, _ in record_fields(_KINDS[kind]) if rule.kind in _TEXT_KINDS}
    if suffix == ".csv":
        return pd.read_csv(path, dtype=text, keep_default_na=False, na_values=[""])
    return pd.read_excel(path, dtype=text)


def read_frames(workers: Any, jobs: Any, programs: Any = None) -> tuple[Any, Any, Any]:
    """The frames of one file per record kind (module notes), for :meth:`~jobmatch.Market.from_files`.

    Parameters
    ----------
    workers, jobs : str or path
        ``.csv``, ``.parquet``, ``.xlsx`` or ``.xls`` files with the columns
        of :meth:`~jobmatch.Market.from_frames`.
    programs : str or path, optional

    Examples
    --------
    >>> import tempfile
    >>> from jobmatch import Market, synth
    >>> market = synth.scenario(30, 4, 2, seed=1)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     paths = market.to_files(folder)
    ...     again = Market.from_files(paths["workers"], paths["jobs"], paths["programs"])
    >>> again == market
    True
    """
    where = "Market.from_files"
    frames = [_frame(where, path, kind) for path, kind in ((workers, "worker"), (jobs, "job"))]
    return frames[0], frames[1], None if programs is None else _frame(where, programs, "program")


def write(market: Market, directory: Any, *, format: str = "csv") -> dict[str, Path]:
    """Write ``workers``, ``jobs`` and ``programs`` files of ``format`` (``"csv"`` or ``"parquet"``) into
    ``directory`` (made if missing); returns the paths by record kind.  :meth:`~jobmatch.Market.from_files`
    reads them back equal."""
    where = "Market.to_files"
    if format not in FORMATS:
        raise fail(where, "format", f"one of {sorted(FORMATS)}", format)
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {name: folder / f"{name}{FORMATS[format]}" for name in ("workers", "jobs", "programs")}
    if format == "csv":
        for path, frame in zip(paths.values(), market.to_frames(backend="text")):
            frame.to_csv(path, index=False)
    else:
        parquet = optional_import("pyarrow.parquet", "pandas", where)
        for path, table in zip(paths.values(), market.to_frames(backend="arrow")):
            parquet.write_table(table, path)
    return paths


def _cells(frame: Any) -> dict[str, list[Any]]:
    """Every column of a pandas or Arrow frame as a list of Python values."""
    if hasattr(frame, "column_names"):
        return {name: frame.column(name).to_pylist() for name in frame.column_names}
    return {str(name): frame[name].tolist() for name in frame.columns}


def problems(workers: Any, jobs: Any, programs: Any = None) -> list[str]:
    """Every problem in the cells of the files, each with its file, row and column; [] when none.

    Cell by cell, with the rules of :meth:`~jobmatch.Market.from_frames`
    (so it is slower than reading: for finding all mistakes at once, not
    for every run), and every id given twice in a file, with its rows;
    ``jobmatch validate`` then builds the market from the frames read
    (:func:`listed`), which checks what spans records (unknown skills) as
    reading does.  Rows count from 1 after the header.

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> pd.DataFrame({"id": ["W1", "W2"], "origin": ["巫溪", ""], "min_wage": [4000, -5]}).to_csv(
    ...     folder / "w.csv", index=False)
    >>> pd.DataFrame({"id": ["J1"], "employer": ["E"], "region": ["泰安"], "capacity": [5], "wage": [4500]}).to_csv(
    ...     folder / "j.csv", index=False)
    >>> for line in problems(folder / "w.csv", folder / "j.csv"):
    ...     print(line)
    w.csv row 2, column origin: non-empty text, got an empty cell
    w.csv row 2, column min_wage: a finite number from 0 to 1e+07, got -5
    """
    return listed(workers, jobs, programs)[0]


def listed(workers: Any, jobs: Any, programs: Any = None) -> tuple[list[str], tuple[Any, Any, Any]]:
    """:func:`problems`, and the frames read (None for a file that could not be read), each file read once."""
    where = "jobmatch validate"
    found: list[str] = []
    frames: list[Any] = []
    for path, kind in ((workers, "worker"), (jobs, "job"), (programs, "program")):
        frames.append(None)
        if path is None:
            continue
        try:
            frame = frames[-1] = _frame(where, path, kind)
        except ValidationError as err:
            found.append(str(err))
            continue
        name = Path(path).name
        cells = _cells(frame)
        fields = list(record_fields(_KINDS[kind]))
        known = {field for field, _, _ in fields}
        found += [f"{name} column {column}: not a {kind} field (known: {sorted(known)})"
                  for column in cells if column not in known]  # fmt: skip
        cell_problems: list[tuple[int, int, str]] = []  # (row, column order, text): reported row by row
        for order, (field, rule, default) in enumerate(fields):
            if field not in cells:
                if default is dataclasses.MISSING:
                    found.append(f"{name}: no {field!r} column (it has no default)")
                continue
            optional = rule.kind in (Kind.OPTIONAL, Kind.NAMES, Kind.LEVELS)
            for row, value in enumerate(cells[field]):
                if optional and is_missing(value):
                    continue
                try:
                    rule.check(value, "", field, text_form=True)
                except ValidationError as err:
                    got = "an empty cell" if is_missing(value) else repr(err.got)
                    text = f"{name} row {row + 1}, column {field}: {err.expected}, got {got}"
                    cell_problems.append((row, order, text))
        found += [text for _, _, text in sorted(cell_problems)]
        found += _repeated_ids(name, kind, cells.get("id", []))
    return found, (frames[0], frames[1], frames[2])


def _repeated_ids(name: str, kind: str, ids: list[Any]) -> list[str]:
    """Each id given on more than one row, with those rows (ids compared as the text they are read as)."""
    rows: dict[Any, list[int]] = {}
    for row, value in enumerate(ids):
        if not is_missing(value):
            rows.setdefault(name_cell(value), []).append(row + 1)
    return [f"{name} rows {', '.join(map(str, at))}, column id: each {kind} id once, got {value!r} {len(at)} times"
            for value, at in rows.items() if len(at) > 1]  # fmt: skip
