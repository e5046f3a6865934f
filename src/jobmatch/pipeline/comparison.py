"""Strategy comparison: several solvers and seeds on one market, one row of metrics each.

The market is scored once (:func:`jobmatch.build_problem`); every solver then
solves the same :class:`~jobmatch.Problem`, so differences come from the
strategies alone.  A solver that cannot express the problem (``stable``
under quotas, say) gets a row with status ``"UNSUPPORTED"`` and the reason,
not an error and not a missing row.

Examples
--------
>>> from jobmatch import synth
>>> from jobmatch import compare
>>> table = compare(synth.scenario(500, 30, seed=3), solvers=("flow", "greedy", "stable"), k=5)
>>> table[["solver", "status", "workers_placed", "blocking_pairs"]]  # doctest: +NORMALIZE_WHITESPACE
   solver       status  workers_placed  blocking_pairs
0    flow     FEASIBLE             311             113
1  greedy     FEASIBLE             296               1
2  stable  UNSUPPORTED            <NA>            <NA>
>>> table.loc[2, "note"]  # synthetic markets have couples: deferred acceptance places one person per worker
'an arc uses more than one unit of capacity'
"""

from __future__ import annotations

import logging
import numbers
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._checks import FLAG, SEED, fail, param
from .._progress import shown, stage
from ..data.market import Market
from ..exceptions import optional_import
from ..policy import Policy, policy_for
from ..results.assignment import Assignment
from .build import build_problem, time_limit_arg

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from ..scoring.blend import Blend

__all__ = ["STATUS_QUO", "compare", "uplift_summary"]

#: Baselines of how placements happen without optimisation (see :mod:`jobmatch.solvers.greedy`).
STATUS_QUO = ("random", "first_come")


def _flat(metrics: dict[str, Any]) -> dict[str, Any]:
    """Metrics with per-group dicts spread into ``<name>[<group>]`` columns."""
    out: dict[str, Any] = {}
    for key, value in metrics.items():
        if isinstance(value, dict):
            out.update({f"{key}[{group}]": v for group, v in value.items()})
        else:
            out[key] = value
    return out


