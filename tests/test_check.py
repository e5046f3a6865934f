"""The post-solve check: a solution that breaks its problem raises, one that keeps it gets its slack."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobmatch import Problem, Result, Status, solve
from jobmatch.exceptions import SolverError
from jobmatch.solvers.check import check
from jobmatch.solvers.problem import Cap, GroupBound
from test_solvers import satisfies, tiny_problems


@st.composite
def problems_with_any_assignment(draw):
    """A tiny problem and any job per worker: -1, one of its arcs' jobs, or (sometimes) a job it has no arc to."""
    problem = draw(tiny_problems())
    job_of = np.full(problem.n_workers, -1, dtype=np.int64)
    for i in range(problem.n_workers):
        own = problem.jobs[problem.indptr[i] : problem.indptr[i + 1]].tolist()
        job_of[i] = draw(st.sampled_from([-1, *own, *range(problem.n_jobs)]))
    return problem, job_of


def _result(problem: Problem, job_of: np.ndarray, **extra) -> Result:
    chosen = problem.jobs == job_of[problem.workers]
    return Result(Status.FEASIBLE, float(problem.values[chosen].sum()), job_of, "mine", **extra)


@given(problems_with_any_assignment())
def test_raises_exactly_when_a_rule_is_broken(case):
    problem, job_of = case
    result = _result(problem, job_of)
    if satisfies(problem, job_of):  # the oracle checks every rule from scratch, in plain Python
        checked = check(problem, result, solver="mine")
        chosen = problem.jobs == job_of[problem.workers]
        load = np.bincount(problem.jobs[chosen], weights=problem.use[chosen], minlength=problem.n_jobs)
        assert checked.slack.jobs.tolist() == (problem.capacity - load).astype(int).tolist()
        for c, cap in enumerate(problem.caps):
            held = problem.people[(job_of >= 0) & cap.jobs[np.maximum(job_of, 0)]].sum()
            assert checked.slack.caps[c] == pytest.approx(cap.limit - held)
        assert all(v >= -1e-6 for v in checked.slack.quotas.values())
        assert np.array_equal(checked.job_of, result.job_of)
    else:
        with pytest.raises(SolverError, match="solver 'mine' returned a solution that breaks its problem"):
            check(problem, result, solver="mine")


def test_each_rule_is_named():
    p = Problem.from_dense(np.array([[3.0, 1.0], [2.0, -np.inf]]), capacity=1, must_place=False)
    with pytest.raises(SolverError, match="job 0 holds 2 units of capacity 1"):
        check(p, _result(p, np.array([0, 0])), solver="mine")
    with pytest.raises(SolverError, match="worker 1 is placed at job 1, which is not one of its arcs"):
        check(p, Result(Status.FEASIBLE, 0.0, np.array([-1, 1]), "mine"), solver="mine")
    with pytest.raises(SolverError, match=r"objective 7\.0 is not the chosen arcs' total 3\.0"):
        check(p, Result(Status.FEASIBLE, 7.0, np.array([0, -1]), "mine"), solver="mine")
    with pytest.raises(SolverError, match=r"bound 2\.0 lies below the objective 3\.0"):
        check(p, Result(Status.OPTIMAL, 3.0, np.array([0, -1]), "mine", bound=2.0), solver="mine")
    with pytest.raises(SolverError, match="INFEASIBLE result must place nobody"):
        check(p, Result(Status.INFEASIBLE, math.nan, np.array([0, -1]), "mine"), solver="mine")
    with pytest.raises(SolverError, match="job_of must hold 2 signed integer job indices"):
        check(p, Result(Status.FEASIBLE, 3.0, np.array([0.0, -1.0]), "mine"), solver="mine")
    with pytest.raises(SolverError, match="job_of must hold 2 signed integer job indices, got shape \\(2,\\), uint64"):
        check(p, Result(Status.FEASIBLE, 3.0, np.array([0, 2**64 - 1], dtype=np.uint64), "mine"), solver="mine")
    with pytest.raises(SolverError, match="job_of must be a numpy array of 2 job indices, got NoneType"):
        check(p, Result(Status.OPTIMAL, 3.0, None, "mine"), solver="mine")  # type: ignore[arg-type]
    with pytest.raises(SolverError, match="job_of must hold -1 or job indices below 2"):
        check(p, Result(Status.FEASIBLE, 3.0, np.array([0, 5]), "mine"), solver="mine")
    with pytest.raises(SolverError, match=r"returned dict, not a jobmatch\.Result"):
        check(p, {"job_of": [0, -1]}, solver="mine")
    must = Problem.from_dense(np.array([[3.0], [2.0]]), capacity=2, must_place=True)
    with pytest.raises(SolverError, match="every worker must be placed, but 1 are not"):
        check(must, _result(must, np.array([0, -1])), solver="mine")
    capped = Problem.from_dense(np.array([[3.0], [2.0]]), capacity=2, caps=[Cap("region 泰安", np.array([True]), 1)])
    with pytest.raises(SolverError, match="cap 'region 泰安' is broken by 1 people"):
        check(capped, _result(capped, np.array([0, 0])), solver="mine")
    share = Problem.from_dense(
        np.array([[3.0], [2.0]]), capacity=2, quotas=[GroupBound("pa", np.array([True, False]), min_share=0.75)]
    )
    with pytest.raises(SolverError, match="quota 'pa' min_share is broken"):
        check(share, _result(share, np.array([0, 0])), solver="mine")
    assert check(share, _result(share, np.array([0, -1])), solver="mine").slack.quotas == {
        "quota 'pa' min_share": pytest.approx(0.25)
    }


