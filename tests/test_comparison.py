"""compare: one row per solver and seed, each equal to a match run on its own."""

from __future__ import annotations

import math

import pytest

from jobmatch import GroupQuota, Policy, Problem, ValidationError, compare, match, solve, synth
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
            assert row["status"] == "UNSUPPORTED" and row["note"] == reason
            continue
        one = match(market, policy, solver=row["solver"], k=4, seed=row["seed"], scope="candidates")
        assert row["ran"] == one.solver and row["status"] == one.status.name
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
    from jobmatch import build_problem

    return build_problem(market, policy, k=4)


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


# --------------------------------------------------------------------------- status quo and uplift
def arrival_reference(problem, seed, pick):
    """Workers in the seeded arrival order; each takes ``pick`` of its candidate jobs with room, in plain Python."""
    import numpy as np

    arrival = np.random.default_rng(seed).permutation(problem.n_workers)
    left = problem.capacity.copy()
    job_of = np.full(problem.n_workers, -1)
    for i in sorted(range(problem.n_workers), key=lambda w: arrival[w]):
        arcs = list(range(problem.indptr[i], problem.indptr[i + 1]))
        for t in pick(arcs):
            if problem.use[t] <= left[problem.jobs[t]]:
                job_of[i] = problem.jobs[t]
                left[problem.jobs[t]] -= problem.use[t]
                break
    return job_of


@pytest.mark.parametrize("seed", [0, 7])
def test_first_come_takes_the_best_job_with_room_in_arrival_order(market, seed):
    problem = one_problem(market, None)
    best_first = lambda arcs: sorted(arcs, key=lambda t: (-problem.values[t], problem.jobs[t]))  # noqa: E731
    got = solve(problem, solver="first_come", seed=seed)
    assert got.job_of.tolist() == arrival_reference(problem, seed, best_first).tolist()
    assert got.status.value == "feasible"


def test_random_keeps_capacities_and_changes_with_the_seed(market):
    import numpy as np

    problem = one_problem(market, None)
    runs = [solve(problem, solver="random", seed=s).job_of for s in (0, 1, 0)]
    assert runs[0].tolist() == runs[2].tolist() and runs[0].tolist() != runs[1].tolist()
    for job_of in runs:
        chosen = problem.jobs == job_of[problem.workers]
        assert chosen.sum() == (job_of >= 0).sum()  # every placement is a candidate arc
        used = np.bincount(problem.jobs[chosen], weights=problem.use[chosen], minlength=problem.n_jobs)
        assert (used <= problem.capacity).all()


def test_uplift_is_against_the_baseline_of_the_same_seed_on_the_same_market(market):
    import numpy as np

    from jobmatch.comparison import uplift_summary
    from jobmatch.outcomes import retention

    stays = retention(market)
    policy = Policy(quotas=[GroupQuota("poverty_alleviated", min_share=0.8)])
    table = compare(market, policy, solvers=("auto", "first_come"), seeds=(0, 1, 2), k=4, outcome=stays)
    assert table["solver"].tolist() == ["random"] * 3 + ["auto"] * 3 + ["first_come"] * 3
    problem = one_problem(market, policy)
    for row in table.to_dict("records"):
        # Each row's placements, recomputed: the status quo on the same arcs and capacities without the quota.
        if row["solver"] == "auto":
            job_of = match(market, policy, k=4, seed=row["seed"]).job_of
        else:
            bare = Problem(problem.indptr, problem.jobs, problem.values, capacity=problem.capacity,
                           n_jobs=problem.n_jobs, use=problem.use, people=problem.people)  # fmt: skip
            job_of = solve(bare, solver=row["solver"], seed=row["seed"]).job_of
            assert row["status"] == "FEASIBLE"  # the quota does not stop the status quo
        placed = np.flatnonzero(job_of >= 0)
        people = market.workers.size[placed]
        expected = float((people * stays(placed, job_of[placed])).sum())
        assert row["expected_outcome"] == pytest.approx(expected)
        assert row["mean_outcome"] == pytest.approx(expected / people.sum())
        base = table[(table["solver"] == "random") & (table["seed"] == row["seed"])].iloc[0]
        assert row["uplift"] == pytest.approx(row["mean_outcome"] / base["mean_outcome"] - 1)
        assert row["expected_uplift"] == pytest.approx(expected / base["expected_outcome"] - 1)
    summary = uplift_summary(table)
    auto = table[table["solver"] == "auto"]["uplift"]
    line = summary[summary["solver"] == "auto"].iloc[0]
    half = 1.959963984540054 * auto.std(ddof=1) / 3**0.5
    assert line["uplift"] == pytest.approx(auto.mean())
    assert (line["uplift_low"], line["uplift_high"]) == pytest.approx((auto.mean() - half, auto.mean() + half))
    assert line["uplift"] > 0  # optimising beats random arrivals on retention here


@pytest.mark.parametrize(
    ("options", "field"),
    [({"outcome": 3}, "outcome"), ({"outcome": lambda w, j: w * 0.0, "baseline": "greedy"}, "baseline")],
)
def test_bad_outcome_options_name_the_field(market, options, field):
    with pytest.raises(ValidationError) as err:
        compare(market, **options)
    assert err.value.field == field


def test_uplift_summary_wants_an_outcome_table(market):
    from jobmatch.comparison import uplift_summary

    with pytest.raises(ValidationError) as err:
        uplift_summary(compare(market, solvers=("flow",), k=4))
    assert err.value.field == "frame"