def compare(
    market: Market,
    policy: Policy | None = None,
    *,
    solvers: Sequence[Any] = ("auto", "stable", "greedy"),
    seeds: Sequence[int] = (0,),
    k: int = 20,
    time_limit: float | None = None,
    blend: Blend | None = None,
    outcome: Any = None,
    baseline: str = "random",
    options: Any = None,
    progress: bool | None = None,
) -> Any:
    """Run each solver with each seed on one market and tabulate the results.

    Parameters
    ----------
    market : Market
    policy : Policy, optional
    solvers : sequence of str or callable, optional
        Names from :func:`jobmatch.solvers.available` or solver functions.
    seeds : sequence of int, optional
        Each from 0 to 2**31 - 1 (as for :func:`jobmatch.solve`).
    k : int, optional
        Candidate jobs per worker (as for :func:`jobmatch.match`).  Every
        solver sees the same top-``k`` pairs, so the rows compare
        strategies, not candidate sets: each row is ``match`` with
        ``scope="candidates"``.
    time_limit : float, optional
        Seconds per solve.
    blend : Blend, optional
        Outside scores blended into what the solvers optimise
        (:mod:`jobmatch.blend`).
    outcome : callable or PairScores, optional
        An outcome model, ``fn(workers, jobs) -> values in [0, 1]`` over
        positions (such as :func:`jobmatch.outcomes.retention`), measured
        on every row's placements: ``mean_outcome`` (per person placed),
        ``expected_outcome`` (its sum over the people placed), and their
        ``uplift`` and ``expected_uplift`` over the ``baseline`` row of the
        same seed (``value / baseline - 1``).  See :func:`uplift_summary`
        for means and confidence intervals over the seeds.
    baseline : str, optional
        The status-quo solver the uplift is measured against (default
        ``"random"``, or ``"first_come"``); run for every seed and added
        first when ``solvers`` does not list it.  Status-quo solvers
        (:data:`STATUS_QUO`) always solve the same arcs and job capacities
        without the policy's quotas and caps: the status quo knows nothing
        of them.
    options : dict, optional
        Solver-specific options (as for :func:`jobmatch.solve`), given to
        every solve; a solver that does not take a key warns
        (:class:`~jobmatch.solvers.OptionWarning`) and ignores it.
    progress : bool, optional
        A progress bar on stderr, a step per solve (as for
        :func:`jobmatch.match`); each solve also logs one INFO line on the
        ``jobmatch`` logger.

    Returns
    -------
    pandas.DataFrame
        One row per solver and seed, in the order given: ``solver``,
        ``seed``, ``ran`` (the solver that ran; ``auto`` names its choice),
        ``status``, ``objective``, ``bound``, ``gap``, ``seconds`` (the
        solve; the scoring, shared, is in ``attrs["score_seconds"]``),
        ``note`` (why a solver could not run, or the diagnosis), and every
        figure of :func:`jobmatch.results.metrics.metrics`, per-group ones as
        ``group_share[<group>]`` and ``group_placement_rate[<group>]``;
        with ``outcome``, the outcome columns above.

    Examples
    --------
    >>> from jobmatch import compare, synth
    >>> table = compare(synth.scenario(400, 20, seed=2), solvers=["auto", "greedy", "first_come"], k=5)
    >>> table[["solver", "status"]].values.tolist()[0], list(table["solver"])
    (['auto', 'OPTIMAL'], ['auto', 'greedy', 'first_come'])
    >>> bool(table["objective"].iloc[0] >= table["objective"].max() - 1e-6)  # the exact one is best
    True
    """
    pd = optional_import("pandas", "pandas", "jobmatch.compare")
    from ..solvers import registry

    policy = policy_for("compare", market, policy)
    if isinstance(solvers, str) or not isinstance(solvers, Sequence) or not solvers:
        raise fail("compare", "solvers", "a non-empty sequence of solver names or functions", solvers)
    known = registry.available()
    for solver in solvers:
        if not callable(solver) and solver not in known:
            raise fail("compare", "solvers", f"names from {known} or callables", solver)
    options = registry.checked_options("compare", options)
    if isinstance(seeds, (str, numbers.Integral)) or not isinstance(seeds, Sequence) or not seeds:
        raise fail("compare", "seeds", "a non-empty sequence of integers >= 0", seeds)
    seeds = [param("compare", "seeds item", seed, SEED) for seed in seeds]
    progress = param("compare", "progress", progress, FLAG, or_none=True)
    time_limit = time_limit_arg("compare", time_limit)
    if not isinstance(baseline, str) or baseline not in STATUS_QUO:
        raise fail("compare", "baseline", "'random' or 'first_come'", baseline)
    measure = None
    if outcome is not None:
        measure = _outcome_of(outcome)
        if baseline not in solvers:
            solvers = (baseline, *solvers)
    names = [solver if isinstance(solver, str) else getattr(solver, "__name__", repr(solver)) for solver in solvers]
    steps = ["score"] + [f"{name} seed {seed}" for name in names for seed in seeds]
    rows: list[dict[str, Any]] = []
    with shown("compare", steps, enabled=progress, expected=market.n_workers * market.n_jobs * len(steps)):
        started = time.perf_counter()
        stage("score")
        problem = build_problem(market, policy, k=k, blend=blend)
        scored = time.perf_counter() - started
        logger.info("compare: scored %d workers x %d jobs into %d arcs (%.2f s)", market.n_workers, market.n_jobs,
                    problem.n_arcs, scored)  # fmt: skip
        for solver, name in zip(solvers, names):
            # The status quo keeps the job capacities only: it knows nothing of the policy's quotas and caps.
            own = problem.replace(quotas=(), caps=()) if solver in STATUS_QUO else problem
            reason = registry.unsupported(solver, own) if isinstance(solver, str) else None
            for seed in seeds:
                row: dict[str, Any] = {"solver": name, "seed": seed}
                if reason is not None:
                    rows.append({**row, "ran": None, "status": "UNSUPPORTED", "note": reason})
                    continue
                began = time.perf_counter()
                stage(f"{name} seed {seed}")
                result = registry.solve(own, solver=solver, time_limit=time_limit, seed=seed, options=options)
                seconds = time.perf_counter() - began
                logger.info("compare: %s seed %d: %s, objective %.6g, %d placed (%.2f s)", name, seed,
                            result.status.name, result.objective, result.n_placed, seconds)  # fmt: skip
                assignment = Assignment(market, policy, own, result, {"score": scored})
                rows.append(
                    {
                        **row,
                        "ran": result.solver,
                        "status": result.status.name,
                        "objective": result.objective,
                        "bound": result.bound,
                        "gap": result.gap,
                        "seconds": seconds,
                        "note": result.diagnosis,
                        **_flat(assignment.metrics()),
                        **({} if measure is None else _outcomes(market, result.job_of, measure)),
                    }
                )
    frame = pd.DataFrame(rows)
    if measure is not None:
        base = frame[frame["solver"] == baseline].set_index("seed")
        for column, ratio in (("mean_outcome", "uplift"), ("expected_outcome", "expected_uplift")):
            frame[ratio] = frame[column] / frame["seed"].map(base[column]) - 1.0
    for column in frame.columns[frame.columns.get_loc("note") + 1 :]:  # counts stay integers beside missing rows
        values = [row[column] for row in rows if column in row]
        if values and all(isinstance(v, numbers.Integral) for v in values):
            frame[column] = frame[column].astype("Int64")
    frame.attrs["score_seconds"] = scored
    return frame


