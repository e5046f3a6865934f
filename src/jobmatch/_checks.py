"""Argument checks every layer shares: the library's standard error (:func:`fail`) and typed rules (:func:`param`).

A public function checks each argument against a rule before anything is
cast or read by a kernel (as scikit-learn declares
``Interval(Integral, 1, None)``).  A rule is an :class:`Arg` of the type it
returns, so a checked argument keeps its type for the type checker:
``param(where, "k", k, POSITIVE)`` is an ``int``.  The record fields of
:mod:`jobmatch.data.schema` check their numbers, flags and names with the
same rules, so a field, a data-frame column and an argument are refused in
the same words.

This module sits below every layer (it imports only the exceptions), so
the solvers and the pipeline check their arguments without importing the
data layer.
"""

from __future__ import annotations

import math
import numbers
import reprlib
import sys
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Generic, Literal, TypeGuard, TypeVar, overload

import numpy as np

from .exceptions import ValidationError

__all__ = [
    "COUNT",
    "FLAG",
    "MAX_INDEX",
    "MAX_TOTAL",
    "NON_NEGATIVE",
    "POSITIVE",
    "SEED",
    "SHARE",
    "TEXT",
    "Arg",
    "Flag",
    "Real",
    "Share",
    "Text",
    "Whole",
    "fail",
    "finite_within",
    "is_int",
    "is_real",
    "param",
    "show",
]

T = TypeVar("T")

_FLOAT_MAX = sys.float_info.max
_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxstring, _SHORT.maxother, _SHORT.maxlong = 3, 40, 40, 60


def show(value: object) -> str:
    """A short ``repr`` of a bad value for an error message, safe for any nesting depth or length.

    Examples
    --------
    >>> deep = [0]
    >>> for _ in range(10_000):
    ...     deep = [deep]
    >>> show(deep), show(0.7)
    ('[[[[...]]]]', '0.7')
    """
    return _SHORT.repr(value)


def _show(value: object) -> str:
    """``repr`` cut to 80 characters; :func:`show` for what ``repr`` cannot print (deep nesting)."""
    try:
        text = repr(value)
    except (RecursionError, ValueError):  # nesting too deep; ints too long for str
        return show(value)
    return text if len(text) <= 80 else text[:77] + "..."


def fail(where: str, field: str, expected: str, got: object, *, described: bool = False) -> ValidationError:
    """Build the library's standard error for one bad value.

    ``got`` is shown with ``repr`` unless ``described`` says it is already a
    description in words (such as ``"'rice' listed twice"``).

    Examples
    --------
    >>> print(fail("Worker 'W1'", "size", "an integer from 1 to 1000", 0))
    Worker 'W1': size must be an integer from 1 to 1000, got 0
    """
    return ValidationError(
        f"{where}: {field} must be {expected}, got {got if described else _show(got)}",
        record=where,
        field=field,
        expected=expected,
        got=got,
    )


def is_real(value: object) -> TypeGuard[float]:
    """Whether ``value`` is a real number and not a bool (Python's or numpy's)."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_, np.timedelta64))


def is_int(value: object) -> TypeGuard[int]:
    """Whether ``value`` is an integer and not a bool (Python's or numpy's)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_, np.timedelta64))


def finite_within(value: float, low: float, high: float) -> bool:
    """``low <= value <= high`` for a finite real; an int beyond float range (10**400) is out, not an OverflowError."""
    if isinstance(value, numbers.Integral):
        return -_FLOAT_MAX <= int(value) <= _FLOAT_MAX and low <= int(value) <= high
    try:
        number = float(value)  # numpy floats compared as Python floats, so no cast warning
    except OverflowError:  # a Fraction beyond float range
        return False
    return math.isfinite(number) and low <= number <= high


class Arg(ABC, Generic[T]):
    """A rule for one argument: what it accepts, in words, and its check, which returns the value as a ``T``."""

    @property
    @abstractmethod
    def expected(self) -> str:
        """The rule in words, as error messages say it."""

    @abstractmethod
    def accept(self, value: object) -> T | None:
        """``value`` in canonical form, or None when the rule refuses it."""

    def check(self, value: object, where: str, field: str) -> T:
        """``value`` in canonical form; a :class:`ValidationError` naming ``where`` and ``field`` if refused."""
        out = self.accept(value)
        if out is None:
            raise fail(where, field, self.expected, value)
        return out


