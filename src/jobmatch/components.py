"""Custom fit components: your own numba function, weighted in the Policy, inside the scoring kernels.

A component is a function of one worker's and one job's encoded attributes
(and a table of your own) returning a fit in [0, 1]::

    @numba.njit
    def dialect(worker, job, table):      # worker, job: float64 arrays of the attributes asked for
        return table[int(worker[0]), int(job[0])]

    jobmatch.components.register("dialect", dialect, worker=("origin",), job=("region",), data=table)
    policy = Policy(weights={"dialect": 1.5})

``worker`` and ``job`` name scalar fields of :class:`~jobmatch.Worker` and
:class:`~jobmatch.Job` (numbers, flags, and names as their vocabulary codes,
``-1`` for a missing brand); the function receives them in that order as
float64 arrays.  ``data`` is a 2-d float64 array passed as is (``None``: a
1 x 1 zero).  A registered component joins the composite only where a
policy weights it; the composite stays the weighted mean of every weighted
component, built-in and custom (custom ones are soft: never filters).

How it runs: the scoring kernels call ``extra_row`` after scoring each
worker's row (:mod:`jobmatch._kernels`); for a policy with custom
components, :func:`kernels` compiles copies of the kernels with
``extra_row`` bound to the components' weighted sum, so they run inside the
same parallel loops (dense, top-k, job side, breakdown).  The copies are
compiled once per process and set of weighted component functions (a few
seconds; weights and tables are read at run time), not cached on disk; the
built-in kernels are untouched.
"""

from __future__ import annotations

import math
import types
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .models import Job, Worker, record_fields
from .schema import Kind, fail

__all__ = ["Component", "attributes", "kernels", "register", "registered", "unregister"]

_REGISTRY: dict[str, Component] = {}
_SCALAR = (Kind.NAME, Kind.OPTIONAL, Kind.COUNT, Kind.AMOUNT, Kind.FLAG)
_KERNELS = ("dense_scores", "worker_top_k", "job_top_k", "one_pair", "many_pairs")
_COMPILED: dict[tuple, types.SimpleNamespace] = {}


def _scalar_fields(record: type) -> tuple[str, ...]:
    return tuple(name for name, rule, _ in record_fields(record) if rule.kind in _SCALAR)


#: Worker and job fields a component can read.
WORKER_FIELDS, JOB_FIELDS = _scalar_fields(Worker), _scalar_fields(Job)


@dataclass(frozen=True, eq=False)
class Component:
    """A registered custom component (see :func:`register`)."""

    name: str
    fn: Any
    worker: tuple[str, ...]
    job: tuple[str, ...]
    data: np.ndarray


def register(name: str, fn: Any, *, worker: Sequence[str] = (), job: Sequence[str] = (), data: Any = None) -> Component:
    """Register a custom component under ``name`` (replacing one of that name).

    Parameters
    ----------
    name : str
        The name a :class:`~jobmatch.Policy` weights it by (not a built-in
        component's).
    fn : numba dispatcher
        ``fn(worker, job, data) -> float`` in [0, 1], compiled with
        ``numba.njit``; ``worker`` and ``job`` are float64 arrays of the
        attributes below.
    worker, job : sequence of str, optional
        Scalar fields of :class:`~jobmatch.Worker` (:data:`WORKER_FIELDS`)
        and :class:`~jobmatch.Job` (:data:`JOB_FIELDS`).
    data : array_like, optional
        A 2-d table for ``fn`` (float64).

    Returns
    -------
    Component

    Examples
    --------
    >>> import numba, numpy as np
    >>> from jobmatch import Policy, breakdown, synth
    >>> from jobmatch.components import register, unregister
    >>> @numba.njit
    ... def dialect(worker, job, table):
    ...     return table[int(worker[0]), int(job[0])]
    >>> market = synth.scenario(50, 5, seed=1)
    >>> table = np.full((len(market.vocab.place),) * 2, 0.5)
    >>> _ = register("dialect", dialect, worker=("origin",), job=("region",), data=table)
    >>> b = breakdown(market, Policy(weights={"dialect": 2.0}), 0, 0)
    >>> b["components"]["dialect"], b["weights"]["dialect"]
    (0.5, 2.0)
    >>> unregister("dialect")
    """
    from .policy import COMPONENTS

    where = "components.register"
    if not isinstance(name, str) or not name.strip() or name in COMPONENTS:
        raise fail(where, "name", f"non-empty text other than the built-in {list(COMPONENTS)}", name)
    if not callable(fn) or not hasattr(fn, "py_func"):
        raise fail(where, "fn", "a numba.njit function fn(worker, job, data)", type(fn).__name__)
    fields = []
    for side, names, allowed in (("worker", worker, WORKER_FIELDS), ("job", job, JOB_FIELDS)):
        if isinstance(names, str) or not isinstance(names, Sequence):
            raise fail(where, side, f"a sequence of field names from {list(allowed)}", names)
        for field_name in names:
            if field_name not in allowed:
                raise fail(where, f"{side} item", f"one of {list(allowed)}", field_name)
        fields.append(tuple(names))
    table = np.zeros((1, 1)) if data is None else np.asarray(data)
    if table.ndim != 2 or table.dtype.kind not in "iufb":
        got = f"shape {table.shape}, dtype {table.dtype}"
        raise fail(where, "data", "None or a 2-d array of numbers", got, described=True)
    component = Component(name, fn, fields[0], fields[1], np.ascontiguousarray(table, dtype=np.float64))
    _REGISTRY[name] = component
    return component


