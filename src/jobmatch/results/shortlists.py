"""Deprecated path of :mod:`jobmatch.pipeline.shortlists` (kept for one release): use ``jobmatch.shortlist``.

A shortlist scores the market and solves stable matchings on it, so it is a
pipeline step, not a way to read a result; the code moved to
:mod:`jobmatch.pipeline.shortlists`.  Importing this module warns
(:class:`DeprecationWarning`) and gives the same :func:`shortlist`.  It is
the one import from ``results`` up into ``pipeline``, allowed by name in the
import-linter contracts (``pyproject.toml``) until the path is removed;
nothing in the package imports it.
"""

from __future__ import annotations

import warnings

from ..pipeline.shortlists import shortlist

__all__ = ["shortlist"]

warnings.warn(
    "jobmatch.results.shortlists is deprecated and will be removed after one release: "
    "use jobmatch.shortlist (the code is in jobmatch.pipeline.shortlists)",
    DeprecationWarning,
    stacklevel=2,
)
