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

import codecs
import dataclasses
import os
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from .._atomic import atomic_path
from .._checks import fail
from ..exceptions import ValidationError, optional_import
from .layout import Layout, flag_value
from .records import Job, Record, TrainingProgram, Worker, record_fields
from .schema import Kind
from .text import is_missing, name_cell

if TYPE_CHECKING:
    from .market import Market

__all__ = [
    "FORMATS",
    "PLACEMENT_TEXT",
    "WRITABLE",
    "listed",
    "problems",
    "read_frames",
    "read_placements",
    "write",
    "write_frame",
]

#: What :func:`write` writes, by ``format``, and what :func:`read` reads, by suffix.
FORMATS = {"csv": ".csv", "parquet": ".parquet"}
_READABLE = (".csv", ".parquet", ".xlsx", ".xls")
_TEXT_KINDS = (Kind.ID, Kind.NAME, Kind.OPTIONAL, Kind.NAMES, Kind.LEVELS)
_KINDS: dict[str, type[Record]] = {"worker": Worker, "job": Job, "program": TrainingProgram}


#: The encodings a text file is read in when none is given: UTF-8 (a byte-order mark or none), or UTF-16 when
#: the file starts with its byte-order mark (what Excel's "Unicode text" writes).
_BOMS = ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"), (b"\xef\xbb\xbf", "utf-8-sig"))


def encoding_arg(where: str, encoding: object) -> str | None:
    """An ``encoding`` argument, checked: None, or the name of a text encoding Python knows."""
    if encoding is None:
        return None
    expected = "the name of a text encoding, such as 'utf-8' or 'gbk'"
    if not isinstance(encoding, str):
        raise fail(where, "encoding", expected, encoding)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise fail(where, "encoding", expected, encoding) from None
    return encoding


def _read_csv(pd: Any, path: Path, kind: str, encoding: str | None, text: dict[str, Any]) -> Any:
    """A CSV file as a pandas frame, its ``text`` columns as text.

    The encoding: the one its byte-order mark names (:data:`_BOMS`); else
    UTF-8; else, for a file that is not UTF-8, the caller's ``encoding``
    (checked by :func:`encoding_arg`).  So one ``encoding="gbk"`` reads a
    GBK workers file beside a UTF-8 jobs file: GBK bytes almost never
    decode as UTF-8, while UTF-8 read as GBK would garble in silence.
    """
    with path.open("rb") as file:
        start = file.read(3)
    bom = next((name for mark, name in _BOMS if start.startswith(mark)), None)
    tried = [bom] if bom else ["utf-8", *([encoding] if encoding else [])]
    for chosen in tried:
        try:
            return pd.read_csv(path, dtype=text, keep_default_na=False, na_values=[""], encoding=chosen)
        except UnicodeDecodeError as error:
            if chosen != tried[-1]:
                continue
            hint = (" (a file saved by Excel on a Chinese system is often GBK: pass --encoding gbk, or "
                    "encoding='gbk')") if encoding is None and bom is None else ""  # fmt: skip
            what = f"text in {' or '.join(tried)}{' (with or without a byte-order mark)' * (bom is None)}{hint}"
            raise _unreadable(path, kind, what, error) from None
    raise AssertionError("unreachable: the last encoding tried returns or raises")


def _unreadable(path: Path, kind: str, what: str, error: BaseException) -> ValidationError:
    """The error for a file that cannot be read as ``what``, with the reader's own words and what to do."""
    said = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return ValidationError(
        f"{path.name}: the {kind} file must be {what}, got: {said}",
        record=str(path), field=f"{kind} file", expected=what, got=said,
    )  # fmt: skip


def _frame(where: str, path: Any, kind: str, *, encoding: str | None = None) -> Any:
    """One file as a frame: CSV with its text columns as text, Parquet as an Arrow table, Excel by pandas.

    Every way a file can fail to read (missing, a folder, empty, another
    encoding, broken Parquet or Excel, no Excel reader installed) is a
    :class:`~jobmatch.ValidationError` naming the file and what to do.
    """
    path = _path(where, f"{kind} file", path)
    suffix = path.suffix.lower()
    if suffix not in _READABLE:
        raise fail(where, f"{kind} file", f"a file ending in one of {', '.join(_READABLE)}", str(path))
    if not path.is_file():
        got = "a folder" if path.is_dir() else "no such file"
        raise fail(where, f"{kind} file", "an existing file", f"{str(path)!r}: {got}", described=True)
    if path.stat().st_size == 0:
        raise fail(where, f"{kind} file", "a file with a header row", f"{str(path)!r}: an empty file", described=True)
    if suffix == ".parquet":
        parquet = optional_import("pyarrow.parquet", "pandas", where)
        try:
            return parquet.read_table(path)
        except (
            OSError,
            ValueError,
            TypeError,
        ) as error:  # pyarrow's ArrowInvalid is a ValueError, ArrowIOError an OSError
            raise _unreadable(path, kind, "a Parquet file", error) from None
    pd = optional_import("pandas", "pandas", where)
    text = {name: str for name, rule, _ in record_fields(_KINDS[kind]) if rule.kind in _TEXT_KINDS}
    if suffix == ".csv":
        try:
            return _read_csv(pd, path, kind, encoding, text)
        except pd.errors.EmptyDataError:
            raise fail(where, f"{kind} file", "a file with a header row", f"{str(path)!r}: no columns",
                       described=True) from None  # fmt: skip
        except (pd.errors.ParserError, ValueError, OSError) as error:
            raise _unreadable(path, kind, "a CSV file (comma-separated, one header row)", error) from None
    engine = "openpyxl" if suffix == ".xlsx" else "xlrd"
    optional_import(engine, "excel", where)
    try:
        return pd.read_excel(path, dtype=text, engine=engine)
    except (ValueError, OSError, KeyError, zipfile.BadZipFile) as error:
        raise _unreadable(path, kind, "an Excel workbook (its first sheet is read)", error) from None


