"""Public path of :mod:`jobmatch.scoring.blend`: outside per-pair scores blended into the composite.

The code lives in its layer (``docs/architecture.md``); this module keeps
the documented ``jobmatch.blend`` path working.
"""

from .scoring.blend import Blend, PairScores, blend_candidates, blended

__all__ = ["Blend", "PairScores", "blend_candidates", "blended"]
