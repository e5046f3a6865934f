"""Candidate pools: each worker's candidate jobs deeper than ``k``, kept to be re-used when the market changes.

Scoring every pair is most of a match's time (the kernels scan all jobs
for every worker), yet from one week to the next most workers and jobs are
the same records.  A :class:`CandidatePool` keeps, per worker, the best
:func:`depth` jobs (deeper than the ``k`` the problem uses) and the row's
*cut*: every job scoring above it is in the row (``-inf``: the row holds
every feasible job).  :func:`reuse` builds the next market's pool from it:

1. *Same records.*  A worker (job) is the same when its id is in both
   markets and its :func:`record_keys` agree: a 64-bit hash of every field
   but the id (and a job's capacity, which only decides whether a group
   fits: a job whose capacity changed is the same unless either capacity is
   below the largest group).  Names are hashed as the text of their keys
   (:func:`~jobmatch.data.names.normalise`), so the two markets'
   vocabularies may differ, in their names and in how they spell them.
2. *Fresh jobs* (new or changed) are scored against the same workers, their
   best ``depth`` kept (one kernel pass over a few columns).
3. *Merge* (:func:`jobmatch.scoring._merge.merge_rows`): each same worker's
   old row, without the jobs that left or changed, merged with its fresh-job
   row.  Its first ``k`` are the true top ``k`` when the ``k``-th scores
   above the merged row's cut; the old scores are kept as they are, exact
   because the same records give the same arithmetic (vocabularies are
   sorted, so codes keep their order).
4. *Score again* every worker that is new, changed or whose merged row is
   not exact (it lost too many of its jobs), against all jobs.

The pool's top ``k`` (:meth:`CandidatePool.top`) is then exactly what
:func:`~jobmatch.scoring.scores.candidates` gives on the new market (a
test compares them).  A policy with custom components is never re-used
(their values are the user's functions), nor one whose weights, hard
filters or strict diets differ.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from functools import cached_property
from typing import Any, cast

import numpy as np

from .._arrays import indptr_from_counts, row_ids
from ..data.market import Market
from ..data.ragged import Ragged
from ..data.records import record_fields
from ..data.schema import Kind
from ..data.table import Table
from ..policy import COMPONENTS, Policy
from . import _merge
from ._inputs import shares
from .graph import CandidateGraph
from .scores import candidates

__all__ = ["CandidatePool", "depth", "pool", "record_keys", "reuse"]

logger = logging.getLogger(__name__)

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)


def depth(k: int, n_jobs: int) -> int:
    """Candidates kept per worker for a problem of ``k``: half as many again, so a week's closed jobs rarely
    empty a row's top ``k`` (measured in docs/benchmarks.md, "A living market"); never more than the market's
    jobs (a row holds them all then), so any ``k`` the caller may pass stays a valid ``k`` here.

    Examples
    --------
    >>> depth(20, 500), depth(20, 25), depth(2**31 - 1, 500)
    (30, 25, 2147483647)
    """
    return min(k + (k + 1) // 2, max(k, n_jobs))


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, element-wise on uint64 (wrapping arithmetic is the point)."""
    x = x + _GOLDEN
    x = (x ^ (x >> _S30)) * _M1
    x = (x ^ (x >> _S27)) * _M2
    return cast(np.ndarray, x ^ (x >> _S31))


def _text_hash(names: Any) -> np.ndarray:
    """A 64-bit hash of each string (blake2b: the same in every process, unlike ``hash``)."""
    return np.fromiter(
        (int.from_bytes(hashlib.blake2b(str(name).encode(), digest_size=8).digest(), "little") for name in names),
        dtype=np.uint64,
        count=len(names),
    )


def _column_hash(column: Any, rule: Any, vocab: Any) -> np.ndarray:
    """Each record's hash of one encoded column, from the names its codes stand for."""
    if rule.kind in (Kind.NAME, Kind.OPTIONAL):
        names = np.append(_text_hash(vocab[rule.domain].keys), np.uint64(0))  # code -1 (None) picks the last
        return cast(np.ndarray, names[column])
    if rule.kind in (Kind.NAMES, Kind.LEVELS):
        ragged: Ragged = column
        entry = _text_hash(vocab[rule.domain].keys)[ragged.codes]
        if ragged.levels is not None:
            entry = entry ^ _mix(ragged.levels.astype(np.uint64))
        total = np.zeros(len(entry) + 1, dtype=np.uint64)
        np.cumsum(_mix(entry), out=total[1:])  # a row's sum, modulo 2**64: the order of its entries is irrelevant
        return cast(np.ndarray, total[ragged.indptr[1:]] - total[ragged.indptr[:-1]])
    values = np.asarray(column)
    if values.dtype.kind == "f":
        return np.ascontiguousarray(values, dtype=np.float64).view(np.uint64)  # by bits: -0.0 counts as a change
    return values.astype(np.int64).view(np.uint64)


