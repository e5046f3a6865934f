"""Custom components inside the scoring kernels.

The scoring kernels call ``extra_row`` after scoring each worker's row
(:mod:`jobmatch.scoring._kernels`); for a policy with custom components
(:mod:`jobmatch.components`), :func:`kernels` compiles copies of the
kernels with ``extra_row`` bound to the components' weighted sum, so they
run inside the same parallel loops (dense, top-k, job side, breakdown).
The copies are compiled once per process and set of weighted component
functions (weights and tables are read at run time), not cached on disk;
the built-in kernels are untouched.

What the components return is checked in the kernels, cheaply: each row
records in ``status[i]`` (``P.custom_status``) whether every value was a number in
[0, 1] (:data:`FINE`), not (:data:`BAD_VALUE`), or a checked component
raised (:data:`RAISED`).  :func:`run` reads that status after the kernel and,
for the first worker whose row went wrong, evaluates the components job by
job from Python (:func:`values`) to raise a ``ValidationError`` naming the
component, the worker and the job.

Why a status and not an exception: numba loses an exception raised inside
a ``prange`` loop (the kernel returns garbage, or a later call fails with a
``SystemError``).  So a *checked* component (the default) runs recompiled
with bounds checks (``_config.BOUNDSCHECK``) on its own table at its
declared shape, and each row is scored inside a ``try`` block of its own
(an out-of-line function: a ``try`` in the ``prange`` body would keep the
loop serial) that turns any exception into :data:`RAISED`.
"""

from __future__ import annotations

import math
import types
from typing import TYPE_CHECKING, Any

import numpy as np

from .._checks import fail
from .._config import BOUNDSCHECK, INLINE_UNCACHED, JIT_UNCACHED, parallel_lock
from ..components import Component, active

if TYPE_CHECKING:
    from ..data.market import Market
    from ..policy import Policy

__all__ = ["BAD_VALUE", "FINE", "RAISED", "attributes", "kernels", "run", "values"]

_KERNELS = ("dense_scores", "worker_top_k", "worker_top_k_priced", "job_top_k", "one_pair", "many_pairs")
_COMPILED: dict[tuple[tuple[Any, tuple[str, ...], tuple[str, ...], bool], ...], types.SimpleNamespace] = {}
#: Each checked component's function, recompiled with bounds checks (by the function registered).
_CHECKED: dict[Any, Any] = {}

#: ``P.custom_status`` of a worker's row: every component value in [0, 1]; one was not; a component raised.
FINE, BAD_VALUE, RAISED = 0, 1, 2


