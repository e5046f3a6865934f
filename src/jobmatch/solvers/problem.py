"""The generic assignment :class:`Problem` every solver takes.

Workers (rows) are assigned to at most one job (column) each along the
problem's arcs; each job's capacity bounds the capacity its assigned arcs
use.  A Problem is built from a market (:func:`jobmatch.build_problem`) or directly by
researchers (:meth:`Problem.from_dense`, :meth:`Problem.from_arcs`); it
knows nothing of markets.

What a Problem accepts (every argument checked before anything is cast
to a fixed-width integer or read by a numba kernel): at most 2**31 - 1
workers, jobs and arcs; capacities, uses, people, quota counts and cap
limits are integers from 0 to 2**31 - 1; values are finite with
``|value| x max(n_workers, 1) < 2**53``, so every total is exact in
float64 and fits the integers OR-Tools is given (``_scale``); ``maximize``
and ``must_place`` are bools.

Why one long module: the Problem, its quotas and caps and the checks of
each of their fields belong together, so that what a Problem accepts is
read in one place (the builders reuse the same checks).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any, TypeVar, cast

import numpy as np

from .._arrays import indptr_from_counts, readonly, row_ids
from .._checks import COUNT, FLAG, MAX_INDEX, MAX_TOTAL, SHARE, TEXT, fail, param
from ..scoring.graph import CandidateGraph

__all__ = ["Cap", "GroupBound", "Problem"]

_P = "Problem"
_T = TypeVar("_T")


def _array(where: str, name: str, value: Any) -> np.ndarray:
    """``np.asarray(value)``, a ValidationError when numpy cannot make an array of it (ragged lists, odd objects)."""
    try:
        return np.asarray(value)
    except (TypeError, ValueError, OverflowError):
        raise fail(where, name, "an array", type(value).__name__, described=True) from None


def _form(array: np.ndarray) -> str:
    """An array's shape and dtype in words, for an error."""
    return f"shape {array.shape}, {array.dtype}"


def _mask(where: str, name: str, value: Any) -> np.ndarray:
    """A 1-d boolean mask, copied and read-only (an empty list counts as an empty mask)."""
    array = _array(where, name, value)
    if array.ndim != 1 or (array.dtype != np.bool_ and array.size):
        raise fail(where, name, "a 1-d bool mask", _form(array), described=True)
    return readonly(array.astype(np.bool_))


@dataclass(frozen=True, eq=False)
class GroupBound:
    """Bounds on the people placed from one group of workers.

    ``members`` is a boolean mask over workers.  Shares are of all people
    placed; counts are in people (a worker's ``people`` weight).  Every
    field is checked when the bound is made: ``name`` non-empty text,
    counts integers from 0 to 2**31 - 1 or None, shares from 0 to 1 or
    None; the mask's length is checked by the :class:`Problem` that takes
    it.  Bounds that contradict each other (``min_count > max_count``) are
    not an error: the problem is infeasible, and solving it says so.

    ``placed_before`` people were placed outside this problem (an earlier
    batch, workers locked in their jobs), ``members_before`` of them from
    the group: the bounds count them too, so a 75% share holds over
    everyone placed, not only over this problem's placements.

    Examples
    --------
    >>> import numpy as np
    >>> GroupBound("poor", np.array([True, False]), min_share=0.5).members.tolist()
    [True, False]
    >>> GroupBound("poor", np.array([True]), min_share=1.5)
    Traceback (most recent call last):
    ...
    jobmatch.exceptions.ValidationError: GroupBound 'poor': min_share must be a share from 0 to 1 or None, got 1.5
    >>> GroupBound("poor", np.array([True]), min_share=0.75, placed_before=8, members_before=6).rhs_shift("min_share")
    0.0
    """

    name: str
    members: np.ndarray
    min_count: int | None = None
    min_share: float | None = None
    max_share: float | None = None
    max_count: int | None = None
    placed_before: int = 0
    members_before: int = 0

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "name", param("GroupBound", "name", self.name, TEXT))
        where = f"GroupBound {self.name!r}"
        set_(self, "members", _mask(where, "members", self.members))
        for field, rule in (("min_count", COUNT), ("max_count", COUNT), ("min_share", SHARE), ("max_share", SHARE)):
            set_(self, field, param(where, field, getattr(self, field), rule, or_none=True))
        set_(self, "placed_before", param(where, "placed_before", self.placed_before, COUNT))
        set_(self, "members_before", param(where, "members_before", self.members_before, COUNT))
        if self.members_before > self.placed_before:
            raise fail(where, "members_before", f"at most placed_before ({self.placed_before})", self.members_before)

    def rhs_shift(self, bound: str) -> float:
        """What the people placed before add to the right-hand side of ``bound`` written as a row
        ``activity <= rhs`` over this problem's placements (:mod:`jobmatch.solvers._rows`).

        ``min_count``: ``-members <= -(min_count - members_before)``;
        ``min_share``: ``s placed - members <= members_before - s placed_before``;
        ``max_count`` and ``max_share`` the other way round.
        """
        g, total = float(self.members_before), float(self.placed_before)
        shifts = {
            "min_count": g,
            "max_count": -g,
            "min_share": g - (self.min_share or 0.0) * total,
            "max_share": (self.max_share or 0.0) * total - g,
        }
        return shifts[bound]


