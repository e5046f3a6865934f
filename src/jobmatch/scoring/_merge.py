"""Numba kernel for re-used candidate lists: two ranked rows merged into one, deep and trimmed.

The plain-numpy reference is ``tests/reference.py``'s ``merge_rows``, compared
by a hypothesis test.  The wrapper is :func:`jobmatch.scoring.pool.reuse`.
"""

from __future__ import annotations

import numpy as np

from .._config import INLINE, JIT, njit


@njit(**INLINE)
def _after(score_a: float, index_a: int, score_b: float, index_b: int) -> bool:
    """Whether entry a ranks after entry b: lower score, or equal score and higher index."""
    return score_a < score_b or (score_a == score_b and index_a > index_b)


@njit(**JIT)
def merge_rows(
    old_row: np.ndarray, a_ptr: np.ndarray, a_idx: np.ndarray, a_score: np.ndarray, a_cut: np.ndarray,
    a_cut_at: np.ndarray, job_map: np.ndarray, b_row: np.ndarray, b_ptr: np.ndarray, b_idx: np.ndarray,
    b_score: np.ndarray, b_cut: np.ndarray, b_cut_at: np.ndarray, k: int, depth: int, out_idx: np.ndarray,
    out_score: np.ndarray, out_count: np.ndarray, out_cut: np.ndarray, out_cut_at: np.ndarray, exact: np.ndarray,
) -> None:  # fmt: skip
    """Each new row: old row ``old_row[i]`` (indices mapped through ``job_map``, -1 dropped) merged with row
    ``b_row[i]`` of the second graph, best first, at most ``depth`` entries.

    A row's *cut* is a (score, index) pair: every column ranking at or
    before it (a higher score, or the same score and an index at most the
    cut's) is in the row; a cut of ``-inf`` means every column is.  The
    merged row's cut is the earliest-ranking of the two rows' cuts and the
    place just before the best entry trimmed away; ``exact[i]`` says
    whether its first ``k`` entries are the row's true top ``k`` (the
    ``k``-th ranks at or before the cut, or the cut is ``-inf``).  A row
    without an old row (``old_row[i] < 0``) is left empty and not exact.
    Outputs: ``out_idx``/``out_score`` (n x depth), ``out_count``, ``out_cut``/``out_cut_at``, ``exact``.
    """
    n = len(old_row)
    buf_idx = np.empty(2 * depth + 1, dtype=np.int64)
    buf_score = np.empty(len(buf_idx), dtype=np.float32)
    for i in range(n):
        o = old_row[i]
        out_count[i] = 0
        exact[i] = False
        out_cut[i] = -np.inf
        out_cut_at[i] = -1
        if o < 0:
            continue
        # The old row's kept entries, mapped, insertion-sorted (already in order unless the jobs were reordered).
        width = 0
        for t in range(a_ptr[o], a_ptr[o + 1]):
            j = job_map[a_idx[t]]
            if j < 0:
                continue
            if width == len(buf_idx):  # a longer old row than the buffer: grow it
                grown_idx = np.empty(2 * width, dtype=np.int64)
                grown_score = np.empty(2 * width, dtype=np.float32)
                grown_idx[:width] = buf_idx[:width]
                grown_score[:width] = buf_score[:width]
                buf_idx, buf_score = grown_idx, grown_score
            s = a_score[t]
            u = width
            while u > 0 and _after(buf_score[u - 1], buf_idx[u - 1], s, j):
                buf_idx[u] = buf_idx[u - 1]
                buf_score[u] = buf_score[u - 1]
                u -= 1
            buf_idx[u] = j
            buf_score[u] = s
            width += 1
        cut, at = a_cut[o], a_cut_at[o]
        lo, hi = 0, 0
        r = b_row[i]
        if r >= 0:
            lo, hi = b_ptr[r], b_ptr[r + 1]
            if _after(cut, at, b_cut[r], b_cut_at[r]):  # b's cut ranks earlier
                cut, at = b_cut[r], b_cut_at[r]
        # Two-way merge of the buffer and row r of the second graph (already in order), up to depth entries.
        p, q, c = 0, lo, 0
        while c < depth and (p < width or q < hi):
            take_a = q == hi or (p < width and not _after(buf_score[p], buf_idx[p], b_score[q], b_idx[q]))
            if take_a:
                out_idx[i, c] = buf_idx[p]
                out_score[i, c] = buf_score[p]
                p += 1
            else:
                out_idx[i, c] = b_idx[q]
                out_score[i, c] = b_score[q]
                q += 1
            c += 1
        # The best entry left out: the row is complete only just before it.
        if p < width and _after(cut, at, buf_score[p], buf_idx[p] - 1):
            cut, at = buf_score[p], buf_idx[p] - 1
        if q < hi and _after(cut, at, b_score[q], b_idx[q] - 1):
            cut, at = b_score[q], b_idx[q] - 1
        out_count[i] = c
        out_cut[i] = cut
        out_cut_at[i] = at
        exact[i] = cut == -np.inf or (c >= k and not _after(out_score[i, k - 1], out_idx[i, k - 1], cut, at))
