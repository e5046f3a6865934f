"""Public path of :mod:`jobmatch.solvers.preferences`: stable matching on explicit preference lists.

The code lives in its layer (``docs/architecture.md``); this module keeps
the documented ``jobmatch.stable`` path working.
"""

from .solvers.preferences import blocking_pairs, deferred_acceptance, lists_to_csr, rank_lookup

__all__ = ["blocking_pairs", "deferred_acceptance", "lists_to_csr", "rank_lookup"]
