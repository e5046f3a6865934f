"""Array idioms every layer uses, each written once.

CSR (compressed sparse row) structures run through the whole library:
ragged record columns, candidate graphs, a problem's arcs.  These helpers
build and read their offsets; :mod:`jobmatch._sparse` holds the numba
kernels over them.
"""

from __future__ import annotations

import numpy as np

__all__ = ["indptr_from_counts", "readonly", "row_ids"]


def readonly(array: np.ndarray) -> np.ndarray:
    """Mark ``array`` read-only in place and return it.

    Examples
    --------
    >>> a = readonly(np.zeros(2))
    >>> a.flags.writeable
    False
    """
    array.flags.writeable = False
    return array


def indptr_from_counts(counts: np.ndarray) -> np.ndarray:
    """CSR offsets (int64, one longer than ``counts``) of rows holding ``counts`` entries each.

    Examples
    --------
    >>> indptr_from_counts(np.array([2, 0, 3])).tolist()
    [0, 2, 2, 5]
    """
    indptr = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return indptr


def row_ids(indptr: np.ndarray) -> np.ndarray:
    """The row of every entry of a CSR structure (int64).

    Examples
    --------
    >>> row_ids(np.array([0, 2, 2, 5])).tolist()
    [0, 0, 2, 2, 2]
    """
    return np.repeat(np.arange(len(indptr) - 1, dtype=np.int64), np.diff(indptr))
