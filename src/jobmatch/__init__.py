"""jobmatch: match workers to jobs across regions, exactly and fast.

Importing the package is cheap: it loads no numba kernels and no solver.
"""

from __future__ import annotations

from . import synth
from .exceptions import JobmatchError, ValidationError
from .graph import CandidateGraph
from .market import Market
from .models import Job, TrainingProgram, Worker
from .policy import COMPONENTS, GroupQuota, Policy

__all__ = [
    "COMPONENTS",
    "CandidateGraph",
    "GroupQuota",
    "Job",
    "JobmatchError",
    "Market",
    "Policy",
    "TrainingProgram",
    "ValidationError",
    "Worker",
    "breakdown",
    "candidates",
    "score_matrix",
    "synth",
]

_LAZY = {"breakdown", "candidates", "score_matrix"}


def __getattr__(name: str):
    # Scoring compiles numba kernels: load it on first use, not at import.
    if name in _LAZY:
        from . import scoring

        return getattr(scoring, name)
    raise AttributeError(f"module 'jobmatch' has no attribute {name!r}")


__version__ = "0.1.0"