def _path(where: str, field: str, path: object) -> Path:
    """A path argument, checked: text or a path-like (not bytes), not empty."""
    if not isinstance(path, (str, os.PathLike)) or isinstance(os.fspath(path), bytes) or not os.fspath(path):
        raise fail(where, field, "a path (text or a pathlib.Path)", path)
    return Path(path)


def read_frames(workers: Any, jobs: Any, programs: Any = None, *, encoding: str | None = None) -> tuple[Any, Any, Any]:
    """The frames of one file per record kind (module notes), for :meth:`~jobmatch.Market.from_files`.

    Parameters
    ----------
    workers, jobs : str or path
        ``.csv``, ``.parquet``, ``.xlsx`` or ``.xls`` files with the columns
        of :meth:`~jobmatch.Market.from_frames`.
    programs : str or path, optional
    encoding : str, optional
        The text encoding of CSV files that are not UTF-8 (such as
        ``"gbk"``).  A file with a byte-order mark (UTF-8, UTF-16) is read
        in the encoding it names, and any other in UTF-8 when it decodes.

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
    encoding = encoding_arg(where, encoding)
    frames = [_frame(where, path, kind, encoding=encoding) for path, kind in ((workers, "worker"), (jobs, "job"))]
    return frames[0], frames[1], None if programs is None else _frame(where, programs, "program", encoding=encoding)


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
            write_frame(frame, path)
    else:
        parquet = optional_import("pyarrow.parquet", "pandas", where)
        for path, table in zip(paths.values(), market.to_frames(backend="arrow")):
            with atomic_path(path) as part:
                parquet.write_table(table, part)
    return paths


#: What :func:`write_frame` writes, by suffix.
WRITABLE = (".csv", ".parquet", ".xlsx")


def write_frame(frame: Any, path: Any) -> Path:
    """Write a pandas DataFrame to ``path`` (``.csv`` in UTF-8, ``.parquet``, or ``.xlsx`` with the ``excel`` extra),
    atomically: a failed or interrupted write leaves the file that was there as it was.

    Examples
    --------
    >>> import pandas as pd, pathlib, tempfile
    >>> out = write_frame(pd.DataFrame({"worker": ["001"]}), pathlib.Path(tempfile.mkdtemp()) / "p.csv")
    >>> out.read_text(encoding="utf-8")
    'worker\\n001\\n'
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in WRITABLE:
        raise fail("write_frame", "path", f"a file ending in one of {', '.join(WRITABLE)}", str(path))
    if suffix == ".xlsx":
        optional_import("openpyxl", "excel", "writing .xlsx files")
    with atomic_path(path) as part:
        if suffix == ".csv":
            frame.to_csv(part, index=False, encoding="utf-8")
        elif suffix == ".parquet":
            frame.to_parquet(part, index=False)
        else:
            frame.to_excel(part, index=False, engine="openpyxl")
    return cast(Path, path)


def _cells(frame: Any) -> dict[str, list[Any]]:
    """Every column of a pandas or Arrow frame as a list of Python values."""
    if hasattr(frame, "column_names"):
        return {name: frame.column(name).to_pylist() for name in frame.column_names}
    return {str(name): frame[name].tolist() for name in frame.columns}


def problems(workers: Any, jobs: Any, programs: Any = None, *, encoding: str | None = None) -> list[str]:
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
    return listed(workers, jobs, programs, encoding=encoding)[0]


