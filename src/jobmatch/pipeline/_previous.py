"""The placements before a re-match (:func:`jobmatch.rematch`), read from an Assignment or a frame, checked."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple, cast

import numpy as np

from .._checks import fail
from ..data.text import is_missing, name_cell
from ..exceptions import optional_import
from ..results.assignment import Assignment

__all__ = ["Before", "before_of", "locked_rows", "prices_of"]


class Before(NamedTuple):
    """The placements before, by id: worker ids, their job ids (None: unplaced), who started work, prices."""

    workers: np.ndarray
    jobs: np.ndarray
    started: np.ndarray | None
    prices: dict[str, float] | None


def prices_of(assignment: Assignment) -> np.ndarray | None:
    """An Assignment's job prices, one per job of its market (None without): its solver's, or for a re-match its
    penalised solve's (the next re-match's start)."""
    found = assignment.prices
    if found is None or len(found) != assignment.market.n_jobs:
        return None
    return np.asarray(found, dtype=np.float64)


def before_of(where: str, previous: Any) -> Before:
    """``previous`` (an Assignment or a placements frame) as :class:`Before`, checked."""
    if isinstance(previous, Assignment):
        market = previous.market
        job_of = np.asarray(previous.job_of)
        job_ids = np.asarray(market.jobs.ids, dtype=object)
        jobs = np.full(len(job_of), None, dtype=object)
        jobs[job_of >= 0] = job_ids[job_of[job_of >= 0]]
        found = prices_of(previous)
        prices = None if found is None else dict(zip(job_ids.tolist(), found.tolist()))
        return Before(np.asarray(market.workers.ids, dtype=object), jobs.astype(object), None, prices)
    pd = optional_import("pandas", "pandas", where)
    if not isinstance(previous, pd.DataFrame) and callable(getattr(previous, "to_pandas", None)):  # Arrow, Polars
        previous = previous.to_pandas()
    if not isinstance(previous, pd.DataFrame):
        raise fail(where, "previous", "an Assignment or a placements frame (pandas or Arrow)", type(previous).__name__)
    worker_col = next((c for c in ("worker", "worker_id") if c in previous.columns), None)
    job_col = next((c for c in ("job", "job_id") if c in previous.columns), None)
    if worker_col is None or job_col is None:
        raise fail(where, "previous", "a frame with 'worker' (or 'worker_id') and 'job' (or 'job_id') columns",
                   list(previous.columns))  # fmt: skip
    workers = _ids(previous, worker_col, "a worker id (text or an integer)", missing_ok=False)
    jobs = _ids(previous, job_col, "a job id (text or an integer), or missing for unplaced", missing_ok=True)
    started = None
    if "started" in previous.columns:
        flags = previous["started"].to_numpy(dtype=object)
        bad = [i for i, f in enumerate(flags) if not (isinstance(f, (bool, np.bool_)) or f in (0, 1))]
        if bad:
            raise fail(f"previous row {previous.index[bad[0]]}", "started", "True or False", flags[bad[0]])
        started = np.array([bool(f) for f in flags], dtype=bool)
        unplaced = started & np.array([j is None for j in jobs], dtype=bool)
        if unplaced.any():
            row = previous.index[int(np.argmax(unplaced))]
            raise fail(f"previous row {row}", "started", "False for a worker without a job", True)
    _, first, counts = np.unique(workers.astype(str), return_index=True, return_counts=True)
    if np.any(counts > 1):
        twice = workers[first[counts > 1][0]]
        raise fail(where, "previous", "each worker once", f"worker {twice!r} on several rows", described=True)
    return Before(workers, jobs, started, None)


def _ids(frame: Any, column: str, expected: str, *, missing_ok: bool) -> np.ndarray:
    """A column of ids as text (None where missing, when allowed); integral floats (a column with gaps read
    from CSV) as their integer; anything else is refused with its row."""
    out = np.full(len(frame), None, dtype=object)
    for row, value in enumerate(frame[column].tolist()):
        text = name_cell(value)  # the text form's reading of a name cell: integers as their digits
        if isinstance(text, str) and text:
            out[row] = text
        elif not (missing_ok and is_missing(value)):
            raise fail(f"previous row {frame.index[row]}", column, expected, value)
    return out


def locked_rows(where: str, keep: Any, before: Before) -> np.ndarray:
    """Which rows of ``before`` are locked in their job (a mask)."""
    placed = np.array([j is not None for j in before.jobs], dtype=bool)
    if keep is None:
        return np.zeros(len(before.workers), dtype=bool)
    if isinstance(keep, str):
        if keep == "placed":
            return placed
        if keep == "started":
            if before.started is None:
                raise fail(where, "keep", "'started' only with a placements frame that has a 'started' column",
                           keep)  # fmt: skip
            return cast(np.ndarray, before.started.copy())
        raise fail(where, "keep", "None, 'started', 'placed' or worker ids", keep)
    if not isinstance(keep, Iterable):
        raise fail(where, "keep", "None, 'started', 'placed' or worker ids", type(keep).__name__)
    rows = {w: i for i, w in enumerate(before.workers.tolist())}
    locked = np.zeros(len(before.workers), dtype=bool)
    for worker in keep:
        row = rows.get(str(worker))
        if row is None or not placed[row]:
            raise fail(where, "keep", "ids of workers placed before", worker)
        locked[row] = True
    return locked
