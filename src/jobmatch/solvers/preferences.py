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

from collections.abc import Mapping, Sequence
from itertools import chain
from typing import Any, Literal, TypeAlias

import numpy as np

from .._arrays import indptr_from_counts, row_ids
from .._checks import COUNT, MAX_INDEX, fail, param, show
from ..data.arrays import checked_ints, int_array, offsets

__all__ = ["blocking_pairs", "deferred_acceptance", "lists_to_csr", "rank_lookup"]

#: Preference lists: a sequence of lists (each a sequence of integers or a 1-d integer array), or a 2-d
#: integer array whose every row is a full list.
Prefs: TypeAlias = "Sequence[Sequence[int]] | Sequence[np.ndarray] | np.ndarray"


def _is_list_type(kind: type) -> bool:
    """Whether values of type ``kind`` can be preference lists: sequences (not text) or numpy arrays."""
    return issubclass(kind, np.ndarray) or (issubclass(kind, Sequence) and not issubclass(kind, (str, bytes)))


def lists_to_csr(prefs: Prefs, n_other: int, where: str, name: str = "prefs") -> tuple[np.ndarray, np.ndarray]:
    """Preference lists -> (indptr, indices) as int64, every entry checked.

    ``prefs`` is a sequence of lists (each a sequence of integers or a 1-d
    integer array), or a 2-d integer array (every row a full list).  Each
    entry is an integer (not a bool, not a float, even a whole one) from 0 to
    ``n_other - 1``, at most once per list.  An error names the argument
    (``name``) and the position, e.g. ``worker_prefs[3][2]``.

    Examples
    --------
    >>> import numpy as np
    >>> indptr, indices = lists_to_csr([[1, 0], [], np.array([2])], 3, "f", "worker_prefs")
    >>> indptr.tolist(), indices.tolist()
    ([0, 2, 2, 3], [1, 0, 2])
    >>> lists_to_csr([[1, 0], [0.7]], 3, "f", "worker_prefs")
    Traceback (most recent call last):
    ...
    jobmatch.exceptions.ValidationError: f: worker_prefs[1][0] must be an integer from 0 to 2, got 0.7
    """
    n_other = param(where, "n_other", n_other, COUNT)
    expected = f"an integer from 0 to {n_other - 1}" if n_other else "absent (the other side is empty)"
    if isinstance(prefs, np.ndarray):
        prefs = np.asarray(prefs)  # a subclass (np.matrix) as a plain array
    if isinstance(prefs, np.ndarray) and prefs.ndim == 2:
        if prefs.size and prefs.dtype.kind not in "iu":
            got = f"a 2-d array of {prefs.dtype}"
            raise fail(where, name, "a 2-d integer array or a sequence of index lists", got, described=True)
        if prefs.shape[0] > MAX_INDEX:
            raise fail(where, name, f"at most {MAX_INDEX} lists", prefs.shape[0])
        bad = (prefs < 0) | (prefs >= n_other)
        if bad.any():
            r, c = (int(x[0]) for x in np.nonzero(bad))
            raise fail(where, f"{name}[{r}][{c}]", expected, prefs[r, c].item())
        indptr = indptr_from_counts(np.full(prefs.shape[0], prefs.shape[1], dtype=np.int64))
        flat = prefs.astype(np.int64).reshape(-1)  # in range: no wrap
    else:
        _count(where, name, prefs)
        rows = list(prefs)
        if len(rows) > MAX_INDEX:
            raise fail(where, name, f"at most {MAX_INDEX} lists", len(rows))
        kinds = set(map(type, rows))
        if not all(map(_is_list_type, kinds)):
            r = next(r for r, row in enumerate(rows) if not _is_list_type(type(row)))
            raise fail(where, f"{name}[{r}]", "a list of indices", show(rows[r]), described=True)
        if any(issubclass(kind, np.ndarray) for kind in kinds):
            r = next((r for r, row in enumerate(rows) if isinstance(row, np.ndarray) and row.ndim != 1), -1)
            if r >= 0:
                raise fail(where, f"{name}[{r}]", "a list of indices (a 1-d array)", rows[r].shape)
        indptr = indptr_from_counts(np.fromiter(map(len, rows), dtype=np.int64, count=len(rows)))
        items = list(chain.from_iterable(rows))
        checked, t = checked_ints(items, 0, n_other - 1)
        if checked is None:
            r = int(np.searchsorted(indptr, t, side="right")) - 1
            raise fail(where, f"{name}[{r}][{t - int(indptr[r])}]", expected, show(items[t]), described=True)
        flat = checked
    r = _first_repeat(indptr, flat)
    if r >= 0:
        row_list = flat[indptr[r] : indptr[r + 1]].tolist()
        first = {x: c for c, x in reversed(list(enumerate(row_list)))}  # each index's first position
        c = next(c for c, x in enumerate(row_list) if first[x] != c)
        raise fail(where, f"{name}[{r}][{c}]", f"an index not earlier in {name}[{r}] (no repeats)", row_list[c])
    return indptr, flat


