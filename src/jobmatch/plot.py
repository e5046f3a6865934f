"""Public path of :mod:`jobmatch.results.plot`: plots of an assignment (needs the ``plot`` extra).

The code lives in its layer (``docs/architecture.md``); this module keeps
the documented ``jobmatch.plot`` path working.
"""

from .results.plot import CJK_FONTS, KINDS, plot, plot_uplift

__all__ = ["CJK_FONTS", "KINDS", "plot", "plot_uplift"]
