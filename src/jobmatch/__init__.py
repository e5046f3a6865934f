"""jobmatch: match workers to jobs across regions, exactly and fast.

Importing the package is cheap: it loads no numba kernels, no OR-Tools and
no pandas; scoring and solving are imported on first use.  The code is in
layers (``docs/architecture.md``): ``data`` -> ``scoring`` -> ``solvers``
-> ``results`` -> ``pipeline``.
"""

from __future__ import annotations

import importlib
from typing import Any

from . import datasets, synth
from .data import Catalogue, Job, Market, TrainingProgram, Worker
from .exceptions import JobmatchError, NameWarning, ValidationError
from .policy import COMPONENTS, GroupQuota, Policy
from .results import Assignment
from .scoring import CandidateGraph
from .solvers import Problem, Result, Status

__version__ = "0.1.0"

__all__ = [
    "COMPONENTS",
    "Assignment",
    "CandidateGraph",
    "Catalogue",
    "GroupQuota",
    "Job",
    "JobmatchError",
    "Market",
    "NameWarning",
    "Policy",
    "Problem",
    "Result",
    "Status",
    "TrainingProgram",
    "ValidationError",
    "Worker",
    "breakdown",
    "candidates",
    "compare",
    "compile",
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
    "compile": "pipeline.compile",
    "match": "pipeline.match",
    "rematch": "pipeline.rematch",
    "score_matrix": "scoring.scores",
    "shortlist": "results.shortlists",
    "solve": "solvers.registry",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'jobmatch' has no attribute {name!r}")