def listed(
    workers: Any, jobs: Any, programs: Any = None, *, encoding: str | None = None, layout: Layout | None = None
) -> tuple[list[str], tuple[Any, Any, Any], list[str]]:
    """:func:`problems`, the frames read (None for a file that could not be read), each file read once, and notes
    (the columns ignored, once per file).  ``layout`` maps the columns as :meth:`~jobmatch.Market.from_frames`
    does; a flag column of ``groups_from`` is checked cell by cell too."""
    where = "jobmatch validate"
    encoding = encoding_arg(where, encoding)
    layout = layout or Layout()
    found: list[str] = []
    notes: list[str] = []
    frames: list[Any] = []
    for path, kind in ((workers, "worker"), (jobs, "job"), (programs, "program")):
        frames.append(None)
        if path is None:
            continue
        try:
            frame = frames[-1] = _frame(where, path, kind, encoding=encoding)
        except ValidationError as err:
            found.append(str(err))
            continue
        name = Path(path).name
        try:
            cells, flags, ignored = layout.apply(f"{kind}s", _cells(frame), name)
        except ValidationError as err:
            found.append(str(err))
            continue
        if ignored:
            notes.append(
                f"{name}: {len(ignored)} column(s) ignored, not {kind} fields: {', '.join(map(repr, ignored))}"
            )
        fields = list(record_fields(_KINDS[kind]))
        cell_problems: list[tuple[int, int, str, str]] = []  # (row, column order, column, what is wrong)
        for group, (column, values) in flags.items():
            for row, value in enumerate(values):
                if flag_value(value) is None:
                    cell_problems.append((row, -1, column, f"yes or no for group {group!r}, got {value!r}"))
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
                    cell_problems.append((row, order, field, f"{err.expected}, got {got}"))
        found += _grouped(name, cell_problems)
        found += _repeated_ids(name, kind, cells.get("id", []))
    return found, (frames[0], frames[1], frames[2]), notes


def _grouped(name: str, problems: list[tuple[int, int, str, str]]) -> list[str]:
    """Cell problems as lines, row by row; the same problem in the same column on several rows is one line
    (``rows 3-80, 82``), so a bad yes/no column does not print one line per row.

    Examples
    --------
    >>> for line in _grouped("w.csv", [(2, 1, "size", "a count, got 'x'"), (0, 0, "id", "text, got 5"),
    ...                                 (3, 1, "size", "a count, got 'x'"), (5, 1, "size", "a count, got 'x'")]):
    ...     print(line)
    w.csv row 1, column id: text, got 5
    w.csv rows 3-4, 6, column size: a count, got 'x'
    """
    rows: dict[tuple[int, str, str], list[int]] = {}
    for row, order, column, what in sorted(problems):
        rows.setdefault((order, column, what), []).append(row + 1)
    lines = []
    for (_, column, what), at in sorted(rows.items(), key=lambda item: (item[1][0], item[0][0])):
        runs: list[list[int]] = []
        for row in at:
            if runs and row == runs[-1][-1] + 1:
                runs[-1].append(row)
            else:
                runs.append([row])
        spans = ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs)
        lines.append(f"{name} {'row' if len(at) == 1 else 'rows'} {spans}, column {column}: {what}")
    return lines


def _repeated_ids(name: str, kind: str, ids: list[Any]) -> list[str]:
    """Each id given on more than one row, with those rows (ids compared as the text they are read as)."""
    rows: dict[Any, list[int]] = {}
    for row, value in enumerate(ids):
        if not is_missing(value):
            rows.setdefault(name_cell(value), []).append(row + 1)
    return [f"{name} rows {', '.join(map(str, at))}, column id: each {kind} id once, got {value!r} {len(at)} times"
            for value, at in rows.items() if len(at) > 1]  # fmt: skip


#: The placements frame's text columns (:func:`jobmatch.results.frame.to_frame`): read as text, so that ids
#: such as ``"001"`` keep their zeros.
PLACEMENT_TEXT = ("worker", "origin", "job", "employer", "region", "program", "reason", "why", "previous_job",
                  "change", "change_reason")  # fmt: skip


def read_placements(path: Any, *, encoding: str | None = None) -> Any:
    """A placements file written from :meth:`~jobmatch.Assignment.to_frame` (CSV, Parquet or Excel), as pandas.

    Ids and names are read as text (``"001"`` stays ``"001"``), and a
    missing job is missing: what :func:`jobmatch.rematch` and ``jobmatch
    explain --placements`` read.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from jobmatch import match, synth
    >>> placed = match(synth.scenario(30, 4, seed=1), k=3)
    >>> out = write_frame(placed.to_frame(backend="pandas"), pathlib.Path(tempfile.mkdtemp()) / "p.csv")
    >>> back = read_placements(out)
    >>> back["worker"].tolist() == placed.market.workers.ids.tolist()
    True
    >>> int(back["job"].isna().sum()) == int((placed.job_of < 0).sum())
    True
    """
    where = "read_placements"
    path = _path(where, "placements file", path)
    if not path.is_file() or path.suffix.lower() not in _READABLE:
        raise fail(where, "placements file", f"an existing file ending in one of {', '.join(_READABLE)}", str(path))
    pd = optional_import("pandas", "pandas", where)
    text = dict.fromkeys(PLACEMENT_TEXT, str)
    try:
        if path.suffix.lower() == ".parquet":
            return pd.read_parquet(path)
        if path.suffix.lower() == ".csv":
            return _read_csv(pd, path, "placements", encoding_arg(where, encoding), text)
        engine = "openpyxl" if path.suffix.lower() == ".xlsx" else "xlrd"
        optional_import(engine, "excel", where)
        return pd.read_excel(path, dtype=text, engine=engine)
    except (UnicodeDecodeError, ValueError, OSError, KeyError, zipfile.BadZipFile, pd.errors.ParserError) as error:
        raise _unreadable(path, "placements", "a placements file (as to_frame() writes)", error) from None
