"""jobmatch: match workers to jobs across regions, exactly and fast.

Importing the package is cheap: it loads no numba kernels, no OR-Tools and
no pandas; scoring and solving are imported on first use.  The code is in
layers (``docs/architecture.md``): ``data`` -> ``scoring`` -> ``solvers``
-> ``results`` -> ``pipeline``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from . import datasets, synth
from .data import Catalogue, Job, Market, TrainingProgram, Worker
from .exceptions import JobmatchError, NameWarning, ScopeWarning, ValidationError
from .policy import COMPONENTS, GroupQuota, Policy
from .results import Assignment
from .scoring import CandidateGraph
from .solvers import Duals, Problem, Result, Status, WarmStart

__version__ = "0.1.0"

__all__ = [
    "COMPONENTS",
    "Assignment",
    "CandidateGraph",
    "Catalogue",
    "Duals",
    "GroupQuota",
    "Job",
    "JobmatchError",
    "Market",
    "NameWarning",
    "Policy",
    "Problem",
    "Result",
    "ScopeWarning",
    "Status",
    "TrainingProgram",
    "ValidationError",
    "WarmStart",
    "Worker",
    "breakdown",
    "build_problem",
    "candidates",
    "compare",
    "datasets",
    "match",
    "rematch",
    "score_matrix",
    "shortlist",
    "solve",
    "solvers",
    "synth",
]

#: Where each name that loads numba or OR-Tools lives; imported on first use.
_LAZY = {
    "breakdown": "scoring.scores",
    "candidates": "scoring.scores",
    "compare": "pipeline.comparison",
    "build_problem": "pipeline.build",
    "compile": "pipeline.build",  # deprecated alias of build_problem for one release (not in __all__: the builtin)
    "match": "pipeline.match",
    "rematch": "pipeline.rematch",
    "score_matrix": "scoring.scores",
    "shortlist": "pipeline.shortlists",
    "solve": "solvers.registry",
}


#: The public modules loaded on first use as attributes (``jobmatch.simulate``), as ``import jobmatch.simulate``
#: would load them.
_SUBMODULES = ("blend", "comparison", "components", "distributed", "outcomes", "plot", "simulate", "stable")

if TYPE_CHECKING:  # what a type checker sees of the lazy names: the real functions (nothing is imported at run time)
    from . import blend as blend
    from . import comparison as comparison
    from . import components as components
    from . import distributed as distributed
    from . import outcomes as outcomes
    from . import plot as plot
    from . import simulate as simulate
    from . import stable as stable
    from .pipeline.build import build_problem
    from .pipeline.build import compile as compile
    from .pipeline.comparison import compare
    from .pipeline.match import match
    from .pipeline.rematch import rematch
    from .pipeline.shortlists import shortlist
    from .scoring.scores import breakdown, candidates, score_matrix
    from .solvers.registry import solve


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'jobmatch' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__, *_SUBMODULES})
