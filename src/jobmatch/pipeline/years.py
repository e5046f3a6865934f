"""Simulated years compared: each strategy's totals over seeds with confidence intervals, and the weekly curves.

:func:`jobmatch.simulate.run` simulates one year of one strategy
(:mod:`jobmatch.pipeline.simulate`); :func:`compare_strategies` runs each
strategy on the same seeds and sums them up (not to be confused with
:func:`jobmatch.compare`, which runs solvers on one market), and
:func:`plot` checks the years and has
:func:`jobmatch.results.plot_years.plot_years` draw employment week by week.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .._checks import SEED, fail, param
from ..exceptions import optional_import
from .simulate import Strategy, Year, run

__all__ = ["compare_strategies", "plot"]


def compare_strategies(
    strategies: Sequence[Strategy], *, seeds: Sequence[int] = (0, 1, 2), level: float = 0.95, **options: Any
) -> Any:
    """Each strategy's year over ``seeds``: the mean of each total and its ``level`` confidence interval.

    Parameters
    ----------
    strategies : sequence of Strategy
        Names must differ (the first is the baseline of ``uplift``).
    seeds : sequence of int
    level : float
        Of the normal-approximation interval (``mean +- z sd / sqrt(seeds)``),
        as :func:`jobmatch.comparison.uplift_summary` computes it.
    **options
        For :func:`run` (``workers``, ``jobs``, ``weeks``, ...).

    Returns
    -------
    pandas.DataFrame
        One row per strategy: ``seeds``, and for each total of :func:`run`
        its mean, ``_low`` and ``_high``; ``uplift_12m`` (employed at 12
        months over the first strategy's, paired by seed) with its interval.
        The runs themselves are in ``frame.attrs["years"]``.

    Examples
    --------
    >>> from jobmatch.simulate import STATUS_QUO, Strategy, compare_strategies
    >>> table = compare_strategies([STATUS_QUO, Strategy("matched")], seeds=(0, 1), workers=400, jobs=20, weeks=6)
    >>> table["strategy"].tolist(), table["seeds"].tolist()
    (['first_come', 'matched'], [2, 2])
    >>> bool(table.loc[0, "uplift_12m"] == 0.0)
    True
    """
    from statistics import NormalDist

    pd = optional_import("pandas", "pandas", "simulate.compare_strategies")
    where = "simulate.compare_strategies"
    strategies = list(strategies)
    if not strategies or not all(isinstance(s, Strategy) for s in strategies):
        raise fail(where, "strategies", "a non-empty sequence of jobmatch.simulate.Strategy", strategies)
    if len({s.name for s in strategies}) != len(strategies):
        raise fail(where, "strategies", "distinct names", [s.name for s in strategies])
    if not isinstance(level, float) or not 0 < level < 1:
        raise fail(where, "level", "a number strictly between 0 and 1", level)
    seeds = [param(where, "seeds", s, SEED) for s in seeds]
    if not seeds:
        raise fail(where, "seeds", "at least one seed", seeds)
    known = set(inspect.signature(run).parameters) - {"strategy", "seed"}
    unknown = sorted(set(options) - known)
    if unknown:  # "seed" too: each year's seed is one of ``seeds``
        raise fail(where, "options", f"options of simulate.run ({', '.join(sorted(known))}; seeds= for the seeds)",
                   unknown)  # fmt: skip
    years = {(s.name, seed): run(s, seed=seed, **options) for s in strategies for seed in seeds}
    z = NormalDist().inv_cdf(0.5 + level / 2)
    base = np.array([years[(strategies[0].name, seed)].totals["employed_12m"] for seed in seeds])
    rows = []
    for s in strategies:
        totals = [years[(s.name, seed)].totals for seed in seeds]
        row: dict[str, Any] = {"strategy": s.name, "seeds": len(seeds)}
        columns = {key: np.array([t[key] for t in totals], dtype=float) for key in totals[0]}
        columns["uplift_12m"] = columns["employed_12m"] - base
        for key, values in columns.items():
            half = z * values.std(ddof=1) / math.sqrt(len(values)) if len(values) > 1 else float("nan")
            row.update({key: values.mean(), f"{key}_low": values.mean() - half, f"{key}_high": values.mean() + half})
        rows.append(row)
    table = pd.DataFrame(rows)
    table.attrs["years"] = list(years.values())
    return table


def plot(years: Sequence[Year] | Mapping[str, Sequence[Year]], *, axes: Any = None) -> Any:
    """People employed over the weeks per strategy (mean over seeds), and each strategy's difference from the
    first one, paired by seed (mean, the seeds' range shaded).

    The figure is :func:`jobmatch.results.plot_years.plot_years` (needs ``jobmatch[plot]``); this checks that
    ``years`` are simulated years first.

    Parameters
    ----------
    years : sequence of Year
        Such as ``compare_strategies(...).attrs["years"]``; the first strategy is the baseline.
    axes : pair of matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    runs = [y for group in years.values() for y in group] if isinstance(years, Mapping) else list(years)
    if not runs or not all(isinstance(y, Year) for y in runs):
        raise fail("simulate.plot", "years", "a non-empty sequence of jobmatch.simulate.Year", years)
    from ..results.plot_years import plot_years  # matplotlib, on first use

    return plot_years(runs, axes=axes)
