"""Data-frame libraries: which one a frame comes from, any frame read through Arrow, results given back in kind.

The library reads pandas DataFrames and pyarrow Tables itself
(:mod:`jobmatch.data.frames`).  Any other frame that speaks the Arrow
PyCapsule stream interface (``__arrow_c_stream__``: Polars, DuckDB results,
pyarrow record-batch readers, ...) is read as the pyarrow Table
``pyarrow.table(frame)`` makes of it, with no code per library.  Results go
back in the caller's library: a market built from frames remembers which
(:attr:`~jobmatch.Market.frame_library`), and its ``to_frames()`` and its
assignments' ``to_frame()`` use it unless ``backend=`` says otherwise.
Polars results are ``polars.from_arrow`` of the Arrow form.
"""

from __future__ import annotations

from typing import Any

from .._checks import fail
from ..exceptions import optional_import

__all__ = ["BACKENDS", "arrow_table", "backend_for", "eager", "from_arrow", "library_of"]

#: The libraries results can be given in (``"text"``, pandas frames in the CSV text form, for markets only).
BACKENDS = ("pandas", "arrow", "polars")


def library_of(frame: Any) -> str | None:
    """``"pandas"``, ``"arrow"`` or ``"polars"`` for a frame of those libraries, ``"arrow"`` for any other frame
    read through the Arrow stream interface, None for anything else.

    Examples
    --------
    >>> import pandas as pd, pyarrow as pa
    >>> library_of(pd.DataFrame({"a": [1]})), library_of(pa.table({"a": [1]})), library_of([1])
    ('pandas', 'arrow', None)
    """
    root = type(frame).__module__.split(".")[0]
    if root == "pandas" and hasattr(frame, "columns"):
        return "pandas"
    if root == "polars" and hasattr(frame, "__arrow_c_stream__"):
        return "polars"
    if (root == "pyarrow" and hasattr(frame, "column_names")) or hasattr(frame, "__arrow_c_stream__"):
        return "arrow"
    return None


def eager(frame: Any) -> Any:
    """A lazy frame (a Polars ``LazyFrame``) computed; any other frame as it is.

    Examples
    --------
    >>> import polars as pl
    >>> eager(pl.DataFrame({"a": [1]}).lazy()).shape, eager([1])
    ((1, 1), [1])
    """
    if type(frame).__name__ == "LazyFrame" and callable(getattr(frame, "collect", None)):
        return frame.collect()
    return frame


def arrow_table(frame: Any, label: str) -> Any:
    """A frame of another library as a pyarrow Table (through ``__arrow_c_stream__``)."""
    pa = optional_import("pyarrow", "pandas", f"reading a {type(frame).__name__} ({label})")
    try:
        return pa.table(frame)
    except (TypeError, ValueError, pa.ArrowException) as error:
        raise fail(label, "type", "a data frame Arrow can read", f"{type(frame).__name__}: {error}") from None


def backend_for(where: str, backend: Any, remembered: str | None, *, allowed: tuple[str, ...] = BACKENDS) -> str:
    """The ``backend`` argument checked: None means the remembered library, else pandas."""
    if backend is None:
        return remembered if remembered in allowed else "pandas"
    if not isinstance(backend, str) or backend not in allowed:
        raise fail(where, "backend", " or ".join(repr(b) for b in allowed) + " (None: the frames' own)", backend)
    return backend


def from_arrow(table: Any, backend: str) -> Any:
    """An Arrow table given as ``backend`` (``"arrow"`` or ``"polars"``)."""
    if backend == "polars":
        return optional_import("polars", "polars", "backend='polars'").from_arrow(table)
    return table
