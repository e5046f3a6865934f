"""The results layer: an :class:`Assignment` and every way to read it.

The placements frame (``frame``), unplaced reasons (``reasons``), what a
re-match changed (``changes``), effects (``effect``), explanations
(``explain``), programme metrics (``metrics``) and figures (``plot`` of an
assignment, ``plot_years`` of simulated years).  They read a market, a
problem, a solver's result or records the pipeline made; none scores a
market or runs a solver (that is the pipeline's work), and none imports
:mod:`.assignment`, which reaches each of them lazily, so the layer has no
cycle.  ``shortlists`` is a deprecated path of
:mod:`jobmatch.pipeline.shortlists`, kept for one release.
"""

from __future__ import annotations

from .assignment import Assignment

__all__ = ["Assignment"]