def _first_repeat(indptr: np.ndarray, flat: np.ndarray) -> int:
    """The first list holding an index twice (-1: none); scratch sized by the largest index, not the bound."""
    from .. import _sparse

    return int(_sparse.first_repeat(indptr, flat, int(flat.max()) + 1)) if len(flat) else -1


def rank_lookup(ptr: Any, lst: Any, other_ptr: Any, other_lst: Any) -> np.ndarray:
    """For each entry (a, b) of the first side's lists, b's rank of a (-1 if b does not list a).

    Both sides are CSR preference lists: ``ptr`` (offsets, one per list of
    the first side and one more) over ``lst`` (indices of the other side),
    and ``other_ptr`` over ``other_lst``.  Every array is checked before the
    kernel runs: integers (any integer dtype, no floats or bools), offsets
    from 0, never decreasing, ending at their list's length; ``lst`` in
    ``0..len(other_ptr) - 2`` and ``other_lst`` in ``0..len(ptr) - 2``; no
    index twice in one list.

    Examples
    --------
    >>> import numpy as np
    >>> from jobmatch.stable import rank_lookup
    >>> # workers 0 and 1 both list job 0; job 0 lists worker 1 first and not worker 0
    >>> rank_lookup(np.array([0, 1, 2]), np.array([0, 0]), np.array([0, 1]), np.array([1])).tolist()
    [-1, 0]
    >>> rank_lookup(np.array([0, 10**6]), np.array([0]), np.array([0, 1]), np.array([0]))
    Traceback (most recent call last):
    ...
    jobmatch.exceptions.ValidationError: rank_lookup: lst must be of length 1000000 (ptr[-1]), got 1
    """
    from .. import _sparse

    where = "rank_lookup"
    ptr, other_ptr = offsets(where, "ptr", ptr), offsets(where, "other_ptr", other_ptr)
    n_a, n_b = len(ptr) - 1, len(other_ptr) - 1
    checked = []
    for name, p, lst_, n_cols in (("lst", ptr, lst, n_b), ("other_lst", other_ptr, other_lst, n_a)):
        flat = int_array(where, name, lst_, 0, n_cols - 1)
        ptr_name = "ptr" if name == "lst" else "other_ptr"
        if len(flat) != p[-1]:
            raise fail(where, name, f"of length {int(p[-1])} ({ptr_name}[-1])", len(flat))
        r = _first_repeat(p, flat)
        if r >= 0:
            raise fail(where, name, "lists without repeated entries", f"a repeat in list {r}", described=True)
        checked.append(flat)
    return _sparse.rank_lookup(ptr, checked[0], other_ptr, checked[1])


def _inputs(where: str, worker_prefs: Prefs, job_prefs: Prefs, capacities: Any) -> tuple[np.ndarray, ...]:
    """Both sides' lists as CSR and the capacities, every value checked (``where``: the public function)."""
    capacity = int_array(where, "capacities", capacities, 0, MAX_INDEX)
    n_jobs = len(capacity)
    n_workers = _count(where, "worker_prefs", worker_prefs)
    if _count(where, "job_prefs", job_prefs) != n_jobs:
        raise fail(where, "job_prefs", f"one list per job ({n_jobs}, as capacities)", len(job_prefs))
    w_ptr, w_list = lists_to_csr(worker_prefs, n_jobs, where, "worker_prefs")
    j_ptr, j_list = lists_to_csr(job_prefs, n_workers, where, "job_prefs")
    return w_ptr, w_list, j_ptr, j_list, capacity


