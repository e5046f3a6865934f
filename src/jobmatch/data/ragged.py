"""Ragged columns: rows of vocabulary codes (and levels) in CSR form."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .._arrays import indptr_from_counts, readonly, row_ids

__all__ = ["Ragged"]


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
        indptr = indptr_from_counts(lengths)
        order = np.lexsort((codes, row_ids(indptr)))
        codes = np.ascontiguousarray(codes[order], dtype=np.int32)
        if levels is not None:
            levels = readonly(np.ascontiguousarray(levels[order], dtype=np.int8))
        return cls(readonly(indptr), readonly(codes), levels)

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
        mask = np.zeros(len(self), dtype=bool)
        mask[row_ids(self.indptr)[self.codes == code]] = True
        return mask

    @classmethod
    def from_dense(cls, dense: np.ndarray) -> Ragged:
        """Rows from a dense (rows, codes) array of levels: code ``c`` is in row ``r`` where ``dense[r, c] > 0``.

        Examples
        --------
        >>> r = Ragged.from_dense(np.array([[0, 3, 1], [0, 0, 0]], dtype=np.int8))
        >>> r.indptr.tolist(), r.codes.tolist(), r.levels.tolist()
        ([0, 2, 2], [1, 2], [3, 1])
        """
        held = dense > 0
        return cls.from_flat(held.sum(axis=1), np.nonzero(held)[1].astype(np.int32), dense[held])

    def to_dense(self, width: int) -> np.ndarray:
        """Dense (rows, ``width``) int8 levels (1 for a set without levels; 0 where a code is absent).

        Examples
        --------
        >>> Ragged.from_lists([[2, 0], []], levels=[[3, 1], []]).to_dense(3).tolist()
        [[1, 0, 3], [0, 0, 0]]
        """
        dense = np.zeros((len(self), width), dtype=np.int8)
        dense[row_ids(self.indptr), self.codes] = 1 if self.levels is None else self.levels
        return dense

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
        indptr = indptr_from_counts(lengths)
        # Position of every kept entry in the original flat arrays.
        flat = np.arange(indptr[-1]) - np.repeat(indptr[:-1] - self.indptr[picked], lengths)
        levels = None if self.levels is None else readonly(self.levels[flat])
        return Ragged(readonly(indptr), readonly(self.codes[flat]), levels)

    def rows(self, start: int, stop: int) -> Ragged:
        """Rows ``start:stop``: views of the codes, a small rebased indptr."""
        lo, hi = self.indptr[start], self.indptr[stop]
        indptr = readonly(self.indptr[start : stop + 1] - lo)
        levels = None if self.levels is None else self.levels[lo:hi]
        return Ragged(indptr, self.codes[lo:hi], levels)

    def remap(self, new_code: np.ndarray) -> Ragged:
        """Apply an order-preserving code map (rows stay sorted)."""
        return Ragged(self.indptr, readonly(new_code[self.codes]), self.levels)

    def equals(self, other: Ragged) -> bool:
        same_levels = (self.levels is None and other.levels is None) or (
            self.levels is not None and other.levels is not None and np.array_equal(self.levels, other.levels)
        )
        return np.array_equal(self.indptr, other.indptr) and np.array_equal(self.codes, other.codes) and same_levels
