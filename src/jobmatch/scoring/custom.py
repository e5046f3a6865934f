"""Custom components inside the scoring kernels.

The scoring kernels call ``extra_row`` after scoring each worker's row
(:mod:`jobmatch.scoring._kernels`); for a policy with custom components
(:mod:`jobmatch.components`), :func:`kernels` compiles copies of the
kernels with ``extra_row`` bound to the components' weighted sum, so they
run inside the same parallel loops (dense, top-k, job side, breakdown).
The copies are compiled once per process and set of weighted component
functions (weights and tables are read at run time), not cached on disk;
the built-in kernels are untouched.
"""

from __future__ import annotations

import math
import types
from typing import TYPE_CHECKING, Any

import numpy as np

from .._config import INLINE_UNCACHED
from ..components import Component, active
from ..data.schema import fail

if TYPE_CHECKING:
    from ..data.market import Market
    from ..policy import Policy

__all__ = ["attributes", "kernels", "values"]

_KERNELS = ("dense_scores", "worker_top_k", "job_top_k", "one_pair", "many_pairs")
_COMPILED: dict[tuple, types.SimpleNamespace] = {}


def attributes(market: Market, policy: Policy) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The ``custom_*`` fields of the kernels' ``P``: the active components' attributes, data tables and weights.

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


def values(market: Market, policy: Policy, i: int, j: int) -> dict[str, float]:
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


def kernels(policy: Policy, module: Any) -> Any:
    """The policy's scoring kernels: ``module`` (:mod:`jobmatch.scoring._kernels`), or copies adding its components."""
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

    @njit(**INLINE_UNCACHED)
    def none(w: Any, j: Any, tables: Any, weights: Any) -> float:
        return 0.0

    pair, w_at, j_at = none, 0, 0
    for d, c in enumerate(chosen):
        pair = _plus(pair, c.fn, w_at, w_at + len(c.worker), j_at, j_at + len(c.job), d)
        w_at, j_at = w_at + len(c.worker), j_at + len(c.job)

    @njit(**INLINE_UNCACHED)
    def extra_row(i: int, row: Any, P: Any) -> None:
        workers, jobs, tables, weights = P.custom_workers, P.custom_jobs, P.custom_tables, P.custom_weights
        w = workers[i]
        for j in range(row.shape[0]):
            if row[j] != -np.inf:
                row[j] = np.float32(row[j] + pair(w, jobs[j], tables, weights))

    return extra_row


def _plus(prev: Any, fn: Any, wlo: int, whi: int, jlo: int, jhi: int, d: int) -> Any:
    from numba import njit

    @njit(**INLINE_UNCACHED)
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