def _outcome_of(outcome: Any) -> Any:
    """A function of (workers, jobs) positions from a callable or a PairScores."""
    from ..scoring.blend import PairScores

    if isinstance(outcome, PairScores):
        return outcome
    if not callable(outcome):
        raise fail("compare", "outcome", "a callable fn(workers, jobs) or a PairScores", type(outcome).__name__)
    return PairScores.function(outcome)


def _outcomes(market: Market, job_of: Any, measure: Any) -> dict[str, float]:
    """Mean outcome per person placed and its sum over the people placed (NaN mean when nobody is)."""
    placed = np.flatnonzero(np.asarray(job_of) >= 0)
    values = measure.at(market, placed, np.asarray(job_of)[placed], name="outcome")
    people = market.workers.size[placed].astype(np.float64)
    total = float((people * values).sum())
    return {"mean_outcome": total / people.sum() if len(placed) else float("nan"), "expected_outcome": total}


def uplift_summary(frame: Any, *, level: float = 0.95) -> Any:
    """Per solver, over the seeds: mean outcome and uplift with normal confidence intervals.

    Parameters
    ----------
    frame : pandas.DataFrame
        What :func:`compare` returned with an ``outcome``.
    level : float, optional
        Confidence level of the intervals (``mean ± z * sd / sqrt(n)``; NaN
        half-width with one seed).

    Returns
    -------
    pandas.DataFrame
        One row per solver (in the frame's order): ``seeds``, and for
        ``mean_outcome``, ``uplift`` and ``expected_uplift`` the mean and
        the interval's ``low`` and ``high`` (columns ``uplift``,
        ``uplift_low``, ``uplift_high``, ...).

    Examples
    --------
    >>> from jobmatch import synth
    >>> from jobmatch.outcomes import retention
    >>> market = synth.scenario(400, 25, seed=6)
    >>> runs = compare(market, solvers=("flow",), seeds=(0, 1, 2), k=5, outcome=retention(market))
    >>> table = uplift_summary(runs)
    >>> table["solver"].tolist(), table["seeds"].tolist()
    (['random', 'flow'], [3, 3])
    >>> float(table.loc[0, "uplift"]), bool(table.loc[1, "uplift_low"] <= table.loc[1, "uplift"])
    (0.0, True)
    """
    from statistics import NormalDist

    pd = optional_import("pandas", "pandas", "jobmatch.comparison.uplift_summary")
    if not isinstance(level, float) or not 0 < level < 1:
        raise fail("uplift_summary", "level", "a number strictly between 0 and 1", level)
    if "uplift" not in getattr(frame, "columns", ()):
        raise fail("uplift_summary", "frame", "a compare() result with an outcome", type(frame).__name__)
    z = NormalDist().inv_cdf(0.5 + level / 2)
    rows = []
    for solver, group in frame.groupby("solver", sort=False):
        row: dict[str, Any] = {"solver": solver, "seeds": len(group)}
        for column in ("mean_outcome", "uplift", "expected_uplift"):
            values = group[column].astype(float)
            half = z * values.std(ddof=1) / len(values) ** 0.5 if len(values) > 1 else float("nan")
            row.update(
                {column: values.mean(), f"{column}_low": values.mean() - half, f"{column}_high": values.mean() + half}
            )
        rows.append(row)
    return pd.DataFrame(rows)
