"""The solver layer: problems, results, and one registry of solvers with one signature.

Knows nothing of markets or policies: a :class:`Problem` is arcs (worker ->
job, with a value), capacities, people, quotas and caps.  Every solver is
``fn(problem, /, *, time_limit=None, seed=0, **options) -> Result``;
:func:`solve` dispatches by name (``"auto"`` picks the fastest exact one)
and checks every solution it returns (:mod:`jobmatch.solvers.check`).

Importing this package loads no OR-Tools or numba: :func:`solve` and the
registry functions are imported on first use.

Examples
--------
>>> import numpy as np
>>> from jobmatch import Problem, solve, solvers
>>> solvers.available()  # doctest: +NORMALIZE_WHITESPACE
['assignment', 'auction', 'auto', 'cpsat', 'first_come', 'flow', 'greedy',
 'lagrangian', 'random', 'stable', 'stable_jobs']
>>> problem = Problem.from_dense(np.array([[4.0, 1.0], [3.0, 2.0]]), capacity=1)
>>> result = solve(problem)
>>> result.status.name, result.solver, result.objective, result.job_of.tolist()
('OPTIMAL', 'auction', 6.0, [0, 1])
"""

from __future__ import annotations

import importlib
from typing import Any

from ..exceptions import OptionWarning
from .problem import Cap, GroupBound, Problem
from .result import Certificate, Duals, Result, Status
from .warm import WarmStart

__all__ = [
    "Cap",
    "Certificate",
    "Duals",
    "GroupBound",
    "OptionWarning",
    "Problem",
    "Result",
    "Status",
    "WarmStart",
    "available",
    "register",
    "solve",
    "unsupported",
]

_LAZY = {"available", "register", "solve", "unsupported"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(".registry", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
