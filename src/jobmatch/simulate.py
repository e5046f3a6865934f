"""Public path of :mod:`jobmatch.pipeline.simulate`: a programme year simulated week by week.

The code lives in its layer (``docs/architecture.md``); this module keeps
the documented ``jobmatch.simulate`` path working.
"""

from .pipeline.simulate import STATUS_QUO, Strategy, Year, run
from .pipeline.years import compare, plot

__all__ = ["STATUS_QUO", "Strategy", "Year", "compare", "plot", "run"]