@dataclass(frozen=True, eq=False)
class Cap:
    """At most ``limit`` people placed in the jobs of ``jobs`` (a boolean mask over jobs).

    Checked when made: ``name`` non-empty text, ``jobs`` a 1-d bool mask
    (its length is checked by the :class:`Problem` that takes it),
    ``limit`` an integer from 0 to 2**31 - 1.
    """

    name: str
    jobs: np.ndarray
    limit: int

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "name", param("Cap", "name", self.name, TEXT))
        where = f"Cap {self.name!r}"
        set_(self, "jobs", _mask(where, "jobs", self.jobs))
        set_(self, "limit", param(where, "limit", self.limit, COUNT))


def _values(values: Any, nnz: int, n_workers: int, where: str = _P) -> np.ndarray:
    """Arc values as finite float64, one per arc, every total within ``MAX_TOTAL`` (as :class:`Problem` checks them)."""
    array = _array(where, "values", values)
    if array.dtype.kind not in "iuf" and array.size:
        raise fail(where, "values", "numbers", str(array.dtype), described=True)
    array = np.asarray(array, dtype=np.float64)
    if array.shape != (nnz,):
        raise fail(where, "values", f"{nnz} entries, one per arc", array.shape)
    if not np.all(np.isfinite(array)):
        raise fail(where, "values", "finite numbers (leave infeasible pairs out)", "NaN or inf", described=True)
    top = float(np.abs(array).max()) if nnz else 0.0
    limit = MAX_TOTAL / max(n_workers, 1)
    if not top < limit:
        raise fail(
            where,
            "values",
            f"numbers of magnitude below {limit:.6g} (2**53 / {max(n_workers, 1):,} workers, so that every "
            "total stays exact and fits the solvers' integers)",
            top,
        )
    return array


def _indices(where: str, name: str, value: Any, size: int, bound: int) -> np.ndarray:
    """``size`` integer indices in ``0..bound - 1`` (``name``: "jobs", "workers") as int64.

    An empty list of any number type is fine (``np.asarray([])`` is float).
    """
    expected = f"{name[:-1]} indices in 0..{bound - 1}"
    array = _array(where, name, value)
    if array.shape != (size,):
        raise fail(where, name, f"{size} entries, one per arc", array.shape)
    if not size:
        return np.zeros(0, dtype=np.int64)
    if array.dtype.kind not in "iu":
        raise fail(where, name, f"integer {expected}", str(array.dtype), described=True)
    if array.min() < 0 or array.max() >= bound:
        raise fail(where, name, expected, (array.min() if array.min() < 0 else array.max()).item())
    return array.astype(np.int64)


