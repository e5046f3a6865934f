"""Solver results: :class:`Status`, :class:`Result` and what a price-directed solver proves with it, :class:`Duals`."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

__all__ = ["Certificate", "Duals", "Result", "Scope", "Slack", "Status"]

#: What a result's status and bound are proven over: ``"candidates"``, the pairs of the problem that was solved
#: (a :func:`jobmatch.match`'s top-``k`` candidates), or ``"market"``, every feasible pair of the market (after the
#: pricing passes of :mod:`jobmatch.pipeline.pricing`).
Scope = Literal["candidates", "market"]


class Status(enum.Enum):
    """How a solve ended."""

    OPTIMAL = "optimal"  #: proven optimal
    FEASIBLE = "feasible"  #: a valid solution, optimality not proven (e.g. time limit)
    INFEASIBLE = "infeasible"  #: no solution satisfies the constraints (see ``diagnosis``)
    UNKNOWN = "unknown"  #: stopped (time limit) before finding any solution or proving infeasibility


class Certificate(enum.Enum):
    """What a solver's prices prove about its answer (:attr:`Duals.certificate`)."""

    EXACT = "exact prices"  #: integer prices at which the bound equals the objective: optimal, with no gap at all
    GAP_BELOW_UNIT = "gap below one unit"  #: the bound is within one integer unit of the objective: optimal
    BOUND = "bound"  #: the prices bound the optimum; the answer is not proven optimal (a time limit, split couples)


@dataclass(frozen=True, eq=False)
class Duals:
    """A price-directed solver's dual solution: job prices and worker surpluses, and what they prove.

    Whatever the prices, ``capacity @ prices + surplus.sum() + rounding`` is
    at least the optimum's value (when maximising; a minimisation's prices
    are those of the negated costs), so a solver that returns them proves
    its bound.  Returned by the ``auction`` as :attr:`Result.duals`, read
    by the pricing passes of :func:`jobmatch.match` and the Dask driver.

    Attributes
    ----------
    prices : ndarray of float64
        One per job: what a place there is worth at the margin, in the
        problem's value units (0 for a job with room left).
    surplus : ndarray of float64
        One per worker: ``max(0, max_j (v_ij - size_i x prices_j))``, the
        most it could gain at those prices.
    rounding : float
        The most that rounding the values to the solver's integers can
        change a total (0 when they are kept exactly).
    scale : float or None
        The solver's integers per value unit: it solved on
        ``round(value x scale)``, so a pair may look better or worse by up to
        ``0.5 / scale``.  None when values were not rounded.
    certificate : Certificate
        What the prices prove about the answer: that it is optimal (exact
        prices, or a gap below one unit of the integer values), or only a
        bound on the optimum (a time limit, or couples split by the
        relaxation: then the prices prove the relaxation's optimum, which
        the answer may fall short of).

    Examples
    --------
    >>> import numpy as np
    >>> from jobmatch import Problem, solve
    >>> duals = solve(Problem.from_dense(np.array([[3.0, 1.0], [2.0, 0.5]])), solver="auction").duals
    >>> duals.prices.tolist(), duals.surplus.tolist(), duals.certificate.value
    ([1.5, 0.0], [1.5, 0.5], 'exact prices')
    """

    prices: np.ndarray
    surplus: np.ndarray
    rounding: float = 0.0
    scale: float | None = None
    certificate: Certificate = Certificate.BOUND

    def __post_init__(self) -> None:
        for name in ("prices", "surplus"):
            value = np.array(getattr(self, name), dtype=np.float64)  # a copy, read-only
            value.flags.writeable = False
            object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        return f"<Duals: {len(self.prices):,} prices, {len(self.surplus):,} surpluses, {self.certificate.value}>"


@dataclass(frozen=True, eq=False)
class Slack:
    """How much room a solution leaves in every constraint (each >= 0 in a valid solution).

    Attributes
    ----------
    jobs : ndarray of int64
        Capacity left per job.
    caps : ndarray of float64
        People who could still be placed under each cap, in ``problem.caps`` order.
    quotas : dict of str to float
        Per quota bound (``"quota 'poverty_alleviated' min_share"``, ...): how far the
        solution is from breaking it, in people.  For a count, the people
        above the floor (or below the ceiling); for a minimum share ``s``,
        ``sum(people x (member - s))`` over the placed, so a member adds
        ``1 - s`` and anyone else takes away ``s``.
    """

    jobs: np.ndarray
    caps: np.ndarray
    quotas: dict[str, float]

    def __repr__(self) -> str:
        tight = int(np.count_nonzero(self.jobs == 0))
        counts = f"{len(self.caps)} caps, {len(self.quotas)} quota rows"
        return f"<Slack: {tight:,} of {len(self.jobs):,} jobs full, {counts}>"