@given(tiny_problems())
def test_every_built_in_solver_passes_its_own_check(problem):
    for name in ("flow", "cpsat", "lagrangian", "greedy", "first_come", "random", "stable", "assignment"):
        from jobmatch import solvers

        if solvers.unsupported(name, problem) is None:
            result = solve(problem, solver=name, time_limit=10)
            assert result.status is not Status.OPTIMAL or result.slack is not None
            if result.status in (Status.OPTIMAL, Status.FEASIBLE):
                assert result.slack is not None and (result.slack.jobs >= 0).all()


def test_a_registered_solver_that_overfills_a_job_raises_naming_it():
    p = Problem.from_dense(np.array([[3.0, 1.0], [2.0, 4.0]]), capacity=1)

    def crowd(problem, /, *, time_limit=None, seed=0):
        return _result(problem, np.zeros(problem.n_workers, dtype=np.int64))

    with pytest.raises(SolverError, match="solver 'crowd' returned a solution that breaks its problem: job 0 holds 2"):
        solve(p, solver=crowd)


def test_training_results_are_checked_for_routes_seats_and_budget():
    import dataclasses

    from jobmatch import synth
    from jobmatch.pipeline.routes import routes as build_routes
    from jobmatch.solvers.check import check_routes
    from jobmatch.solvers.training import solve_training

    r = build_routes(synth.scenario(300, 15, 4, seed=2), k=5)
    result = solve_training(r)
    trained = np.flatnonzero(result.program_of >= 0)
    assert len(trained) > 0  # the market exercises training
    checked = check_routes(r, result, solver="training")
    assert (checked.slack.jobs >= 0).all()
    no_seats = dataclasses.replace(r, seats=np.zeros_like(r.seats))
    with pytest.raises(SolverError, match=r"programme \d+ trains \d+ people in 0 seats"):
        check_routes(no_seats, result, solver="training")
    no_budget = dataclasses.replace(r, budget=0.0, cost=np.full(len(r.cost), 1.0))
    with pytest.raises(SolverError, match=r"over the budget of 0\.00"):
        check_routes(no_budget, result, solver="training")
    # A placed worker without training pretending to train where no route leads.
    untrained = np.flatnonzero((result.job_of >= 0) & (result.program_of < 0))
    routed = set(zip(r.problem.workers[r.arc].tolist(), r.program.tolist()))
    i = next(int(w) for w in untrained if all((int(w), p) not in routed for p in range(len(r.seats))))
    program_of = result.program_of.copy()
    program_of[i] = 0
    with pytest.raises(SolverError, match=f"worker {i} trains in programme 0 .* no route"):
        check_routes(r, dataclasses.replace(result, program_of=program_of), solver="training")