def _int_array(where: str, name: str, value: Any, size: int, low: int) -> np.ndarray:
    """A scalar or ``size`` whole numbers from ``low`` to ``MAX_INDEX``, as read-only int64 (checked before casting)."""
    array = _array(where, name, value)
    scalar = array.ndim == 0
    if not scalar and array.shape != (size,):
        raise fail(where, name, f"a scalar or {size} values", array.shape)
    flat = array.reshape(-1)
    expected = f"integers from {low} to {MAX_INDEX}"
    if flat.size:
        if flat.dtype.kind == "f":
            if not np.all(np.isfinite(flat)) or np.any(flat != np.round(flat)):
                got = value if scalar else "non-integral or non-finite values"
                raise fail(where, name, expected, got, described=not scalar)
        elif flat.dtype.kind not in "iu":
            raise fail(where, name, expected, value if scalar else str(flat.dtype), described=not scalar)
        if flat.min() < low or flat.max() > MAX_INDEX:
            raise fail(where, name, expected, (flat.min() if flat.min() < low else flat.max()).item())
    out = flat.astype(np.int64)  # in range: no wrap
    return readonly(np.full(size, out[0]) if scalar else out)


def _sequence(name: str, value: Any, kind: type[_T]) -> tuple[_T, ...]:
    """``value`` as a tuple of ``kind`` items (a sequence of them; one on its own is refused)."""
    if isinstance(value, (str, bytes, Mapping, kind)) or not isinstance(value, Iterable):
        raise fail(_P, name, f"a sequence of {kind.__name__}", value)
    items = tuple(value)
    for item in items:
        if not isinstance(item, kind):
            raise fail(_P, f"{name} item", f"a {kind.__name__}", item)
    return items


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
        indptr = _array(_P, "indptr", indptr)
        if indptr.ndim != 1 or len(indptr) < 1 or indptr.dtype.kind not in "iu":
            raise fail(_P, "indptr", "a 1-d integer array of row offsets", _form(indptr), described=True)
        n_jobs = param(_P, "n_jobs", n_jobs, COUNT)
        n = len(indptr) - 1
        if n > MAX_INDEX:
            raise fail(_P, "indptr", f"offsets of at most {MAX_INDEX} workers", n)
        # Offsets in range before the cast, so that unsigned or huge ones cannot wrap (a wrapped diff would
        # pass as non-decreasing and send the kernels past the end of ``jobs``).
        if indptr.min() < 0 or indptr.max() > MAX_INDEX:
            raise fail(_P, "indptr", f"offsets from 0 to {MAX_INDEX}", (indptr.min().item(), indptr.max().item()))
        indptr = indptr.astype(np.int64)
        if indptr[0] != 0 or np.any(np.diff(indptr) < 0):
            raise fail(_P, "indptr", "non-decreasing offsets from 0", indptr[:5].tolist())
        nnz = int(indptr[-1])
        jobs = _indices(_P, "jobs", jobs, nnz, n_jobs).astype(np.int32)  # n_jobs <= MAX_INDEX: no wrap
        values = _values(values, nnz, n)
        from .. import _sparse  # numba only once a Problem is built

        row = _sparse.first_repeat(indptr, jobs, n_jobs) if nnz else -1
        if row >= 0:
            raise fail(
                _P, f"jobs of worker {row}", "each job at most once per worker", "a repeated job", described=True
            )
        self.indptr = readonly(indptr)
        self.jobs = readonly(jobs)
        self.values = readonly(values)
        self.n_workers, self.n_jobs = n, n_jobs
        self.capacity = _int_array(_P, "capacity", capacity, self.n_jobs, 0)
        self.use = _int_array(_P, "use", use, nnz, 0)
        self.people = _int_array(_P, "people", people, n, 0)
        self.maximize = param(_P, "maximize", maximize, FLAG)
        self.must_place = param(_P, "must_place", must_place, FLAG)
        self.quotas = tuple(self._check_quota(q) for q in _sequence("quotas", quotas, GroupBound))
        self.caps = tuple(self._check_cap(c) for c in _sequence("caps", caps, Cap))

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

    def with_arcs(self, workers: Any, jobs: Any, values: Any) -> Problem:
        """This problem with more arcs, ``(workers[t], jobs[t])`` worth ``values[t]``; an arc it has already is not
        added again.

        Each worker's new arcs follow its old ones (arc indices of the old
        arcs shift by the arcs added before them, their order kept); a new
        arc uses the worker's ``people``.  Capacities, quotas and caps are
        kept.  The new arcs are checked as :class:`Problem` checks arcs
        (indices in range, finite values within its range, no pair twice
        among them), in vectorised passes: the pricing passes of
        :func:`jobmatch.match` add millions of pairs this way.

        Raises
        ------
        ValidationError
            Indices out of range or not integers, values not finite or too
            large, arrays of different lengths, a pair given twice, or more
            than 2**31 - 1 arcs in all.

        Examples
        --------
        >>> import numpy as np
        >>> sparse = Problem.from_arcs([0, 1], [0, 1], [3.0, 2.0], n_workers=2, n_jobs=2)
        >>> grown = sparse.with_arcs([1, 0], [0, 0], [4.0, 9.0])  # (0, 0) is an arc already: kept as it was
        >>> grown.indptr.tolist(), grown.jobs.tolist(), grown.values.tolist()
        ([0, 1, 3], [0, 1, 0], [3.0, 2.0, 4.0])
        """
        from .. import _sparse

        where = "Problem.with_arcs"
        size = _array(where, "workers", workers).size
        workers = _indices(where, "workers", workers, size, self.n_workers)
        jobs = _indices(where, "jobs", jobs, size, self.n_jobs)
        values = _values(values, size, self.n_workers, where)
        new = ~_sparse.in_rows(self.indptr, self.jobs, workers, jobs)  # np.isin on (worker, job) keys: 20x slower
        workers, jobs, values = workers[new], jobs[new], values[new]
        if self.n_arcs + len(workers) > MAX_INDEX:
            raise fail(where, "workers", f"at most {MAX_INDEX:,} arcs in all", self.n_arcs + len(workers))
        old = np.diff(self.indptr)
        added = np.bincount(workers, minlength=self.n_workers)
        indptr = indptr_from_counts(old + added)
        start = indptr[:-1] + old  # where each worker's new arcs go
        order = np.argsort(workers, kind="stable")
        workers, jobs, values = workers[order], jobs[order], values[order]
        first = np.zeros(self.n_workers + 1, dtype=np.int64)
        np.cumsum(added, out=first[1:])
        twice = _sparse.first_repeat(first, jobs, self.n_jobs) if len(jobs) else -1
        if twice >= 0:
            raise fail(where, "jobs", "each job at most once per worker among the new arcs",
                       f"worker {twice} given a job twice", described=True)  # fmt: skip
        slots = start[workers] + np.arange(len(workers)) - first[workers]
        kept = np.arange(self.n_arcs) - self.indptr[self.workers] + indptr[self.workers]
        out_jobs = np.empty(indptr[-1], dtype=np.int32)
        out_values = np.empty(indptr[-1], dtype=np.float64)
        out_use = np.empty(indptr[-1], dtype=np.int64)
        out_jobs[kept], out_values[kept], out_use[kept] = self.jobs, self.values, self.use
        out_jobs[slots], out_values[slots], out_use[slots] = jobs, values, self.people[workers]
        return Problem._trusted(
            indptr,
            out_jobs,
            out_values,
            capacity=self.capacity,
            n_jobs=self.n_jobs,
            use=out_use,
            people=self.people,
            maximize=self.maximize,
            must_place=self.must_place,
            quotas=self.quotas,
            caps=self.caps,
        )

    def fixing(self, arcs: Any) -> Problem:
        """The problem of the other workers once the workers of ``arcs`` (arc indices, at most one per worker) are
        fixed along them.

        The fixed workers keep their row but lose every arc; the places they
        take leave the capacities and the caps; the quotas count them as
        placed before (their people, and their members among them).  Every
        other arc keeps its order, so an arc of a free worker is found in
        the new problem at its index less the fixed workers' arcs before
        it.  A re-match solves its free workers this way
        (:func:`jobmatch.rematch`, ``keep=``).

        Raises
        ------
        ValidationError
            Arc indices out of range or two of one worker, or fixed places
            that overfill a job or a cap (a quota they break leaves the
            problem infeasible, as any quota that cannot hold).

        Examples
        --------
        >>> import numpy as np
        >>> p = Problem.from_dense(np.array([[3.0, 1.0], [2.0, 5.0]]), capacity=[1, 2])
        >>> rest = p.fixing([1])  # worker 0 fixed at job 1
        >>> rest.capacity.tolist(), rest.indptr.tolist(), rest.jobs.tolist()
        ([1, 1], [0, 0, 2], [0, 1])
        """
        where = "Problem.fixing"
        size = _array(where, "arcs", arcs).size
        arcs = _indices(where, "arcs", arcs, size, self.n_arcs)
        fixed = np.zeros(self.n_workers, dtype=bool)
        fixed[self.workers[arcs]] = True
        if np.count_nonzero(fixed) != size:
            raise fail(where, "arcs", "at most one arc per worker", "two arcs of one worker", described=True)
        on = self.jobs[arcs]
        taken = np.bincount(on, weights=self.use[arcs], minlength=self.n_jobs).astype(np.int64)
        if np.any(taken > self.capacity):
            job = int(np.argmax(taken > self.capacity))
            raise fail(where, "arcs", f"at most {self.capacity[job]} places taken in job {job}", int(taken[job]))
        people = self.people[self.workers[arcs]]
        within = [c.limit - int(people[c.jobs[on]].sum()) for c in self.caps]
        for c, left in zip(self.caps, within):
            if left < 0:
                raise fail(where, "arcs", f"places within cap {c.name!r} (at most {c.limit} people)",
                           f"{c.limit - left} people fixed there", described=True)  # fmt: skip
        caps = tuple(Cap(c.name, c.jobs, left) for c, left in zip(self.caps, within))
        placed = int(self.people[fixed].sum())
        quotas = tuple(
            replace(q, placed_before=q.placed_before + placed,
                    members_before=q.members_before + int(self.people[fixed & q.members].sum()))
            for q in self.quotas
        )  # fmt: skip
        free = ~fixed[self.workers]
        return Problem._trusted(
            indptr_from_counts(np.bincount(self.workers[free], minlength=self.n_workers)),
            self.jobs[free],
            self.values[free],
            capacity=self.capacity - taken,
            n_jobs=self.n_jobs,
            use=self.use[free],
            people=self.people,
            maximize=self.maximize,
            must_place=self.must_place,
            quotas=quotas,
            caps=caps,
        )

    def _check_quota(self, quota: GroupBound) -> GroupBound:
        """A quota (checked when made) whose mask covers this problem's workers."""
        if quota.members.shape != (self.n_workers,):
            raise fail(
                _P, f"quotas[{quota.name!r}].members", f"a bool mask of {self.n_workers} workers", quota.members.shape
            )
        return quota

    def _check_cap(self, cap: Cap) -> Cap:
        """A cap (checked when made) whose mask covers this problem's jobs."""
        if cap.jobs.shape != (self.n_jobs,):
            raise fail(_P, f"caps[{cap.name!r}].jobs", f"a bool mask of {self.n_jobs} jobs", cap.jobs.shape)
        return cap

    # ------------------------------------------------------------------ builders
    @classmethod
    def from_dense(cls, matrix: Any, *, capacity: Any = 1, maximize: bool = True, **options: Any) -> Problem:
        """A problem over every finite entry of a (workers x jobs) matrix.

        An infinite entry marks a pair that is not allowed only in the
        direction that means "never": ``-inf`` when maximising, ``+inf``
        when minimising.  The other infinity (an infinitely good pair) and
        NaN are errors.  Other keyword options are those of :class:`Problem`.

        Examples
        --------
        >>> import numpy as np
        >>> Problem.from_dense(np.array([[1.0, np.inf]]), maximize=False).n_arcs
        1
        >>> Problem.from_dense(np.array([[1.0, np.inf]]))
        Traceback (most recent call last):
        ...
        jobmatch.exceptions.ValidationError: Problem: matrix must be finite numbers or -inf for forbidden pairs \
(when maximising), got +inf
        """
        maximize = param(_P, "maximize", maximize, FLAG)
        array = _array(_P, "matrix", matrix)
        if array.dtype.kind not in "iufO":
            raise fail(_P, "matrix", "a 2-d array of numbers", str(array.dtype), described=True)
        try:
            dense = array.astype(np.float64)
        except (TypeError, ValueError, OverflowError):
            raise fail(_P, "matrix", "a 2-d array of numbers", "objects that are not numbers", described=True) from None
        if dense.ndim != 2:
            raise fail(_P, "matrix", "a 2-d array (workers x jobs)", dense.shape)
        forbidden, allowed, wrong = (-np.inf, "-inf", "+inf") if maximize else (np.inf, "+inf", "-inf")
        bad = np.isnan(dense) | (np.isinf(dense) & (dense != forbidden))
        if bad.any():
            sense = "maximising" if maximize else "minimising"
            got = "NaN" if np.isnan(dense).any() else wrong
            raise fail(
                _P, "matrix", f"finite numbers or {allowed} for forbidden pairs (when {sense})", got, described=True
            )
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
        """A problem from parallel arrays of arcs (any order; sorted here).

        ``use``, when an array, has one entry per arc, in the order of the
        arcs given.

        Examples
        --------
        >>> Problem.from_arcs([1, 0], [0, 0], [2.0, 3.0], n_workers=3, n_jobs=1, use=[2, 1]).use.tolist()
        [1, 2]
        """
        n_workers = param(_P, "n_workers", n_workers, COUNT)
        n_jobs = param(_P, "n_jobs", n_jobs, COUNT)
        workers, jobs, values = (
            _array(_P, name, a) for name, a in (("workers", workers), ("jobs", jobs), ("values", values))
        )
        if not (workers.shape == jobs.shape == values.shape) or workers.ndim != 1:
            raise fail(_P, "workers/jobs/values", "1-d arrays of one length", (workers.shape, jobs.shape, values.shape))
        size = len(workers)
        workers = _indices(_P, "workers", workers, size, n_workers)
        jobs = _indices(_P, "jobs", jobs, size, n_jobs)
        use_array = _array(_P, "use", use)
        if use_array.ndim and use_array.shape != (size,):
            raise fail(_P, "use", f"a scalar or {size} values, one per arc", use_array.shape)
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

    @cached_property
    def units(self) -> np.ndarray | None:
        """Capacity each worker uses, when every arc of a worker uses the same amount, at least 1 (else None).

        Computed once (the solvers ask it several times per solve; read-only).
        """
        units = np.ones(self.n_workers, dtype=np.int64)
        units[self.workers] = self.use
        return readonly(units) if np.array_equal(units[self.workers], self.use) and np.all(units >= 1) else None

    @property
    def graph(self) -> CandidateGraph:
        """The arcs as a :class:`CandidateGraph`, rows best first in the problem's sense.

        A graph's rows are sorted by score, highest first: for a minimisation
        problem its scores are the negated costs.
        """
        scores = (self.values if self.maximize else -self.values).astype(np.float32)
        order = np.lexsort((self.jobs, -scores, self.workers))  # ties compared in float32, as the graph checks
        return CandidateGraph(
            self.indptr,
            self.jobs[order],
            scores[order],
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
            self.values if values is None else _values(values, self.n_arcs, self.n_workers),
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
            new.quotas = tuple(new._check_quota(q) for q in _sequence("quotas", quotas, GroupBound))
        if caps is not None:
            new.caps = tuple(new._check_cap(c) for c in _sequence("caps", caps, Cap))
        return new

    def chosen(self, job_of: Any) -> np.ndarray:
        """Boolean mask over arcs: the arcs an assignment takes (``job_of``: job per worker, -1 unplaced).

        Examples
        --------
        >>> p = Problem.from_dense(np.array([[3.0, 1.0], [2.0, 5.0]]), capacity=1)
        >>> p.chosen(np.array([1, -1])).tolist()
        [False, True, False, False]
        """
        job_of = _array(_P, "job_of", job_of)
        if job_of.shape != (self.n_workers,) or (job_of.dtype.kind not in "iu" and job_of.size):
            expected = f"{self.n_workers} integer job indices (-1: unplaced)"
            raise fail(_P, "job_of", expected, _form(job_of), described=True)
        return cast(np.ndarray, self.jobs == job_of[self.workers])

    def objective_of(self, job_of: Any) -> float:
        """Total value of an assignment (job index per worker, -1 unplaced)."""
        return float(self.values[self.chosen(job_of)].sum())

    def __repr__(self) -> str:
        sense = "max" if self.maximize else "min"
        return (
            f"<Problem ({sense}): {self.n_workers:,} workers x {self.n_jobs:,} jobs, {self.n_arcs:,} arcs, "
            f"{len(self.quotas)} quotas, {len(self.caps)} caps{', every worker placed' if self.must_place else ''}>"
        )
