"""The generic assignment :class:`Problem` every solver takes.

Workers (rows) are assigned to at most one job (column) each along the
problem's arcs; each job's capacity bounds the capacity its assigned arcs
use.  A Problem is built from a market (:func:`jobmatch.compile`) or directly by
researchers (:meth:`Problem.from_dense`, :meth:`Problem.from_arcs`); it
knows nothing of markets.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from .._arrays import indptr_from_counts, readonly, row_ids
from ..data.schema import fail
from ..scoring.graph import CandidateGraph

__all__ = ["Cap", "GroupBound", "Problem"]

_P = "Problem"


@dataclass(frozen=True, eq=False)
class GroupBound:
    """Bounds on the people placed from one group of workers.

    ``members`` is a boolean mask over workers.  Shares are of all people
    placed; counts are in people (a worker's ``people`` weight).
    """

    name: str
    members: np.ndarray
    min_count: int | None = None
    min_share: float | None = None
    max_share: float | None = None
    max_count: int | None = None


@dataclass(frozen=True, eq=False)
class Cap:
    """At most ``limit`` people placed in the jobs of ``jobs`` (a boolean mask over jobs)."""

    name: str
    jobs: np.ndarray
    limit: int


def _values(values: Any, nnz: int) -> np.ndarray:
    """New arc values for the same arcs as finite float64, one per arc (checked as :class:`Problem` checks them)."""
    array = np.asarray(values)
    if array.dtype.kind not in "iuf":
        raise fail(_P, "values", "numbers", array.dtype)
    array = np.asarray(array, dtype=np.float64)
    if array.shape != (nnz,):
        raise fail(_P, "values", f"{nnz} entries, one per arc", array.shape)
    if not np.all(np.isfinite(array)):
        raise fail(_P, "values", "finite numbers (leave infeasible pairs out)", "NaN or inf", described=True)
    return array


def _int_array(where: str, name: str, value: Any, size: int, low: int) -> np.ndarray:
    array = np.asarray(value)
    if array.ndim == 0:
        array = np.full(size, array)
    if array.shape != (size,):
        raise fail(where, name, f"a scalar or {size} values", array.shape)
    if array.dtype.kind == "f":
        if not np.all(np.isfinite(array)) or np.any(array != np.round(array)):
            raise fail(where, name, "whole numbers", "non-integral or non-finite values", described=True)
    elif array.dtype.kind not in "iub":
        raise fail(where, name, "integers", array.dtype)
    if size and array.min() < low:
        raise fail(where, name, f"integers >= {low}", int(array.min()))
    return readonly(array.astype(np.int64))


class Problem:
    """Workers x jobs assignment with capacities: what every solver solves.

    Parameters
    ----------
    indptr, jobs, values : array_like
        The arcs in CSR form: worker ``i`` may take job ``jobs[t]`` for
        ``t`` in ``indptr[i]:indptr[i + 1]``, worth ``values[t]`` (a score to
        maximise, or a cost to minimise).
    capacity : int or array_like
        Capacity per job.
    use : int or array_like, optional
        Capacity an arc uses when chosen (default 1; a couple uses 2; the
        generalised assignment problem's resources).
    people : int or array_like, optional
        People per worker, for group quotas and caps (default 1).
    maximize : bool, optional
        Maximise the total value (default) or minimise it.
    must_place : bool, optional
        Every worker must be placed (otherwise placing is optional).
    quotas : sequence of GroupBound, optional
    caps : sequence of Cap, optional

    Examples
    --------
    >>> import numpy as np
    >>> from jobmatch import Problem
    >>> p = Problem.from_dense(np.array([[3.0, 1.0], [2.0, -np.inf]]), capacity=1)
    >>> p.n_workers, p.n_jobs, p.n_arcs, p.values.tolist()
    (2, 2, 3, [3.0, 1.0, 2.0])
    """

    indptr: np.ndarray
    jobs: np.ndarray
    values: np.ndarray
    n_workers: int
    n_jobs: int
    capacity: np.ndarray
    use: np.ndarray
    people: np.ndarray
    maximize: bool
    must_place: bool
    quotas: tuple[GroupBound, ...]
    caps: tuple[Cap, ...]

    def __init__(
        self,
        indptr: Any,
        jobs: Any,
        values: Any,
        *,
        capacity: Any,
        n_jobs: int,
        use: Any = 1,
        people: Any = 1,
        maximize: bool = True,
        must_place: bool = False,
        quotas: Any = (),
        caps: Any = (),
    ) -> None:
        indptr = np.asarray(indptr)
        if indptr.ndim != 1 or len(indptr) < 1 or indptr.dtype.kind not in "iu":
            raise fail(_P, "indptr", "a 1-d integer array of row offsets", indptr.shape)
        if not isinstance(n_jobs, numbers.Integral) or n_jobs < 0:
            raise fail(_P, "n_jobs", "an integer >= 0", n_jobs)
        n = len(indptr) - 1
        if indptr[0] != 0 or np.any(np.diff(indptr) < 0):
            raise fail(_P, "indptr", "non-decreasing offsets from 0", indptr[:5].tolist())
        nnz = int(indptr[-1])
        jobs = np.asarray(jobs)
        values = np.asarray(values, dtype=np.float64) if np.asarray(values).dtype.kind in "iuf" else None
        if values is None:
            raise fail(_P, "values", "numbers", np.asarray(values).dtype)
        if jobs.shape != (nnz,) or values.shape != (nnz,):
            raise fail(_P, "jobs/values", f"{nnz} entries each", (jobs.shape, values.shape))
        if jobs.dtype.kind not in "iu" or (nnz and (jobs.min() < 0 or jobs.max() >= n_jobs)):
            raise fail(_P, "jobs", f"job indices in 0..{n_jobs - 1}", "out of range or not integers", described=True)
        if not np.all(np.isfinite(values)):
            raise fail(_P, "values", "finite numbers (leave infeasible pairs out)", "NaN or inf", described=True)
        from .. import _sparse  # numba only once a Problem is built

        row = _sparse.first_repeat(indptr, jobs, n_jobs) if nnz else -1
        if row >= 0:
            raise fail(
                _P, f"jobs of worker {row}", "each job at most once per worker", "a repeated job", described=True
            )
        self.indptr = readonly(indptr.astype(np.int64))
        self.jobs = readonly(jobs.astype(np.int32))
        self.values = readonly(values)
        self.n_workers, self.n_jobs = n, int(n_jobs)
        self.capacity = _int_array(_P, "capacity", capacity, self.n_jobs, 0)
        self.use = _int_array(_P, "use", use, nnz, 0)
        self.people = _int_array(_P, "people", people, n, 0)
        self.maximize, self.must_place = bool(maximize), bool(must_place)
        self.quotas = tuple(self._check_quota(q) for q in quotas)
        self.caps = tuple(self._check_cap(c) for c in caps)

    @classmethod
    def _trusted(
        cls,
        indptr: np.ndarray,
        jobs: np.ndarray,
        values: np.ndarray,
        *,
        capacity: np.ndarray,
        n_jobs: int,
        use: np.ndarray,
        people: np.ndarray,
        maximize: bool,
        must_place: bool,
        quotas: tuple[GroupBound, ...] = (),
        caps: tuple[Cap, ...] = (),
        workers: np.ndarray | None = None,
    ) -> Problem:
        """A Problem over arrays the library built from an already validated one, without any check.

        For solvers and :meth:`replace` only: rebuilding a problem whose
        arcs were checked once should not check them again (the repeat
        check alone reads every arc).  Every argument must be what
        :class:`Problem` would have made of it: ``indptr`` non-decreasing
        offsets from 0, ``jobs`` job indices in range with no repeat within
        a worker, finite ``values``, full-length integer ``capacity``,
        ``use`` and ``people`` (no scalars), validated quotas and caps.
        Arrays are converted to the field dtypes (without a copy when they
        have them) and marked read-only in place.  ``workers``, when given,
        is the worker of every arc (:attr:`workers`), kept instead of
        recomputed.
        """
        problem = cls.__new__(cls)
        problem.indptr = readonly(np.asarray(indptr, dtype=np.int64))
        problem.jobs = readonly(np.asarray(jobs, dtype=np.int32))
        problem.values = readonly(np.asarray(values, dtype=np.float64))
        problem.n_workers, problem.n_jobs = len(problem.indptr) - 1, int(n_jobs)
        problem.capacity = readonly(np.asarray(capacity, dtype=np.int64))
        problem.use = readonly(np.asarray(use, dtype=np.int64))
        problem.people = readonly(np.asarray(people, dtype=np.int64))
        problem.maximize, problem.must_place = bool(maximize), bool(must_place)
        problem.quotas, problem.caps = tuple(quotas), tuple(caps)
        if workers is not None:
            problem.__dict__["workers"] = workers  # the cached property's slot
        return problem

    def _on_arcs(
        self,
        keep: np.ndarray | None,
        values: np.ndarray,
        *,
        must_place: bool,
        quotas: tuple[GroupBound, ...] = (),
        caps: tuple[Cap, ...] = (),
    ) -> Problem:
        """A maximisation subproblem for solvers: the arcs ``keep`` of this problem, worth ``values``, without checks.

        ``keep`` is a mask over the arcs or their increasing indices (None:
        all); ``values`` has one entry per arc of this problem (only the
        kept ones are used).  The arcs were checked when this problem was
        built, so nothing is checked again (see :meth:`_trusted`).
        """
        kept: np.ndarray | slice
        if keep is None:
            indptr, kept, workers = self.indptr, slice(None), self.workers
        else:
            indptr = indptr_from_counts(np.bincount(self.workers[keep], minlength=self.n_workers))
            kept, workers = keep, None
        return Problem._trusted(
            indptr,
            self.jobs[kept],
            values[kept],
            capacity=self.capacity,
            n_jobs=self.n_jobs,
            use=self.use[kept],
            people=self.people,
            maximize=True,
            must_place=must_place,
            quotas=quotas,
            caps=caps,
            workers=workers,
        )

    def _check_quota(self, quota: Any) -> GroupBound:
        if not isinstance(quota, GroupBound):
            raise fail(_P, "quotas item", "a GroupBound", quota)
        members = np.asarray(quota.members)
        if members.shape != (self.n_workers,) or members.dtype != np.bool_:
            raise fail(
                _P,
                f"quotas[{quota.name!r}].members",
                f"a bool mask of {self.n_workers} workers",
                (members.shape, members.dtype),
            )
        return quota

    def _check_cap(self, cap: Any) -> Cap:
        if not isinstance(cap, Cap):
            raise fail(_P, "caps item", "a Cap", cap)
        jobs = np.asarray(cap.jobs)
        if jobs.shape != (self.n_jobs,) or jobs.dtype != np.bool_:
            raise fail(_P, f"caps[{cap.name!r}].jobs", f"a bool mask of {self.n_jobs} jobs", (jobs.shape, jobs.dtype))
        if not isinstance(cap.limit, numbers.Integral) or cap.limit < 0:
            raise fail(_P, f"caps[{cap.name!r}].limit", "an integer >= 0", cap.limit)
        return cap

    # ------------------------------------------------------------------ builders
    @classmethod
    def from_dense(cls, matrix: Any, *, capacity: Any = 1, maximize: bool = True, **options: Any) -> Problem:
        """A problem over every finite entry of a (workers x jobs) matrix.

        Infinite entries (``-inf`` when maximising, ``+inf`` when minimising)
        mark pairs that are not allowed; NaN is an error.  Other keyword
        options are those of :class:`Problem`.
        """
        try:
            dense = np.asarray(matrix, dtype=np.float64)
        except (TypeError, ValueError):
            raise fail(_P, "matrix", "a 2-d array of numbers", type(matrix).__name__) from None
        if dense.ndim != 2:
            raise fail(_P, "matrix", "a 2-d array (workers x jobs)", dense.shape)
        if np.isnan(dense).any():
            raise fail(_P, "matrix", "numbers or ±inf for forbidden pairs", "NaN", described=True)
        keep = np.isfinite(dense)
        indptr = indptr_from_counts(keep.sum(axis=1))
        jobs = np.nonzero(keep)[1]
        return cls(indptr, jobs, dense[keep], capacity=capacity, n_jobs=dense.shape[1], maximize=maximize, **options)

    @classmethod
    def from_graph(cls, graph: CandidateGraph, *, capacity: Any, **options: Any) -> Problem:
        """A problem over a worker-side :class:`CandidateGraph`: its arcs, its scores as values.

        Other keyword options are those of :class:`Problem` (maximising by default).

        Examples
        --------
        >>> import numpy as np
        >>> from jobmatch import CandidateGraph, Problem
        >>> graph = CandidateGraph.from_dense(np.array([[0.9, 0.5], [0.7, -np.inf]], dtype=np.float32))
        >>> Problem.from_graph(graph, capacity=1)
        <Problem (max): 2 workers x 2 jobs, 3 arcs, 0 quotas, 0 caps>
        """
        if not isinstance(graph, CandidateGraph) or graph.side != "worker":
            raise fail(_P, "graph", "a worker-side CandidateGraph", getattr(graph, "side", type(graph).__name__))
        return cls(
            graph.indptr,
            graph.indices,
            graph.scores.astype(np.float64),
            capacity=capacity,
            n_jobs=graph.n_jobs,
            **options,
        )

    @classmethod
    def from_arcs(
        cls,
        workers: Any,
        jobs: Any,
        values: Any,
        *,
        n_workers: int,
        n_jobs: int,
        capacity: Any = 1,
        use: Any = 1,
        **options: Any,
    ) -> Problem:
        """A problem from parallel arrays of arcs (any order; sorted here)."""
        workers, jobs, values = np.asarray(workers), np.asarray(jobs), np.asarray(values)
        use_array = np.asarray(use)
        if not (workers.shape == jobs.shape == values.shape) or workers.ndim != 1:
            raise fail(_P, "workers/jobs/values", "1-d arrays of one length", (workers.shape, jobs.shape, values.shape))
        if workers.dtype.kind not in "iu" or (len(workers) and (workers.min() < 0 or workers.max() >= n_workers)):
            raise fail(
                _P, "workers", f"worker indices in 0..{n_workers - 1}", "out of range or not integers", described=True
            )
        order = np.lexsort((jobs, workers))
        indptr = indptr_from_counts(np.bincount(workers, minlength=n_workers))
        if use_array.ndim:
            use_array = use_array[order]
        return cls(indptr, jobs[order], values[order], capacity=capacity, n_jobs=n_jobs, use=use_array, **options)

    # ------------------------------------------------------------------ views
    @property
    def n_arcs(self) -> int:
        """Number of arcs."""
        return int(self.indptr[-1])

    @cached_property
    def workers(self) -> np.ndarray:
        """Worker index of every arc (computed once; read-only)."""
        return readonly(row_ids(self.indptr))

    @property
    def graph(self) -> CandidateGraph:
        """The arcs as a :class:`CandidateGraph`, rows best first in the problem's sense.

        For a minimisation problem the graph's scores are costs, lowest first.
        """
        sign = 1.0 if self.maximize else -1.0
        order = np.lexsort((self.jobs, -sign * self.values, self.workers))
        return CandidateGraph(
            self.indptr,
            self.jobs[order],
            self.values[order].astype(np.float32),
            n_workers=self.n_workers,
            n_jobs=self.n_jobs,
        )

    def replace(self, *, values: Any = None, quotas: Any = None, caps: Any = None) -> Problem:
        """The same arcs and capacities with new ``values`` (one per arc), ``quotas`` or ``caps`` (None: kept).

        Only what is new is checked (values, quotas, caps, as :class:`Problem`
        checks them): the arcs were checked when this problem was built.

        Examples
        --------
        >>> import numpy as np
        >>> p = Problem.from_dense(np.array([[3.0, 1.0]]), capacity=1)
        >>> p.replace(values=p.values * 2).values.tolist(), p.replace(caps=()).caps
        ([6.0, 2.0], ())
        """
        new = Problem._trusted(
            self.indptr,
            self.jobs,
            self.values if values is None else _values(values, self.n_arcs),
            capacity=self.capacity,
            n_jobs=self.n_jobs,
            use=self.use,
            people=self.people,
            maximize=self.maximize,
            must_place=self.must_place,
            quotas=self.quotas if quotas is None else (),
            caps=self.caps if caps is None else (),
            workers=self.__dict__.get("workers"),  # the same arcs: their workers, if computed
        )
        if quotas is not None:
            new.quotas = tuple(new._check_quota(q) for q in quotas)
        if caps is not None:
            new.caps = tuple(new._check_cap(c) for c in caps)
        return new

    def chosen(self, job_of: np.ndarray) -> np.ndarray:
        """Boolean mask over arcs: the arcs an assignment takes (``job_of``: job per worker, -1 unplaced).

        Examples
        --------
        >>> p = Problem.from_dense(np.array([[3.0, 1.0], [2.0, 5.0]]), capacity=1)
        >>> p.chosen(np.array([1, -1])).tolist()
        [False, True, False, False]
        """
        return self.jobs == np.asarray(job_of)[self.workers]

    def objective_of(self, job_of: np.ndarray) -> float:
        """Total value of an assignment (job index per worker, -1 unplaced)."""
        return float(self.values[self.chosen(job_of)].sum())

    def __repr__(self) -> str:
        sense = "max" if self.maximize else "min"
        return (
            f"<Problem ({sense}): {self.n_workers:,} workers x {self.n_jobs:,} jobs, {self.n_arcs:,} arcs, "
            f"{len(self.quotas)} quotas, {len(self.caps)} caps{', every worker placed' if self.must_place else ''}>"
        )
