"""Columnar, encoded form of one kind of record.

A :class:`Table` holds every field of one record kind as a read-only numpy
array (one entry per record) or, for set and skill-map fields, as a
:class:`Ragged` CSR structure of vocabulary codes.  This module also converts
records and data frames to that form and back; the rules themselves live in
:mod:`jobmatch.schema`, so every entry point checks the same things.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .exceptions import ValidationError
from .models import record_fields
from .schema import Kind, LevelMap, Rule, fail
from .vocabulary import DOMAINS, Vocabularies, Vocabulary

__all__ = ["Ragged", "Table"]

#: What a column holds before its strings are encoded: a checked numpy array
#: (numbers, flags, ids) or a list of checked Python values (names, sets, maps).
RawColumns = dict[str, Any]


def _readonly(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


@dataclass(frozen=True, eq=False)
class Ragged:
    """Rows of vocabulary codes in CSR form, each row sorted by code.

    Row ``i`` holds ``codes[indptr[i]:indptr[i + 1]]`` and, for skill maps,
    the matching ``levels``.

    Examples
    --------
    >>> r = Ragged.from_lists([[2, 0], [], [1]])
    >>> r.indptr.tolist(), r.codes.tolist(), r.row(0)[0].tolist()
    ([0, 2, 2, 3], [0, 2, 1], [0, 2])
    """

    indptr: np.ndarray
    codes: np.ndarray
    levels: np.ndarray | None = None

    @classmethod
    def from_lists(cls, rows: Sequence[Sequence[int]], levels: Sequence[Sequence[int]] | None = None) -> Ragged:
        """Build from per-row code lists (and level lists), sorting each row."""
        lengths = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
        codes = np.fromiter((c for r in rows for c in r), dtype=np.int32, count=int(lengths.sum()))
        flat_levels = None
        if levels is not None:
            flat_levels = np.fromiter((v for r in levels for v in r), dtype=np.int8, count=len(codes))
        return cls.from_flat(lengths, codes, flat_levels)

    @classmethod
    def from_flat(cls, lengths: np.ndarray, codes: np.ndarray, levels: np.ndarray | None = None) -> Ragged:
        """Build from row lengths and flat codes, sorting codes within rows."""
        indptr = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        row_of = np.repeat(np.arange(len(lengths)), lengths)
        order = np.lexsort((codes, row_of))
        codes = np.ascontiguousarray(codes[order], dtype=np.int32)
        if levels is not None:
            levels = _readonly(np.ascontiguousarray(levels[order], dtype=np.int8))
        return cls(_readonly(indptr), _readonly(codes), levels)

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray | None]:
        """Codes (and levels) of row ``i``."""
        lo, hi = self.indptr[i], self.indptr[i + 1]
        return self.codes[lo:hi], None if self.levels is None else self.levels[lo:hi]

    def lengths(self) -> np.ndarray:
        """Entries per row."""
        return np.diff(self.indptr)

    def rows_with(self, code: int) -> np.ndarray:
        """Boolean mask of the rows that hold ``code``.

        Examples
        --------
        >>> Ragged.from_lists([[2, 0], [], [1, 2]]).rows_with(2).tolist()
        [True, False, True]
        """
        row_of = np.repeat(np.arange(len(self)), self.lengths())
        mask = np.zeros(len(self), dtype=bool)
        mask[row_of[self.codes == code]] = True
        return mask

    def take(self, picked: np.ndarray) -> Ragged:
        """The rows listed in ``picked``, in that order.

        Examples
        --------
        >>> r = Ragged.from_lists([[2, 0], [], [1]], levels=[[3, 1], [], [5]])
        >>> t = r.take(np.array([2, 0]))
        >>> t.indptr.tolist(), t.codes.tolist(), t.levels.tolist()
        ([0, 1, 3], [1, 0, 2], [5, 1, 3])
        """
        lengths = self.lengths()[picked]
        indptr = np.zeros(len(picked) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        # Position of every kept entry in the original flat arrays.
        flat = np.arange(indptr[-1]) - np.repeat(indptr[:-1] - self.indptr[picked], lengths)
        levels = None if self.levels is None else _readonly(self.levels[flat])
        return Ragged(_readonly(indptr), _readonly(self.codes[flat]), levels)

    def rows(self, start: int, stop: int) -> Ragged:
        """Rows ``start:stop``: views of the codes, a small rebased indptr."""
        lo, hi = self.indptr[start], self.indptr[stop]
        indptr = _readonly(self.indptr[start : stop + 1] - lo)
        levels = None if self.levels is None else self.levels[lo:hi]
        return Ragged(indptr, self.codes[lo:hi], levels)

    def remap(self, new_code: np.ndarray) -> Ragged:
        """Apply an order-preserving code map (rows stay sorted)."""
        return Ragged(self.indptr, _readonly(new_code[self.codes]), self.levels)

    def equals(self, other: Ragged) -> bool:
        same_levels = (self.levels is None and other.levels is None) or (
            self.levels is not None and other.levels is not None and np.array_equal(self.levels, other.levels)
        )
        return np.array_equal(self.indptr, other.indptr) and np.array_equal(self.codes, other.codes) and same_levels


class _Labels(Sequence[str]):
    """Record labels (``"Worker 'W1'"``) computed only when an error needs one."""

    def __init__(self, kind: str, ids: Sequence[object]) -> None:
        self.kind, self.ids = kind, ids

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, row):  # type: ignore[override]
        value = self.ids[row]
        if isinstance(value, str) and value.strip():
            return f"{self.kind} {value!r}"
        return f"{self.kind} at row {row}"


def _is_missing(value: object) -> bool:
    """A data-frame missing value (None, NaN, pandas.NA)."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ == "NAType"


