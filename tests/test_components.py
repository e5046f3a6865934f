"""Custom fit components: numba functions weighted in the Policy, run inside the scoring kernels."""

from __future__ import annotations

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reference
from jobmatch import CandidateGraph, Policy, ValidationError, breakdown, candidates, score_matrix, synth
from jobmatch.components import register, registered, unregister
from strategies import markets, policies

TOL = dict(rtol=1e-6, atol=1e-6)


@numba.njit
def dialect(worker, job, table):
    """How well the worker's home dialect is understood in the job's city: a table by (origin, region)."""
    return table[int(worker[0]), int(job[0])]


@numba.njit
def pay_over_floor(worker, job, table):
    """Pay against the worker's floor, capped at 1.5x: (wage + subsidy) / floor - 0.5, within [0, 1]."""
    ratio = (job[0] + job[1]) / max(worker[0], 1.0)
    return min(max(ratio - 0.5, 0.0), 1.0)


@pytest.fixture(autouse=True)
def clean_registry():
    yield
    for name in registered():
        unregister(name)


def dialect_values(market, table):
    return table[market.workers.origin[:, None], market.jobs.region[None, :]]


def pay_values(market):
    pay = (market.jobs.wage + market.jobs.subsidy)[None, :] / np.maximum(market.workers.min_wage, 1.0)[:, None]
    return np.clip(pay - 0.5, 0.0, 1.0)


def with_weights(policy, **weights):
    return Policy(**{**policy.__dict__, "weights": {**policy.weights, **weights}})


@settings(max_examples=40, deadline=None)
@given(markets(max_workers=8, max_jobs=6, max_programs=0), policies(), st.floats(0.1, 5), st.data())
def test_custom_component_equals_the_formula_added_to_the_reference(market, policy, weight, data):
    places = len(market.vocab.place)
    table = data.draw(st.lists(st.floats(0, 1), min_size=places * places, max_size=places * places))
    table = np.array(table).reshape(places, places) if places else np.zeros((1, 1))
    register("dialect", dialect, worker=("origin",), job=("region",), data=table)
    weighted = with_weights(policy, dialect=weight)
    got = score_matrix(market, weighted)
    want = reference.score_matrix(market, weighted, {"dialect": dialect_values(market, table)})
    np.testing.assert_array_equal(np.isfinite(got), np.isfinite(want))
    np.testing.assert_allclose(got[np.isfinite(got)], want[np.isfinite(want)], **TOL)
    # Every kernel sees it: the top-k and job-side graphs are those of the dense matrix, and breakdowns agree.
    if market.n_workers and market.n_jobs:
        assert candidates(market, weighted, 3) == CandidateGraph.from_dense(got, k=3)
        assert candidates(market, weighted, 2, side="job") == CandidateGraph.from_dense(got, k=2, side="job")
        b = breakdown(market, weighted, 0, 0)
        assert (
            b["score"] == got[0, 0]
            and b["components"]["dialect"] == table[market.workers.origin[0], market.jobs.region[0]]
        )


def test_two_components_and_weight_zero():
    market = synth.scenario(300, 25, seed=5)
    places = len(market.vocab.place)
    table = np.random.default_rng(3).random((places, places))
    register("dialect", dialect, worker=("origin",), job=("region",), data=table)
    register("pay", pay_over_floor, worker=("min_wage",), job=("wage", "subsidy"))
    both = Policy(weights={"dialect": 1.5, "pay": 0.7, "brand": 0.0})
    custom = {"dialect": dialect_values(market, table), "pay": pay_values(market)}
    got, want = score_matrix(market, both), reference.score_matrix(market, both, custom)
    np.testing.assert_allclose(got[np.isfinite(got)], want[np.isfinite(want)], **TOL)
    # A registered component a policy does not weight changes nothing, to the bit.
    plain = Policy()
    assert np.array_equal(score_matrix(market, plain), score_matrix(market, Policy(weights={"dialect": 0.0})))
    assert candidates(market, plain, 5) == candidates(market, Policy(weights={"pay": 0.0}), 5)


def test_policy_names_must_be_registered_and_stay_so():
    with pytest.raises(ValidationError) as err:
        Policy(weights={"dialect": 1.0})
    assert err.value.field == "weights key" and "dialect" in str(err.value)
    register("dialect", dialect, worker=("origin",), job=("region",), data=np.zeros((30, 30)))
    policy = Policy(weights={"dialect": 1.0})
    assert Policy.from_json(policy.to_json()) == policy
    unregister("dialect")
    with pytest.raises(ValidationError) as err:
        score_matrix(synth.scenario(10, 3, seed=1), policy)
    assert err.value.field == "weights['dialect']"


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: register("skill", dialect), "name"),
        (lambda: register("plain", lambda w, j, t: 0.0), "fn"),
        (lambda: register("d", dialect, worker=("skills",)), "worker item"),
        (lambda: register("d", dialect, job="region"), "job"),
        (lambda: register("d", dialect, data=np.zeros(3)), "data"),
        (lambda: unregister("nothing"), "name"),
    ],
)
def test_bad_registrations_name_the_field(call, field):
    with pytest.raises(ValidationError) as err:
        call()
    assert err.value.field == field


def test_a_value_outside_the_unit_interval_is_named_in_a_breakdown():
    register("dialect", dialect, worker=("origin",), job=("region",), data=np.full((30, 30), 2.0))
    market = synth.scenario(10, 3, seed=1)
    with pytest.raises(ValidationError) as err:
        breakdown(market, Policy(weights={"dialect": 1.0}), 0, 0)
    assert err.value.record == "component 'dialect'" and market.workers.ids[0] in str(err.value)
