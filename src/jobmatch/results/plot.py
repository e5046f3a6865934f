"""Figures of an :class:`~jobmatch.Assignment`: quotas, scores and flows (needs ``jobmatch[plot]``).

:func:`plot` draws one of three figures with matplotlib's object API: it
builds a :class:`matplotlib.figure.Figure` itself (no pyplot, no global
state, no GUI backend) or draws on the ``ax`` it is given.

- ``"quota"``: per priority group, the share of the people placed who
  belong to it and the group's placement rate, with the policy's required
  minimum and maximum shares marked.
- ``"scores"``: histograms of the score of each placed worker's job and of
  the best candidate score of each unplaced worker who had a candidate.
- ``"flows"``: a heatmap of people placed from each origin county to each
  destination region (:func:`jobmatch.results.metrics.flows`, which needs pandas).

Place names are Chinese.  Text holding them is set in the first installed
font of :data:`CJK_FONTS`, with the default family as fallback, without
touching ``rcParams``.  When none is installed the names render as boxes:
one warning per process says so and names the fonts looked for, and the
figures :func:`plot` builds keep matplotlib's per-glyph "missing from
font" warnings for CJK ideographs quiet when they are drawn.

Examples
--------
>>> from jobmatch import match, synth
>>> from jobmatch.plot import plot
>>> placed = match(synth.scenario(300, 20, seed=1), k=5)
>>> fig = plot(placed, "scores")
>>> [ax.get_xlabel() for ax in fig.axes]
['composite score']
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .._checks import fail
from ..exceptions import optional_import

_mpl = optional_import("matplotlib", "plot", "jobmatch.plot")

from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import PercentFormatter  # noqa: E402

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .assignment import Assignment

__all__ = ["CJK_FONTS", "KINDS", "plot", "plot_uplift"]

#: What :func:`plot` can draw.
KINDS = ("quota", "scores", "flows")

#: Font families tried, in order, for text holding Chinese place or group names.
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
)

_ANNOTATE_UP_TO = 15  # heatmaps with at most this many rows and columns show their counts
_CJK_FROM = 0x2E80  # CJK radicals, punctuation, kana, ideographs and on: text from here on wants a CJK font
_MISSING_CJK_GLYPH = r"Glyph \d+ \(\\N\{CJK "  # matplotlib's warning for an ideograph no font has


@contextmanager
def _quiet_cjk_glyphs() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_MISSING_CJK_GLYPH, category=UserWarning)
        yield


class _Figure(Figure):
    """A Figure that keeps missing-CJK-glyph warnings quiet while it is drawn or measured."""

    def draw(self, renderer: Any) -> None:
        with _quiet_cjk_glyphs():
            super().draw(renderer)

    def get_tightbbox(self, renderer: Any = None, *args: Any, **kwargs: Any) -> Any:
        with _quiet_cjk_glyphs():
            return super().get_tightbbox(renderer, *args, **kwargs)


def _families(names: Sequence[str]) -> dict[str, Any]:
    """Text properties for labels ``names``: the installed CJK fonts first when a name has a CJK character."""
    if not any(ord(char) >= _CJK_FROM for name in names for char in str(name)):
        return {}
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    cjk = [family for family in CJK_FONTS if family in installed]
    if not cjk:
        _say_no_cjk_font()
        return {}
    return {"fontfamily": [*cjk, *_mpl.rcParams["font.family"]]}


_SAID: list[bool] = []  # whether the missing CJK font was reported in this process


def _say_no_cjk_font() -> None:
    """Say once per process, clearly, that Chinese names will render as boxes (instead of a warning per glyph)."""
    if not _SAID:
        _SAID.append(True)
        warnings.warn(
            f"jobmatch.plot: no CJK font is installed (looked for {', '.join(CJK_FONTS)}), so Chinese place names "
            "render as boxes; install one (e.g. the Noto Sans CJK or WenQuanYi fonts) and clear matplotlib's font "
            "cache to see them",
            UserWarning,
            stacklevel=4,
        )


def plot(
    assignment: Assignment, kind: Literal["quota", "scores", "flows"] = "quota", *, ax: Axes | None = None
) -> Figure:
    """Draw one figure of an assignment.

    Parameters
    ----------
    assignment : Assignment
        What :func:`jobmatch.match` returned.
    kind : {"quota", "scores", "flows"}, optional
        ``"quota"`` (default): per priority group, the share of the people
        placed who belong to it (the ``group_share`` metric) and its
        placement rate, with the policy's ``min_share`` / ``max_share``
        marked and a title of attained vs required.  ``"scores"``: the
        score of each placed worker's job, and the best candidate score of
        each unplaced worker who had a candidate.  ``"flows"``: people
        placed from each origin county to each destination region (needs
        pandas), with counts written in when the table is at most 15 x 15.
    ax : matplotlib.axes.Axes, optional
        Draw on these axes (and add a colour bar beside them for
        ``"flows"``); by default a new figure is built.

    Returns
    -------
    matplotlib.figure.Figure
        The new figure, or ``ax.figure``.

    Raises
    ------
    ValidationError
        ``kind`` is not one of the three.
    MissingDependency
        pandas is not installed (``"flows"``); matplotlib is not installed
        (on ``import jobmatch.plot``).

    Notes
    -----
    Labels with Chinese names are set in the first installed family of
    :data:`CJK_FONTS`, falling back to the default family; ``rcParams`` are
    left alone.  With no CJK font installed the names render as boxes; a
    warning says so once per process, and the figure built here (a :class:`~matplotlib.figure.Figure` subclass)
    keeps matplotlib's "Glyph ... missing from font" warnings for CJK
    ideographs quiet when drawn; a figure of your own passed through ``ax``
    is left as it is.

    Examples
    --------
    >>> from jobmatch import GroupQuota, Policy, match, synth
    >>> from jobmatch.plot import plot
    >>> policy = Policy(quotas=[GroupQuota("poverty_alleviated", min_share=0.75)])
    >>> placed = match(synth.scenario(300, 20, seed=1), policy, k=5)
    >>> fig = plot(placed, "quota")
    >>> [label.get_text() for label in fig.axes[0].get_xticklabels()]
    ['female', 'poverty_alleviated']
    >>> fig.savefig("quota.png", dpi=110)  # doctest: +SKIP

    On axes of your own:

    >>> from matplotlib.figure import Figure
    >>> mine = Figure(figsize=(10, 4), layout="constrained")
    >>> left, right = mine.subplots(1, 2)
    >>> plot(placed, "scores", ax=left) is mine
    True
    >>> plot(placed, "pie")
    Traceback (most recent call last):
    ...
    jobmatch.exceptions.ValidationError: plot: kind must be one of 'quota', 'scores', 'flows', got 'pie'
    """
    if not isinstance(kind, str) or kind not in KINDS:
        raise fail("plot", "kind", "one of 'quota', 'scores', 'flows'", kind)
    table = _flows(assignment) if kind == "flows" else None
    if ax is None:
        if table is None:
            size = (6.4, 4.6) if kind == "quota" else (6.4, 4.2)
        else:
            size = (min(2.4 + 0.62 * table.shape[1], 16.0), min(1.6 + 0.42 * table.shape[0], 14.0))
        ax = _Figure(figsize=size, layout="constrained").add_subplot()
    if kind == "quota":
        _quota(assignment, ax)
    elif kind == "scores":
        _scores(assignment, ax)
    else:
        _heatmap(table, ax)
    return _figure(ax)


def plot_uplift(summary: Any, *, ax: Axes | None = None) -> Figure:
    """Each solver's uplift over the status quo, with confidence intervals.

    Parameters
    ----------
    summary : pandas.DataFrame
        What :func:`jobmatch.comparison.uplift_summary` returned.
    ax : matplotlib.axes.Axes, optional
        Draw on these axes; by default a new figure is built.

    Returns
    -------
    matplotlib.figure.Figure
        Two bars per solver: ``uplift`` (mean outcome per person placed)
        and ``expected_uplift`` (expected outcomes summed over the people
        placed), each with its interval as an error bar.

    Examples
    --------
    >>> import pandas as pd
    >>> summary = pd.DataFrame({"solver": ["random", "flow"], "seeds": [3, 3],
    ...     "uplift": [0.0, 0.09], "uplift_low": [0.0, 0.08], "uplift_high": [0.0, 0.10],
    ...     "expected_uplift": [0.0, 0.2], "expected_uplift_low": [0.0, 0.18], "expected_uplift_high": [0.0, 0.22]})
    >>> fig = plot_uplift(summary)
    >>> [label.get_text() for label in fig.axes[0].get_xticklabels()]
    ['random', 'flow']
    """
    columns = {"solver", "uplift", "uplift_low", "uplift_high", "expected_uplift"}
    if not columns <= set(getattr(summary, "columns", ())):
        raise fail("plot_uplift", "summary", "an uplift_summary() table", type(summary).__name__)
    if ax is None:
        ax = _Figure(figsize=(6.4, 4.2), layout="constrained").add_subplot()
    x = np.arange(len(summary))
    for offset, column, label in ((-0.2, "uplift", "per person placed"), (0.2, "expected_uplift", "total expected")):
        mean = summary[column].to_numpy(dtype=float)
        low, high = summary[f"{column}_low"].to_numpy(dtype=float), summary[f"{column}_high"].to_numpy(dtype=float)
        errors = np.nan_to_num(np.vstack([mean - low, high - mean]))
        ax.bar(x + offset, mean, width=0.4, yerr=errors, capsize=3, label=label)
    ax.set_xticks(x, [str(name) for name in summary["solver"]])
    ax.axhline(0.0, color="0.3", linewidth=0.8)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylabel("outcome over the status quo")
    seeds = int(summary["seeds"].max()) if "seeds" in summary else 1
    ax.set_title(f"Uplift over the status quo ({seeds} seeds, confidence intervals)")
    ax.legend(loc="upper left")
    return _figure(ax)


def _figure(ax: Axes) -> Figure:
    """The top-level Figure an Axes is drawn on."""
    figure = ax.figure
    return figure if isinstance(figure, Figure) else figure.figure  # an Axes on a SubFigure: its root Figure


def _flows(assignment: Assignment) -> Any:
    from .metrics import flows

    return flows(assignment)


def _quota(assignment: Assignment, ax: Axes) -> None:
    figures = assignment.metrics()
    share, rate = dict(figures["group_share"]), dict(figures["group_placement_rate"])
    quotas = tuple(getattr(assignment.policy, "quotas", None) or ())
    for quota in quotas:  # a quota on a group nobody in the market belongs to attains nothing
        share.setdefault(quota.group, 0.0)
        rate.setdefault(quota.group, 0.0)
    groups = list(share)
    x, width = np.arange(len(groups)), 0.38
    shares = ax.bar(x - width / 2, [share[g] for g in groups], width, label="share of people placed", color="C0")
    rates = ax.bar(x + width / 2, [rate[g] for g in groups], width, label="placement rate of the group", color="C7")
    for bars in (shares, rates):
        ax.bar_label(bars, labels=[f"{bar.get_height():.1%}" for bar in bars], padding=2, fontsize=8)
    at = {g: i for i, g in enumerate(groups)}
    lines = []
    for quota in quotas:
        left, right = at[quota.group] - width - 0.06, at[quota.group] + 0.06
        for bound, style, label in (
            (quota.min_share, dict(color="black", linestyle="--"), "required minimum share"),
            (quota.max_share, dict(color="C3", linestyle=":"), "allowed maximum share"),
        ):
            if bound is not None:
                drawn = label in lines
                lines.append(label)
                ax.plot([left, right], [bound, bound], linewidth=2, label="_nolegend_" if drawn else label, **style)  # type: ignore[arg-type]
    ax.set_xticks(x, labels=groups, **_families(groups))
    ax.set_xlim(-0.6, max(len(groups), 1) - 0.4)
    ax.set_ylim(0, 1.08)
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0))
    ax.set_xlabel("priority group")
    ax.set_ylabel("share of people")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=2, frameon=False, fontsize=8)
    people = int(figures["people_placed"])
    title = ["Priority groups: attained vs required"]
    for quota in quotas:
        attained = share[quota.group]
        needs, met = [], True
        if quota.min_share is not None:
            needs.append(f"≥ {quota.min_share:.1%}")
            met &= attained >= quota.min_share - 1e-9
        if quota.max_share is not None:
            needs.append(f"≤ {quota.max_share:.1%}")
            met &= attained <= quota.max_share + 1e-9
        count = round(attained * people)
        if quota.min_count is not None:
            needs.append(f"≥ {quota.min_count:,} people")
            met &= count >= quota.min_count
        title.append(
            f"{quota.group}: {attained:.1%} ({count:,} people) attained, required {', '.join(needs)}"
            f" – {'met' if met else 'NOT met'}"
        )
    if not quotas:
        title.append("(the policy sets no quotas)")
    ax.set_title("\n".join(title), fontsize=9, **_families(title))
    if not groups:
        ax.text(0.5, 0.5, "no priority groups", ha="center", va="center", transform=ax.transAxes)


def _scores(assignment: Assignment, ax: Axes) -> None:
    problem = assignment.problem
    job_of = np.asarray(assignment.job_of)
    workers, values = np.asarray(problem.workers), np.asarray(problem.values, dtype=np.float64)
    chosen = assignment.usage.chosen
    own = np.full(len(job_of), np.nan)
    own[workers[chosen]] = values[chosen]
    placed = own[job_of >= 0]
    indptr = np.asarray(problem.indptr)
    has_arcs = np.diff(indptr) > 0
    best = np.full(len(job_of), np.nan)
    if has_arcs.any():
        best[has_arcs] = np.maximum.reduceat(values, indptr[:-1][has_arcs])
    waiting = (job_of < 0) & has_arcs
    unplaced = best[waiting]
    both = np.concatenate([placed, unplaced])
    edges = np.histogram_bin_edges(both, bins=30) if len(both) else np.linspace(0.0, 1.0, 31)
    labels = [
        f"placed: score of the job taken ({len(placed):,})",
        f"unplaced: best candidate score ({len(unplaced):,})",
    ]
    _, _, containers = ax.hist([placed, unplaced], bins=edges.tolist(), color=["C0", "C1"])
    for container, label in zip(containers, labels):  # type: ignore[arg-type]  # one container per data set
        container.set_label(label)  # the legend shows the containers; tests find the bars by their label
    ax.set_xlabel("composite score")
    ax.set_ylabel("workers")
    ax.legend(fontsize=8)
    without = int(np.count_nonzero((job_of < 0) & ~has_arcs))
    mean = f", mean {np.mean(placed):.3f}" if len(placed) else ""
    more = f" ({without:,} more had no candidate)" if without else ""
    ax.set_title(
        f"Scores of {len(placed):,} placed workers{mean},\n"
        f"and the best candidate score of {len(unplaced):,} unplaced workers{more}",
        fontsize=9,
    )


def _heatmap(table: Any, ax: Axes) -> None:
    counts = table.to_numpy()
    origins, regions = [str(name) for name in table.index], [str(name) for name in table.columns]
    ax.set_xlabel("destination region")
    ax.set_ylabel("origin county")
    total = int(counts.sum())
    ax.set_title(f"People placed by origin county and destination region ({total:,} people)", fontsize=9)
    if counts.size == 0:
        ax.text(0.5, 0.5, "no placements", ha="center", va="center", transform=ax.transAxes)
        return
    image = ax.imshow(counts, cmap="Blues", aspect="auto", interpolation="nearest", vmin=0)
    ax.figure.colorbar(image, ax=ax, label="people placed")
    ax.set_xticks(np.arange(len(regions)), labels=regions, **_families(regions))
    ax.set_yticks(np.arange(len(origins)), labels=origins, **_families(origins))
    ax.tick_params(length=0)
    if max(counts.shape) <= _ANNOTATE_UP_TO:
        bright = counts.max() * 0.6
        for (row, col), value in np.ndenumerate(counts):
            colour = "white" if value > bright else "black"
            ax.text(col, row, f"{value:,}", ha="center", va="center", fontsize=8, color=colour)
