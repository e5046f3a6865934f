"""Portal exports as they come: columns renamed onto record fields, flag columns read as groups, extras ignored.

A portal's export rarely has the columns of :class:`~jobmatch.Worker` and
:class:`~jobmatch.Job` by name: it has ``工号`` for the id, a name and a
phone number, and a yes/no column ``poverty_alleviated=Y``.  A
:class:`Layout` says how to read it:

- ``columns``: per kind (``"workers"``, ``"jobs"``, ``"programs"``), a
  column's new name (a record field), or None to drop it;
- ``groups_from``: worker columns of yes/no flags, each read as a group
  the worker belongs to where the flag is yes (``Y``, ``yes``, ``true``,
  ``1``, ``是``; no, a missing cell or ``0`` is no);
- every other column that is not a field is ignored and listed once (a
  :class:`~jobmatch.exceptions.ColumnWarning`, or a note of ``jobmatch
  validate``), except one whose name is close to a field the frame lacks
  (``diett``): that is refused as the likely typo it is.

Examples
--------
>>> import pandas as pd
>>> from jobmatch import Market
>>> workers = pd.DataFrame({"工号": ["001", "002"], "origin": ["巫溪", "城口"], "min_wage": [3000, 3200],
...                         "phone": ["138", "139"], "poverty_alleviated": ["Y", "N"]})
>>> jobs = pd.DataFrame({"id": ["J1"], "employer": ["E"], "region": ["泰安"], "capacity": [2], "wage": [4000]})
>>> market = Market.from_frames(workers, jobs, columns={"workers": {"工号": "id", "phone": None}},
...                             groups_from={"poverty_alleviated": "poverty_alleviated"})
>>> market.worker("001").groups, market.worker("002").groups
(frozenset({'poverty_alleviated'}), frozenset())
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, TypeVar

import numpy as np

from .._checks import fail
from .jsontext import json_object
from .names import close_names, normalise
from .records import Job, Labels, Record, TrainingProgram, Worker, record_fields
from .text import FLAG_WORDS, is_missing

__all__ = ["KINDS", "Layout", "flag_value"]

#: The record type of each kind a layout maps.
KINDS: dict[str, type[Record]] = {"workers": Worker, "jobs": Job, "programs": TrainingProgram}
_WHERE = "Layout"
Value = TypeVar("Value")


def flag_value(value: object) -> bool | None:
    """A yes/no cell as a bool (a missing cell is no); None when it is neither.

    Examples
    --------
    >>> [flag_value(v) for v in ("Y", " yes ", "是", "0", 1, None, float("nan"), True, "maybe")]
    [True, True, True, False, True, False, False, True, None]
    """
    if is_missing(value):
        return False
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, str):
        return FLAG_WORDS.get(value.strip().lower())
    if isinstance(value, (int, float, np.integer, np.floating)) and value in (0, 1):
        return bool(value)
    return None


@dataclass(frozen=True)
class Layout:
    """How a portal's frames map onto the record fields (module notes).

    Parameters
    ----------
    columns : mapping, optional
        Per kind (``"workers"``, ``"jobs"``, ``"programs"``), column name ->
        the field it holds, or None to drop the column.
    groups_from : mapping of str to str, optional
        Worker column of yes/no flags -> the group its yes rows belong to.

    Raises
    ------
    ValidationError
        An unknown kind, a target that is not a field of its kind (with the
        close fields), two columns mapped onto one field, an empty name.
    """

    columns: Mapping[str, Mapping[str, str | None]] = field(default_factory=dict)
    groups_from: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.columns, Mapping):
            raise fail(_WHERE, "columns", "a mapping of kind -> {column: field or None}", self.columns)
        checked = {}
        for kind, renames in self.columns.items():
            if kind not in KINDS:
                raise fail(_WHERE, "columns key", f"one of {sorted(KINDS)}", kind)
            if not isinstance(renames, Mapping):
                raise fail(_WHERE, f"columns[{kind!r}]", "a mapping of column -> field or None", renames)
            fields = [name for name, _, _ in record_fields(KINDS[kind])]
            targets: dict[str, str] = {}
            for source, target in renames.items():
                if not isinstance(source, str) or not source:
                    raise fail(_WHERE, f"columns[{kind!r}] key", "a column name", source)
                if target is None:
                    continue
                if target not in fields:
                    close = close_names(target, fields, cutoff=0.5)
                    near = f" (close: {', '.join(map(repr, close))})" if close else ""
                    raise fail(_WHERE, f"columns[{kind!r}][{source!r}]", f"a field of {kind} or None{near}", target)
                if target in targets:
                    both = f"{targets[target]!r} and {source!r} both mapped to {target!r}"
                    raise fail(_WHERE, f"columns[{kind!r}]", "each field from one column", both, described=True)
                targets[target] = source
            checked[kind] = MappingProxyType(dict(renames))
        object.__setattr__(self, "columns", MappingProxyType(checked))
        if not isinstance(self.groups_from, Mapping):
            raise fail(_WHERE, "groups_from", "a mapping of worker column -> group name", self.groups_from)
        for column, group in self.groups_from.items():
            if not isinstance(column, str) or not column:
                raise fail(_WHERE, "groups_from key", "a column name", column)
            if not isinstance(group, str) or not group.strip():
                raise fail(_WHERE, f"groups_from[{column!r}]", "a group name (non-empty text)", group)
        object.__setattr__(self, "groups_from", MappingProxyType(dict(self.groups_from)))

    @classmethod
    def from_json(cls, text: str | bytes) -> Layout:
        """A layout from JSON: the kinds' column maps and ``groups_from``, as keys.

        For example ``{"workers": {"工号": "id", "phone": null}, "groups_from": {"贫困": "poverty_alleviated"}}``.

        Examples
        --------
        >>> Layout.from_json('{"workers": {"工号": "id"}, "#": "a comment"}').columns["workers"]["工号"]
        'id'
        """
        data = json_object("Layout JSON", text, [*KINDS, "groups_from"])
        groups = data.pop("groups_from", {})
        return cls(columns=data, groups_from=groups)

    def apply(
        self, kind: str, columns: dict[str, Value], label: str
    ) -> tuple[dict[str, Value], dict[str, tuple[str, Value]], list[str]]:
        """A frame's ``columns`` (name -> anything) as the fields of ``kind``: the renamed columns that are fields,
        the flag columns by group, as ``(column name, column)`` (workers only), and the names of the columns
        ignored.

        Raises
        ------
        ValidationError
            A mapped or flag column the frame lacks, two columns that end up
            as one field, a column whose name is close to a field the frame
            lacks (a likely typo: map it or drop it with ``columns=``).
        """
        fields = [name for name, _, _ in record_fields(KINDS[kind])]
        out = dict(columns)
        for source, target in self.columns.get(kind, {}).items():
            if source not in out:
                close = close_names(source, out, cutoff=0.5)
                near = f" (close: {', '.join(map(repr, close))})" if close else ""
                raise fail(label, f"columns[{kind!r}]", f"columns the frame has{near}", source)
            value = out.pop(source)
            if target is None:
                continue
            if target in out:
                raise fail(label, "columns", f"one column for {target!r}", f"{target!r} and {source!r} mapped to it",
                           described=True)  # fmt: skip
            out[target] = value
        flags = {}
        for column, group in (self.groups_from if kind == "workers" else {}).items():
            if column not in out:
                close = close_names(column, out, cutoff=0.5)
                near = f" (close: {', '.join(map(repr, close))})" if close else ""
                raise fail(label, "groups_from", f"columns the workers frame has{near}", column)
            flags[group] = (column, out.pop(column))
        ignored = [name for name in out if name not in fields]
        absent = [name for name in fields if name not in out]
        for name in ignored:
            close = close_names(name, absent, cutoff=0.8)
            if close:
                raise fail(label, "columns", f"fields of {kind} (is {name!r} a typo of {close[0]!r}? map it or drop it "
                           "with columns=)", name)  # fmt: skip
        return {name: value for name, value in out.items() if name in fields}, flags, ignored

    @staticmethod
    def with_groups(groups: Any, flags: Mapping[str, tuple[str, Callable[[], Any]]], ids: Any) -> list[frozenset[str]]:
        """Each worker's groups (a checked column: frozensets, or a Flat column whose rows are) with the groups of its
        yes flags added (a group it already lists, in any spelling, is not added twice).

        Raises
        ------
        ValidationError
            A flag cell that is neither yes, no nor missing, naming the worker and the column.
        """
        where = Labels("Worker", ids)
        yes = {}
        for group, (name, column) in flags.items():
            values = list(column())
            read = [flag_value(value) for value in values]
            bad = next((row for row, flag in enumerate(read) if flag is None), None)
            if bad is not None:
                raise fail(where[bad], name, "yes or no (Y/N, yes/no, true/false, 1/0, 是/否, or empty)", values[bad])
            yes[group] = np.array(read, dtype=bool)
        out = []
        for row in range(len(groups)):
            cell = frozenset(groups[row])
            keys = {normalise(name) for name in cell}
            extra = {group for group, flag in yes.items() if flag[row] and normalise(group) not in keys}
            out.append(cell | extra)
        return out
