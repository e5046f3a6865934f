"""What a what-if changed, told apart from solver noise: the proven interval of the optimum's difference.

Two runs (a base and a what-if: more seats, one more job, another share)
each end with an objective and, where the solver proves one, a bound on
the optimum. For maximisation the base optimum lies in ``[objective,
bound]`` and so does the what-if's, so the difference of the optima lies
in ``[other.objective - base.bound, other.bound - base.objective]``.
Only when that interval excludes 0 is the what-if proven to change the
best total score; otherwise the runs may differ only by which of several
near-equal answers each solver returned, and counts such as "people
placed" differ for the same reason. :func:`effect` says which.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .._checks import fail

if TYPE_CHECKING:
    from .assignment import Assignment

__all__ = ["Effect", "effect"]


@dataclass(frozen=True)
class Effect:
    """The objective's difference between two runs and what is proven about it.

    Attributes
    ----------
    difference : float
        ``other.objective - base.objective``.
    low, high : float
        The optimum's difference is proven to lie in ``[low, high]``
        (infinite where a run has no bound).
    proven : bool
        The interval excludes 0: the what-if changes the best total score.
    people : int
        People placed in ``other`` less those in ``base`` (a count, not
        what the solvers optimise: read it only when ``proven``).
    unsolved : str or None
        Which run found no solution (INFEASIBLE or UNKNOWN) and why: then
        nothing is compared (``difference`` NaN, the interval unbounded).
    """

    difference: float
    low: float
    high: float
    proven: bool
    people: int
    unsolved: str | None = None

    def __str__(self) -> str:
        if self.unsolved is not None:
            return f"no comparison: {self.unsolved}"
        interval = f"proven between {self.low:+,.4g} and {self.high:+,.4g}"
        if self.proven:
            return f"objective {self.difference:+,.4g} ({interval}); {self.people:+,} people placed"
        return (f"no effect within the solver's precision (objective {self.difference:+,.4g}, optimum's "
                f"difference {interval})")  # fmt: skip


def effect(base: Assignment, other: Assignment) -> Effect:
    """The what-if ``other`` against ``base`` (module notes).

    Examples
    --------
    >>> from jobmatch import match, synth
    >>> from jobmatch.pipeline.routes import more_seats
    >>> market = synth.scenario(300, 20, seed=1)
    >>> base = match(market, k=5)
    >>> same = effect(base, match(market, k=5))  # the same run again
    >>> same.proven, same.low <= 0 <= same.high, str(same).startswith("no effect within the solver's precision")
    (False, True, True)
    >>> workers, jobs, _ = market.to_frames()
    >>> jobs["capacity"] *= 2
    >>> from jobmatch import Market
    >>> bigger = effect(base, match(Market.from_frames(workers, jobs), k=5))
    >>> bigger.proven, bigger.low > 0, bigger.people > 0
    (True, True, True)
    >>> from jobmatch import GroupQuota, Policy
    >>> impossible = Policy(quotas=[GroupQuota("poverty_alleviated", min_count=10_000)])
    >>> print(effect(base, match(market, impossible, k=5, solver="cpsat")))  # doctest: +ELLIPSIS
    no comparison: the what-if run has no solution (INFEASIBLE: ...)
    """
    from ..solvers.result import Status
    from .assignment import Assignment

    for name, run in (("base", base), ("other", other)):
        if not isinstance(run, Assignment):
            raise fail("effect", name, "a jobmatch.Assignment", type(run).__name__)
    for name, run in (("base", base), ("what-if", other)):
        if run.status in (Status.INFEASIBLE, Status.UNKNOWN):  # no solution: its objective means nothing
            why = f"the {name} run has no solution ({run.status.name}: {run.diagnosis or run.status.value})"
            return Effect(math.nan, -math.inf, math.inf, False, 0, unsolved=why)
    b_obj, o_obj = float(base.objective), float(other.objective)
    b_bound, o_bound = base.bound, other.bound  # a re-match's bound (of its penalised solve) bounds its score too
    low = -math.inf if b_bound is None else o_obj - b_bound
    high = math.inf if o_bound is None else o_bound - b_obj
    tolerance = 1e-9 * max(1.0, abs(b_obj), abs(o_obj))  # rounding of the recomputed objectives
    proven = low > tolerance or high < -tolerance
    return Effect(o_obj - b_obj, low, high, proven, int(other.people_placed - base.people_placed))
