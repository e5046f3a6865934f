"""Integer arc values for OR-Tools: one scale per problem, with the rounding slack that keeps bounds valid."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .problem import Problem

__all__ = ["Scaled", "integer_values", "scaled_values"]

#: Totals of scaled values stay below this, so int64 arithmetic in OR-Tools
#: (which multiplies costs by up to the node count internally) cannot overflow.
_BUDGET = 2.0**53


class Scaled(NamedTuple):
    """Arc values as int64 for OR-Tools: ``ints ~ values * scale``."""

    ints: np.ndarray
    scale: float
    #: Most the rounding can change any assignment's total (0 when exact).
    slack: float

    def bound(self, scaled_bound: float, maximize: bool) -> float:
        """A proven bound on the true optimum from one on the rounded problem."""
        return scaled_bound / self.scale + (self.slack if maximize else -self.slack)


def integer_values(problem: Problem) -> Scaled:
    """The arc values as int64 for OR-Tools, the scale used and the rounding slack.

    Integral values are kept exactly (scale 1).  Other values are multiplied
    by ``10**d``, the largest ``d <= 6`` that keeps any total within 2**53,
    and rounded: the solution is then optimal for the rounded values, and
    its true objective is within ``n_placed / scale`` of the optimum (for
    scores in [0, 1] and a million placements: within 1.0 of a total near
    500,000).  Bounds are widened by the rounding slack (``0.5 / scale`` per
    placement) so they stay valid for the true values.  Six digits, not
    nine: OR-Tools' cost-scaling flow needs more phases the wider the cost
    range (figures in ``docs/benchmarks.md``, "Figures behind built-in
    defaults").
    """
    return scaled_values(problem.values, problem.n_workers)


def scaled_values(values: np.ndarray, terms: int) -> Scaled:
    """:func:`integer_values` for any values of which at most ``terms`` are summed."""
    top = float(np.abs(values).max()) if len(values) else 0.0
    terms = max(terms, 1)
    if np.all(values == np.round(values)) and top * terms < _BUDGET:
        return Scaled(values.astype(np.int64), 1.0, 0.0)
    digits = 6
    while digits > 0 and top * 10.0**digits * terms >= _BUDGET:
        digits -= 1
    scale = 10.0**digits
    ints = np.round(values * scale).astype(np.int64)
    exact = np.array_equal(ints / scale, values)
    return Scaled(ints, scale, 0.0 if exact else 0.5 / scale * min(terms, len(values)))