@dataclass(frozen=True, eq=False)
class Result:
    """What a solver returns for a :class:`~jobmatch.Problem`.

    Attributes
    ----------
    status : Status
    objective : float
        Total value of the chosen arcs, recomputed in float64 from the
        problem's own values (its cost for a minimisation problem); NaN when
        there is no solution.
    job_of : ndarray of int64
        Job index per worker, -1 if unplaced (all -1 without a solution).
    solver : str
        The solver that actually ran (``"auto"`` names its choice).
    bound : float or None
        A proven bound on the optimum, when the solver has one.
    diagnosis : str or None
        For INFEASIBLE (and UNKNOWN): what could not be met, in words.
    timings : dict
        Seconds per stage (``"build"``, ``"solve"``, ...).
    stats : dict
        Solver-specific counts (arcs, nodes, branches, ...).
    program_of : ndarray of int64 or None
        Training programme index per worker, -1 if untrained; None when the
        problem offered no training.
    slack : Slack or None
        Room left per job, cap and quota row, filled in by the check
        :func:`jobmatch.solve` runs on every solution
        (:mod:`jobmatch.solvers.check`); None without a solution.
    duals : Duals or None
        From price-directed solvers (``auction``): job prices and worker
        surpluses that prove ``bound`` (:class:`Duals`).  None from solvers
        without prices.
    proven_over : {"candidates", "market"}
        What ``status`` and ``bound`` are proven over: the pairs of the
        problem solved, or, after the pricing passes of
        :func:`jobmatch.match`, every feasible pair of the market.
    solved_objective : float or None
        The objective the solver maximised, when it is not ``objective``: a
        re-match's score plus ``move_penalty`` per person who keeps their
        job (:func:`jobmatch.rematch`).  ``bound``, ``gap`` and the status
        are about it; ``bound`` also bounds the score (the bonus is never
        negative).  None when the solver maximised ``objective`` itself.
    """

    status: Status
    objective: float
    job_of: np.ndarray
    solver: str
    bound: float | None = None
    diagnosis: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)
    program_of: np.ndarray | None = None
    slack: Slack | None = None
    duals: Duals | None = None
    proven_over: Scope = "candidates"
    solved_objective: float | None = None

    def __post_init__(self) -> None:
        for name in ("job_of", "program_of"):
            value = getattr(self, name)
            if value is not None:
                value = np.array(value)  # a copy; integer indices become int64, anything else is left for the check
                fits = value.dtype.kind == "u" and (value.size == 0 or value.max() <= np.iinfo(np.int64).max)
                if value.dtype.kind == "i" or fits:  # never wrap an unsigned index round to a negative one
                    value = value.astype(np.int64)
                value.flags.writeable = False
                object.__setattr__(self, name, value)

    @property
    def n_placed(self) -> int:
        """Workers with a job."""
        return int(np.count_nonzero(self.job_of >= 0))

    @property
    def gap(self) -> float | None:
        """Relative gap ``|bound - solved| / max(|solved|, 1)``, when a bound is known (``solved``: the
        ``solved_objective``, else the ``objective``)."""
        solved = self.objective if self.solved_objective is None else self.solved_objective
        if self.bound is None or math.isnan(solved):
            return None
        return abs(self.bound - solved) / max(abs(solved), 1.0)

    @property
    def prices(self) -> np.ndarray | None:
        """``duals.prices``, or None without duals."""
        return None if self.duals is None else self.duals.prices

    @property
    def surplus(self) -> np.ndarray | None:
        """``duals.surplus``, or None without duals."""
        return None if self.duals is None else self.duals.surplus

    def __repr__(self) -> str:
        return (
            f"<Result {self.status.name} by {self.solver!r}: objective {self.objective:.6g}, "
            f"{self.n_placed:,} of {len(self.job_of):,} placed>"
        )
