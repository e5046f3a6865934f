"""Integer arrays from users (indices, offsets, counts), checked before any cast so nothing wraps.

The shared checks of every entry point that takes CSR arrays or index
lists (:class:`~jobmatch.CandidateGraph`, the explicit-preference stable
matching): floats and bools are refused, never truncated; ranges are
checked on the values as given, before they are cast to a fixed width.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .._checks import MAX_INDEX, fail, show

__all__ = ["checked_ints", "int_array", "is_index_type", "offsets", "shown_at"]

_INT64_MAX = np.iinfo(np.int64).max


def shown_at(value: object, position: str) -> str:
    """A bad value and where it sits, for an error message: ``3 (indices[0])``."""
    return f"{show(value)} ({position})"


def is_index_type(kind: type) -> bool:
    """Whether values of type ``kind`` are integers (Python's or numpy's) and not bools."""
    return issubclass(kind, (int, np.integer)) and not issubclass(kind, (bool, np.bool_))


def checked_ints(items: list[Any], low: int, high: int, dtype: type = np.int64) -> tuple[np.ndarray | None, int]:
    """``(array, -1)`` when every item is an integer (not a bool) from ``low`` to ``high`` (within int64),
    else ``(None, position of the first bad item)``.  Each type is checked once, the range in numpy.

    Examples
    --------
    >>> checked_ints([3, 0, 2], 0, 3)[0].tolist(), checked_ints([3, True, 0.5], 0, 3)[1]
    ([3, 0, 2], 1)
    """
    if not all(map(is_index_type, set(map(type, items)))):
        return None, next(i for i, x in enumerate(items) if not is_index_type(type(x)))
    if not items:
        return np.zeros(0, dtype=dtype), -1
    try:
        array = np.fromiter(items, dtype=np.int64, count=len(items))  # beyond int64: OverflowError, no wrap
    except OverflowError:
        array = None
    if array is None or array.min() < low or array.max() > high:
        return None, next(i for i, x in enumerate(items) if not low <= x <= high)
    return array.astype(dtype, copy=False), -1


def int_array(where: str, field: str, value: object, low: int, high: int, dtype: type = np.int64) -> np.ndarray:
    """``value`` as a 1-d array of integers from ``low`` to ``high`` (``dtype``, int64 unless asked), checked
    before the cast.  An array already of ``dtype`` is returned as it is, not copied.

    Accepts a numpy integer array (signed or unsigned) or a sequence of
    Python or numpy integers; refuses floats (even whole ones), bools, text
    and nested lists, so nothing is truncated or wraps round.  An empty
    sequence of any type is an empty array.  The error's ``got``
    shows the first bad value and its position, e.g. ``1.0 (job_of[1])``.

    Examples
    --------
    >>> int_array("f", "job_of", [0, -1, 2], -1, 2).tolist()
    [0, -1, 2]
    >>> int_array("f", "job_of", [0, 1.0], -1, 2)
    Traceback (most recent call last):
    ...
    jobmatch.exceptions.ValidationError: f: job_of must be an integer from -1 to 2, got 1.0 (job_of[1])
    """
    expected = f"an integer from {low} to {high}"
    if isinstance(value, np.ndarray):
        array = value
    elif isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (Sequence, range)):
        raise fail(where, field, f"a 1-d array or sequence of integers from {low} to {high}", type(value).__name__)
    else:
        items = list(value)
        checked, at = checked_ints(items, low, high, dtype)
        if checked is None:
            raise fail(where, field, expected, shown_at(items[at], f"{field}[{at}]"), described=True)
        return checked
    if array.ndim != 1:
        raise fail(where, field, "a 1-d array", array.shape)
    if not array.size:
        return np.zeros(0, dtype=dtype)
    if array.dtype.kind not in "iu":
        raise fail(where, field, f"an integer array (values from {low} to {high})", str(array.dtype), described=True)
    if array.min() < low or array.max() > high:
        at = int(np.flatnonzero((array < low) | (array > high))[0])
        raise fail(where, field, expected, shown_at(array[at].item(), f"{field}[{at}]"), described=True)
    return np.ascontiguousarray(array, dtype=dtype)  # in range: no wrap


def offsets(where: str, field: str, value: object, n_rows: int | None = None) -> np.ndarray:
    """Checked CSR row offsets as int64: ``n_rows + 1`` of them (any number >= 1 when ``n_rows`` is None),
    from 0, never decreasing, at most ``MAX_INDEX`` rows; checked before the cast, so none can wrap round.

    Examples
    --------
    >>> offsets("f", "indptr", np.array([0, 2, 2], dtype=np.uint64)).tolist()
    [0, 2, 2]
    >>> offsets("f", "indptr", [0, 3, 1])
    Traceback (most recent call last):
    ...
    jobmatch.exceptions.ValidationError: f: indptr must be non-decreasing offsets from 0, got [0, 3, 1]
    """
    indptr = int_array(where, field, value, 0, _INT64_MAX)
    if not 1 <= len(indptr) <= MAX_INDEX + 1 or (n_rows is not None and len(indptr) != n_rows + 1):
        wanted = "one or more" if n_rows is None else f"{n_rows + 1}"
        raise fail(where, field, f"{wanted} offsets (one per row and one more, at most {MAX_INDEX} rows)", len(indptr))
    if indptr[0] != 0 or np.any(np.diff(indptr) < 0):
        raise fail(where, field, "non-decreasing offsets from 0", indptr[:8].tolist())
    return indptr