def unregister(name: str) -> None:
    """Forget a registered component (a policy weighting it then fails validation)."""
    if name not in _REGISTRY:
        raise fail("components.unregister", "name", f"a registered component {sorted(_REGISTRY)}", name)
    del _REGISTRY[name]


def registered() -> tuple[str, ...]:
    """Names of the registered components, sorted."""
    return tuple(sorted(_REGISTRY))


def active(policy: Any) -> list[Component]:
    """The custom components the policy weights above zero, by name (each must still be registered)."""
    from .policy import COMPONENTS

    custom = sorted(name for name in policy.weights if name not in COMPONENTS and policy.weights[name] > 0)
    for name in custom:
        if name not in _REGISTRY:
            raise fail(
                "Policy", f"weights[{name!r}]", "a registered custom component", "unregistered since", described=True
            )
    return [_REGISTRY[name] for name in custom]


def attributes(market: Any, policy: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``P[6:10]`` of the kernels: the active components' worker and job attributes, data tables and weights.

    Attributes are float64; the tables are stacked into one 3-d array, each
    padded with zeros to the largest (numba's parallel loops take arrays,
    not tuples of them); weights are normalised by the sum of all the
    policy's weights.  All are read at run time, so one compiled copy of the
    kernels serves any weights and tables.
    """
    chosen = active(policy)
    w_cols = [getattr(market.workers, f).astype(np.float64) for c in chosen for f in c.worker]
    j_cols = [getattr(market.jobs, f).astype(np.float64) for c in chosen for f in c.job]
    workers = np.column_stack(w_cols) if w_cols else np.zeros((market.n_workers, 0))
    jobs = np.column_stack(j_cols) if j_cols else np.zeros((market.n_jobs, 0))
    shape = np.max([c.data.shape for c in chosen], axis=0) if chosen else (1, 1)
    tables = np.zeros((max(len(chosen), 1), *shape))
    for d, c in enumerate(chosen):
        tables[d, : c.data.shape[0], : c.data.shape[1]] = c.data
    total = float(sum(policy.weights.values()))
    weights = np.array([policy.weights[c.name] / total for c in chosen] or [0.0])
    return np.ascontiguousarray(workers), np.ascontiguousarray(jobs), tables, weights


def values(market: Any, policy: Any, i: int, j: int) -> dict[str, float]:
    """Each active component's value for worker ``i`` and job ``j``, called from Python (for breakdowns)."""
    out = {}
    for c in active(policy):
        w = np.array([getattr(market.workers, f)[i] for f in c.worker], dtype=np.float64)
        v = np.array([getattr(market.jobs, f)[j] for f in c.job], dtype=np.float64)
        value = float(c.fn(w, v, c.data))
        if not (math.isfinite(value) and 0.0 <= value <= 1.0):
            pair = f"worker {market.workers.ids[i]!r}, job {market.jobs.ids[j]!r}"
            raise fail(f"component {c.name!r}", "value", "a number in [0, 1]", f"{value!r} for {pair}", described=True)
        out[c.name] = value
    return out


def kernels(policy: Any, module: Any) -> Any:
    """The scoring kernels for a policy: ``module`` (:mod:`jobmatch._kernels`), or copies adding its components."""
    chosen = active(policy)
    if not chosen:
        return module
    key = tuple((c.fn, c.worker, c.job) for c in chosen)  # weights and tables are read at run time
    if key not in _COMPILED:
        _COMPILED[key] = _compile(module, _extra_row(chosen))
    return _COMPILED[key]


def _extra_row(chosen: list[Component]) -> Any:
    """A numba function adding the components' weighted sum to each feasible entry of a worker's row."""
    from numba import njit

    flags = {"nogil": True, "inline": "always", "error_model": "numpy"}

    @njit(**flags)
    def none(w: Any, j: Any, tables: Any, weights: Any) -> float:
        return 0.0

    pair, w_at, j_at = none, 0, 0
    for d, c in enumerate(chosen):
        pair = _plus(pair, c.fn, w_at, w_at + len(c.worker), j_at, j_at + len(c.job), d, flags)
        w_at, j_at = w_at + len(c.worker), j_at + len(c.job)

    @njit(**flags)
    def extra_row(i: int, row: Any, P: Any) -> None:
        workers, jobs, tables, weights = P[6], P[7], P[8], P[9]
        w = workers[i]
        for j in range(row.shape[0]):
            if row[j] != -np.inf:
                row[j] = np.float32(row[j] + pair(w, jobs[j], tables, weights))

    return extra_row


def _plus(prev: Any, fn: Any, wlo: int, whi: int, jlo: int, jhi: int, d: int, flags: dict) -> Any:
    from numba import njit

    @njit(**flags)
    def pair(w: Any, j: Any, tables: Any, weights: Any) -> float:
        return prev(w, j, tables, weights) + weights[d] * fn(w[wlo:whi], j[jlo:jhi], tables[d])

    return pair


def _compile(module: Any, extra_row: Any) -> types.SimpleNamespace:
    """Copies of the module's kernels whose ``extra_row`` is the one given (compiled lazily, not cached)."""
    from numba import njit

    scope = {**vars(module), "extra_row": extra_row}
    copies = {}
    for name in _KERNELS:
        original = getattr(module, name)
        fn = types.FunctionType(original.py_func.__code__, scope, name, original.py_func.__defaults__)
        options = {k: v for k, v in original.targetoptions.items() if k not in ("cache", "nopython")}
        copies[name] = njit(**options)(fn)
    return types.SimpleNamespace(**copies)
