"""Integer arc values for OR-Tools: one scale per problem, with the rounding slack that keeps bounds valid."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .._checks import MAX_TOTAL
from .problem import Problem

__all__ = ["Scaled", "integer_values", "scaled_values"]

#: Scaled values stay within this reach (see :func:`scaled_values`), so int64 arithmetic in OR-Tools cannot
#: overflow: its flow multiplies costs by about 2.5 x (nodes + 3) (measured: ``BAD_COST_RANGE`` beyond), CP-SAT
#: sums every coefficient of the objective, and the dense assignment adds all costs up.
_BUDGET = MAX_TOTAL
#: Most decimal digits kept (see :func:`integer_values`).
_DIGITS = 6


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

    Integral values are kept exactly (scale 1) when they fit.  Other values
    are multiplied by ``10**d``, the largest ``d <= 6`` that keeps them
    within reach (see :func:`scaled_values`), and rounded: the solution is
    then optimal for the rounded values, and its true objective is within
    ``n_placed / scale`` of the optimum (for scores in [0, 1] and a million
    placements: within 1.0 of a total near 500,000).  Bounds are widened by
    the rounding slack (``0.5 / scale`` per placement) so they stay valid
    for the true values.  Six digits, not nine: OR-Tools' cost-scaling flow
    needs more phases the wider the cost range (figures in
    ``docs/benchmarks.md``, "Figures behind built-in defaults").

    A :class:`Problem` keeps every total below 2**53; values so large that
    they do not fit its flow network (``|value| x nodes``) are scaled down
    (``d < 0``) the same way, never left to overflow.

    Examples
    --------
    >>> p = Problem.from_dense(np.array([[2.0**52, 1.0]]))
    >>> s = integer_values(p)
    >>> s.scale < 1, s.ints.dtype, bool(s.slack > 0)
    (True, dtype('int64'), True)
    """
    nodes = problem.n_workers + problem.n_jobs + len(problem.quotas) + len(problem.caps) + 4
    return scaled_values(problem.values, problem.n_workers, nodes=nodes)


def scaled_values(values: np.ndarray, terms: int, *, nodes: int = 0) -> Scaled:
    """:func:`integer_values` for any finite values of which at most ``terms`` are summed.

    The scale keeps the *reach* of the scaled values below 2**53: their
    largest magnitude times ``max(terms, nodes)`` (``nodes``: of the flow
    network they will cost), and the sum of all their magnitudes (a CP-SAT
    objective, a dense assignment's costs).  Values too large for that at
    scale 1 are scaled down by powers of ten; the slack says what the
    rounding may cost.

    Examples
    --------
    >>> scaled_values(np.array([0.25, 1.5]), 2)
    Scaled(ints=array([ 250000, 1500000]), scale=1000000.0, slack=0.0)
    >>> s = scaled_values(np.array([1e300, 1.0]), 2)
    >>> int(np.abs(s.ints).max()) < 2**53, s.slack > 0
    (True, True)
    """
    values = np.asarray(values, dtype=np.float64)
    magnitude = np.abs(values)
    top = float(magnitude.max()) if len(values) else 0.0
    terms = max(terms, 1)
    if top == 0.0:
        return Scaled(np.zeros(len(values), dtype=np.int64), 1.0, 0.0)
    # log10 of the reach, computed without overflow: top * width, and top * sum(|v| / top)
    width = max(terms, nodes)
    log_reach = math.log10(top) + math.log10(max(width, float(np.sum(magnitude / top))))
    if np.all(values == np.round(values)) and log_reach < math.log10(_BUDGET):
        return Scaled(values.astype(np.int64), 1.0, 0.0)
    digits = min(_DIGITS, math.floor(math.log10(_BUDGET) - log_reach))
    while digits > -300 and log_reach + digits >= math.log10(_BUDGET):  # float rounding at the edge
        digits -= 1
    scale = 10.0**digits
    ints = np.round(values * scale).astype(np.int64)
    exact = np.array_equal(ints / scale, values)
    return Scaled(ints, scale, 0.0 if exact else 0.5 / scale * min(terms, len(values)))
