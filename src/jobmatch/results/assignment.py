"""The :class:`Assignment`: a market's placements, with every way to read them.

The solver's :class:`~jobmatch.Result` with ids mapped back to the market,
and the readers of the results layer (frame, metrics, explanations, plots)
one method call away.  Those modules take an assignment and never import
this one, so the layer has no cycle.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from .._html import html_table
from ..solvers.result import Duals, Result, Scope, Status

if TYPE_CHECKING:
    from ..data.market import Market
    from ..policy import Policy
    from ..scoring.pool import CandidatePool
    from ..solvers.problem import Problem
    from ..solvers.training_problem import Routes
    from ..solvers.usage import Usage
    from .changes import Changes
    from .explain import Explanation

__all__ = ["Assignment"]


#: How ``repr`` names what the status is proven over.
_SCOPE = {"market": "whole market", "candidates": "candidates"}


class Assignment:
    """A market's placements: the :class:`Result` of a solve, with ids mapped back.

    Returned by :func:`jobmatch.match`.  ``status``, ``objective``,
    ``solver``, ``bound``, ``gap`` and ``diagnosis`` are the solver's;
    ``timings`` adds the scoring stage.

    Examples
    --------
    >>> from jobmatch import match, synth
    >>> market = synth.scenario(300, 20, seed=1)
    >>> placed = match(market, k=5)
    >>> placed.solver, placed.status.name in ("OPTIMAL", "FEASIBLE")
    ('auction', True)
    >>> job = placed.placement(market.workers.ids[0])
    >>> job is None or job in set(market.jobs.ids)
    True
    """

    def __init__(
        self,
        market: Market,
        policy: Policy | None,
        problem: Problem,
        result: Result,
        timings: dict[str, float],
        *,
        routes: Routes | None = None,
        changes: Changes | None = None,
        pool: CandidatePool | None = None,
    ) -> None:
        self.market, self.policy, self.problem, self.result, self.routes = market, policy, problem, result, routes
        #: What a re-match changed (:func:`jobmatch.rematch`); None for a fresh match.
        self.changes = changes
        #: The deeper candidate lists a re-match keeps for the next one to re-use
        #: (:mod:`jobmatch.scoring.pool`); None for a fresh match.
        self.pool = pool
        self.timings = {**timings, **{f"solver {k}": v for k, v in result.timings.items()}}

    @property
    def status(self) -> Status:
        """How the solve ended."""
        return self.result.status

    @property
    def objective(self) -> float:
        """Total score of the placements (NaN without a solution)."""
        return self.result.objective

    @property
    def solved_objective(self) -> float:
        """The objective the solve maximised: a re-match's total score plus ``move_penalty`` per person kept in
        their job (:func:`jobmatch.rematch`); elsewhere the ``objective``.  ``bound``, ``gap`` and ``status`` are
        about it."""
        solved = self.result.solved_objective
        return self.result.objective if solved is None else solved

    @property
    def solver(self) -> str:
        """The solver that ran (``"auto"``'s choice named)."""
        return self.result.solver

    @property
    def bound(self) -> float | None:
        """A proven bound on the optimum of ``solved_objective`` (and so of the score), if known."""
        return self.result.bound

    @property
    def gap(self) -> float | None:
        """Relative gap between ``solved_objective`` and ``bound``, if a bound is known."""
        return self.result.gap

    @property
    def diagnosis(self) -> str | None:
        """Why the answer is not optimal, or there is none, in words (None when nothing is to say)."""
        return self.result.diagnosis

    @property
    def job_of(self) -> np.ndarray:
        """Job index per worker, -1 if unplaced (read-only)."""
        return self.result.job_of

    @property
    def duals(self) -> Duals | None:
        """The solver's job prices and worker surpluses, which prove ``bound`` (:class:`~jobmatch.Duals`); None
        from a solver without prices.  A re-match's are those of its penalised solve (the next one's start)."""
        return self.result.duals

    @property
    def prices(self) -> np.ndarray | None:
        """Job prices, one per job of the market (``duals.prices``), or None."""
        return self.result.prices

    @property
    def proven_over(self) -> Scope:
        """What ``status`` and ``bound`` are proven over: ``"market"``, every feasible pair (the pricing pass of
        :mod:`jobmatch.pipeline.pricing`), or ``"candidates"``, the top-``k`` pairs that were solved."""
        return self.result.proven_over

    @cached_property
    def program_of(self) -> np.ndarray:
        """Training programme index per worker, -1 if untrained (all -1 when no training was offered)."""
        if self.result.program_of is not None:
            return self.result.program_of
        untrained = np.full(len(self.job_of), -1, dtype=np.int64)
        untrained.flags.writeable = False
        return untrained

    def program(self, worker_id: str | int) -> str | None:
        """The id of the programme the worker trains in, or None."""
        p = int(self.program_of[self.market.worker_index(worker_id)])
        return None if p < 0 else self.market.programs.ids[p]

    @property
    def n_placed(self) -> int:
        """Workers placed."""
        return self.result.n_placed

    @property
    def people_placed(self) -> int:
        """People placed (a couple counts two)."""
        return int(self.market.workers.size[self.job_of >= 0].sum())

    def metrics(self) -> dict[str, Any]:
        """Programme metrics: placement and fill rates, group shares, pay uplift, unmet needs.

        See :func:`jobmatch.results.metrics.metrics` for each figure.

        Examples
        --------
        >>> from jobmatch import match, synth
        >>> m = match(synth.scenario(300, 15, seed=4), k=5).metrics()
        >>> 0 <= m["placement_rate"] <= 1, m["workers_placed"] <= 300, sorted(m["group_share"])
        (True, True, ['female', 'poverty_alleviated'])
        """
        from .metrics import metrics

        return metrics(self)

    def flows(self) -> Any:
        """People placed from each origin county to each region (see :func:`jobmatch.results.metrics.flows`)."""
        from .metrics import flows

        return flows(self)

    def placement(self, worker_id: str | int) -> str | None:
        """The id of the worker's job, or None if unplaced."""
        j = int(self.job_of[self.market.worker_index(worker_id)])
        return None if j < 0 else self.market.jobs.ids[j]

    @cached_property
    def usage(self) -> Usage:
        """How the placements use each job's room, cap and quota (see :class:`jobmatch.solvers.usage.Usage`)."""
        from ..solvers.usage import Usage

        return Usage(self.problem, np.asarray(self.job_of))

    @cached_property
    def reasons(self) -> tuple[np.ndarray, list[str | None]]:
        """Each worker's unplaced-reason code (None if placed) and words (see :mod:`jobmatch.results.reasons`)."""
        from .reasons import unplaced_reasons

        return unplaced_reasons(self)

    def to_frame(self, *, backend: str | None = None) -> Any:
        """One row per worker: placement, score and components, or the reason it is unplaced.

        See :func:`jobmatch.results.frame.to_frame` for the columns;
        ``backend`` (pandas, arrow or polars) defaults to the library the
        market's frames came from, else pandas.

        Examples
        --------
        >>> from jobmatch import match, synth
        >>> frame = match(synth.scenario(300, 15, seed=4), k=5).to_frame()
        >>> len(frame), int(frame["job"].notna().sum()) + int(frame["reason"].notna().sum())
        (300, 300)
        """
        from .frame import to_frame

        return to_frame(self, backend=backend)

    def explain(self, worker_id: str | int) -> Explanation:
        """Why this worker got this job, or why none, in words (see :func:`jobmatch.results.explain.explain`).

        Examples
        --------
        >>> from jobmatch import match, synth
        >>> placed = match(synth.scenario(300, 15, seed=4), k=5)
        >>> why = placed.explain(placed.market.workers.ids[0])
        >>> why.worker == placed.market.workers.ids[0], (why.job is None) == (why.reason is not None)
        (True, True)
        """
        from .explain import explain

        return explain(self, worker_id)

    def plot(self, kind: str = "quota", *, ax: Any = None) -> Any:
        """A matplotlib Figure: ``"quota"``, ``"scores"`` or ``"flows"`` (see :func:`jobmatch.plot.plot`).

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from jobmatch import match, synth
        >>> figure = match(synth.scenario(300, 15, seed=4), k=5).plot("scores")
        >>> from matplotlib.figure import Figure
        >>> isinstance(figure, Figure), len(figure.axes) >= 1
        (True, True)
        """
        from .plot import plot

        return plot(self, kind, ax=ax)  # type: ignore[arg-type]

    def _repr_html_(self) -> str:
        m = self.metrics()
        gap = "" if self.gap is None else f", gap {self.gap:.2%}"
        rows = [
            ("status", f"{self.status.name} by {self.solver!r} ({_SCOPE[self.proven_over]}{gap})"),
            ("objective", f"{self.objective:,.6g}"),
            ("placed", f"{m['workers_placed']:,} of {self.market.n_workers:,} workers, {m['people_placed']:,} people"),
            ("placement / fill rate", f"{m['placement_rate']:.1%} / {m['fill_rate']:.1%}"),
            ("mean score", f"{m['mean_score']:.3f}"),
            *((f"share {g}", f"{v:.1%}") for g, v in m["group_share"].items()),
            ("wage uplift", f"{m['wage_uplift']:,.0f} CNY"),
            ("diet / climate mismatches", f"{m['diet_mismatch']:,} / {m['climate_mismatch']:,}"),
            ("blocking pairs", f"{m['blocking_pairs']:,}"),
            ("time", ", ".join(f"{k} {v:.2f} s" for k, v in self.timings.items() if " " not in k)),
        ]
        return html_table("jobmatch Assignment", rows)

    def __repr__(self) -> str:
        gap = "" if self.gap is None else f", gap {self.gap:.2%}"
        return (
            f"<Assignment {self.status.name} by {self.solver!r} ({_SCOPE[self.proven_over]}): {self.n_placed:,} of "
            f"{self.market.n_workers:,} workers placed, objective {self.objective:.6g}{gap}>"
        )