# ---------------------------------------------------------------------- raw
def raw_from_records(record_type: type, records: Iterable[Any], label: str) -> RawColumns:
    """Columns of already-checked records (the Market re-checks nothing per field)."""
    records = list(records)
    for row, record in enumerate(records):
        if type(record) is not record_type:
            raise fail(f"{label} at position {row}", "type", f"a {record_type.kind} record", record)
    raw: RawColumns = {}
    for name, rule, _ in record_fields(record_type):
        values = [getattr(r, name) for r in records]
        raw[name] = _typed_array(rule, values) if _is_array_kind(rule) else values
    return raw


def _is_array_kind(rule: Rule) -> bool:
    return rule.kind in (Kind.FLAG, Kind.COUNT, Kind.AMOUNT, Kind.ID)


def _typed_array(rule: Rule, values: Sequence[Any]) -> np.ndarray:
    if rule.kind is Kind.ID:
        out = np.empty(len(values), dtype=object)
        out[:] = values
        return out
    dtype = {Kind.FLAG: np.bool_, Kind.COUNT: np.int64, Kind.AMOUNT: np.float64}[rule.kind]
    return np.asarray(values, dtype=dtype)


def raw_from_frame(record_type: type, frame: Any, label: str) -> RawColumns:
    """Check a pandas DataFrame or pyarrow Table column by column."""
    names = [name for name, _, _ in record_fields(record_type)]
    columns = _frame_columns(frame, label)
    unknown = [c for c in columns if c not in names]
    if unknown:
        raise fail(label, "columns", f"only known columns {names}", unknown)
    n = _frame_length(frame)
    ids = columns["id"]() if "id" in columns else None
    if ids is None:
        raise fail(label, "columns", "an 'id' column", sorted(columns))
    where = _Labels(record_type.kind, ids)
    raw: RawColumns = {}
    for name, rule, default in record_fields(record_type):
        if name not in columns:
            if default is dataclasses.MISSING:
                raise fail(label, "columns", f"a {name!r} column (it has no default)", sorted(columns))
            raw[name] = _typed_array(rule, [default] * n) if _is_array_kind(rule) else [default] * n
            continue
        values = ids if name == "id" else columns[name]()
        if rule.kind in (Kind.FLAG, Kind.COUNT, Kind.AMOUNT):
            raw[name] = rule.check_column(values, where, name)
            continue
        checked = _check_cells(rule, values, where, name)
        raw[name] = _typed_array(rule, checked) if rule.kind is Kind.ID else checked
    return raw


