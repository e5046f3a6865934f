"""compare: one row per solver and seed, each equal to a match run on its own."""

from __future__ import annotations

import math

import pytest

from jobmatch import GroupQuota, Policy, ValidationError, compare, match, solve, synth
from jobmatch.solvers import unsupported


@pytest.fixture(scope="module")
def market():
    return synth.scenario(300, 20, seed=4)


@pytest.mark.parametrize("policy", [None, Policy(quotas=[GroupQuota("poverty_alleviated", min_share=0.8)])])
def test_rows_agree_with_individual_match_runs(market, policy):
    solvers = ("auto", "flow", "greedy", "cpsat", "stable")
    table = compare(market, policy, solvers=solvers, seeds=(0, 3), k=4)
    assert list(zip(table["solver"], table["seed"])) == [(s, seed) for s in solvers for seed in (0, 3)]
    for row in table.to_dict("records"):
        reason = unsupported(row["solver"], one_problem(market, policy))
        if reason is not None:
            assert row["status"] == "unsupported" and row["note"] == reason
            continue
        one = match(market, policy, solver=row["solver"], k=4, seed=row["seed"])
        assert row["ran"] == one.solver and row["status"] == one.status.value
        assert row["objective"] == pytest.approx(one.objective)
        for key, value in one.metrics().items():
            if isinstance(value, dict):
                for group, share in value.items():
                    assert row[f"{key}[{group}]"] == pytest.approx(share), (key, group)
            elif isinstance(value, float) and math.isnan(value):
                assert math.isnan(row[key])
            else:
                assert row[key] == pytest.approx(value), key
        assert row["seconds"] > 0


def one_problem(market, policy):
    from jobmatch import compile

    return compile(market, policy, k=4)


def test_a_solver_function_gets_its_own_row(market):
    def flow_twice(problem, /, *, time_limit=None, seed=0):
        return solve(problem, solver="flow", seed=seed)

    table = compare(market, solvers=("flow", flow_twice), k=4)
    assert table["solver"].tolist() == ["flow", "flow_twice"]
    assert table.loc[0, "objective"] == table.loc[1, "objective"]
    assert table["workers_placed"].dtype.name == "Int64"


@pytest.mark.parametrize(
    ("options", "field"),
    [({"solvers": "flow"}, "solvers"), ({"solvers": ("nope",)}, "solvers"), ({"seeds": 0}, "seeds")],
)
def test_bad_options_name_the_field(market, options, field):
    with pytest.raises(ValidationError) as err:
        compare(market, **options)
    assert err.value.field == field


def test_the_function_is_what_the_package_exports():
    import jobmatch
    import jobmatch.comparison

    assert jobmatch.compare is jobmatch.comparison.compare