def _count(where: str, name: str, prefs: Prefs) -> int:
    """How many lists ``prefs`` holds (a ValidationError when it is no sequence of lists nor a 1-d or 2-d array)."""
    if isinstance(prefs, np.ndarray):
        if prefs.ndim not in (1, 2):
            raise fail(where, name, "a sequence of index lists or a 2-d integer array", prefs.shape)
    elif isinstance(prefs, (str, bytes, Mapping)) or not isinstance(prefs, Sequence):
        raise fail(where, name, "a sequence of index lists or a 2-d integer array", type(prefs).__name__)
    return len(prefs)


def deferred_acceptance(
    worker_prefs: Prefs,
    job_prefs: Prefs,
    capacities: Sequence[int] | np.ndarray,
    *,
    proposing: Literal["worker", "job"] = "worker",
) -> np.ndarray:
    """The stable matching that is best for the proposing side.

    Every input is checked before the kernels run; a bad one raises
    :class:`~jobmatch.ValidationError` naming the argument and position
    (``worker_prefs[3][2] must be an integer from 0 to 4, got 0.7``).

    Parameters
    ----------
    worker_prefs : sequence of sequences of int, or 2-d int array
        Jobs each worker accepts, most preferred first: per worker a list
        (or a 1-d integer array), or one 2-d integer array when every
        worker lists as many jobs.  Entries are integers (bools and floats,
        even whole ones, are refused) from 0 to ``len(capacities) - 1``,
        each at most once per list.
    job_prefs : sequence of sequences of int, or 2-d int array
        Workers each job accepts, most preferred first, one list per job
        (as ``worker_prefs``, indices from 0 to ``len(worker_prefs) - 1``).
    capacities : sequence or 1-d array of int
        Places per job: integers from 0 to 2**31 - 1.
    proposing : {"worker", "job"}
        Worker-proposing gives the worker-optimal stable matching;
        job-proposing the job-optimal one.

    Returns
    -------
    ndarray of int64
        Job index per worker, -1 if unmatched.

    Examples
    --------
    >>> import numpy as np
    >>> deferred_acceptance(np.array([[0, 1], [1, 0]]), [[1, 0], [0]], np.array([1, 1])).tolist()
    [1, 0]
    >>> deferred_acceptance([[0.0]], [[0]], [1])  # a float, even a whole one, is not an index
    Traceback (most recent call last):
    ...
    jobmatch.exceptions.ValidationError: deferred_acceptance: worker_prefs[0][0] must be an integer from 0 to 0, got 0.0
    """
    from .. import _sparse
    from . import _kernels

    where = "deferred_acceptance"
    if not isinstance(proposing, str) or proposing not in ("worker", "job"):
        raise fail(where, "proposing", "'worker' or 'job'", show(proposing), described=True)
    w_ptr, w_list, j_ptr, j_list, capacity = _inputs(where, worker_prefs, job_prefs, capacities)
    if proposing == "worker":
        return _kernels.worker_proposing(w_ptr, w_list, _sparse.rank_lookup(w_ptr, w_list, j_ptr, j_list), capacity)
    at_worker = _sparse.rank_lookup(j_ptr, j_list, w_ptr, w_list)
    return _kernels.job_proposing(j_ptr, j_list, at_worker, capacity, len(w_ptr) - 1)


def blocking_pairs(
    worker_prefs: Prefs,
    job_prefs: Prefs,
    capacities: Sequence[int] | np.ndarray,
    job_of: Sequence[int] | np.ndarray,
) -> np.ndarray:
    """Pairs (worker, job) that would both rather be matched to each other.

    A pair blocks when each lists the other, the worker is unmatched or
    prefers the job to its own, and the job has a free place or prefers the
    worker to the worst it holds.  An empty result means ``job_of`` is stable.

    The lists and capacities are checked as :func:`deferred_acceptance`
    checks them; ``job_of`` must hold one integer per worker from -1
    (unmatched) to ``len(capacities) - 1``, match only pairs that list each
    other, and fill no job beyond its capacity.

    Returns
    -------
    ndarray of shape (n_pairs, 2)
    """
    from .. import _sparse

    where = "blocking_pairs"
    w_ptr, w_list, j_ptr, j_list, capacity = _inputs(where, worker_prefs, job_prefs, capacities)
    n, m = len(w_ptr) - 1, len(capacity)
    assigned = int_array(where, "job_of", job_of, -1, m - 1)
    if assigned.shape != (n,):
        raise fail(where, "job_of", f"{n} job indices, one per worker (-1 for unmatched)", len(assigned))
    rank_at_job = _sparse.rank_lookup(w_ptr, w_list, j_ptr, j_list)
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
