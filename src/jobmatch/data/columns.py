"""Whole-column checks of a frame's text, set and skill-map columns: the shapes frames hold, in one tight pass.

:func:`~jobmatch.data.frames.raw_from_frame` reads a data frame column by
column.  Checking each cell through :meth:`~jobmatch.data.schema.Rule.check`
costs microseconds (abstract-class checks, a frozenset or LevelMap per
cell): 30 s for a million workers.  The readers here take the shapes frames
hold in practice — text cells; lists, tuples or arrays of text; dicts of
text to whole numbers, with ``None`` for an absent skill (Arrow structs);
the text form ``"rice;sichuan"``, ``"welding:3"`` (:mod:`jobmatch.data.text`)
— check them in one pass, and keep set and skill-map columns flat
(:class:`Flat`).  On anything else, a cell of another type or a value the
rule refuses, they return None and the caller checks the column cell by
cell, so what is accepted, and every error, is exactly ``Rule.check``'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from itertools import chain, repeat
from typing import Any

import numpy as np

from .._arrays import indptr_from_counts, row_ids
from .schema import MAX_LEVEL, MIN_LEVEL, Kind, LevelMap, Rule
from .text import ITEM_SEPARATORS, LEVEL_SEPARATOR

__all__ = ["ArrowLists", "ArrowMaps", "ArrowStructs", "Flat", "fast_column"]


class Flat(Sequence[Any]):
    """A checked set or skill-map column held flat: row ``r``'s items are ``items[offsets[r]:offsets[r + 1]]``.

    Indexing a row gives what the per-cell check gives (a frozenset, or a
    LevelMap with ``levels``), for the few readers that walk cells.

    Examples
    --------
    >>> column = Flat(np.array([2, 0]), ["rice", "wheat"], None)
    >>> len(column), column[0] == {"rice", "wheat"}, column[1]
    (2, True, frozenset())
    """

    def __init__(self, lengths: np.ndarray, items: list[str], levels: np.ndarray | None) -> None:
        self.lengths, self.items, self.levels = lengths, items, levels
        self.offsets = indptr_from_counts(lengths)

    def __len__(self) -> int:
        return len(self.lengths)

    @cached_property
    def coded(self) -> tuple[np.ndarray, list[str]]:
        """Each item's position among the distinct items, and those (pandas' hash table, else a dict): the
        vocabulary then encodes the few distinct names, not every item."""
        return _distinct(self.items)

    def no_repeats(self) -> bool:
        """No row lists an item twice: the (row, item) pairs sorted, as one integer where it fits."""
        codes = self.coded[0]
        if not len(codes):
            return True
        rows = row_ids(self.offsets)
        width = int(codes.max()) + 1
        if len(self.lengths) * width >= 2**62:  # (row, item) would not fit one int64: sort by both
            order = np.lexsort((codes, rows))
            codes, rows = codes[order], rows[order]
            return not bool(np.any((codes[1:] == codes[:-1]) & (rows[1:] == rows[:-1])))
        keys = np.sort(rows * width + codes)
        return not bool(np.any(keys[1:] == keys[:-1]))

    def __getitem__(self, row: int) -> frozenset[str] | LevelMap:  # type: ignore[override]  # rows only, no slices
        lo, hi = int(self.offsets[row]), int(self.offsets[row + 1])
        if self.levels is None:
            return frozenset(self.items[lo:hi])
        return LevelMap(zip(self.items[lo:hi], self.levels[lo:hi].tolist()))


def _lists(column: Any) -> tuple[np.ndarray, Any]:
    """An Arrow list (or map) column's row lengths (a null row: 0) and its entries, flattened; a map's entries
    are (key, value) structs."""
    import pyarrow as pa
    import pyarrow.compute as pc

    column = column.combine_chunks() if hasattr(column, "combine_chunks") else column
    kind = column.type
    if pa.types.is_map(kind):  # the list kernels take lists of (key, value) structs
        column = column.cast(pa.list_(pa.struct([kind.key_field, kind.item_field])))
    return pc.list_value_length(column).fill_null(0).to_numpy().astype(np.int64), pc.list_flatten(column)


def _all_names(values: list[Any]) -> bool:
    """Every value text that is not empty once trimmed (what ``Rule.check`` asks of a name)."""
    return set(map(type, values)) <= {str} and all(map(str.strip, values))


def _in_range(levels: np.ndarray) -> bool:
    """Every level (whole numbers) from MIN_LEVEL to MAX_LEVEL."""
    return not len(levels) or bool(levels.min() >= MIN_LEVEL and levels.max() <= MAX_LEVEL)


def _whole_in_range(levels: np.ndarray) -> bool:
    """Every level (floats) a whole number from MIN_LEVEL to MAX_LEVEL."""
    return _in_range(levels) and bool(np.all(levels == np.round(levels)))


class ArrowLists(Sequence[Any]):
    """An Arrow list column, read flat (each row a list when walked, a null row empty)."""

    def __init__(self, column: Any) -> None:
        self.lengths, entries = _lists(column)
        self.items: list[Any] = entries.to_pylist()
        self.offsets: list[int] = indptr_from_counts(self.lengths).tolist()

    def __len__(self) -> int:
        return len(self.lengths)

    def __getitem__(self, row: int) -> list[Any]:  # type: ignore[override]  # rows only, no slices
        if not 0 <= row < len(self):
            raise IndexError(row)
        return self.items[self.offsets[row] : self.offsets[row + 1]]


class ArrowMaps(ArrowLists):
    """An Arrow map column (skill -> level), or a list of (key, value) structs as Polars writes one, read flat
    (each row a list of pairs when walked, a null row empty)."""

    def __init__(self, column: Any) -> None:
        self.lengths, entries = _lists(column)
        self.items = entries.field(0).to_pylist()
        self.values = entries.field(1)
        self.offsets = indptr_from_counts(self.lengths).tolist()

    def __getitem__(self, row: int) -> list[tuple[Any, Any]]:  # type: ignore[override]  # rows only, no slices
        names = super().__getitem__(row)
        lo = self.offsets[row]
        return list(zip(names, self.values[lo : lo + len(names)].to_pylist()))

    def flat(self) -> Flat | None:
        """The levels, checked whole; None when one is not a whole number in range or a skill repeats in a row."""
        import pyarrow as pa

        kind = self.values.type
        if self.values.null_count or not (pa.types.is_integer(kind) or pa.types.is_floating(kind)):
            return None
        levels = self.values.to_numpy(zero_copy_only=False).astype(np.float64)
        if not _whole_in_range(levels) or not _all_names(self.items):
            return None
        return _checked(Flat(self.lengths, self.items, levels.astype(np.int8)))


class ArrowStructs(Sequence[Any]):
    """An Arrow struct column of skill levels (a field per skill, null where a row has none), as pandas writes a
    column of dicts; each row a dict when walked."""

    def __init__(self, column: Any) -> None:
        self.column = column.combine_chunks() if hasattr(column, "combine_chunks") else column

    def __len__(self) -> int:
        return len(self.column)

    def __getitem__(self, row: int) -> Any:  # type: ignore[override]  # rows only, no slices
        if not 0 <= row < len(self):
            raise IndexError(row)
        return self.column[row].as_py()

    def flat(self) -> Flat | None:
        """The levels, checked whole; None when a field is not numeric or a level not a whole number in range."""
        import pyarrow as pa

        column, n = self.column, len(self.column)
        present = np.asarray(column.is_valid())
        rows, fields, levels = [], [], []
        for at, _field in enumerate(column.type):
            child = column.field(at)
            if not (pa.types.is_integer(child.type) or pa.types.is_floating(child.type)):
                return None
            valid = present & np.asarray(child.is_valid())
            values = child.to_numpy(zero_copy_only=False).astype(np.float64)[valid]
            if not _whole_in_range(values):
                return None
            rows.append(np.flatnonzero(valid))
            fields.append(np.full(len(values), at))
            levels.append(values)
        names = [field.name for field in column.type]
        if not _all_names(names):
            return None
        row = np.concatenate([np.empty(0, np.int64), *rows])
        order = np.argsort(row, kind="stable")
        items = np.array(names, dtype=object)[np.concatenate([np.empty(0, np.int64), *fields])[order]].tolist()
        level = np.concatenate([np.empty(0), *levels])[order].astype(np.int8)
        return Flat(np.bincount(row, minlength=n).astype(np.int64), items, level)


def fast_column(rule: Rule, values: Any) -> Any:
    """The checked column (as the per-cell check would give it, sets and skill maps :class:`Flat`), or None
    when a cell is not one of the common shapes or fails the rule: then check it cell by cell."""
    kind = rule.kind
    if isinstance(values, ArrowMaps):
        return values.flat() if kind is Kind.LEVELS else None
    if isinstance(values, ArrowLists):
        if kind is not Kind.NAMES:
            return None
        return _checked(Flat(values.lengths, values.items, None)) if _all_names(values.items) else None
    if isinstance(values, ArrowStructs):
        return values.flat() if kind is Kind.LEVELS else None
    cells = values.tolist() if isinstance(values, np.ndarray) else list(values)
    if kind in (Kind.ID, Kind.NAME, Kind.OPTIONAL):
        return _text(cells, kind)
    if kind is Kind.NAMES:
        return _names(cells)
    if kind is Kind.LEVELS:
        return _levels(cells)
    return None


def _distinct(values: list[Any]) -> tuple[np.ndarray, list[Any]]:
    """Each value's position among the distinct values, and those, in first-seen order (pandas' hash table,
    else a dict)."""
    try:
        import pandas as pd

        codes, distinct = pd.factorize(np.array(values, dtype=object))
        return codes.astype(np.int64), distinct.tolist()
    except ImportError:  # the Arrow path without pandas
        index: dict[Any, int] = {}
        codes = np.fromiter(map(lambda value: index.setdefault(value, len(index)), values), np.int64, len(values))
        return codes, list(index)


def _checked(flat: Flat) -> Flat | None:
    """``flat`` when no row lists an item twice, else None (the cell check then names the row)."""
    return flat if flat.no_repeats() else None


def _missing(value: Any) -> bool:
    return value is None or (type(value) is float and value != value) or type(value).__name__ == "NAType"


def _without_missing(cells: list[Any], empty: Any) -> list[Any]:
    """``cells`` with each missing one (None, NaN, pandas.NA) as ``empty``; the list itself when there is none."""
    kinds = set(map(type, cells))
    na = next((k for k in kinds if k.__name__ == "NAType"), None)
    if type(None) not in kinds and float not in kinds and na is None:
        return cells
    if na is None:  # _missing, inlined: a million cells
        return [empty if v is None or (v != v and type(v) is float) else v for v in cells]
    return [empty if v is None or type(v) is na or (type(v) is float and v != v) else v for v in cells]


def _text(cells: list[Any], kind: Kind) -> Any:
    if kind is Kind.OPTIONAL:
        cells = _without_missing(cells, None)
        present = [v for v in cells if v is not None]
    else:
        present = cells
    if not _all_names(present):
        return None
    if kind is Kind.ID:
        out = np.empty(len(cells), dtype=object)
        out[:] = cells
        return out
    return cells


#: The text form's item separators made ASCII in one pass over a whole column; for skill maps the colon too
#: (a skill's name keeps ASCII colons, as the per-cell parser joins its pieces with them).
_ITEMS = str.maketrans({",": ";", "\uff0c": ";", "\uff1b": ";"})
_LEVELS = str.maketrans({",": ";", "\uff0c": ";", "\uff1b": ";", "\uff1a": ":"})
_ROW = "\x00"  # between two cells of the joined column; a cell holding it is parsed cell by cell


def _split_text(cells: list[Any], table: dict[int, str]) -> tuple[np.ndarray, list[str]] | None:
    """A column of text cells (or missing) split into items, trimmed, empty ones dropped: (lengths, items).

    The column is joined, its separators made ASCII and split once, so the
    work per cell is C string methods, not a regex call; None when a cell is
    not text or holds the row mark.
    """
    if not set(map(type, cells)) <= {str, float, type(None)}:
        return None
    texts = _without_missing(cells, "")
    if not set(map(type, texts)) <= {str}:
        return None
    joined = _ROW.join(texts)
    if joined.count(_ROW) != max(0, len(texts) - 1):
        return None
    codes, distinct = _distinct(joined.translate(table).replace(_ROW, ";" + _ROW + ";").split(";"))
    trimmed = [part.strip() for part in distinct]  # a column repeats few distinct items: each trimmed once
    mark = np.array([part == _ROW for part in trimmed], dtype=bool)[codes]
    kept = np.array([bool(part) for part in trimmed], dtype=bool)[codes] & ~mark
    rows = np.cumsum(mark)[kept]
    items = np.array(trimmed, dtype=object)[codes[kept]].tolist()
    return np.bincount(rows, minlength=len(texts)).astype(np.int64), items


def _names(cells: list[Any]) -> Flat | None:
    split = _split_text(cells, _ITEMS)
    if split is not None:
        lengths, items = split
        return _checked(Flat(lengths, items, None))
    kinds = set(map(type, cells))
    if kinds <= {list, tuple}:  # the shape to_frames writes: no loop over cells
        return _flat_names(cells)
    rows: list[Any] = []
    for value in cells:
        kind = type(value)
        if kind is list or kind is tuple:
            rows.append(value)
        elif kind is str:
            rows.append([part for part in map(str.strip, ITEM_SEPARATORS.split(value)) if part])
        elif kind is np.ndarray and value.ndim == 1:
            rows.append(value.tolist())
        elif _missing(value):
            rows.append(())
        else:
            return None
    return _flat_names(rows)


def _flat_names(rows: list[Any]) -> Flat | None:
    """Rows of names (lists or tuples) checked and kept flat."""
    counts = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    items = list(chain.from_iterable(rows))
    return _checked(Flat(counts, items, None)) if _all_names(items) else None


def _flat_levels(cells: list[dict[Any, Any]]) -> Flat | None:
    """Dicts of skill -> whole-number level (no missing levels) checked and kept flat; None for anything else."""
    levels = list(chain.from_iterable(map(dict.values, cells)))
    if not set(map(type, levels)) <= {int}:
        return None
    names = list(chain.from_iterable(cells))
    array = np.array(levels, dtype=np.int64)
    if not _all_names(names) or not _in_range(array):
        return None
    counts = np.fromiter(map(len, cells), dtype=np.int64, count=len(cells))
    return Flat(counts, names, array.astype(np.int8))


def _text_levels(lengths: np.ndarray, items: list[str]) -> Flat | None:
    """Split items ``"skill:level"`` (separators already ASCII) into a flat skill map, as the per-cell parser."""
    codes, distinct = _distinct(items)  # few distinct "skill:level" items: each parsed once
    pieces = list(map(str.rpartition, distinct, repeat(":")))
    names = [name.strip() for name, _, _ in pieces]
    digits = [level.strip() for _, _, level in pieces]
    if not all(colon for _, colon, _ in pieces) or not all(d.isascii() and d.isdigit() and len(d) <= 3 for d in digits):
        return None
    levels = np.array([int(d) for d in digits], dtype=np.int64)
    if not _in_range(levels) or not all(map(str.strip, names)):
        return None
    flat_names = np.array(names, dtype=object)[codes].tolist()
    return _checked(Flat(lengths, flat_names, levels[codes].astype(np.int8)))


def _levels(cells: list[Any]) -> Flat | None:
    split = _split_text(cells, _LEVELS)
    if split is not None:
        return _text_levels(*split)
    if set(map(type, cells)) == {dict}:  # the shape to_frames writes: keys and values chained, no loop over cells
        flat = _flat_levels(cells)
        if flat is not None:
            return flat
    lengths: list[int] = []
    names: list[Any] = []
    levels: list[Any] = []
    for value in cells:
        before = len(names)
        kind = type(value)
        if kind is dict:
            for name, level in value.items():
                if type(level) is float:
                    if level != level:  # NaN: an absent skill, as None
                        continue
                    if not level.is_integer():
                        return None
                    level = int(level)
                elif level is None:
                    continue
                names.append(name)
                levels.append(level)
        elif kind is str:
            for part in filter(None, map(str.strip, ITEM_SEPARATORS.split(value))):
                pieces = LEVEL_SEPARATOR.split(part)
                level = pieces[-1].strip()
                if len(pieces) < 2 or not (level.isascii() and level.isdigit() and len(level) <= 3):
                    return None
                names.append(":".join(pieces[:-1]).strip())
                levels.append(int(level))
            if len(set(names[before:])) != len(names) - before:  # a skill twice (a dict cannot repeat a key)
                return None
        elif not _missing(value):
            return None
        lengths.append(len(names) - before)
    if not set(map(type, levels)) <= {int} or not _all_names(names):
        return None
    array = np.array(levels, dtype=np.int64)
    if not _in_range(array):
        return None
    return Flat(np.array(lengths, dtype=np.int64), names, array.astype(np.int8))
