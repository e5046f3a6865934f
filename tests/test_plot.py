"""jobmatch.plot: each figure shows the assignment's own numbers, quietly."""

import importlib
import io
import sys
import warnings

import numpy as np
import pytest
from matplotlib import font_manager
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

import jobmatch.plot
import jobmatch.results.plot
from jobmatch import GroupQuota, Policy, ValidationError, match, synth
from jobmatch.exceptions import MissingDependency
from jobmatch.plot import plot
from jobmatch.results.metrics import flows

KINDS = ("quota", "scores", "flows")


@pytest.fixture(scope="module")
def placed():
    policy = Policy(
        quotas=[
            GroupQuota("poverty_alleviated", min_share=0.75, min_count=50),
            GroupQuota("female", max_share=0.6),
        ]
    )
    return match(synth.scenario(400, 25, seed=4), policy, k=5)


@pytest.fixture(scope="module")
def unconstrained():
    return match(synth.scenario(300, 20, seed=1), k=5)


def bars(ax, label):
    (container,) = [c for c in ax.containers if c.get_label() == label]
    return np.array([bar.get_height() for bar in container])


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_is_a_figure_that_draws_without_warnings(placed, kind):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing CJK glyph, a layout or a deprecation warning fails
        warnings.filterwarnings("ignore", message="jobmatch.plot: no CJK font")  # said once: its own test
        fig = plot(placed, kind)
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=40, bbox_inches="tight")  # draws, measures, draws
    assert isinstance(fig, Figure)
    assert png.getvalue().startswith(b"\x89PNG")
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()


def test_quota_bars_are_the_group_shares_and_rates(placed):
    figures = placed.metrics()
    ax = plot(placed, "quota").axes[0]
    groups = [label.get_text() for label in ax.get_xticklabels()]
    assert groups == list(figures["group_share"]) == ["female", "poverty_alleviated"]
    np.testing.assert_allclose(bars(ax, "share of people placed"), list(figures["group_share"].values()))
    np.testing.assert_allclose(bars(ax, "placement rate of the group"), list(figures["group_placement_rate"].values()))


def test_quota_marks_each_bound_over_its_group(placed):
    ax = plot(placed, "quota").axes[0]
    ticks = dict(zip([label.get_text() for label in ax.get_xticklabels()], ax.get_xticks()))
    for label, group, bound in (
        ("required minimum share", "poverty_alleviated", 0.75),
        ("allowed maximum share", "female", 0.6),
    ):
        (line,) = [line for line in ax.get_lines() if line.get_label() == label]
        x, y = line.get_data()
        assert list(y) == [bound, bound]
        assert x[0] < ticks[group] <= x[1] and abs(np.mean(x) - ticks[group]) < 0.5
    title = ax.get_title()
    share = placed.metrics()["group_share"]["poverty_alleviated"]
    assert "attained" in title and "required ≥ 75.0%" in title and "≥ 50 people" in title
    assert f"poverty_alleviated: {share:.1%}" in title and "≤ 60.0%" in title
    assert ("NOT met" in title) == (share < 0.75)
    assert [text.get_text() for text in ax.get_legend().get_texts()] == [
        "required minimum share",
        "allowed maximum share",
        "share of people placed",
        "placement rate of the group",
    ]


def test_quota_without_a_policy_draws_no_bounds(unconstrained):
    assert unconstrained.policy is None or not unconstrained.policy.quotas
    ax = plot(unconstrained, "quota").axes[0]
    assert ax.get_lines() == [] and "no quotas" in ax.get_title()
    assert not [c for c in ax.collections if isinstance(c, LineCollection)]
    np.testing.assert_allclose(
        bars(ax, "share of people placed"), list(unconstrained.metrics()["group_share"].values())
    )


def own_and_best_scores(assignment):
    """Per worker, by a plain loop: the score of the job taken, and the best candidate score."""
    problem, job_of = assignment.problem, assignment.job_of
    own, best = [], []
    for i, job in enumerate(job_of):
        arcs = range(problem.indptr[i], problem.indptr[i + 1])
        if job >= 0:
            (score,) = [problem.values[t] for t in arcs if problem.jobs[t] == job]
            own.append(score)
        elif len(arcs):
            best.append(max(problem.values[t] for t in arcs))
    return np.array(own), np.array(best)


@pytest.mark.parametrize("fixture", ["placed", "unconstrained"])
def test_scores_histograms_count_placed_and_unplaced_workers(fixture, request):
    assignment = request.getfixturevalue(fixture)
    ax = plot(assignment, "scores").axes[0]
    own, best = own_and_best_scores(assignment)
    (placed_label,) = [c.get_label() for c in ax.containers if c.get_label().startswith("placed")]
    (waiting_label,) = [c.get_label() for c in ax.containers if c.get_label().startswith("unplaced")]
    placed_counts, waiting_counts = bars(ax, placed_label), bars(ax, waiting_label)
    assert placed_counts.sum() == assignment.n_placed == len(own)
    assert waiting_counts.sum() == len(best) > 0
    # The bars are np.histogram of the per-worker scores over the same bins.
    edges = np.histogram_bin_edges(np.concatenate([own, best]), bins=len(placed_counts))
    np.testing.assert_array_equal(placed_counts, np.histogram(own, edges)[0])
    np.testing.assert_array_equal(waiting_counts, np.histogram(best, edges)[0])
    assert ax.get_xlabel() == "composite score" and ax.get_ylabel() == "workers"
    assert len(ax.get_legend().get_texts()) == 2


