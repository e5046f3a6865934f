"""What each partition computes for :func:`jobmatch.pipeline.coordinated.assign`: plain numpy, no Dask.

A partition's candidate rows become :class:`Arcs` once (step 1 of the
assign notes, kept in the worker's memory); every later step is one
function of those arrays and what the driver broadcast (prices, a
tolerance), returning a few numbers per job or the arcs it keeps.
Workers are numbered by their global position, ``first`` + position in
the partition.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from .._arrays import indptr_from_counts
from .._checks import fail
from ..exceptions import ValidationError
from ._cluster import in_partition, same_columns

__all__ = ["Arcs", "best_responses", "ids_hashed", "keep", "placed", "prepare", "respond", "sample", "shape", "verify"]

#: A reduced score above the surplus by more than this (in units of the integer values) breaks the certificate.
TOLERANCE = 1e-3


class Arcs(NamedTuple):
    """One partition's candidate rows as arrays: a row per worker (in first-seen order)."""

    ids: np.ndarray  # worker ids (object)
    indptr: np.ndarray
    jobs: np.ndarray  # int32 job positions
    values: np.ndarray  # float64 scores
    people: np.ndarray  # int64 per worker

    @property
    def rows(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.people)), np.diff(self.indptr))


def prepare(frame: Any, job_ids: np.ndarray, index: int, expected: tuple[tuple[str, str], ...]) -> Arcs:
    """Partition ``index``'s candidate rows as checked arrays (step 1); its columns must be the first
    partition's (``expected``)."""
    import pandas as pd

    same_columns("candidates", index, frame, expected)
    try:
        return _arcs_of(frame, pd.Index(job_ids), pd)
    except ValidationError as err:
        raise in_partition("candidates", index, err) from None


