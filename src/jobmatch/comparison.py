"""Public path of :mod:`jobmatch.pipeline.comparison`: strategy comparison.

The code lives in its layer (``docs/architecture.md``); this module keeps
the documented ``jobmatch.comparison`` path working.
"""

from .pipeline.comparison import STATUS_QUO, compare, uplift_summary

__all__ = ["STATUS_QUO", "compare", "uplift_summary"]
