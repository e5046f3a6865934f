"""The scoring layer: how well each worker fits each job.

Numba kernels (``_kernels``) under thin wrappers (``scores``), the custom
components they can run (``custom``), the sparse :class:`CandidateGraph`
they produce, outside scores blended in (``blend``) and outcome models
(``outcomes``).  Reads markets and policies; knows nothing of solvers.

Importing this package loads no numba: the scoring functions are imported
on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

from .graph import CandidateGraph

__all__ = ["FILTERS", "CandidateGraph", "breakdown", "candidates", "pair_components", "score_matrix"]

_LAZY = {"FILTERS", "breakdown", "candidates", "pair_components", "score_matrix"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(".scores", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