def _arcs_of(frame: Any, jobs_index: Any, pd: Any) -> Arcs:
    """:func:`_prepare`'s work; a bad row is named by its index label (a pandas input's row number)."""
    label = "candidates frame"

    def refuse(bad: np.ndarray, column: str, expected: str) -> ValidationError:
        row = int(np.flatnonzero(bad)[0])
        return fail(f"{label} row {frame.index[row]}", column, expected, frame[column].iloc[row])

    missing = [c for c in ("worker", "job", "score") if c not in frame.columns]
    if missing:
        raise fail(label, "columns", "'worker', 'job' and 'score' (and optionally 'people')", list(frame.columns))
    worker_ids = frame["worker"].to_numpy(dtype=object)
    job_cells = frame["job"].to_numpy(dtype=object)
    for column, cells in (("worker", worker_ids), ("job", job_cells)):
        if pd.api.types.infer_dtype(cells, skipna=False) not in ("string", "integer", "empty"):
            bad = np.array([not (isinstance(c, (str, int, np.integer)) and not isinstance(c, bool)) for c in cells])
            if bad.any():  # null, a list, a float: never hashed or matched (text mixed with integers is fine)
                raise refuse(bad, column, "an id (text or an integer)")
    codes, ids = pd.factorize(worker_ids, sort=False)
    if len(codes) and codes.min() < 0:
        raise refuse(codes < 0, "worker", "a worker id")
    jobs = jobs_index.get_indexer(job_cells)
    if np.any(jobs < 0):
        raise refuse(jobs < 0, "job", "the id of a job in the jobs frame")
    values = pd.to_numeric(frame["score"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    if not np.all(np.isfinite(values)):
        raise refuse(~np.isfinite(values), "score", "a finite number")
    if "people" in frame.columns:
        people_rows = pd.to_numeric(frame["people"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        bad = ~(np.isfinite(people_rows) & (people_rows >= 1) & (people_rows == np.round(people_rows)))
        bad |= people_rows > 1000
        if np.any(bad):
            raise refuse(bad, "people", "an integer from 1 to 1000")
    else:
        people_rows = np.ones(len(frame))
    n = len(ids)
    order = np.argsort(codes, kind="stable")  # each worker's rows together, in first-seen order
    counts = np.bincount(codes, minlength=n)
    key = codes.astype(np.int64) * max(len(jobs_index), 1) + jobs
    if len(np.unique(key)) != len(key):
        _, first = np.unique(key, return_index=True)
        repeat = np.ones(len(key), dtype=bool)
        repeat[first] = False
        raise refuse(repeat, "job", "each (worker, job) pair once")
    people = np.zeros(n, dtype=np.int64)
    people[codes] = people_rows.astype(np.int64)
    if np.any(people[codes] != people_rows):
        raise refuse(people[codes] != people_rows, "people", "the same size on every row of a worker")
    return Arcs(
        np.asarray(ids, dtype=object),
        indptr_from_counts(counts),
        jobs[order].astype(np.int32),
        values[order],
        people,
    )


def shape(arcs: Arcs) -> tuple[np.ndarray, int, float, np.ndarray]:
    """A partition's people per worker, its arcs, its largest |score| and a 64-bit hash of each worker id."""
    import pandas as pd

    top = float(np.abs(arcs.values).max()) if len(arcs.values) else 0.0
    return arcs.people, len(arcs.values), top, pd.util.hash_array(arcs.ids.astype(str))


def ids_hashed(arcs: Arcs, hashes: np.ndarray) -> list[str]:
    """The worker ids of a partition whose hash is among ``hashes``."""
    import pandas as pd

    return [str(i) for i in arcs.ids[np.isin(pd.util.hash_array(arcs.ids.astype(str)), hashes)]]


def _best(arcs: Arcs, reduced: np.ndarray) -> np.ndarray:
    """Each worker's largest ``reduced`` over its arcs, at least 0 (the outside option)."""
    best = np.zeros(len(arcs.people))
    busy = np.diff(arcs.indptr) > 0
    if busy.any():
        best[busy] = np.maximum(0.0, np.maximum.reduceat(reduced, arcs.indptr[:-1][busy]))
    return best


def best_responses(arcs: Arcs, prices: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Reduced scores ``v - s p`` per arc, each worker's best (at least 0) and its first best arc (-1: none > 0);
    ``rows`` is ``arcs.rows``."""
    reduced = arcs.values - arcs.people[rows] * prices[arcs.jobs]
    best = _best(arcs, reduced)
    hit = np.flatnonzero((reduced == best[rows]) & (reduced > 0))[::-1]
    arc = np.full(len(arcs.people), -1, dtype=np.int64)
    arc[rows[hit]] = hit  # the first hit of each worker written last
    return reduced, best, arc


def respond(arcs: Arcs, prices: np.ndarray) -> tuple[np.ndarray, float]:
    """Step 3 in a partition: people wanting each job at ``prices``, and this partition's part of D(p)."""
    _, best, arc = best_responses(arcs, prices, arcs.rows)
    chosen = arc >= 0
    demand = np.bincount(arcs.jobs[arc[chosen]], weights=arcs.people[chosen], minlength=len(prices))
    return np.round(demand).astype(np.int64), math.fsum(best)


def sample(arcs: Arcs, first: int, stride: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Step 2 in a partition: the rows (as :func:`keep` gives them) of the workers whose global position is a
    multiple of ``stride``; the others' rows are empty."""
    picked = (first + np.arange(len(arcs.people))) % stride == 0
    take = picked[arcs.rows]
    counts = np.where(picked, np.diff(arcs.indptr), 0).astype(np.int32)
    return counts, arcs.jobs[take], arcs.values[take]


def keep(arcs: Arcs, prices: np.ndarray, delta: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Step 4 in a partition: the arcs within ``delta`` of their worker's best reduced score, as rows: the count
    kept per worker (int32), their jobs (int32) and values, in the partition's worker order.

    Rows rather than (worker, job, value) triples: the driver stacks the
    partitions' rows into its problem without sorting, at 12 bytes an arc
    instead of 28 (its memory is the limit: docs/benchmarks.md, "On Dask").
    """
    rows = arcs.rows
    reduced, best, _ = best_responses(arcs, prices, rows)
    take = reduced >= best[rows] - delta
    counts = np.bincount(rows[take], minlength=len(arcs.people)).astype(np.int32)
    return counts, arcs.jobs[take], arcs.values[take]


def verify(
    arcs: Arcs, first: int, prices: np.ndarray, surplus: np.ndarray, scale: float, delta: float
) -> tuple[tuple[np.ndarray, ...], int, float]:
    """Step 6 in a partition: the arcs that break the driver's prices, and this partition's part of D(p).

    An arc breaks them when its reduced score beats its worker's surplus
    (on the integer values ``round(v x scale)``).  Of a worker's breaking
    arcs, those within ``delta`` of its best are sent (the rest would
    mostly be dropped again: measured, docs/benchmarks.md, "On Dask"); returns them,
    how many arcs broke the prices in all, and the partition's part of D(p).
    """
    rows = arcs.rows
    ints = np.round(arcs.values * scale)
    reduced = ints - arcs.people[rows] * (prices[arcs.jobs] * scale)
    broken = reduced > surplus[rows] * scale + TOLERANCE
    best = _best(arcs, reduced)
    sent = broken & (reduced >= best[rows] - delta * scale)
    out = (first + rows[sent], arcs.jobs[sent], arcs.values[sent], arcs.people[rows[sent]])
    return out, int(broken.sum()), math.fsum(best) / scale


def placed(arcs: Arcs, job_of: np.ndarray, job_ids: np.ndarray, room: np.ndarray, lowest: np.ndarray) -> Any:
    """One partition's placements: worker, job (missing: unplaced), score, people and the reason if unplaced."""
    import pandas as pd

    rows = arcs.rows
    mine = job_of[rows] == arcs.jobs
    score = np.full(len(arcs.people), np.nan)
    score[rows[mine]] = arcs.values[mine]
    placed = job_of >= 0
    reason = np.full(len(arcs.people), None, dtype=object)
    has_room = np.zeros(len(arcs.people), dtype=bool)
    has_room[rows[room[arcs.jobs] >= arcs.people[rows]]] = True
    lower = np.zeros(len(arcs.people), dtype=bool)
    lower[rows[lowest[arcs.jobs] < arcs.values]] = True
    reason[~placed & lower] = "displaced"
    reason[~placed & ~lower] = "outranked"
    reason[~placed & has_room] = "not_chosen"
    return pd.DataFrame(
        {
            "worker": pd.array(arcs.ids, dtype="string"),
            "job": pd.array(np.where(placed, job_ids[np.maximum(job_of, 0)], None), dtype="string"),
            "score": score,
            "people": arcs.people,
            "reason": pd.array(reason, dtype="string"),
        }
    )
