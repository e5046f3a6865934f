"""Public path of :mod:`jobmatch.scoring.outcomes`: outcome models.

The code lives in its layer (``docs/architecture.md``); this module keeps
the documented ``jobmatch.outcomes`` path working.
"""

from .scoring.outcomes import COEFFICIENTS, retention

__all__ = ["COEFFICIENTS", "retention"]
