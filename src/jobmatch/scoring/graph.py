"""The :class:`CandidateGraph`: sparse, ranked worker-job arcs in CSR form."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

from .._arrays import readonly
from ..data.schema import POSITIVE, fail, param

__all__ = ["CandidateGraph"]


class CandidateGraph:
    """Feasible worker-job pairs with their scores, rows sorted best first.

    With ``side="worker"`` (the default) row ``i`` lists worker ``i``'s
    candidate jobs; with ``side="job"`` row ``j`` lists job ``j``'s candidate
    workers.  Row ``r`` holds ``indices[indptr[r]:indptr[r + 1]]`` with
    ``scores`` in the same positions, best first, ties by the lower index.
    Infeasible pairs are simply absent.  Arrays are read-only.

    Parameters
    ----------
    indptr : ndarray of int64, shape (n_rows + 1,)
    indices : ndarray of int32, shape (nnz,)
    scores : ndarray of float32, shape (nnz,)
    n_workers, n_jobs : int
    side : {"worker", "job"}

    Examples
    --------
    >>> import numpy as np
    >>> from jobmatch import CandidateGraph
    >>> dense = np.array([[0.2, 0.9, -np.inf], [0.5, 0.5, 0.7]], dtype=np.float32)
    >>> g = CandidateGraph.from_dense(dense, k=2)
    >>> g.indptr.tolist(), g.indices.tolist(), g.scores.tolist()
    ([0, 2, 4], [1, 0, 2, 0], [0.8999999761581421, 0.20000000298023224, 0.699999988079071, 0.5])
    >>> g.nnz, g.to_dense()[0].tolist()
    (4, [0.20000000298023224, 0.8999999761581421, -inf])
    """

    __slots__ = ("indices", "indptr", "n_jobs", "n_workers", "scores", "side")

    def __init__(
        self,
        indptr: np.ndarray,
        indices: np.ndarray,
        scores: np.ndarray,
        *,
        n_workers: int,
        n_jobs: int,
        side: Literal["worker", "job"] = "worker",
    ) -> None:
        if side not in ("worker", "job"):
            raise fail("CandidateGraph", "side", "'worker' or 'job'", side)
        self.indptr = readonly(np.ascontiguousarray(indptr, dtype=np.int64))
        self.indices = readonly(np.ascontiguousarray(indices, dtype=np.int32))
        self.scores = readonly(np.ascontiguousarray(scores, dtype=np.float32))
        self.n_workers = int(n_workers)
        self.n_jobs = int(n_jobs)
        self.side = side
        n_rows, n_cols = (self.n_workers, self.n_jobs) if side == "worker" else (self.n_jobs, self.n_workers)
        if self.indptr.shape != (n_rows + 1,) or self.indptr[0] != 0 or np.any(np.diff(self.indptr) < 0):
            raise fail("CandidateGraph", "indptr", f"{n_rows + 1} non-decreasing offsets from 0", self.indptr.shape)
        nnz = int(self.indptr[-1])
        if self.indices.shape != (nnz,) or self.scores.shape != (nnz,):
            raise fail("CandidateGraph", "indices/scores", f"{nnz} entries each", (len(self.indices), len(self.scores)))
        if nnz and (self.indices.min() < 0 or self.indices.max() >= n_cols):
            raise fail("CandidateGraph", "indices", f"column numbers in 0..{n_cols - 1}", "out of range")
        if nnz and not np.all(np.isfinite(self.scores)):
            raise fail("CandidateGraph", "scores", "finite numbers (absent pairs are left out)", "NaN or inf")

    @property
    def nnz(self) -> int:
        """Number of arcs."""
        return int(self.indptr[-1])

    @property
    def n_rows(self) -> int:
        """Workers (``side="worker"``) or jobs (``side="job"``)."""
        return len(self.indptr) - 1

    def row(self, r: int) -> tuple[np.ndarray, np.ndarray]:
        """Indices and scores of row ``r``, best first."""
        lo, hi = self.indptr[r], self.indptr[r + 1]
        return self.indices[lo:hi], self.scores[lo:hi]

    def __repr__(self) -> str:
        return (
            f"<CandidateGraph side={self.side!r}: {self.n_workers:,} workers x {self.n_jobs:,} jobs, {self.nnz:,} arcs>"
        )

    @classmethod
    def from_dense(
        cls, matrix: np.ndarray, k: int | None = None, *, side: Literal["worker", "job"] = "worker"
    ) -> CandidateGraph:
        """Keep each row's ``k`` best finite entries (all finite ones if ``k`` is None).

        ``matrix`` has shape (n_workers, n_jobs); ``-inf`` marks an infeasible
        pair.  With ``side="job"`` the rows of the graph are the matrix's
        columns.  Ties go to the lower index (a stable sort).
        """
        try:
            dense = np.asarray(matrix, dtype=np.float32)
        except (TypeError, ValueError):
            raise fail("CandidateGraph.from_dense", "matrix", "a 2-d array of numbers", type(matrix).__name__) from None
        if dense.ndim != 2:
            raise fail("CandidateGraph.from_dense", "matrix", "a 2-d array (workers x jobs)", dense.shape)
        if np.isnan(dense).any() or np.isposinf(dense).any():
            raise fail("CandidateGraph.from_dense", "matrix", "finite scores or -inf for infeasible", "NaN or +inf")
        n_workers, n_jobs = dense.shape
        rows = dense if side == "worker" else dense.T
        k = param("CandidateGraph.from_dense", "k", k, POSITIVE, or_none=True)
        width = rows.shape[1]
        order = np.argsort(-rows, axis=1, kind="stable")[:, : width if k is None else min(k, width)]
        top = np.take_along_axis(rows, order, axis=1)
        keep = np.isfinite(top)
        indptr = np.zeros(rows.shape[0] + 1, dtype=np.int64)
        np.cumsum(keep.sum(axis=1), out=indptr[1:])
        return cls(indptr, order[keep], top[keep], n_workers=n_workers, n_jobs=n_jobs, side=side)

    def to_dense(self) -> np.ndarray:
        """The (n_workers, n_jobs) float32 matrix, ``-inf`` where no arc is."""
        out = np.full(
            (self.n_rows, self.n_jobs if self.side == "worker" else self.n_workers), -np.inf, dtype=np.float32
        )
        rows = np.repeat(np.arange(self.n_rows), np.diff(self.indptr))
        out[rows, self.indices] = self.scores
        return out if self.side == "worker" else out.T

    @classmethod
    def concat(cls, graphs: Sequence[CandidateGraph]) -> CandidateGraph:
        """Join worker-side graphs of consecutive worker slices into one.

        Examples
        --------
        >>> import numpy as np
        >>> from jobmatch import CandidateGraph
        >>> dense = np.arange(12, dtype=np.float32).reshape(4, 3)
        >>> whole = CandidateGraph.from_dense(dense, k=2)
        >>> parts = [CandidateGraph.from_dense(dense[:1], k=2), CandidateGraph.from_dense(dense[1:], k=2)]
        >>> CandidateGraph.concat(parts) == whole
        True
        """
        graphs = list(graphs)
        if not graphs or any(g.side != "worker" for g in graphs) or len({g.n_jobs for g in graphs}) > 1:
            raise fail("CandidateGraph.concat", "graphs", "worker-side graphs over the same jobs", len(graphs))
        offsets = np.cumsum([0] + [g.nnz for g in graphs])
        indptr = np.concatenate([[0]] + [g.indptr[1:] + off for g, off in zip(graphs, offsets[:-1])])
        return cls(
            indptr,
            np.concatenate([g.indices for g in graphs]),
            np.concatenate([g.scores for g in graphs]),
            n_workers=sum(g.n_workers for g in graphs),
            n_jobs=graphs[0].n_jobs,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CandidateGraph):
            return NotImplemented
        return (
            (self.n_workers, self.n_jobs, self.side) == (other.n_workers, other.n_jobs, other.side)
            and np.array_equal(self.indptr, other.indptr)
            and np.array_equal(self.indices, other.indices)
            and np.array_equal(self.scores, other.scores)
        )

    __hash__ = None  # type: ignore[assignment]
