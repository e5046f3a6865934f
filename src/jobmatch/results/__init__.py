"""The results layer: an :class:`Assignment` and every way to read it.

The placements frame (``frame``), unplaced reasons (``reasons``),
explanations (``explain``), programme metrics (``metrics``), plots
(``plot``) and capacity-aware shortlists (``shortlists``).  They read a
market, a problem and a solver's result; none imports :mod:`.assignment`,
which reaches each of them lazily, so the layer has no cycle.
"""

from __future__ import annotations

from .assignment import Assignment

__all__ = ["Assignment"]
