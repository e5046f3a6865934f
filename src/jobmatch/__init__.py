"""jobmatch: match workers to jobs across regions, exactly and fast.

Importing the package is cheap: it loads no numba kernels and no solver.
"""

from __future__ import annotations

from . import datasets, synth
from .exceptions import JobmatchError, ValidationError
from .graph import CandidateGraph
from .market import Market
from .models import Job, TrainingProgram, Worker
from .policy import COMPONENTS, GroupQuota, Policy
from .problem import Problem, compile
from .result import Assignment, Result, Status

__all__ = [
    "COMPONENTS",
    "Assignment",
    "CandidateGraph",
    "GroupQuota",
    "Job",
    "JobmatchError",
    "Market",
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
    "score_matrix",
    "shortlist",
    "solve",
    "solvers",
    "synth",
]

_LAZY = {
    "breakdown": "scoring",
    "candidates": "scoring",
    "compare": "comparison",
    "score_matrix": "scoring",
    "shortlist": "shortlists",
    "solve": "solvers",
    "match": "solvers",
}


def __getattr__(name: str):
    # Scoring and the solvers load numba and OR-Tools: import them on first use.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    if name == "solvers":
        import importlib

        return importlib.import_module(".solvers", __name__)
    raise AttributeError(f"module 'jobmatch' has no attribute {name!r}")


__version__ = "0.1.0"
