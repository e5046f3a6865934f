"""Columnar, encoded form of one kind of record.

A :class:`Table` holds every field of one record kind as a read-only numpy
array (one entry per record) or, for set and skill-map fields, as a
:class:`~jobmatch.data.ragged.Ragged` CSR structure of vocabulary codes.
Raw columns come from :mod:`jobmatch.data.frames`; the rules themselves live
in :mod:`jobmatch.data.schema`, so every entry point checks the same things.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise, repeat
from typing import Any, cast

import numpy as np

from .._arrays import readonly, row_ids
from .._checks import fail
from .columns import Flat
from .frames import RawColumns
from .names import normalise
from .ragged import Ragged
from .records import Labels, Record, record_fields
from .schema import Kind, LevelMap
from .vocabulary import Vocabularies

__all__ = ["Table"]


class Table:
    """All records of one kind, columnar and encoded.

    Attributes are the record's field names: ``table.min_wage`` is a float64
    array, ``table.origin`` an int32 array of ``place`` codes, ``table.skills``
    a :class:`Ragged` of skill codes and levels, ``table.brand`` an int32 array
    with ``-1`` for None.  All arrays are read-only.
    """

    def __init__(self, record_type: type[Record], columns: dict[str, Any], vocab: Vocabularies) -> None:
        self.record_type = record_type
        self.columns = columns
        self.vocab = vocab
        self._index: dict[str, int] | None = None

    @classmethod
    def encode(cls, record_type: type[Record], raw: RawColumns, vocab: Vocabularies) -> Table:
        """Encode checked raw columns with the market's vocabularies.

        Raises
        ------
        ValidationError
            A set or skill map that names one thing twice in two spellings
            (``{"Halal", "halal"}``: names are compared by their key,
            :func:`~jobmatch.data.names.normalise`).
        """
        columns: dict[str, Any] = {}
        for name, rule, _ in record_fields(record_type):
            values = raw[name]
            if rule.kind is Kind.NAME:
                columns[name] = readonly(vocab[rule.domain].encode(values))
            elif rule.kind is Kind.OPTIONAL:
                code = vocab[rule.domain].code
                columns[name] = readonly(np.fromiter((-1 if v is None else code(v) for v in values), np.int32,
                                                     len(values)))  # fmt: skip
            elif isinstance(values, Flat):  # checked whole (jobmatch.data.columns): the distinct names encoded
                positions, distinct = values.coded
                codes = vocab[rule.domain].encode(distinct)[positions]
                columns[name] = _once_each(record_type, raw, name, Ragged.from_flat(values.lengths, codes,
                                                                                    values.levels))  # fmt: skip
            elif rule.kind in (Kind.NAMES, Kind.LEVELS):
                words = vocab[rule.domain]
                lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
                codes = words.encode([k for cell in values for k in cell])
                levels = None
                if rule.kind is Kind.LEVELS:
                    levels = np.fromiter((v for cell in values for v in cell.values()), np.int8, len(codes))
                columns[name] = _once_each(record_type, raw, name, Ragged.from_flat(lengths, codes, levels))
            else:
                columns[name] = readonly(np.asarray(values))
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
        return cast(np.ndarray, self.columns["id"])

    def index(self, record_id: str) -> int:
        """Position of the record with this id (``KeyError`` if absent)."""
        return self._positions()[record_id]

    def positions(self, record_ids: Any) -> np.ndarray:
        """Positions of many ids at once (int64, -1 for an id not here); the look-up table is kept.

        Examples
        --------
        >>> from jobmatch import synth
        >>> jobs = synth.scenario(10, 3, seed=1).jobs
        >>> jobs.positions([jobs.ids[2], "nobody", jobs.ids[0]]).tolist()
        [2, -1, 0]
        """
        found = map(self._positions().get, record_ids, repeat(-1))
        return np.fromiter(found, dtype=np.int64, count=len(record_ids))

    def _positions(self) -> dict[str, int]:
        if self._index is None:
            self._index = dict(zip(self.ids.tolist(), range(len(self))))
        return self._index

    def record(self, row: int) -> Any:
        """Decode row ``row`` back into a record."""
        values: dict[str, Any] = {}
        for name, rule, _ in record_fields(self.record_type):
            column = self.columns[name]
            if rule.kind in (Kind.NAME, Kind.OPTIONAL):
                code = int(column[row])
                values[name] = None if code < 0 else self.vocab[rule.domain][code]
            elif rule.kind is Kind.NAMES:
                values[name] = frozenset(self.vocab[rule.domain].decode(column.row(row)[0]))
            elif rule.kind is Kind.LEVELS:
                codes, levels = column.row(row)
                values[name] = LevelMap(zip(self.vocab[rule.domain].decode(codes), levels.tolist()))
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
            name: column.take(picked) if isinstance(column, Ragged) else readonly(column[picked])
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

    def remap(self, maps: Mapping[str, np.ndarray | None], vocab: Vocabularies) -> Table:
        """Re-encode after the vocabularies dropped unused names."""
        columns = dict(self.columns)
        for name, rule, _ in record_fields(self.record_type):
            new_code = None if rule.domain is None else maps.get(rule.domain)
            if new_code is None:
                continue
            column = columns[name]
            if isinstance(column, Ragged):
                columns[name] = column.remap(new_code)
            else:
                columns[name] = readonly(np.where(column < 0, -1, new_code[np.maximum(column, 0)]).astype(np.int32))
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
            elif rule.kind in (Kind.NAMES, Kind.LEVELS):  # Python lists sliced row by row: no numpy call per row
                flat = self.vocab[rule.domain].as_array()[column.codes].tolist()
                at = column.indptr.tolist()
                bounds = pairwise(at)
                if rule.kind is Kind.NAMES:
                    data[name] = [flat[lo:hi] for lo, hi in bounds]
                else:
                    levels = column.levels.tolist()
                    data[name] = [dict(zip(flat[lo:hi], levels[lo:hi])) for lo, hi in bounds]
            else:
                data[name] = np.array(column)
        frame = pd.DataFrame(data)
        for name, rule, _ in record_fields(self.record_type):
            if rule.kind in (Kind.NAMES, Kind.LEVELS):
                frame[name] = frame[name].astype(object)
        return frame

    def to_text(self) -> Any:
        """One row per record in the text form: sets as ``"a;b"`` (sorted), skill maps as ``"welding:3;cooking:2"``,
        a missing optional name as a missing cell; read back by :meth:`Market.from_frames` (CSV round trip)."""
        frame = self.to_pandas()
        for name, rule, _ in record_fields(self.record_type):
            if rule.kind is Kind.NAMES:
                frame[name] = [";".join(sorted(cell)) for cell in frame[name]]
            elif rule.kind is Kind.LEVELS:
                frame[name] = [";".join(f"{k}:{v}" for k, v in sorted(cell.items())) for cell in frame[name]]
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


def _once_each(record_type: type[Record], raw: RawColumns, name: str, ragged: Ragged) -> Ragged:
    """``ragged``, whose rows are sorted by code, when no row holds a code twice: else the error naming the
    record, the field and the two spellings that are one name."""
    codes, rows = ragged.codes, row_ids(ragged.indptr)
    twice = np.flatnonzero((codes[1:] == codes[:-1]) & (rows[1:] == rows[:-1]))
    if not len(twice):
        return ragged
    row = int(rows[twice[0]])
    items = sorted(raw[name][row])  # a Flat column's row is a frozenset or LevelMap too
    keys = [normalise(item) for item in items]
    first = next(at for at, key in enumerate(keys) if keys.count(key) > 1)
    other = next(at for at in range(first + 1, len(items)) if keys[at] == keys[first])
    label = Labels(record_type.kind, raw["id"])[row]
    raise fail(
        label,
        name,
        "each name once (case, width and spacing are ignored)",
        f"{items[first]!r} and {items[other]!r}",
        described=True,
    )


def _with_none(names: np.ndarray) -> np.ndarray:
    """Names with a trailing None, so that code -1 decodes to None."""
    return np.append(names.astype(object), np.array([None], dtype=object))
