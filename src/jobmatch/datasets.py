"""Public path of :mod:`jobmatch.solvers.orlib`: the OR-Library loaders.

The code lives in its layer (``docs/architecture.md``); this module keeps
the documented ``jobmatch.datasets`` path working.
"""

from .solvers.orlib import load_orlib_assign, load_orlib_gap

__all__ = ["load_orlib_assign", "load_orlib_gap"]
