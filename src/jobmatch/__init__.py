"""jobmatch: match workers to jobs across regions, exactly and fast.

Importing the package is cheap: it loads no numba kernels and no solver.
"""

from __future__ import annotations

from . import synth
from .exceptions import JobmatchError, ValidationError
from .market import Market
from .models import Job, TrainingProgram, Worker
from .policy import COMPONENTS, GroupQuota, Policy

__all__ = [
    "COMPONENTS",
    "GroupQuota",
    "Job",
    "JobmatchError",
    "Market",
    "Policy",
    "TrainingProgram",
    "ValidationError",
    "Worker",
    "synth",
]

__version__ = "0.1.0"
