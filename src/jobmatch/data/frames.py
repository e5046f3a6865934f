"""Raw columns: records or data frames checked field by field, before their strings are encoded.

Records arrive already checked (each record checks its fields); a pandas
DataFrame or pyarrow Table is checked column by column with the same
:class:`~jobmatch.data.schema.Rule` objects, so both entry points accept and
refuse the same values.  :class:`~jobmatch.data.table.Table` then encodes
the raw columns with the market's vocabularies.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

import numpy as np

from .._checks import fail
from ..exceptions import ColumnWarning, ValidationError
from .columns import ArrowLists, ArrowMaps, ArrowStructs, Flat, fast_column
from .layout import Layout
from .libraries import arrow_table, library_of
from .records import Labels, Record, record_fields
from .schema import Kind, Rule
from .text import is_missing
from .vocabulary import DOMAINS, Vocabularies, Vocabulary

__all__ = ["RawColumns", "build_vocabularies", "raw_from_frame", "raw_from_records", "strings_by_domain"]

#: What a column holds before its strings are encoded: a checked numpy array
#: (numbers, flags, ids) or a list of checked Python values (names, sets, maps).
RawColumns = dict[str, Any]


def raw_from_records(record_type: type[Record], records: Iterable[Any], label: str) -> RawColumns:
    """Columns of already-checked records (the Market re-checks nothing per field)."""
    if isinstance(records, (str, bytes, Mapping)) or not isinstance(records, Iterable) or hasattr(records, "columns"):
        expected = f"an iterable of {record_type.kind} records (a data frame goes to Market.from_frames)"
        raise fail(label, "type", expected, type(records).__name__)
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


def raw_from_frame(record_type: type[Record], frame: Any, label: str, *, layout: Layout | None = None) -> RawColumns:
    """Check a pandas DataFrame or pyarrow Table (any other frame read through Arrow) column by column.

    ``layout`` (:class:`~jobmatch.data.layout.Layout`) renames columns onto
    fields and reads flag columns as groups; columns that are no field are
    ignored and listed once in a :class:`~jobmatch.exceptions.ColumnWarning`.
    """
    if library_of(frame) in ("arrow", "polars") and not hasattr(frame, "column_names"):  # Polars, DuckDB, ...
        frame = arrow_table(frame, label)  # read once: a stream may not be read twice
    kind = {"Worker": "workers", "Job": "jobs", "TrainingProgram": "programs"}[record_type.kind]
    columns, flags, ignored = (layout or Layout()).apply(kind, _frame_columns(frame, label), label)
    if ignored:
        warnings.warn(f"{label}: {len(ignored)} column(s) ignored, not {record_type.kind} fields: "
                      f"{', '.join(map(repr, ignored))}", ColumnWarning, stacklevel=3)  # fmt: skip
    n = _frame_length(frame)
    ids = columns["id"]() if "id" in columns else None
    if ids is None:
        raise fail(label, "columns", "an 'id' column", sorted(columns))
    where = Labels(record_type.kind, ids)
    raw: RawColumns = {}
    for name, rule, default in record_fields(record_type):
        if name not in columns:
            if default is dataclasses.MISSING:
                raise fail(label, "columns", f"a {name!r} column (it has no default)", sorted(columns))
            raw[name] = _typed_array(rule, [default] * n) if _is_array_kind(rule) else [default] * n
            continue
        values = ids if name == "id" else columns[name]()
        if rule.kind in (Kind.FLAG, Kind.COUNT, Kind.AMOUNT):
            raw[name] = rule.check_column(_numeric(rule, values, where, name), where, name)
            continue
        fast = fast_column(rule, values)  # the common shapes in one pass; else cell by cell, for the exact error
        if fast is not None:
            raw[name] = fast
            continue
        checked = _check_cells(rule, values, where, name)
        raw[name] = _typed_array(rule, checked) if rule.kind is Kind.ID else checked
    if flags:
        raw["groups"] = Layout.with_groups(raw["groups"], flags, ids)
    return raw


def _numeric(rule: Rule, values: object, where: Labels, name: str) -> np.ndarray:
    """A number or flag column as a 1-d array of numbers, flags or objects (checked cell by cell).

    Other dtypes (durations, dates, complex numbers, text, bytes) hold no
    valid value: refused at their first row, naming the record and column.
    """
    values = np.asarray(values)
    if values.dtype.kind not in "biufO" and len(values):
        raise fail(where[0], name, rule.expected, values[0])
    return values


def _check_cells(rule: Rule, values: Sequence[Any], where: Labels, name: str) -> list[Any]:
    """Check a text, set or skill-map column cell by cell.

    The record label is formatted only for a cell that fails (formatting it
    for every cell cost more than the check itself).
    """
    optional = rule.kind in (Kind.OPTIONAL, Kind.NAMES, Kind.LEVELS)
    empty = None if rule.kind is Kind.OPTIONAL else ()
    check = rule.check
    checked = []
    for row, value in enumerate(values):
        if optional and is_missing(value):
            value = empty
        try:
            checked.append(check(value, "", name, text_form=True))
        except ValidationError:
            check(value, where[row], name, text_form=True)  # raises again, naming the record
            raise
    return checked


def _frame_columns(frame: Any, label: str) -> dict[str, Any]:
    """Column name -> thunk giving a 1-d numpy array or list, for pandas or Arrow; each name once."""
    if hasattr(frame, "schema") and hasattr(frame, "column_names"):  # pyarrow.Table
        import pyarrow as pa

        _once(label, list(frame.column_names))

        def arrow(name: str) -> np.ndarray | ArrowLists | ArrowStructs:
            column = frame.column(name)
            kind = column.type
            if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_boolean(kind):
                if column.null_count == 0:
                    return cast(np.ndarray, column.to_numpy())
            if pa.types.is_map(kind) or _pairs(kind):
                return ArrowMaps(column)
            if pa.types.is_list(kind) or pa.types.is_large_list(kind):
                return ArrowLists(column)
            if pa.types.is_struct(kind):
                return ArrowStructs(column)
            return np.fromiter(column.to_pylist(), dtype=object, count=len(column))

        return {name: (lambda name=name: arrow(name)) for name in frame.column_names}
    if hasattr(frame, "columns") and hasattr(frame, "dtypes"):  # pandas.DataFrame
        _once(label, [str(name) for name in frame.columns])
        return {str(name): (lambda at=at: frame.iloc[:, at].to_numpy()) for at, name in enumerate(frame.columns)}
    raise fail(label, "type", "a pandas DataFrame, a pyarrow Table or a frame with __arrow_c_stream__ (Polars, "
               "DuckDB)", type(frame).__name__)  # fmt: skip


def _pairs(kind: Any) -> bool:
    """A list of two-field structs: a map as Polars writes one (``list<struct<key, value>>``)."""
    import pyarrow as pa

    is_list = pa.types.is_list(kind) or pa.types.is_large_list(kind)
    return cast(bool, is_list and pa.types.is_struct(kind.value_type) and kind.value_type.num_fields == 2)


def _once(label: str, names: list[str]) -> None:
    """Each column name at most once (a repeated one would read as a 2-d column)."""
    twice = [name for name, count in Counter(names).items() if count > 1]
    if twice:
        raise fail(label, "columns", "each column once", f"{twice[0]!r} {names.count(twice[0])} times", described=True)


def _frame_length(frame: Any) -> int:
    return int(frame.num_rows) if hasattr(frame, "num_rows") else len(frame)


def strings_by_domain(raws: Iterable[tuple[type, RawColumns]]) -> dict[str, dict[str, None]]:
    """Every string each domain's vocabulary must hold, in the order met (records, then fields, then rows): the
    first spelling of a name is the one its vocabulary shows."""
    found: dict[str, dict[str, None]] = {domain: {} for domain in DOMAINS}
    for record_type, raw in raws:
        for name, rule, _ in record_fields(record_type):
            bucket = found.get(rule.domain or "")
            if bucket is None:
                continue
            values = raw[name]
            if rule.kind is Kind.NAME:
                bucket.update(dict.fromkeys(values))
            elif rule.kind is Kind.OPTIONAL:
                bucket.update(dict.fromkeys(v for v in values if v is not None))
            elif isinstance(values, Flat):
                bucket.update(dict.fromkeys(values.coded[1]))  # the distinct names, in the order met
            else:  # sets and level maps
                for cell in values:
                    bucket.update(dict.fromkeys(cell))
    return found


def build_vocabularies(
    found: dict[str, dict[str, None]], aliases: Mapping[str, Mapping[str, str]] | None = None
) -> Vocabularies:
    """One vocabulary per domain from the strings :func:`strings_by_domain` found (and, with a catalogue, the
    spellings that read as another name: :class:`~jobmatch.data.catalogue.Catalogue`)."""
    aliases = aliases or {}
    return Vocabularies(**{domain: Vocabulary(found[domain], aliases=aliases.get(domain)) for domain in DOMAINS})
