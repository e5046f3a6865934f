"""The figure of simulated years: people employed week by week per strategy (needs ``jobmatch[plot]``).

:func:`plot_years` draws what :func:`jobmatch.simulate.compare_strategies`
ran (``table.attrs["years"]``, :class:`jobmatch.simulate.Year` records) with
matplotlib's object API, as :func:`jobmatch.results.plot.plot` does: it
builds a :class:`matplotlib.figure.Figure` itself (no pyplot, no global
state, no GUI backend) or draws on the pair of axes it is given.
:func:`jobmatch.simulate.plot` is this figure.

Examples
--------
>>> from jobmatch.simulate import STATUS_QUO, Strategy, compare_strategies
>>> from jobmatch.results.plot_years import plot_years
>>> table = compare_strategies([STATUS_QUO, Strategy("matched")], seeds=(0, 1), workers=300, jobs=15, weeks=5)
>>> fig = plot_years(table.attrs["years"])
>>> [ax.get_ylabel() for ax in fig.axes]
['people employed', "people employed, minus 'first_come' (same seed)"]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from .._checks import fail
from .plot import _families, _Figure, _figure

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..pipeline.simulate import Year

__all__ = ["plot_years"]


def plot_years(years: Sequence[Year] | Mapping[str, Sequence[Year]], *, axes: Sequence[Axes] | None = None) -> Figure:
    """People employed over the weeks per strategy, and each strategy's difference from the first one.

    Parameters
    ----------
    years : sequence of Year, or a mapping of sequences of Year
        Such as ``compare_strategies(...).attrs["years"]``: each a year of
        one strategy and seed (``strategy``, ``seed`` and a ``weeks`` frame
        with an ``employed`` column).  The first strategy met is the baseline.
    axes : pair of matplotlib Axes, optional
        Draw on these (left: employed, right: the difference); by default a
        new figure is built.

    Returns
    -------
    matplotlib.figure.Figure
        Left: people employed each week, the mean over seeds of each
        strategy.  Right: each strategy minus the baseline, paired by seed
        (mean, the seeds' range shaded).  The new figure, or the figure of
        ``axes``.

    Raises
    ------
    ValidationError
        ``years`` is empty or holds something other than simulated years.

    Examples
    --------
    On axes of your own:

    >>> from matplotlib.figure import Figure
    >>> from jobmatch.simulate import Strategy, run
    >>> years = [run(Strategy(name), seed=0, workers=300, jobs=15, weeks=5) for name in ("a", "b")]
    >>> mine = Figure(figsize=(11, 4), layout="constrained")
    >>> plot_years(years, axes=mine.subplots(1, 2)) is mine
    True
    >>> plot_years([])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    jobmatch.exceptions.ValidationError: plot_years: years must be a non-empty sequence of ..., got []
    """
    runs = [y for group in years.values() for y in group] if isinstance(years, Mapping) else list(years)
    if not runs or not all(hasattr(y, "strategy") and hasattr(y, "seed") and hasattr(y, "weeks") for y in runs):
        raise fail("plot_years", "years", "a non-empty sequence of jobmatch.simulate.Year", years)
    if axes is None:
        axes = _Figure(figsize=(11, 4), layout="constrained").subplots(1, 2)
    left, right = axes[0], axes[1]
    names = list(dict.fromkeys(y.strategy for y in runs))

    def lines(name: str) -> dict[int, np.ndarray]:
        return {y.seed: y.weeks["employed"].to_numpy(dtype=float) for y in runs if y.strategy == name}

    base = lines(names[0])
    for name in names:
        mine = lines(name)
        weeks = np.arange(len(next(iter(mine.values()))))
        left.plot(weeks, np.mean(list(mine.values()), axis=0), label=name)
        paired = np.array([mine[seed] - base[seed] for seed in mine if seed in base])
        if len(paired):
            right.plot(weeks, paired.mean(axis=0), label=name)
            right.fill_between(weeks, paired.min(axis=0), paired.max(axis=0), alpha=0.2)
    left.set_xlabel("week")
    left.set_ylabel("people employed")
    right.set_xlabel("week")
    right.set_ylabel(f"people employed, minus {names[0]!r} (same seed)", **_families(names[:1]))
    for text in left.legend().get_texts():  # strategy names may be Chinese
        text.set(**_families(names))
    return _figure(left)