def _table_keys(table: Table, skip: tuple[str, ...]) -> np.ndarray:
    """Each record's hash of every field but ``skip``."""
    key = np.zeros(len(table), dtype=np.uint64)
    for name, rule, _ in record_fields(table.record_type):
        if name in skip:
            continue
        salt = _text_hash([name])[0]
        key = _mix(key ^ _mix(_column_hash(table.columns[name], rule, table.vocab) ^ salt))
    return key


def record_keys(market: Market) -> tuple[np.ndarray, np.ndarray]:
    """A 64-bit key per worker and per job: equal keys, equal fields (but ids, and jobs' capacity).

    Examples
    --------
    >>> from jobmatch import synth
    >>> market = synth.scenario(50, 5, seed=1)
    >>> workers, jobs = record_keys(market)
    >>> again = record_keys(market.subset(workers=[3, 2]))[0]
    >>> bool(again[0] == workers[3]), len(set(workers.tolist())) > 40
    (True, True)
    """
    return _table_keys(market.workers, ("id",)), _table_keys(market.jobs, ("id", "capacity"))


def _scoring(policy: Policy) -> tuple[Any, ...] | None:
    """What of the policy decides the scores, or None when custom components do (never re-used)."""
    share = shares(policy)
    if any(name not in COMPONENTS and weight for name, weight in share.items()):
        return None
    return tuple(sorted(share.items())), frozenset(policy.hard), frozenset(policy.strict_diets)


@dataclass(frozen=True, eq=False)
class CandidatePool:
    """Each worker's best jobs, deeper than a problem's ``k``, and how far each row is complete (module notes).

    Attributes
    ----------
    market, policy
        What the rows were scored from.
    graph : CandidateGraph
        At most ``depth`` jobs per worker, best first.
    cut, cut_at : ndarray of float32, ndarray of int64
        Per worker, a score and a job index: every job ranking at or before
        them (a higher score, or the same score and an index at most
        ``cut_at``) is in the row; ``-inf``: every feasible job is.
    origin : tuple of two ndarray of int64, optional
        For a pool made by :func:`reuse`: per worker, the row of its same
        record in the previous pool's market (-1: new or changed); per job
        of the previous market, the index of its same job here (-1: gone or
        changed).  A pair of same records scores as it did (a re-match
        carries pairs over by it).
    """

    market: Market
    policy: Policy
    graph: CandidateGraph
    cut: np.ndarray
    cut_at: np.ndarray
    origin: tuple[np.ndarray, np.ndarray] | None = None

    @cached_property
    def keys(self) -> tuple[np.ndarray, np.ndarray]:
        """:func:`record_keys` of the market, computed when first re-used."""
        return record_keys(self.market)

    def top(self, k: int) -> CandidateGraph:
        """The first ``k`` jobs of each row: the candidates of a problem of ``k``."""
        g = self.graph
        within = np.arange(g.nnz) - g.indptr[row_ids(g.indptr)] < k  # an arc's place in its row
        indptr = indptr_from_counts(np.minimum(np.diff(g.indptr), k))
        return CandidateGraph(indptr, g.indices[within], g.scores[within], n_workers=g.n_workers, n_jobs=g.n_jobs)


