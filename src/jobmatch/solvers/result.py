"""Solver results: :class:`Status` and :class:`Result`."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Result", "Status"]


class Status(enum.Enum):
    """How a solve ended."""

    OPTIMAL = "optimal"  #: proven optimal
    FEASIBLE = "feasible"  #: a valid solution, optimality not proven (e.g. time limit)
    INFEASIBLE = "infeasible"  #: no solution satisfies the constraints (see ``diagnosis``)
    UNKNOWN = "unknown"  #: stopped (time limit) before finding any solution or proving infeasibility


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

    def __post_init__(self) -> None:
        for name in ("job_of", "program_of"):
            value = getattr(self, name)
            if value is not None:
                value = np.array(value, dtype=np.int64)
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
