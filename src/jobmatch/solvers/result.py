"""Solver results: :class:`Status` and :class:`Result`."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Result", "Slack", "Status"]


class Status(enum.Enum):
    """How a solve ended."""

    OPTIMAL = "optimal"  #: proven optimal
    FEASIBLE = "feasible"  #: a valid solution, optimality not proven (e.g. time limit)
    INFEASIBLE = "infeasible"  #: no solution satisfies the constraints (see ``diagnosis``)
    UNKNOWN = "unknown"  #: stopped (time limit) before finding any solution or proving infeasibility


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
    prices : ndarray of float64 or None
        From price-directed solvers (``auction``): one price per job, what
        a place there is worth at the margin, in the problem's value units
        (0 for a job with room left).  None from solvers without prices.
    surplus : ndarray of float64 or None
        With ``prices``: per worker, ``max(0, max_j (v_ij - size_i x
        prices_j))``, the most it could gain at those prices.  Together
        they prove the bound: ``sum(capacity x prices) + sum(surplus)``
        is at least the optimum's value, whatever the prices.
    rounding : float
        With ``prices``: the most rounding the values to the solver's
        integers can change a total (0 when they are exact).  In every
        status and start, ``bound == capacity @ prices + surplus.sum() +
        rounding`` when maximising; when minimising the prices are those of
        the negated costs and ``bound == -(capacity @ prices +
        surplus.sum()) - rounding``.
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
    prices: np.ndarray | None = None
    surplus: np.ndarray | None = None
    rounding: float = 0.0

    def __post_init__(self) -> None:
        for name in ("prices", "surplus"):
            value = getattr(self, name)
            if value is not None:
                value = np.array(value, dtype=np.float64)
                value.flags.writeable = False
                object.__setattr__(self, name, value)
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
        """Relative gap ``|bound - objective| / max(|objective|, 1)``, when a bound is known."""
        if self.bound is None or math.isnan(self.objective):
            return None
        return abs(self.bound - self.objective) / max(abs(self.objective), 1.0)

    def __repr__(self) -> str:
        return (
            f"<Result {self.status.name} by {self.solver!r}: objective {self.objective:.6g}, "
            f"{self.n_placed:,} of {len(self.job_of):,} placed>"
        )