def _check_cells(rule: Rule, values: Sequence[Any], where: _Labels, name: str) -> list[Any]:
    """Check a text, set or skill-map column cell by cell.

    The record label is formatted only for a cell that fails (formatting it
    for every cell cost more than the check itself).
    """
    optional = rule.kind in (Kind.OPTIONAL, Kind.NAMES, Kind.LEVELS)
    empty = None if rule.kind is Kind.OPTIONAL else ()
    check = rule.check
    checked = []
    for row, value in enumerate(values):
        if optional and _is_missing(value):
            value = empty
        try:
            checked.append(check(value, "", name, text_form=True))
        except ValidationError:
            check(value, where[row], name, text_form=True)  # raises again, naming the record
            raise
    return checked


def _frame_columns(frame: Any, label: str) -> dict[str, Any]:
    """Column name -> thunk giving a numpy array or list, for pandas or Arrow."""
    if hasattr(frame, "schema") and hasattr(frame, "column_names"):  # pyarrow.Table
        import pyarrow as pa

        def arrow(name: str):
            column = frame.column(name)
            kind = column.type
            if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_boolean(kind):
                if column.null_count == 0:
                    return column.to_numpy()
            return np.fromiter(column.to_pylist(), dtype=object, count=len(column))

        return {name: (lambda name=name: arrow(name)) for name in frame.column_names}
    if hasattr(frame, "columns") and hasattr(frame, "dtypes"):  # pandas.DataFrame
        return {str(name): (lambda name=name: frame[name].to_numpy()) for name in frame.columns}
    raise fail(label, "type", "a pandas DataFrame or a pyarrow Table", type(frame).__name__)


def _frame_length(frame: Any) -> int:
    return int(frame.num_rows) if hasattr(frame, "num_rows") else len(frame)


def strings_by_domain(raws: Iterable[tuple[type, RawColumns]]) -> dict[str, set[str]]:
    """Every string each domain's vocabulary must hold."""
    found: dict[str, set[str]] = {domain: set() for domain in DOMAINS}
    for record_type, raw in raws:
        for name, rule, _ in record_fields(record_type):
            bucket = found.get(rule.domain or "")
            if bucket is None:
                continue
            values = raw[name]
            if rule.kind is Kind.NAME:
                bucket.update(values)
            elif rule.kind is Kind.OPTIONAL:
                bucket.update(v for v in values if v is not None)
            else:  # sets and level maps
                for cell in values:
                    bucket.update(cell)
    return found