def attributes(
    market: Market, policy: Policy, shares: dict[str, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The ``custom_*`` fields of the kernels' ``P``: the active components' attributes, tables, shapes and weights.

    Attributes are float64; the tables are stacked into one 3-d array, each
    padded with zeros to the largest (numba's parallel loops take arrays,
    not tuples of them), and their own shapes kept (a checked component
    sees its table at that shape); weights are the components' ``shares``
    of the sum of all the policy's weights.  All are read at run time, so
    one compiled copy of the kernels serves any weights and tables.  Last,
    the status of each worker's row (int8, zeros; empty without components).
    """
    chosen = active(policy)
    w_cols = [getattr(market.workers, f).astype(np.float64) for c in chosen for f in c.worker]
    j_cols = [getattr(market.jobs, f).astype(np.float64) for c in chosen for f in c.job]
    workers = np.column_stack(w_cols) if w_cols else np.zeros((market.n_workers, 0))
    jobs = np.column_stack(j_cols) if j_cols else np.zeros((market.n_jobs, 0))
    shapes = np.array([c.data.shape for c in chosen] or [(1, 1)], dtype=np.int64)
    tables = np.zeros((max(len(chosen), 1), *shapes.max(axis=0)))
    for d, c in enumerate(chosen):
        tables[d, : c.data.shape[0], : c.data.shape[1]] = c.data
    weights = np.array([shares[c.name] for c in chosen] or [0.0])
    status = np.zeros(market.n_workers if chosen else 0, dtype=np.int8)
    return np.ascontiguousarray(workers), np.ascontiguousarray(jobs), tables, shapes, weights, status


def values(market: Market, policy: Policy, i: int, j: int) -> dict[str, float]:
    """Each active component's value for worker ``i`` and job ``j``, called from Python (for breakdowns).

    Raises
    ------
    ValidationError
        A component that returns anything but a number in [0, 1], or
        raises (an index out of bounds, for a checked one), named with the
        worker and the job.
    """
    out = {}
    for c in active(policy):
        w = np.array([getattr(market.workers, f)[i] for f in c.worker], dtype=np.float64)
        v = np.array([getattr(market.jobs, f)[j] for f in c.job], dtype=np.float64)
        pair = f"worker {market.workers.ids[i]!r}, job {market.jobs.ids[j]!r}"
        try:
            value = float(_function(c)(w, v, c.data))
        except MemoryError:
            raise
        except Exception as error:  # the user's function: an index out of bounds, a division by zero, a typing error
            raise _failed(c, error, pair) from error
        if not (math.isfinite(value) and 0.0 <= value <= 1.0):
            raise fail(f"component {c.name!r}", "value", "a number in [0, 1]", f"{value!r} for {pair}", described=True)
        out[c.name] = value
    return out


def _failed(c: Component, error: BaseException, pair: str) -> Exception:
    """The ``ValidationError`` for a component's function that raised, or that numba could not compile."""
    text = str(error).strip().splitlines()
    said = f"{type(error).__name__}: {text[0] if text else ''}"[:200]
    expected = "a numba function fn(worker, job, data) returning a number for every pair"
    return fail(f"component {c.name!r}", "fn", expected, f"{said} ({pair})", described=True)


def kernels(policy: Policy, module: Any) -> Any:
    """The policy's scoring kernels: ``module`` (:mod:`jobmatch.scoring._kernels`), or copies adding its components."""
    chosen = active(policy)
    if not chosen:
        return module
    key = tuple((c.fn, c.worker, c.job, c.checked) for c in chosen)  # weights and tables are read at run time
    if key not in _COMPILED:
        _COMPILED[key] = _compile(module, _extra_row(chosen))
    return _COMPILED[key]


def run(market: Market, policy: Policy, status: np.ndarray, kernel: Any, *args: Any) -> Any:
    """``kernel(*args)`` (one of :func:`kernels`), then the components' status checked.

    ``status`` is ``P.custom_status`` of the ``P`` among ``args``.

    Raises
    ------
    ValidationError
        A component returned NaN or a value outside [0, 1], or raised (a
        checked one), or numba could not compile it: named with the first
        worker and job where it did.
    """
    chosen = active(policy)
    if not chosen:
        with parallel_lock():  # numba's workqueue layer aborts on concurrent parallel launches
            return kernel(*args)
    from numba.core.errors import NumbaError

    try:
        with parallel_lock():
            out = kernel(*args)
    except NumbaError as error:  # compiling the kernels' copies: a function numba cannot call with these arguments
        raise _failed(_uncompilable(chosen), error, "compiling the scoring kernels") from None
    if status.any():
        i = int(np.flatnonzero(status)[0])
        for j in range(market.n_jobs):
            values(market, policy, i, j)  # raises for the first job where a component goes wrong
        names = ", ".join(repr(c.name) for c in chosen)  # not found again: the function is not deterministic
        raise fail(
            f"components {names}",
            "value",
            "a number in [0, 1], the same on every call",
            f"a bad value or an error for worker {market.workers.ids[i]!r}, not found again",
            described=True,
        )
    return out


def _uncompilable(chosen: list[Component]) -> Component:
    """The first component numba cannot compile for one worker's and one job's attributes (else the first)."""
    from numba import typeof

    for c in chosen:
        try:  # compiled, not called: an unchecked function may index anywhere
            _function(c).compile(tuple(typeof(a) for a in (np.zeros(len(c.worker)), np.zeros(len(c.job)), c.data)))
        except Exception:
            return c
    return chosen[0]


def _function(c: Component) -> Any:
    """The function the kernels call for ``c``: as registered, or recompiled with bounds checks if checked."""
    if not c.checked:
        return c.fn
    checked = _CHECKED.get(c.fn)
    if checked is None:
        from .._config import njit

        options = {k: v for k, v in getattr(c.fn, "targetoptions", {}).items() if k != "nopython"}
        checked = _CHECKED[c.fn] = njit(**{**options, **BOUNDSCHECK})(c.fn.py_func)
    return checked


def _extra_row(chosen: list[Component]) -> Any:
    """A numba function adding the components' weighted sum to each feasible entry of a worker's row.

    It sets ``P.custom_status[i]`` to :data:`FINE` or :data:`BAD_VALUE`,
    or, with a checked component, to :data:`RAISED` when one raised.
    """
    from .._config import njit

    @njit(**INLINE_UNCACHED)
    def none(w: Any, j: Any, tables: Any, shapes: Any, weights: Any) -> tuple[float, bool]:
        return 0.0, True

    pair, w_at, j_at = none, 0, 0
    for d, c in enumerate(chosen):
        pair = _plus(pair, _function(c), w_at, w_at + len(c.worker), j_at, j_at + len(c.job), d, c.checked)
        w_at, j_at = w_at + len(c.worker), j_at + len(c.job)

    @njit(**INLINE_UNCACHED)
    def add_row(i: int, row: Any, P: Any) -> int:
        workers, jobs, tables, shapes, weights = (
            P.custom_workers,
            P.custom_jobs,
            P.custom_tables,
            P.custom_shapes,
            P.custom_weights,
        )
        w = workers[i]
        fine = True
        for j in range(row.shape[0]):
            if row[j] != -np.inf:
                extra, ok = pair(w, jobs[j], tables, shapes, weights)
                row[j] = np.float32(row[j] + extra)
                fine &= ok
        return FINE if fine else BAD_VALUE

    if not any(c.checked for c in chosen):

        @njit(**INLINE_UNCACHED)
        def extra_row(i: int, row: Any, P: Any, status: Any) -> None:
            status[i] = add_row(i, row, P)

        return extra_row

    @njit(**JIT_UNCACHED)
    def guarded_row(i: int, row: Any, P: Any) -> int:
        try:
            return add_row(i, row, P)
        except Exception:
            return RAISED

    @njit(**INLINE_UNCACHED)
    def checked_extra_row(i: int, row: Any, P: Any, status: Any) -> None:
        status[i] = guarded_row(i, row, P)

    return checked_extra_row


def _plus(prev: Any, fn: Any, wlo: int, whi: int, jlo: int, jhi: int, d: int, checked: bool) -> Any:
    """``prev`` plus component ``d``'s weighted value, and whether every value so far is in [0, 1]."""
    from .._config import njit

    if checked:  # its own table at its own shape, so that the bounds checks are the declared ones

        @njit(**INLINE_UNCACHED)
        def pair(w: Any, j: Any, tables: Any, shapes: Any, weights: Any) -> tuple[float, bool]:
            total, ok = prev(w, j, tables, shapes, weights)
            value = fn(w[wlo:whi], j[jlo:jhi], tables[d, : shapes[d, 0], : shapes[d, 1]])
            return total + weights[d] * value, ok & (value >= 0.0) & (value <= 1.0)

        return pair

    @njit(**INLINE_UNCACHED)
    def unchecked_pair(w: Any, j: Any, tables: Any, shapes: Any, weights: Any) -> tuple[float, bool]:
        total, ok = prev(w, j, tables, shapes, weights)
        value = fn(w[wlo:whi], j[jlo:jhi], tables[d])
        return total + weights[d] * value, ok & (value >= 0.0) & (value <= 1.0)

    return unchecked_pair


def _compile(module: Any, extra_row: Any) -> types.SimpleNamespace:
    """Copies of the module's kernels whose ``extra_row`` is the one given (compiled lazily, not cached)."""
    from .._config import njit

    scope = {**vars(module), "extra_row": extra_row}
    copies = {}
    for name in _KERNELS:
        original = getattr(module, name)
        fn = types.FunctionType(original.py_func.__code__, scope, name, original.py_func.__defaults__)
        options = {k: v for k, v in original.targetoptions.items() if k not in ("cache", "nopython")}
        copies[name] = njit(**options)(fn)
    return types.SimpleNamespace(**copies)
