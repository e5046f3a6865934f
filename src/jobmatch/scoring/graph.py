"""The :class:`CandidateGraph`: sparse, ranked worker-job arcs in CSR form."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

import numpy as np

from .._arrays import readonly
from .._checks import COUNT, MAX_INDEX, POSITIVE, Whole, fail, param, show
from .._html import html_table
from ..data.arrays import int_array, offsets, shown_at

__all__ = ["CandidateGraph"]

_INT64_MAX = np.iinfo(np.int64).max
_FLOAT32_MAX = float(np.finfo(np.float32).max)


def _scores(where: str, value: object) -> np.ndarray:
    """Finite scores within float32's range, as a 1-d float32 array (``value`` itself when it is one)."""
    try:
        array = np.asarray(value)
    except (TypeError, ValueError, OverflowError):
        raise fail(where, "scores", "a 1-d array of finite numbers", type(value).__name__) from None
    if array.ndim != 1 or (array.size and array.dtype.kind not in "iuf"):
        raise fail(where, "scores", "a 1-d array of finite numbers", (array.shape, str(array.dtype)), described=True)
    wide = array.dtype.kind == "f" and array.dtype.itemsize > 4  # may hold finite values beyond float32
    if array.size and not (np.isfinite(array).all() and (not wide or np.abs(array).max() <= _FLOAT32_MAX)):
        at = int(np.flatnonzero(~(np.abs(array) <= _FLOAT32_MAX))[0])  # NaN compares False
        expected = f"finite numbers of magnitude at most {_FLOAT32_MAX:.4g} (absent pairs are left out)"
        raise fail(where, "scores", expected, shown_at(array[at].item(), f"scores[{at}]"), described=True)
    return np.ascontiguousarray(array, dtype=np.float32)


def _check_rows(indptr: np.ndarray, indices: np.ndarray, scores: np.ndarray) -> None:
    """Refuse a row out of order (scores must not increase; equal scores by increasing index) or with a repeat."""
    from .. import _sparse

    before, after = scores[:-1], scores[1:]
    bad = after > before
    bad |= (after == before) & (indices[1:] <= indices[:-1])
    starts = indptr[1:-1]
    bad[starts[(starts > 0) & (starts < len(scores))] - 1] = False  # a row's first entry follows another row
    if bad.any():
        t = int(np.flatnonzero(bad)[0])
        r = int(np.searchsorted(indptr, t, side="right")) - 1
        first, then = (f"index {int(indices[u])} (score {scores[u]:g})" for u in (t, t + 1))
        expected = "sorted best first (scores never increasing, equal scores by increasing index, compared in float32)"
        raise fail("CandidateGraph", f"row {r}", expected, f"{first} before {then}", described=True)
    r = int(_sparse.first_repeat(indptr, indices, int(indices.max()) + 1))  # scratch by the largest index
    if r >= 0:
        row = indices[indptr[r] : indptr[r + 1]]
        twice = int(row[np.flatnonzero(np.bincount(row) > 1)[0]])
        raise fail("CandidateGraph", f"row {r}", "free of repeated indices", f"index {twice} twice", described=True)