@dataclass(frozen=True)
class Whole(Arg[int]):
    """An integer from ``low`` to ``high`` (inclusive; ``high`` may be ``math.inf``), not a bool."""

    low: float
    high: float

    @property
    def expected(self) -> str:
        if self.high == math.inf:
            return f"an integer >= {self.low:.0f}"
        return f"an integer from {self.low:.0f} to {self.high:.0f}"

    def accept(self, value: object) -> int | None:
        return int(value) if is_int(value) and self.low <= value <= self.high else None


@dataclass(frozen=True)
class Real(Arg[float]):
    """A finite number from ``low`` to ``high`` (inclusive; ``high`` may be ``math.inf``), not a bool."""

    low: float
    high: float

    @property
    def expected(self) -> str:
        if self.high == math.inf:
            return f"a finite number >= {self.low:g}"
        return f"a finite number from {self.low:g} to {self.high:g}"

    def accept(self, value: object) -> float | None:
        return float(value) if is_real(value) and finite_within(value, self.low, self.high) else None


@dataclass(frozen=True)
class Share(Arg[float]):
    """A share, a number from 0 to 1."""

    @property
    def expected(self) -> str:
        return "a share from 0 to 1"

    def accept(self, value: object) -> float | None:
        return float(value) if is_real(value) and finite_within(value, 0.0, 1.0) else None


@dataclass(frozen=True)
class Flag(Arg[bool]):
    """``True`` or ``False`` (Python's or numpy's bool, nothing else: ``"False"`` and ``0`` are refused)."""

    @property
    def expected(self) -> str:
        return "True or False"

    def accept(self, value: object) -> bool | None:
        return bool(value) if isinstance(value, (bool, np.bool_)) else None


@dataclass(frozen=True)
class Text(Arg[str]):
    """Non-empty text (not only spaces)."""

    @property
    def expected(self) -> str:
        return "non-empty text"

    def accept(self, value: object) -> str | None:
        return str(value) if isinstance(value, str) and value.strip() else None


#: Largest count, size or index a public function accepts (arrays are indexed with int64, OR-Tools
#: numbers its nodes with int32): a larger value is refused before it can wrap round anywhere.
MAX_INDEX = 2**31 - 1
#: Totals of values stay below this (2**53): every total of a problem's values is then exact in float64, and
#: the integers OR-Tools is given (``solvers/_scale.py``) leave room for its own int64 arithmetic.
MAX_TOTAL = 2.0**53
#: A count or size of zero or more, e.g. ``n_jobs``.
COUNT = Whole(0, MAX_INDEX)
#: A count of one or more, e.g. ``k`` or a block size.
POSITIVE = Whole(1, MAX_INDEX)
#: A random seed (CP-SAT takes a 32-bit one).
SEED = Whole(0, 2**31 - 1)
#: A share of placements, from 0 to 1.
SHARE = Share()
#: A finite number of zero or more: a weight, a penalty, a budget in CNY.
NON_NEGATIVE = Real(0, math.inf)
#: ``True`` or ``False``.
FLAG = Flag()
#: Non-empty text, e.g. the name of a quota or cap.
TEXT = Text()


@overload
def param(where: str, name: str, value: object, rule: Arg[T], *, or_none: Literal[False] = False) -> T: ...
@overload
def param(where: str, name: str, value: object, rule: Arg[T], *, or_none: bool) -> T | None: ...
def param(where: str, name: str, value: object, rule: Arg[T], *, or_none: bool = False) -> T | None:
    """Check one argument of a public function against its rule; return it in canonical form, typed.

    Examples
    --------
    >>> param("candidates", "k", 20, POSITIVE)
    20
    >>> param("Blend", "depth", None, POSITIVE, or_none=True) is None
    True
    >>> param("candidates", "k", 0, POSITIVE)
    Traceback (most recent call last):
    ...
    jobmatch.exceptions.ValidationError: candidates: k must be an integer from 1 to 2147483647, got 0
    """
    if value is None and or_none:
        return None
    out = rule.accept(value)
    if out is None:
        raise fail(where, name, f"{rule.expected} or None" if or_none else rule.expected, value)
    return out
