"""Strategy comparison: several solvers and seeds on one market, one row of metrics each.

The market is scored once (:func:`jobmatch.compile`); every solver then
solves the same :class:`~jobmatch.Problem`, so differences come from the
strategies alone.  A solver that cannot express the problem (``stable``
under quotas, say) gets a row with status ``"unsupported"`` and the reason,
not an error and not a missing row.

Examples
--------
>>> from jobmatch import synth
>>> from jobmatch import compare
>>> table = compare(synth.scenario(500, 30, seed=3), solvers=("flow", "greedy", "stable"), k=5)
>>> table[["solver", "status", "workers_placed", "blocking_pairs"]]  # doctest: +NORMALIZE_WHITESPACE
   solver       status  workers_placed  blocking_pairs
0    flow     feasible             311             113
1  greedy     feasible             296               1
2  stable  unsupported            <NA>            <NA>
>>> table.loc[2, "note"]  # synthetic markets have couples: deferred acceptance places one person per worker
'an arc uses more than one unit of capacity'
"""

from __future__ import annotations

import numbers
import time
from collections.abc import Sequence
from typing import Any

from .exceptions import optional_import
from .market import Market
from .policy import Policy
from .problem import compile
from .result import Assignment
from .schema import fail

__all__ = ["compare"]


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
) -> Any:
    """Run each solver with each seed on one market and tabulate the results.

    Parameters
    ----------
    market : Market
    policy : Policy, optional
    solvers : sequence of str or callable, optional
        Names from :func:`jobmatch.solvers.available` or solver functions.
    seeds : sequence of int, optional
    k : int, optional
        Candidate jobs per worker (as for :func:`jobmatch.match`).
    time_limit : float, optional
        Seconds per solve.

    Returns
    -------
    pandas.DataFrame
        One row per solver and seed, in the order given: ``solver``,
        ``seed``, ``ran`` (the solver that ran; ``auto`` names its choice),
        ``status``, ``objective``, ``bound``, ``gap``, ``seconds`` (the
        solve; the scoring, shared, is in ``attrs["score_seconds"]``),
        ``note`` (why a solver could not run, or the diagnosis), and every
        figure of :func:`jobmatch.metrics.metrics`, per-group ones as
        ``group_share[<group>]`` and ``group_placement_rate[<group>]``.
    """
    pd = optional_import("pandas", "pandas", "jobmatch.compare")
    from . import solvers as registry

    if not isinstance(market, Market):
        raise fail("compare", "market", "a jobmatch.Market", type(market).__name__)
    if isinstance(solvers, str) or not isinstance(solvers, Sequence) or not solvers:
        raise fail("compare", "solvers", "a non-empty sequence of solver names or functions", solvers)
    known = registry.available()
    for solver in solvers:
        if not callable(solver) and solver not in known:
            raise fail("compare", "solvers", f"names from {known} or callables", solver)
    if isinstance(seeds, (str, numbers.Integral)) or not isinstance(seeds, Sequence) or not seeds:
        raise fail("compare", "seeds", "a non-empty sequence of integers >= 0", seeds)
    started = time.perf_counter()
    problem = compile(market, policy, k=k)
    scored = time.perf_counter() - started
    rows = []
    for solver in solvers:
        name = solver if isinstance(solver, str) else getattr(solver, "__name__", repr(solver))
        reason = registry.unsupported(solver, problem) if isinstance(solver, str) else None
        for seed in seeds:
            row: dict[str, Any] = {"solver": name, "seed": seed}
            if reason is not None:
                rows.append({**row, "ran": None, "status": "unsupported", "note": reason})
                continue
            began = time.perf_counter()
            result = registry.solve(problem, solver=solver, time_limit=time_limit, seed=seed)
            seconds = time.perf_counter() - began
            assignment = Assignment(market, policy, problem, result, {"score": scored})
            rows.append(
                {
                    **row,
                    "ran": result.solver,
                    "status": result.status.value,
                    "objective": result.objective,
                    "bound": result.bound,
                    "gap": result.gap,
                    "seconds": seconds,
                    "note": result.diagnosis,
                    **_flat(assignment.metrics()),
                }
            )
    frame = pd.DataFrame(rows)
    for column in frame.columns[frame.columns.get_loc("note") + 1 :]:  # counts stay integers beside missing rows
        values = [row[column] for row in rows if column in row]
        if values and all(isinstance(v, numbers.Integral) for v in values):
            frame[column] = frame[column].astype("Int64")
    frame.attrs["score_seconds"] = scored
    return frame
