"""Field rules shared by records, data frames and the Market.

Every field of :class:`~jobmatch.Worker`, :class:`~jobmatch.Job` and
:class:`~jobmatch.TrainingProgram` carries one :class:`Rule` in its dataclass
metadata.  The same rule checks a single value (when a record is built) and a
whole column (when a :class:`~jobmatch.Market` is built from data frames), so
the two entry points can never disagree about what is valid.

Kinds of field
--------------
``ID``          non-empty text, unique per record kind (checked by the Market)
``NAME``        non-empty text, encoded as an integer code of a vocabulary
``OPTIONAL``    like ``NAME`` but may be ``None``
``NAMES``       a set of ``NAME`` values (``frozenset``)
``LEVELS``      a map skill -> level 1..5 (:class:`LevelMap`)
``FLAG``        ``True`` or ``False``
``COUNT``       an integer within bounds
``AMOUNT``      a finite number within bounds (money, in CNY)
``SHARE``       a number from 0 to 1 (a policy's group share)
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeGuard

import numpy as np

from .._checks import Arg, Flag, Real, Share, Text, Whole, fail, is_int, is_real
from .text import ITEM_SEPARATORS, LEVEL_SEPARATOR, name_cell, number_cell

__all__ = ["MAX_LEVEL", "MIN_LEVEL", "Kind", "LevelMap", "Rule"]

MIN_LEVEL = 1
MAX_LEVEL = 5


class Kind(enum.Enum):
    """What a field holds; see the module docstring."""

    ID = "id"
    NAME = "name"
    OPTIONAL = "optional name"
    NAMES = "set of names"
    LEVELS = "skill levels"
    FLAG = "flag"
    COUNT = "count"
    AMOUNT = "amount"
    SHARE = "share"


class LevelMap(Mapping[str, int]):
    """Read-only, hashable map skill -> level, kept in sorted key order.

    Compares equal to a ``dict`` with the same items.

    Examples
    --------
    >>> levels = LevelMap({"welding": 3, "assembly": 2})
    >>> levels
    LevelMap({'assembly': 2, 'welding': 3})
    >>> levels == {"welding": 3, "assembly": 2}, levels["welding"]
    (True, 3)
    """

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, int] | Iterable[tuple[str, int]] = ()) -> None:
        pairs = items.items() if isinstance(items, Mapping) else items
        self._items: dict[str, int] = dict(sorted(pairs))

    def __getitem__(self, key: str) -> int:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(tuple(self._items.items()))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._items == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return f"LevelMap({self._items!r})"


def _is_text(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and value.strip() != ""


@dataclass(frozen=True)
class Rule:
    """How one field is checked and encoded.

    Parameters
    ----------
    kind : Kind
        What the field holds.
    domain : str, optional
        The vocabulary a text field is encoded in (``"skill"``, ``"food"``,
        ``"place"``, ``"group"``, ``"brand"``, ``"employer"``).
    low, high : float
        Inclusive bounds of a ``COUNT`` or ``AMOUNT``.
    """

    kind: Kind
    domain: str | None = None
    low: float = 0
    high: float = 0

    @cached_property
    def arg(self) -> Arg[Any] | None:
        """The argument rule (:mod:`jobmatch._checks`) that checks one value of a scalar kind, so that a field, a
        column and a function argument are refused in the same words; None for the kinds of names and sets.  Made
        once per rule: :meth:`check` runs for every field of every record."""
        kind = self.kind
        if kind in (Kind.ID, Kind.NAME):
            return Text()
        if kind is Kind.COUNT:
            return Whole(self.low, self.high)
        if kind is Kind.AMOUNT:
            return Real(self.low, self.high)
        if kind is Kind.FLAG:
            return Flag()
        return Share() if kind is Kind.SHARE else None

    @property
    def expected(self) -> str:
        """The rule in words, as used in error messages."""
        scalar = self.arg
        if scalar is not None:
            return scalar.expected
        kind = self.kind
        if kind is Kind.OPTIONAL:
            return "non-empty text or None"
        if kind is Kind.NAMES:
            return "a set of non-empty text values"
        return f"a mapping of skill -> level {MIN_LEVEL}..{MAX_LEVEL}"

    # ------------------------------------------------------------------ scalar
    def check(self, value: object, where: str, field: str, *, text_form: bool = False) -> object:
        """Check one value and return it in its canonical, immutable form.

        ``text_form`` also accepts the data-frame text encodings of sets
        (``"rice;sichuan"``) and level maps (``"welding:3;assembly:2"``).
        """
        kind = self.kind
        if text_form and kind in (Kind.ID, Kind.NAME, Kind.OPTIONAL) and value is not None:
            value = name_cell(value)
        elif text_form and isinstance(value, str) and kind in (Kind.FLAG, Kind.COUNT, Kind.AMOUNT, Kind.SHARE):
            value = number_cell(
                value, flag=kind is Kind.FLAG
            )  # a CSV column with one bad cell is read as text throughout
        scalar = self.arg
        if scalar is not None:
            return scalar.check(value, where, field)
        if kind is Kind.OPTIONAL:
            if value is None:
                return None
            if not _is_text(value):
                raise fail(where, field, self.expected, value)
            return str(value)
        if kind is Kind.NAMES:
            return self._check_names(value, where, field, text_form)
        return self._check_levels(value, where, field, text_form)

    def _check_names(self, value: object, where: str, field: str, text_form: bool) -> frozenset[str]:
        if isinstance(value, str):
            if not text_form:
                raise fail(where, field, self.expected + " (a str is not a set)", value)
            value = [part.strip() for part in ITEM_SEPARATORS.split(value) if part.strip()]
        elif isinstance(value, (Mapping, bytes)) or not isinstance(value, Iterable):
            raise fail(where, field, self.expected, value)
        items = list(value)
        for item in items:
            if not _is_text(item):
                raise fail(where, f"{field} item", "non-empty text", item)
        names = frozenset(str(item) for item in items)
        if len(names) != len(items):
            twice = next(item for item in items if items.count(item) > 1)
            raise fail(where, field, "a set without repeated values", f"{twice!r} listed twice", described=True)
        return names

    def _check_levels(self, value: object, where: str, field: str, text_form: bool) -> LevelMap:
        if isinstance(value, str) and text_form:
            pairs: list[tuple[Any, Any]] = []
            for part in filter(None, (p.strip() for p in ITEM_SEPARATORS.split(value))):
                pieces = LEVEL_SEPARATOR.split(part)
                name, level = ":".join(pieces[:-1]).strip(), pieces[-1].strip()
                if len(pieces) < 2 or not (level.isascii() and level.isdigit()):  # "³" passes isdigit, not int()
                    raise fail(where, field, "text of the form 'skill:level;skill:level'", value)
                pairs.append((name, int(level) if len(level) <= 3 else level))  # a long one fails the level rule
        elif isinstance(value, Mapping):
            pairs = list(value.items())
            if text_form:  # in a frame, a missing level is an absent skill: a skill-map column that pandas wrote
                # to Parquet holds every skill of the column in every row, None where a row has none
                pairs = [(k, v) for k, v in pairs if not (v is None or (isinstance(v, float) and math.isnan(v)))]
        elif isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
            pairs = list(value)
            if not all(isinstance(p, (tuple, list)) and len(p) == 2 for p in pairs):
                raise fail(where, field, self.expected, value)
        else:
            raise fail(where, field, self.expected, value)
        seen: set[str] = set()
        for at, (name, level) in enumerate(pairs):
            whole = is_real(level) and not is_int(level) and math.isfinite(float(level)) and float(level).is_integer()
            if text_form and whole:  # in a frame: Parquet written by pandas reads levels back as floats (2.0)
                level = int(level)
                pairs[at] = (name, level)
            if not _is_text(name):
                raise fail(where, f"{field} key", "non-empty text", name)
            if not is_int(level) or not MIN_LEVEL <= level <= MAX_LEVEL:
                raise fail(where, f"{field}[{name!r}]", f"a level from {MIN_LEVEL} to {MAX_LEVEL}", level)
            if name in seen:
                raise fail(where, field, "each skill at most once", f"{name!r} listed twice", described=True)
            seen.add(name)
        return LevelMap((str(name), int(level)) for name, level in pairs)

    # ------------------------------------------------------------------ column
    def check_column(self, values: np.ndarray, where: Sequence[str], field: str) -> np.ndarray:
        """Check a whole numeric or flag column at once; return it typed.

        ``where`` gives, per row, the record label used in an error.  Object
        columns (mixed types, huge integers) fall back to :meth:`check` per
        cell, so the error is the same as for a record.
        """
        kind = self.kind
        values = np.asarray(values)
        dtype = values.dtype
        if kind is Kind.FLAG:
            if dtype == np.bool_:
                return values.astype(np.bool_, copy=False)
            return np.array([self.check(v, w, field, text_form=True) for v, w in zip(values, where)], dtype=np.bool_)
        numeric = dtype.kind in "iu" or (dtype.kind == "f")
        if not numeric:
            out = [self.check(v, w, field, text_form=True) for v, w in zip(values, where)]
            return np.array(out, dtype=np.int64 if kind is Kind.COUNT else np.float64)
        as_float = values.astype(np.float64)
        bad = ~np.isfinite(as_float) | (as_float < self.low) | (as_float > self.high)
        if kind is Kind.COUNT and dtype.kind == "f":
            # A float column of whole numbers is a data-frame artefact (e.g. a
            # column read with missing values); anything fractional is an error.
            bad |= np.isfinite(as_float) & (as_float != np.round(as_float))
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            got = values[row].item()
            raise fail(where[row], field, self.expected, got)
        return values.astype(np.int64 if kind is Kind.COUNT else np.float64)
