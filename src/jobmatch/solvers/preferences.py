"""Stable matching with capacities (deferred acceptance) and blocking pairs.

Preferences are index lists, most preferred first, possibly incomplete: a
worker and a job can be matched only if each lists the other.  The kernels
(numba, in :mod:`jobmatch.solvers._kernels`) run deferred acceptance over
CSR arrays, so a million workers take well under a second.

Examples
--------
>>> from jobmatch.stable import blocking_pairs, deferred_acceptance
>>> worker_prefs = [[0, 1], [0], [1, 0]]
>>> job_prefs = [[2, 0, 1], [0, 2]]
>>> deferred_acceptance(worker_prefs, job_prefs, [1, 1]).tolist()  # best for the workers
[0, -1, 1]
>>> deferred_acceptance(worker_prefs, job_prefs, [1, 1], proposing="job").tolist()  # best for the jobs
[1, -1, 0]
>>> blocking_pairs(worker_prefs, job_prefs, [1, 1], [0, -1, 1]).tolist()  # stable
[]
>>> blocking_pairs(worker_prefs, job_prefs, [1, 1], [-1, -1, 1]).tolist()  # job 0 sits empty
[[0, 0], [0, 1], [1, 0]]
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from typing import Literal

import numpy as np

from .._arrays import indptr_from_counts, row_ids
from ..data.schema import fail

__all__ = ["blocking_pairs", "deferred_acceptance", "lists_to_csr", "rank_lookup"]


def lists_to_csr(prefs: Sequence[Sequence[int]], n_other: int, where: str) -> tuple[np.ndarray, np.ndarray]:
    """Index lists -> (indptr, indices), checking range and repeats."""
    from .. import _sparse

    if isinstance(prefs, (str, bytes)) or not isinstance(prefs, Sequence):
        raise fail(where, "prefs", "a sequence of index lists", type(prefs).__name__)
    indptr = indptr_from_counts(np.fromiter(map(len, prefs), dtype=np.int64, count=len(prefs)))
    flat = np.fromiter(chain.from_iterable(prefs), dtype=np.int64, count=int(indptr[-1]))
    if len(flat) and (flat.min() < 0 or flat.max() >= n_other):
        row = int(np.searchsorted(indptr, int(np.flatnonzero((flat < 0) | (flat >= n_other))[0]), side="right")) - 1
        raise fail(where, f"prefs[{row}]", f"indices in 0..{n_other - 1}", list(prefs[row]))
    row = _sparse.first_repeat(indptr, flat, n_other)
    if row >= 0:
        raise fail(where, f"prefs[{row}]", "a list without repeated entries", list(prefs[row]))
    return indptr, flat


def rank_lookup(ptr: np.ndarray, lst: np.ndarray, other_ptr: np.ndarray, other_lst: np.ndarray) -> np.ndarray:
    """For each entry (a, b) of the first side's lists, b's rank of a (-1 if b does not list a).

    Examples
    --------
    >>> import numpy as np
    >>> from jobmatch.stable import rank_lookup
    >>> # workers 0 and 1 both list job 0; job 0 lists worker 1 first and not worker 0
    >>> rank_lookup(np.array([0, 1, 2]), np.array([0, 0]), np.array([0, 1]), np.array([1])).tolist()
    [-1, 0]
    """
    from .. import _sparse

    return _sparse.rank_lookup(ptr, lst, other_ptr, other_lst)


def _inputs(worker_prefs, job_prefs, capacities):
    capacity = np.asarray(capacities)
    if capacity.ndim != 1 or capacity.dtype.kind not in "iu" or (len(capacity) and capacity.min() < 0):
        raise fail("deferred_acceptance", "capacities", "a 1-d array of integers >= 0", capacities)
    if len(job_prefs) != len(capacity):
        raise fail("deferred_acceptance", "job_prefs", f"one list per job ({len(capacity)})", len(job_prefs))
    n, m = len(worker_prefs), len(capacity)
    w_ptr, w_list = lists_to_csr(worker_prefs, m, "deferred_acceptance worker")
    j_ptr, j_list = lists_to_csr(job_prefs, n, "deferred_acceptance job")
    return w_ptr, w_list, j_ptr, j_list, capacity.astype(np.int64)


def deferred_acceptance(
    worker_prefs: Sequence[Sequence[int]],
    job_prefs: Sequence[Sequence[int]],
    capacities: Sequence[int],
    *,
    proposing: Literal["worker", "job"] = "worker",
) -> np.ndarray:
    """The stable matching that is best for the proposing side.

    Parameters
    ----------
    worker_prefs : list of list of int
        Jobs each worker accepts, most preferred first.
    job_prefs : list of list of int
        Workers each job accepts, most preferred first.
    capacities : sequence of int
        Places per job.
    proposing : {"worker", "job"}
        Worker-proposing gives the worker-optimal stable matching;
        job-proposing the job-optimal one.

    Returns
    -------
    ndarray of int64
        Job index per worker, -1 if unmatched.
    """
    from . import _kernels

    if proposing not in ("worker", "job"):
        raise fail("deferred_acceptance", "proposing", "'worker' or 'job'", proposing)
    w_ptr, w_list, j_ptr, j_list, capacity = _inputs(worker_prefs, job_prefs, capacities)
    if proposing == "worker":
        return _kernels.worker_proposing(w_ptr, w_list, rank_lookup(w_ptr, w_list, j_ptr, j_list), capacity)
    return _kernels.job_proposing(j_ptr, j_list, rank_lookup(j_ptr, j_list, w_ptr, w_list), capacity, len(w_ptr) - 1)


def blocking_pairs(
    worker_prefs: Sequence[Sequence[int]],
    job_prefs: Sequence[Sequence[int]],
    capacities: Sequence[int],
    job_of: Sequence[int],
) -> np.ndarray:
    """Pairs (worker, job) that would both rather be matched to each other.

    A pair blocks when each lists the other, the worker is unmatched or
    prefers the job to its own, and the job has a free place or prefers the
    worker to the worst it holds.  An empty result means ``job_of`` is stable.

    Returns
    -------
    ndarray of shape (n_pairs, 2)
    """
    w_ptr, w_list, j_ptr, j_list, capacity = _inputs(worker_prefs, job_prefs, capacities)
    assigned = np.asarray(job_of, dtype=np.int64)
    n, m = len(w_ptr) - 1, len(capacity)
    if assigned.shape != (n,) or (n and (assigned.min() < -1 or assigned.max() >= m)):
        raise fail("blocking_pairs", "job_of", f"{n} job indices (-1 for unmatched)", assigned.shape)
    rank_at_job = rank_lookup(w_ptr, w_list, j_ptr, j_list)
    worker = row_ids(w_ptr)
    position = np.arange(len(w_list)) - np.repeat(w_ptr[:-1], np.diff(w_ptr))
    # Each worker's position of its own job (or "past the end" when unmatched).
    own = np.full(n, np.iinfo(np.int64).max)
    mine = w_list == assigned[worker]
    own[worker[mine]] = position[mine]
    accepted = np.zeros(n, dtype=bool)
    accepted[worker[mine & (rank_at_job >= 0)]] = True
    wrong = np.flatnonzero((assigned >= 0) & ~accepted)
    if len(wrong):
        i = int(wrong[0])
        raise fail("blocking_pairs", f"job_of[{i}]", "a job that worker and job both list", int(assigned[i]))
    held = np.bincount(assigned[assigned >= 0], minlength=m)
    over = np.flatnonzero(held > capacity)
    if len(over):
        j = int(over[0])
        raise fail("blocking_pairs", "job_of", f"at most {capacity[j]} workers at job {j}", int(held[j]))
    worst = np.full(m, -1)
    matched = np.flatnonzero(mine)
    np.maximum.at(worst, w_list[matched], rank_at_job[matched])
    room = held[w_list] < capacity[w_list]
    wants = (rank_at_job >= 0) & (position < own[worker]) & (room | (rank_at_job < worst[w_list]))
    return np.stack([worker[wants], w_list[wants]], axis=1)
