"""A year simulated week by week (jobmatch.simulate): determinism, invariants, quotas, the comparison table,
its figure, and the deprecated name ``jobmatch.simulate.compare``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import jobmatch.simulate
from jobmatch import GroupQuota, Policy, ValidationError, synth
from jobmatch.simulate import STATUS_QUO, Strategy, Year, compare_strategies, plot, run

SMALL = {"workers": 900, "jobs": 40, "weeks": 10}


@pytest.fixture
def agg():
    """matplotlib on its Agg backend (nothing shown), or the test is skipped."""
    matplotlib = pytest.importorskip("matplotlib", reason="matplotlib is not installed (the [plot] extra)")
    matplotlib.use("Agg")
    return matplotlib


@pytest.fixture(scope="module")
def table():
    return compare_strategies([STATUS_QUO, Strategy("matched")], seeds=(0, 1, 2), **SMALL)


def test_same_seed_same_year_and_counts_add_up_week_to_week():
    year = run(Strategy("matched"), seed=3, **SMALL)
    again = run(Strategy("matched"), seed=3, **SMALL)
    assert year.weeks.equals(again.weeks)
    w = year.weeks
    registered = w.registered.cumsum()
    accounted = w.waiting + w.pending + w.employed_workers + w.left.cumsum() + w.gave_up.cumsum()
    assert (registered == accounted).all()  # every worker is in exactly one state
    assert (w.seats_used <= 1 + 1e-12).all() and (w.unfilled >= 0).all()
    assert year.totals["placed"] >= year.totals["started"] >= w.started.sum() - 0
    assert year.totals["employed_12m"] <= year.totals["employed_6m"] <= year.totals["employed_3m"]
    other = run(Strategy("matched"), seed=4, **SMALL)
    assert not other.weeks.equals(year.weeks)


def test_without_moves_nobody_moves_and_the_status_quo_runs():
    for strategy in (Strategy("batch", moves=False), STATUS_QUO):
        year = run(strategy, seed=1, **SMALL)
        assert year.totals["moves"] == 0
        assert set(year.weeks.status) <= {"OPTIMAL", "FEASIBLE", "none"}


def test_a_move_limit_holds_every_week():
    year = run(Strategy("few moves", max_moves=1, move_penalty=0.0), seed=2, **SMALL)
    assert (year.weeks.moves <= 1).all()
    free = run(Strategy("free", move_penalty=0.0), seed=2, **SMALL)
    assert free.weeks.moves.max() > 1  # the limit binds somewhere


def test_the_quota_holds_over_everyone_placed_every_week():
    policy = Policy(quotas=[GroupQuota("poverty_alleviated", min_share=0.8)])
    year = run(Strategy("quota", policy=policy, options={"finish": False}), seed=5, **SMALL)
    solved = year.weeks.status.isin(["OPTIMAL", "FEASIBLE"])
    assert solved.any()
    placed = year.weeks.pending + year.weeks.employed_workers > 0
    assert (year.weeks.priority_share[solved & placed] >= 0.8 - 1e-9).all()
    plain = run(Strategy("plain"), seed=5, **SMALL)
    assert plain.weeks.priority_share.iloc[-1] < 0.8  # without the quota the share is lower: the test can fail


def test_compare_table_and_plot(table, agg):
    assert table.strategy.tolist() == ["first_come", "matched"] and table.seeds.tolist() == [3, 3]
    assert table.loc[0, "uplift_12m"] == 0.0
    for key in ("placed", "employed_12m", "uplift_12m"):
        assert (table[f"{key}_low"] <= table[key]).all() and (table[key] <= table[f"{key}_high"]).all()
    years = table.attrs["years"]
    assert len(years) == 6 and all(isinstance(y, Year) for y in years)
    figure = plot(years)
    assert figure.axes[0].get_ylabel() == "people employed"
    assert [t.get_text() for t in figure.axes[0].get_legend().get_texts()] == ["first_come", "matched"]
    baseline = figure.axes[1].lines[0].get_ydata()
    assert np.all(baseline == 0)  # the first strategy against itself


def test_a_given_market_and_departure_model():
    market = synth.scenario(500, 25, seed=9)
    never = run(Strategy("matched"), market=market, weeks=8, departures=lambda m: lambda w, j: np.ones(len(w)))
    assert never.weeks.left.sum() == 0
    always = run(Strategy("matched"), market=market, weeks=8, departures=lambda m: lambda w, j: np.full(len(w), 1e-9))
    assert always.weeks.left.sum() > 0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: run("matched"), "strategy must be a jobmatch.simulate.Strategy"),
        (lambda: run(Strategy("x"), weeks=0), "weeks"),
        (lambda: run(Strategy("x"), market="m"), "market must be a jobmatch.Market"),
        (lambda: compare_strategies([Strategy("x"), Strategy("x")]), "distinct names"),
        (lambda: compare_strategies([Strategy("x")], seeds=()), "at least one seed"),
        (lambda: compare_strategies([Strategy("x")], level=2.0), "level"),
        (lambda: compare_strategies(["x"]), r"^simulate\.compare_strategies: strategies"),
        (lambda: plot([]), "years"),
        (lambda: plot([{"strategy": "x"}]), r"^simulate\.plot: years"),
    ],
)
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValidationError, match=message):
        call()


def test_the_deprecated_compare_warns_and_forwards_its_arguments(table):
    assert jobmatch.simulate.compare is not jobmatch.compare  # the solvers' comparison is another function
    with pytest.warns(DeprecationWarning, match="compare_strategies") as said:
        old = jobmatch.simulate.compare([STATUS_QUO, Strategy("matched")], seeds=(0, 1, 2), **SMALL)
    assert said[0].filename == __file__  # the warning points at the call
    timings = [column for column in table.columns if column.startswith("seconds")]  # wall-clock times differ
    pd.testing.assert_frame_equal(old.drop(columns=timings), table.drop(columns=timings))
    with (
        pytest.warns(DeprecationWarning),
        pytest.raises(ValidationError, match=r"^simulate\.compare_strategies: level"),
    ):
        jobmatch.simulate.compare([STATUS_QUO], level=2.0)


def figure_lines(figure):
    """What a figure of simulated years shows: per axes its labels, lines (label, x, y) and shaded areas."""
    return [
        (
            ax.get_xlabel(),
            ax.get_ylabel(),
            [(line.get_label(), line.get_xdata().tolist(), line.get_ydata().tolist()) for line in ax.lines],
            len(ax.collections),
        )
        for ax in figure.axes
    ]


def test_simulate_plot_is_the_results_figure(table, agg):
    from matplotlib.figure import Figure

    from jobmatch.results.plot_years import plot_years

    years = table.attrs["years"]
    drawn, direct = plot(years), plot_years(years)
    assert isinstance(drawn, Figure) and len(drawn.axes) == len(direct.axes) == 2
    assert figure_lines(drawn) == figure_lines(direct)
    assert [len(ax.lines) for ax in drawn.axes] == [2, 2] and len(drawn.axes[1].collections) == 2
    by_name = {name: [y for y in years if y.strategy == name] for name in ("first_come", "matched")}
    assert figure_lines(plot(by_name)) == figure_lines(drawn)  # a mapping of strategy -> years draws the same
    mine = Figure()
    pair = mine.subplots(1, 2)
    assert plot(years, axes=pair) is mine and figure_lines(mine) == figure_lines(drawn)
    with pytest.raises(ValidationError, match=r"^plot_years: years"):
        plot_years([])