def _cuts(graph: CandidateGraph, width: int, columns: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Cuts of rows selected as the best ``width``: a full row's last entry, else ``-inf``; the index is
    ``columns[index]`` when given."""
    counts = np.diff(graph.indptr)
    cut = np.full(len(counts), -np.inf, dtype=np.float32)
    at = np.full(len(counts), -1, dtype=np.int64)
    full = counts >= width
    last = graph.indptr[1:][full] - 1
    cut[full] = graph.scores[last]
    at[full] = graph.indices[last] if columns is None else columns[graph.indices[last]]
    return cut, at


def pool(market: Market, policy: Policy, k: int) -> CandidatePool:
    """A new pool: every worker scored against every job, :func:`depth` kept.

    Examples
    --------
    >>> from jobmatch import Policy, candidates, synth
    >>> market = synth.scenario(300, 20, seed=1)
    >>> kept = pool(market, Policy(), 5)
    >>> kept.top(5) == candidates(market, k=5), kept.graph.nnz > kept.top(5).nnz
    (True, True)
    """
    wide = depth(k, market.n_jobs)
    graph = candidates(market, policy, wide)
    return CandidatePool(market, policy, graph, *_cuts(graph, wide))


def reuse(previous: CandidatePool, market: Market, policy: Policy, k: int) -> tuple[CandidatePool, dict[str, Any]]:
    """The pool of ``market``, re-using ``previous`` where the records are the same (module notes).

    Returns the pool and what was re-used: ``{"rescored_workers",
    "fresh_jobs", "reused": bool, "seconds"}``.

    Examples
    --------
    >>> from jobmatch import Policy, candidates, synth
    >>> market = synth.scenario(300, 20, seed=1)
    >>> before = pool(market, Policy(), 5)
    >>> later = market.subset(workers=range(10, 300), jobs=range(1, 20))
    >>> after, stats = reuse(before, later, Policy(), 5)
    >>> after.top(5) == candidates(later, k=5), stats["reused"], stats["rescored_workers"] < 290
    (True, True, True)
    """
    started = time.perf_counter()
    n, wide = market.n_workers, depth(k, market.n_jobs)
    scoring = _scoring(policy)
    if scoring is None or scoring != _scoring(previous.policy) or not n or not market.n_jobs:
        fresh = pool(market, policy, k)
        return fresh, {"reused": False, "rescored_workers": n, "fresh_jobs": market.n_jobs,
                       "seconds": time.perf_counter() - started}  # fmt: skip
    old_workers, old_jobs = previous.keys
    new_workers, new_jobs = record_keys(market)
    worker_from = previous.market.workers.positions(market.workers.ids.tolist())
    same = worker_from >= 0
    same[same] = old_workers[worker_from[same]] == new_workers[same]
    worker_from[~same] = -1
    job_from = previous.market.jobs.positions(market.jobs.ids.tolist())
    biggest = max(int(market.workers.size.max()), int(previous.market.workers.size.max(initial=1)))
    kept = job_from >= 0
    was = job_from[kept]
    now_cap, old_cap = market.jobs.capacity[kept], previous.market.jobs.capacity[was]
    kept[kept] = (old_jobs[was] == new_jobs[kept]) & ((now_cap == old_cap) | (np.minimum(now_cap, old_cap) >= biggest))
    job_map = np.full(previous.market.n_jobs, -1, dtype=np.int64)
    job_map[job_from[kept]] = np.flatnonzero(kept)
    # An old cut's index in the new order: the last same job at or before it, when the jobs kept their order;
    # else -1 (the cut then holds for higher scores only).
    order_kept = bool(np.all(np.diff(job_from[kept]) > 0))
    last_at = np.maximum.accumulate(job_map) if order_kept and len(job_map) else np.full(len(job_map), -1)
    a_cut_at = np.where(previous.cut_at >= 0, last_at[np.maximum(previous.cut_at, 0)], -1)
    fresh_jobs = np.flatnonzero(~kept)
    reused = np.flatnonzero(same)
    b_row = np.full(n, -1, dtype=np.int64)
    if len(fresh_jobs) and len(reused):  # the fresh jobs against the same workers, by job index of ``market``
        b = candidates(market.subset(workers=reused, jobs=fresh_jobs), policy, wide)
        b_row[reused] = np.arange(len(reused))
        b_idx, b_score, b_ptr = fresh_jobs[b.indices], b.scores, b.indptr
        b_cut, b_cut_at = _cuts(b, wide, fresh_jobs)
    else:
        b_idx, b_score, b_ptr = np.empty(0, np.int64), np.empty(0, np.float32), np.zeros(1, np.int64)
        b_cut, b_cut_at = np.full(0, -np.inf, np.float32), np.full(0, -1, np.int64)
    out_idx = np.empty((n, wide), dtype=np.int64)
    out_score = np.empty((n, wide), dtype=np.float32)
    count = np.empty(n, dtype=np.int64)
    cut = np.empty(n, dtype=np.float32)
    cut_at = np.empty(n, dtype=np.int64)
    exact = np.empty(n, dtype=np.bool_)
    old = previous.graph
    _merge.merge_rows(
        worker_from, old.indptr, old.indices, old.scores, previous.cut, a_cut_at, job_map, b_row, b_ptr, b_idx,
        b_score, b_cut, b_cut_at, k, wide, out_idx, out_score, count, cut, cut_at, exact,
    )  # fmt: skip
    redo = np.flatnonzero(~exact)
    count[redo] = 0
    if len(redo):
        again = candidates(market.subset(workers=redo), policy, wide)
        count[redo] = np.diff(again.indptr)
        cut[redo], cut_at[redo] = _cuts(again, wide)
    indptr = indptr_from_counts(count)
    indices = np.empty(int(indptr[-1]), dtype=np.int32)
    scores = np.empty(int(indptr[-1]), dtype=np.float32)
    mine = np.arange(wide)[None, :] < np.where(exact, count, 0)[:, None]
    rows = row_ids(indptr)
    placed = np.flatnonzero(exact[rows])
    indices[placed], scores[placed] = out_idx[mine], out_score[mine]
    if len(redo):
        into = np.flatnonzero(~exact[rows])
        indices[into], scores[into] = again.indices, again.scores
    graph = CandidateGraph(indptr, indices, scores, n_workers=n, n_jobs=market.n_jobs)
    stats = {"reused": True, "rescored_workers": len(redo), "fresh_jobs": len(fresh_jobs),
             "seconds": time.perf_counter() - started}  # fmt: skip
    logger.info("candidates re-used: %d of %d workers scored again, %d fresh jobs (%.2f s)", len(redo), n,
                len(fresh_jobs), stats["seconds"])  # fmt: skip
    out = CandidatePool(market, policy, graph, cut, cut_at, origin=(worker_from, job_map))
    out.__dict__["keys"] = (new_workers, new_jobs)  # known already: the next week's re-use needs them
    return out, stats
