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

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..exceptions import optional_import
from .records import Job, Record, TrainingProgram, Worker, record_fields
from .schema import Kind, fail

if TYPE_CHECKING:
    from .market import Market

__all__ = ["FORMATS", "read_frames", "write"]

#: What :func:`write` writes, by ``format``, and what :func:`read` reads, by suffix.
FORMATS = {"csv": ".csv", "parquet": ".parquet"}
_READABLE = (".csv", ".parquet", ".xlsx", ".xls")
_TEXT_KINDS = (Kind.ID, Kind.NAME, Kind.OPTIONAL, Kind.NAMES, Kind.LEVELS)
_KINDS: dict[str, type[Record]] = {"worker": Worker, "job": Job, "program": TrainingProgram}


def _frame(where: str, path: Any, kind: str) -> Any:
    """One file as a frame: CSV with its text columns as text, Parquet as an Arrow table, Excel by pandas."""
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
