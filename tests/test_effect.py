"""What-if effects told apart from solver noise (jobmatch.results.effect)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from jobmatch import Market, ValidationError, match, rematch, synth
from jobmatch.pipeline.routes import more_seats
from jobmatch.results.effect import effect


def test_the_same_market_twice_is_no_effect_and_more_room_is_one():
    market = synth.scenario(400, 25, seed=2)
    base = match(market, k=6)
    same = effect(base, match(market, k=6))
    assert not same.proven and same.low <= 0 <= same.high
    assert str(same).startswith("no effect within the solver's precision")
    workers, jobs, _ = market.to_frames()
    jobs["capacity"] += 3
    more = effect(base, match(Market.from_frames(workers, jobs), k=6))
    assert more.proven and more.low > 0 and more.difference >= more.low
    assert str(more).startswith("objective +")


def test_the_interval_holds_the_true_difference():
    """Both runs solved exactly by CP-SAT: the interval must contain the difference of their optima."""
    market = synth.scenario(120, 8, seed=5)
    workers, jobs, _ = market.to_frames()
    jobs.loc[0, "capacity"] += 2
    other = Market.from_frames(workers, jobs)
    exact = effect(match(market, k=4, solver="cpsat"), match(other, k=4, solver="cpsat"))
    fast = effect(match(market, k=4, solver="auction", scope="candidates"),
                  match(other, k=4, solver="auction", scope="candidates"))  # fmt: skip
    assert fast.low - 1e-9 <= exact.difference <= fast.high + 1e-9


def test_seats_that_do_not_bind_have_no_proven_effect():
    market = synth.scenario(1500, 60, 3, seed=7)
    base = match(market, k=8)
    used = np.bincount(np.asarray(base.program_of)[np.asarray(base.program_of) >= 0], minlength=market.n_programs)
    idle = int(np.argmax(market.programs.seats - used))
    assert market.programs.seats[idle] > used[idle]  # a programme with seats to spare
    found = effect(base, match(more_seats(market, idle, 100), k=8))
    assert not found.proven, found


def test_a_run_without_a_bound_proves_nothing_on_that_side():
    market = synth.scenario(200, 10, seed=3)
    base = match(market, k=5)
    unbounded = dataclasses.replace(base.result, bound=None)
    from jobmatch import Assignment

    loose = Assignment(market, base.policy, base.problem, unbounded, {})
    found = effect(loose, base)
    assert found.low == -math.inf and not found.proven


def test_a_rematch_counts_with_its_penalised_bound_and_bad_runs_are_refused():
    market = synth.scenario(300, 15, seed=4)
    base = match(market, k=5)
    again = rematch(base, market, k=5, move_penalty=1e-6)
    found = effect(base, again)
    assert math.isfinite(found.high) and not found.proven
    with pytest.raises(ValidationError, match=r"other must be a jobmatch\.Assignment"):
        effect(base, "run")