def test_flows_heatmap_is_the_flows_table(placed):
    table = flows(placed)
    fig = plot(placed, "flows")
    ax, colorbar = fig.axes
    np.testing.assert_array_equal(np.asarray(ax.images[0].get_array()), table.to_numpy())
    assert [label.get_text() for label in ax.get_xticklabels()] == list(table.columns)
    assert [label.get_text() for label in ax.get_yticklabels()] == list(table.index)
    assert "巫溪" in table.index and colorbar.get_ylabel() == "people placed"
    written = sorted(int(text.get_text().replace(",", "")) for text in ax.texts)
    assert written == sorted(table.to_numpy().ravel().tolist())  # small table: every count written in
    assert f"{int(table.to_numpy().sum()):,} people" in ax.get_title()


def test_flows_large_table_has_no_counts_written(placed, monkeypatch):
    monkeypatch.setattr(jobmatch.results.plot, "_ANNOTATE_UP_TO", 5)
    assert len(plot(placed, "flows").axes[0].texts) == 0


@pytest.mark.parametrize("kind", KINDS)
def test_ax_is_honoured(placed, kind):
    fig = Figure(figsize=(9, 4), layout="constrained")
    left, right = fig.subplots(1, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert plot(placed, kind, ax=right) is fig
    assert not left.has_data() and right.has_data()
    assert right.get_title() and not left.get_title()
    assert len(fig.axes) == (3 if kind == "flows" else 2)  # the colour bar


@pytest.mark.parametrize("kind", ["pie", "Quota", "", None, 3])
def test_bad_kind_is_a_validation_error_naming_the_field(unconstrained, kind):
    with pytest.raises(ValidationError, match=r"^plot: kind must be one of 'quota', 'scores', 'flows'") as err:
        plot(unconstrained, kind)
    assert err.value.field == "kind" and err.value.got == kind


def test_place_names_prefer_an_installed_cjk_font(placed, monkeypatch):
    def flows_ticks():
        ax = plot(placed, "flows").axes[0]
        return ax.get_xticklabels()[0].get_fontfamily(), ax.get_yticklabels()[-1].get_fontfamily()

    default = Figure().text(0, 0, "x").get_fontfamily()
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    if not installed & set(jobmatch.plot.CJK_FONTS):
        assert flows_ticks() == (default, default)
    # Pretend Noto Sans CJK SC is installed (pointing at a file matplotlib ships); nothing is drawn.
    fake = font_manager.FontEntry(fname=font_manager.findfont("DejaVu Sans"), name="Noto Sans CJK SC")
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [*font_manager.fontManager.ttflist, fake])
    for family in flows_ticks():
        assert family[0] == "Noto Sans CJK SC" and family[-len(default) :] == default
    quota = plot(placed, "quota").axes[0]  # ASCII group names and titles keep the default family
    assert quota.get_xticklabels()[0].get_fontfamily() == default == quota.title.get_fontfamily()


def test_without_a_cjk_font_one_warning_says_so_clearly(placed, monkeypatch):
    from jobmatch.results import plot as module

    no_cjk = [entry for entry in font_manager.fontManager.ttflist if entry.name not in module.CJK_FONTS]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", no_cjk)
    monkeypatch.setattr(module, "_SAID", [])
    with pytest.warns(UserWarning, match="no CJK font is installed .*Noto Sans CJK SC.* render as boxes"):
        plot(placed, "flows")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # said once per process, and no warning per glyph when drawn
        plot(placed, "flows").savefig(io.BytesIO(), format="png", dpi=30)


def test_without_matplotlib_the_import_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.delitem(sys.modules, "jobmatch.plot")
    monkeypatch.delitem(sys.modules, "jobmatch.results.plot")  # where the public path's code lives
    with pytest.raises(MissingDependency, match=r'jobmatch.plot needs matplotlib: pip install "jobmatch\[plot\]"'):
        importlib.import_module("jobmatch.plot")


def test_plot_uplift_draws_each_solver_with_its_interval():
    import pandas as pd

    from jobmatch import ValidationError
    from jobmatch.plot import plot_uplift

    summary = pd.DataFrame(
        {"solver": ["random", "flow"], "seeds": [4, 4], "uplift": [0.0, 0.1], "uplift_low": [0.0, 0.07],
         "uplift_high": [0.0, 0.13], "expected_uplift": [0.0, 0.2], "expected_uplift_low": [0.0, 0.15],
         "expected_uplift_high": [0.0, 0.25]}
    )  # fmt: skip
    ax = plot_uplift(summary).axes[0]
    heights = sorted(round(bar.get_height(), 6) for bar in ax.patches)
    assert heights == [0.0, 0.0, 0.1, 0.2]
    bars = [c for c in ax.collections if isinstance(c, LineCollection)]
    spans = sorted(round(float(seg[1][1] - seg[0][1]), 6) for c in bars for seg in c.get_segments())
    assert spans == [0.0, 0.0, 0.06, 0.1]  # each error bar spans its interval
    with pytest.raises(ValidationError) as err:
        plot_uplift(pd.DataFrame({"solver": ["flow"]}))
    assert err.value.field == "summary"