class CandidateGraph:
    """Feasible worker-job pairs with their scores, rows sorted best first.

    With ``side="worker"`` (the default) row ``i`` lists worker ``i``'s
    candidate jobs; with ``side="job"`` row ``j`` lists job ``j``'s candidate
    workers.  Row ``r`` holds ``indices[indptr[r]:indptr[r + 1]]`` with
    ``scores`` in the same positions, best first, ties by the lower index.
    Infeasible pairs are simply absent.  Arrays are read-only.

    Everything is checked when a graph is made, because its readers rely on
    it (a row's first entry is its best, ``Problem.from_graph`` takes the
    arcs as they are): ``indptr`` integers, ``n_rows + 1`` of them from 0,
    never decreasing, ending at ``len(indices)``; ``indices`` integers in
    ``0..n_cols - 1``, no index twice in a row; ``scores`` finite numbers
    within float32's range; and each row sorted as above, compared in
    float32 (the stored type): scores never increase along a row and equal
    scores go by strictly increasing index.  Float arrays for ``indptr`` or
    ``indices`` are refused, even with whole values (an empty list is fine).

    Parameters
    ----------
    indptr : array of int, shape (n_rows + 1,)
        Stored as int64.
    indices : array of int, shape (nnz,)
        Stored as int32.
    scores : array of float, shape (nnz,)
        Stored as float32.
    n_workers, n_jobs : int
        From 0 to 2**31 - 1.
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
        where = "CandidateGraph"
        if not isinstance(side, str) or side not in ("worker", "job"):
            raise fail(where, "side", "'worker' or 'job'", show(side), described=True)
        self.n_workers = param(where, "n_workers", n_workers, COUNT)
        self.n_jobs = param(where, "n_jobs", n_jobs, COUNT)
        self.side = side
        n_rows, n_cols = (self.n_workers, self.n_jobs) if side == "worker" else (self.n_jobs, self.n_workers)
        ptr = offsets(where, "indptr", indptr, n_rows)
        nnz = int(ptr[-1])
        index = int_array(where, "indices", indices, 0, n_cols - 1, np.int32)  # n_cols <= MAX_INDEX: fits
        score_array = _scores(where, scores)
        if (len(index), len(score_array)) != (nnz, nnz):
            raise fail(where, "indices/scores", f"{nnz} entries each (indptr[-1])", (len(index), len(score_array)))
        if nnz:
            _check_rows(ptr, index, score_array)
        self.indptr = readonly(ptr)
        self.indices = readonly(index)
        self.scores = readonly(score_array)

    @property
    def nnz(self) -> int:
        """Number of arcs."""
        return int(self.indptr[-1])

    @property
    def n_rows(self) -> int:
        """Workers (``side="worker"``) or jobs (``side="job"``)."""
        return len(self.indptr) - 1

    def row(self, r: int) -> tuple[np.ndarray, np.ndarray]:
        """Indices and scores of row ``r`` (from 0 to ``n_rows - 1``; no negative indexing), best first."""
        r = param("CandidateGraph.row", "r", r, Whole(0, self.n_rows - 1))
        lo, hi = self.indptr[r], self.indptr[r + 1]
        return self.indices[lo:hi], self.scores[lo:hi]

    def __repr__(self) -> str:
        return (
            f"<CandidateGraph side={self.side!r}: {self.n_workers:,} workers x {self.n_jobs:,} jobs, {self.nnz:,} arcs>"
        )

    def _repr_html_(self) -> str:
        """The notebook view: sizes, arcs per row and the score range."""
        per_row = np.diff(self.indptr)
        spread = f"{per_row.min():,}-{per_row.max():,}, mean {per_row.mean():.1f}" if len(per_row) else "-"
        rows = [
            ("side", f"a row per {self.side}"),
            ("workers x jobs", f"{self.n_workers:,} x {self.n_jobs:,}"),
            ("arcs", f"{self.nnz:,}"),
            ("arcs per row", spread),
            ("empty rows", f"{int(np.count_nonzero(per_row == 0)):,}"),
            ("scores", f"{self.scores.min():.3f} to {self.scores.max():.3f}" if self.nnz else "-"),
        ]
        return html_table("jobmatch CandidateGraph", rows)

    @classmethod
    def from_dense(
        cls, matrix: np.ndarray, k: int | None = None, *, side: Literal["worker", "job"] = "worker"
    ) -> CandidateGraph:
        """Keep each row's ``k`` best finite entries (all finite ones if ``k`` is None).

        ``matrix`` has shape (n_workers, n_jobs); ``-inf`` marks an infeasible
        pair.  With ``side="job"`` the rows of the graph are the matrix's
        columns.  Ties go to the lower index (a stable sort).
        """
        where = "CandidateGraph.from_dense"
        try:
            given = np.asarray(matrix)
        except (TypeError, ValueError, OverflowError):
            raise fail(where, "matrix", "a 2-d array of numbers", type(matrix).__name__) from None
        if given.ndim != 2:
            raise fail(where, "matrix", "a 2-d array (workers x jobs)", given.shape)
        if given.size and given.dtype.kind not in "iuf":
            raise fail(where, "matrix", "a 2-d array of numbers", str(given.dtype), described=True)
        # NaN, +inf and finite scores beyond float32 (which the cast would make infinite) are errors.
        bad = np.zeros(given.shape, dtype=bool)
        if given.dtype.kind == "f":
            bad = np.isnan(given) | np.isposinf(given)
            if given.dtype.itemsize > 4:
                bad |= np.isfinite(given) & (np.abs(given) > _FLOAT32_MAX)
        if bad.any():
            i, j = (int(x[0]) for x in np.nonzero(bad))
            expected = f"finite scores of magnitude at most {_FLOAT32_MAX:.4g}, or -inf for infeasible"
            raise fail(where, "matrix", expected, shown_at(given[i, j].item(), f"matrix[{i}, {j}]"), described=True)
        for name, size in zip(("rows (workers)", "columns (jobs)"), given.shape):  # before any allocation
            param(where, f"matrix's {name}", size, COUNT)
        dense = given.astype(np.float32)
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
        """The (n_workers, n_jobs) float32 matrix, ``-inf`` where no arc is (at most ``MAX_INDEX`` cells)."""
        if self.n_workers * self.n_jobs > MAX_INDEX:
            cells = f"{self.n_workers} x {self.n_jobs}"
            raise fail("CandidateGraph.to_dense", "graph", f"at most {MAX_INDEX} cells (workers x jobs)", cells)
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
        if isinstance(graphs, CandidateGraph) or not isinstance(graphs, Iterable):
            raise fail("CandidateGraph.concat", "graphs", "a sequence of CandidateGraph", type(graphs).__name__)
        graphs = list(graphs)
        wrong = [type(g).__name__ for g in graphs if not isinstance(g, CandidateGraph)]
        if wrong:
            raise fail("CandidateGraph.concat", "graphs item", "a CandidateGraph", wrong[0])
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
