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

A component is *checked* unless registered with ``checked=False``: its
function runs recompiled with numba's bounds checks, on its own table at
its declared shape, and an index out of bounds (or any exception it raises)
becomes a :class:`~jobmatch.ValidationError` naming the component, the
worker and the job.  Unchecked, it runs as compiled, a little faster; an
index out of bounds then reads or writes arbitrary memory (or crashes the
interpreter).  Either way a value that is NaN or outside [0, 1] is a
``ValidationError`` naming the component, the worker and the job.

This module is the registry: what a component is and which are known
(the built-in :data:`COMPONENTS` and the registered ones).  Both
:class:`~jobmatch.Policy` (which validates its weights against it) and the
scoring layer read it.  How components run inside the kernels is
:mod:`jobmatch.scoring.custom`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ._checks import FLAG, fail, param
from .data.records import Job, Worker, record_fields
from .data.schema import Kind

if TYPE_CHECKING:
    from .policy import Policy

__all__ = ["COMPONENTS", "Component", "active", "register", "registered", "unregister"]

#: The built-in fit components, each scored in [0, 1] (see docs/scoring.md).
COMPONENTS = ("skill", "diet", "climate", "wage", "brand", "region")

_REGISTRY: dict[str, Component] = {}
_SCALAR = (Kind.NAME, Kind.OPTIONAL, Kind.COUNT, Kind.AMOUNT, Kind.FLAG)


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
    checked: bool = True


def register(
    name: str,
    fn: Any,
    *,
    worker: Sequence[str] = (),
    job: Sequence[str] = (),
    data: Any = None,
    checked: bool = True,
) -> Component:
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
        A 2-d table for ``fn`` (float64, finite or not: ``fn`` decides).
    checked : bool, optional
        True (default): ``fn`` runs with bounds checks on ``data`` at its
        own shape, and an index out of bounds or an exception raised by
        ``fn`` is a ``ValidationError`` naming the component, worker and
        job.  False: ``fn`` runs as compiled (faster; an index out of
        bounds is undefined behaviour).  Values are checked either way.

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
    where = "components.register"
    if not isinstance(name, str) or not name.strip() or name in COMPONENTS:
        raise fail(where, "name", f"non-empty text other than the built-in {list(COMPONENTS)}", name)
    if not callable(fn) or not hasattr(fn, "py_func"):
        raise fail(where, "fn", "a numba.njit function fn(worker, job, data)", type(fn).__name__)
    checked = param(where, "checked", checked, FLAG)
    fields = []
    for side, names, allowed in (("worker", worker, WORKER_FIELDS), ("job", job, JOB_FIELDS)):
        if isinstance(names, str) or not isinstance(names, Sequence):
            raise fail(where, side, f"a sequence of field names from {list(allowed)}", names)
        for field_name in names:
            if not isinstance(field_name, str) or field_name not in allowed:
                raise fail(where, f"{side} item", f"one of {list(allowed)}", field_name)
        fields.append(tuple(names))
    try:
        table = np.zeros((1, 1)) if data is None else np.asarray(data)
    except (ValueError, TypeError, OverflowError, RecursionError) as error:  # ragged, deeply nested...
        raise fail(where, "data", "None or a 2-d array of numbers", f"{type(error).__name__}: {error}") from None
    if table.ndim != 2 or table.dtype.kind not in "iufb":
        got = f"shape {table.shape}, dtype {table.dtype}"
        raise fail(where, "data", "None or a 2-d array of numbers", got, described=True)
    component = Component(name, fn, fields[0], fields[1], np.ascontiguousarray(table, dtype=np.float64), checked)
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


def active(policy: Policy) -> list[Component]:
    """The custom components the policy weights above zero, by name (each must still be registered)."""
    custom = sorted(name for name in policy.weights if name not in COMPONENTS and policy.weights[name] > 0)
    for name in custom:
        if name not in _REGISTRY:
            raise fail(
                "Policy", f"weights[{name!r}]", "a registered custom component", "unregistered since", described=True
            )
    return [_REGISTRY[name] for name in custom]
