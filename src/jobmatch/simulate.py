"""Public path of :mod:`jobmatch.pipeline.simulate`: a programme year simulated week by week.

The code lives in its layer (``docs/architecture.md``); this module keeps
the documented ``jobmatch.simulate`` path working.  ``compare`` is the
deprecated name of :func:`compare_strategies` (kept for one release): it is
not :func:`jobmatch.compare`, which runs solvers on one market.
"""

from __future__ import annotations

import warnings
from typing import Any

from .pipeline.simulate import STATUS_QUO, Strategy, Year, run
from .pipeline.years import compare_strategies, plot

__all__ = ["STATUS_QUO", "Strategy", "Year", "compare", "compare_strategies", "plot", "run"]


def compare(*args: Any, **kwargs: Any) -> Any:
    """Deprecated name of :func:`compare_strategies` (kept for one release): warns, then calls it with the same
    arguments."""
    warnings.warn(
        "jobmatch.simulate.compare is deprecated and will be removed after one release: use "
        "jobmatch.simulate.compare_strategies (the same function; jobmatch.compare runs solvers on one market)",
        DeprecationWarning,
        stacklevel=2,
    )
    return compare_strategies(*args, **kwargs)
