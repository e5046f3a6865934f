"""Arguments accepted only where the answer stays right: ranges checked where values are used (issue 28)."""

from __future__ import annotations

import numpy as np
import pytest

from jobmatch import GroupQuota, Policy, ValidationError, match, rematch, synth
from jobmatch.pipeline import simulate as simulation
from jobmatch.pipeline.rematch import MAX_MOVE_PENALTY
from jobmatch.results.effect import effect


@pytest.fixture(scope="module")
def week():
    market = synth.scenario(120, 8, seed=3)
    return market, match(market, k=4)


def test_placed_earlier_names_a_group_or_is_refused(week):
    market, before = week
    policy = Policy(quotas=[GroupQuota("poverty_alleviated", min_share=0.5)])
    with pytest.raises(
        ValidationError, match=r"placed_earlier key must be .* \(close: 'poverty_alleviated'\), got 'poverty_aleviated'"
    ):
        rematch(before, market, policy, placed_earlier={"people": 10, "poverty_aleviated": 8}, k=4)
    spelt = rematch(before, market, policy, placed_earlier={"people": 10, "Poverty_Alleviated": 8}, k=4)
    exact = rematch(before, market, policy, placed_earlier={"people": 10, "poverty_alleviated": 8}, k=4)
    assert np.array_equal(spelt.job_of, exact.job_of) and spelt.objective == exact.objective
    female = rematch(before, market, policy, placed_earlier={"people": 10, "female": 3}, k=4)  # a group of the market
    assert female.status.name in ("OPTIMAL", "FEASIBLE")


@pytest.mark.parametrize("penalty", [1e14, 1e308, MAX_MOVE_PENALTY * 1.01, -0.1, float("nan")])
def test_a_penalty_that_would_drown_the_scores_is_refused(week, penalty):
    market, before = week
    with pytest.raises(ValidationError, match=r"rematch: move_penalty must be a finite number from 0 to 100"):
        rematch(before, market, move_penalty=penalty, k=4)


def test_the_largest_penalty_keeps_every_holder_and_places_arrivals(week):
    market, before = week
    again = rematch(before, market, move_penalty=MAX_MOVE_PENALTY, k=4)
    held = np.asarray(before.job_of) >= 0
    assert np.array_equal(np.asarray(again.job_of)[held], np.asarray(before.job_of)[held])


def test_any_k_the_caller_may_pass_is_taken(week):
    market, before = week
    wide = rematch(before, market, k=2**31 - 1)
    assert wide.objective == pytest.approx(rematch(before, market, k=market.n_jobs).objective)


def test_effect_of_an_infeasible_what_if_says_so(week):
    market, before = week
    impossible = match(market, Policy(quotas=[GroupQuota("poverty_alleviated", min_count=10_000)]), k=4,
                       solver="cpsat")  # fmt: skip
    assert impossible.status.name == "INFEASIBLE"
    found = effect(before, impossible)
    assert not found.proven and found.unsolved is not None
    assert str(found).startswith("no comparison: the what-if run has no solution (INFEASIBLE")
    assert "no effect" not in str(found)
    assert str(effect(impossible, before)).startswith("no comparison: the base run has no solution")


@pytest.mark.parametrize(
    ("stays", "message"),
    [
        (lambda w, j: np.full(len(w), -0.5), r"probabilities of staying in \[0, 1\], one per pair, got \[-0.5"),
        (lambda w, j: np.full(len(w), np.nan), r"probabilities of staying in \[0, 1\]"),
        (lambda w, j: np.ones(len(w) + 1), "got shape"),
        (lambda w, j: ["x"] * len(w), "probabilities"),
    ],
)
def test_simulate_checks_what_departures_says(stays, message):
    with pytest.raises(ValidationError, match=message):
        simulation.run(simulation.Strategy("matched"), workers=80, jobs=6, weeks=6, departures=lambda market: stays)
    with pytest.raises(ValidationError, match="departures"):
        simulation.run(simulation.Strategy("matched"), workers=80, jobs=6, weeks=6, departures=3)


def test_simulate_weeks_are_bounded_by_the_year_and_by_memory(monkeypatch):
    with pytest.raises(ValidationError, match=r"weeks must be an integer from 1 to 520"):
        simulation.run(simulation.Strategy("matched"), workers=80, jobs=6, weeks=521)
    monkeypatch.setattr(simulation, "MAX_DRAW_BYTES", 80 * 8 * 10)
    with pytest.raises(ValidationError, match=r"weeks must be at most 10 for 80 workers .*, got 11"):
        simulation.run(simulation.Strategy("matched"), workers=80, jobs=6, weeks=11)
    assert len(simulation.run(simulation.Strategy("matched"), workers=80, jobs=6, weeks=10).weeks) == 10


def test_a_placements_file_read_with_numbers_for_ids_is_not_matched_in_silence(tmp_path):
    import warnings

    import pandas as pd

    from jobmatch import Market, NameWarning
    from jobmatch.data.files import read_placements, write_frame

    market = synth.scenario(40, 4, seed=2)
    workers, jobs, _ = market.to_frames(backend="pandas")
    workers["id"] = [f"{i:03d}" for i in range(len(workers))]
    market = Market.from_frames(workers, jobs)
    before = match(market, k=3)
    path = write_frame(before.to_frame(backend="pandas")[["worker", "job"]], tmp_path / "before.csv")
    with pytest.warns(NameWarning, match=r"none of the 40 workers of the placements before \('0', '1', '2'"):
        rematch(pd.read_csv(path), market, k=3)  # pandas' default reading: 001 became 1
    with warnings.catch_warnings():
        warnings.simplefilter("error", NameWarning)
        carried = rematch(read_placements(path), market, k=3)
    assert carried.metrics()["changes"]["kept"] > 0