# ---------------------------------------------------------------------- table
class Table:
    """All records of one kind, columnar and encoded.

    Attributes are the record's field names: ``table.min_wage`` is a float64
    array, ``table.origin`` an int32 array of ``place`` codes, ``table.skills``
    a :class:`Ragged` of skill codes and levels, ``table.brand`` an int32 array
    with ``-1`` for None.  All arrays are read-only.
    """

    def __init__(self, record_type: type, columns: dict[str, Any], vocab: Vocabularies) -> None:
        self.record_type = record_type
        self.columns = columns
        self.vocab = vocab
        self._index: dict[str, int] | None = None

    @classmethod
    def encode(cls, record_type: type, raw: RawColumns, vocab: Vocabularies) -> Table:
        """Encode checked raw columns with the market's vocabularies."""
        columns: dict[str, Any] = {}
        for name, rule, _ in record_fields(record_type):
            values = raw[name]
            if rule.kind in (Kind.NAME, Kind.OPTIONAL):
                index = vocab[rule.domain]._index
                codes = np.fromiter((-1 if v is None else index[v] for v in values), np.int32, len(values))
                columns[name] = _readonly(codes)
            elif rule.kind in (Kind.NAMES, Kind.LEVELS):
                words = vocab[rule.domain]
                lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
                codes = words.encode(k for cell in values for k in cell)
                levels = None
                if rule.kind is Kind.LEVELS:
                    levels = np.fromiter((v for cell in values for v in cell.values()), np.int8, len(codes))
                columns[name] = Ragged.from_flat(lengths, codes, levels)
            else:
                columns[name] = _readonly(np.asarray(values))
        return cls(record_type, columns, vocab)

    def __len__(self) -> int:
        return len(self.columns["id"])

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["columns"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __repr__(self) -> str:
        return f"<Table of {len(self)} {self.record_type.kind} records>"

    @property
    def ids(self) -> np.ndarray:
        """Record ids, as a read-only object array."""
        return self.columns["id"]

    def index(self, record_id: str) -> int:
        """Position of the record with this id (``KeyError`` if absent)."""
        if self._index is None:
            self._index = {value: row for row, value in enumerate(self.ids)}
        return self._index[record_id]

    def record(self, row: int) -> Any:
        """Decode row ``row`` back into a record."""
        values: dict[str, Any] = {}
        for name, rule, _ in record_fields(self.record_type):
            column = self.columns[name]
            words = self.vocab[rule.domain] if rule.domain else None
            if rule.kind in (Kind.NAME, Kind.OPTIONAL):
                code = int(column[row])
                values[name] = None if code < 0 else words[code]
            elif rule.kind is Kind.NAMES:
                values[name] = frozenset(words.decode(column.row(row)[0]))
            elif rule.kind is Kind.LEVELS:
                codes, levels = column.row(row)
                values[name] = LevelMap(zip(words.decode(codes), levels.tolist()))
            elif rule.kind is Kind.ID:
                values[name] = column[row]
            else:
                values[name] = column[row].item()
        return self.record_type(**values)

    def rows(self, start: int, stop: int) -> Table:
        """Records ``start:stop`` as views sharing this table's vocabularies."""
        columns = {
            name: column.rows(start, stop) if isinstance(column, Ragged) else column[start:stop]
            for name, column in self.columns.items()
        }
        return Table(self.record_type, columns, self.vocab)

    def take(self, picked: np.ndarray) -> Table:
        """The records at positions ``picked``, in that order, sharing this table's vocabularies.

        Positions are trusted (:meth:`jobmatch.Market.subset` checks them);
        the columns are new read-only arrays.

        Parameters
        ----------
        picked : ndarray of int
            Record positions.

        Returns
        -------
        Table

        Examples
        --------
        >>> import numpy as np
        >>> from jobmatch import synth
        >>> workers = synth.scenario(50, 5, seed=1).workers
        >>> part = workers.take(np.array([7, 2]))
        >>> len(part), part.ids.tolist() == [workers.ids[7], workers.ids[2]]
        (2, True)
        >>> part.vocab is workers.vocab, part.record(0) == workers.record(7)
        (True, True)
        """
        picked = np.asarray(picked, dtype=np.int64)
        columns = {
            name: column.take(picked) if isinstance(column, Ragged) else _readonly(column[picked])
            for name, column in self.columns.items()
        }
        return Table(self.record_type, columns, self.vocab)

    def replace(self, **columns: Any) -> Table:
        """The same records with some columns swapped for others of the same kind and length.

        Trusted: the caller builds the new columns (:mod:`jobmatch.training`
        gives trainees their levels after a programme).

        Examples
        --------
        >>> import numpy as np
        >>> from jobmatch import synth
        >>> workers = synth.scenario(5, 2, seed=1).workers
        >>> richer = workers.replace(min_wage=np.zeros(5))
        >>> richer.min_wage.tolist(), richer.skills is workers.skills
        ([0.0, 0.0, 0.0, 0.0, 0.0], True)
        """
        return Table(self.record_type, {**self.columns, **columns}, self.vocab)

    def remap(self, maps: dict[str, np.ndarray], vocab: Vocabularies) -> Table:
        """Re-encode after the vocabularies dropped unused names."""
        columns = dict(self.columns)
        for name, rule, _ in record_fields(self.record_type):
            if rule.domain is None or maps.get(rule.domain) is None:
                continue
            new_code = maps[rule.domain]
            column = columns[name]
            if isinstance(column, Ragged):
                columns[name] = column.remap(new_code)
            else:
                columns[name] = _readonly(np.where(column < 0, -1, new_code[np.maximum(column, 0)]).astype(np.int32))
        return Table(self.record_type, columns, vocab)

    def equals(self, other: Table) -> bool:
        """Same record type and identical columns (vocabularies compared by the caller)."""
        if self.record_type is not other.record_type or len(self) != len(other):
            return False
        for name, column in self.columns.items():
            theirs = other.columns[name]
            if isinstance(column, Ragged):
                if not column.equals(theirs):
                    return False
            elif not np.array_equal(column, theirs):
                return False
        return True

    # ------------------------------------------------------------------ frames
    def to_pandas(self) -> Any:
        """One row per record; sets as sorted lists, skill maps as dicts."""
        import pandas as pd

        data: dict[str, Any] = {}
        for name, rule, _ in record_fields(self.record_type):
            column = self.columns[name]
            if rule.kind in (Kind.NAME, Kind.OPTIONAL):
                names = _with_none(self.vocab[rule.domain].as_array())
                data[name] = names[column]
            elif rule.kind is Kind.NAMES:
                names = self.vocab[rule.domain].as_array()
                data[name] = [names[column.row(i)[0]].tolist() for i in range(len(self))]
            elif rule.kind is Kind.LEVELS:
                names = self.vocab[rule.domain].as_array()
                data[name] = [
                    dict(zip(names[codes].tolist(), levels.tolist()))
                    for codes, levels in (column.row(i) for i in range(len(self)))
                ]
            else:
                data[name] = np.array(column)
        frame = pd.DataFrame(data)
        for name, rule, _ in record_fields(self.record_type):
            if rule.kind in (Kind.NAMES, Kind.LEVELS):
                frame[name] = frame[name].astype(object)
        return frame

    def to_arrow(self) -> Any:
        """A pyarrow Table; sets as ``list<string>``, skill maps as ``map<string, int8>``."""
        import pyarrow as pa

        arrays: dict[str, Any] = {}
        for name, rule, _ in record_fields(self.record_type):
            column = self.columns[name]
            if rule.kind in (Kind.NAME, Kind.OPTIONAL):
                names = _with_none(self.vocab[rule.domain].as_array())
                arrays[name] = pa.array(names[column], type=pa.string())
            elif rule.kind in (Kind.NAMES, Kind.LEVELS):
                names = self.vocab[rule.domain].as_array()
                offsets = pa.array(column.indptr.astype(np.int32))
                keys = pa.array(names[column.codes], type=pa.string())
                if rule.kind is Kind.NAMES:
                    arrays[name] = pa.ListArray.from_arrays(offsets, keys)
                else:
                    arrays[name] = pa.MapArray.from_arrays(offsets, keys, pa.array(column.levels))
            elif rule.kind is Kind.ID:
                arrays[name] = pa.array(column, type=pa.string())
            else:
                arrays[name] = pa.array(column)
        return pa.table(arrays)


def _with_none(names: np.ndarray) -> np.ndarray:
    """Names with a trailing None, so that code -1 decodes to None."""
    return np.append(names, None).astype(object)


def build_vocabularies(found: dict[str, set[str]]) -> Vocabularies:
    return Vocabularies(**{domain: Vocabulary(found[domain]) for domain in DOMAINS})
