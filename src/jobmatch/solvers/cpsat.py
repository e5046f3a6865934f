"""OR-Tools CP-SAT for what flow cannot express.

One Boolean per arc.  Constraints: each worker at most one job (exactly one
with ``must_place``); each job's capacity over the capacity its arcs use;
group quotas by count or share (of people placed); employer and region
caps.  Every quota, cap and the must-place rule is switched on by an
assumption literal, so when the model is infeasible the solver names a set
of them that cannot hold together, and the diagnosis says by how much.

Deterministic: one search worker and a fixed ``random_seed``.
"""

from __future__ import annotations

import time
from fractions import Fraction

import numpy as np
from ortools.sat.python import cp_model

from ..problem import Problem
from ..result import Result, Status
from ._common import integer_values, job_of_from_arcs, pack

_STATUS = {
    cp_model.OPTIMAL: Status.OPTIMAL,
    cp_model.FEASIBLE: Status.FEASIBLE,
    cp_model.INFEASIBLE: Status.INFEASIBLE,
    cp_model.UNKNOWN: Status.UNKNOWN,
    cp_model.MODEL_INVALID: Status.UNKNOWN,
}


def unsupported(problem: Problem) -> str | None:
    """CP-SAT expresses every Problem."""
    return None


def _share(value: float) -> Fraction:
    return Fraction(value).limit_denominator(1_000_000)


def _model(problem: Problem, ints: np.ndarray, explain: bool) -> tuple[cp_model.CpModel, list, dict[int, str]]:
    """The CP-SAT model; with ``explain``, every quota, cap and must-place rule behind an assumption."""
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{t}") for t in range(problem.n_arcs)]
    workers, jobs = problem.workers, problem.jobs
    labels: dict[int, str] = {}

    def add(constraint: cp_model.Constraint, name: str) -> None:
        if explain:
            literal = model.new_bool_var(name)
            labels[literal.index] = name
            constraint.only_enforce_if(literal)

    for i in range(problem.n_workers):
        row = x[problem.indptr[i] : problem.indptr[i + 1]]
        if problem.must_place:
            add(model.add(sum(row) == 1), "every worker placed")
        if len(row) > 1:
            model.add_at_most_one(row)
    by_job = np.argsort(jobs, kind="stable")
    bounds = np.searchsorted(jobs[by_job], np.arange(problem.n_jobs + 1))
    for j in range(problem.n_jobs):
        arcs = by_job[bounds[j] : bounds[j + 1]]
        if len(arcs) and int(problem.use[arcs].sum()) > problem.capacity[j]:
            model.add(
                cp_model.LinearExpr.weighted_sum([x[t] for t in arcs], problem.use[arcs].tolist())
                <= int(problem.capacity[j])
            )
    people = problem.people[workers]

    def people_on(arcs: np.ndarray) -> cp_model.LinearExpr:
        return cp_model.LinearExpr.weighted_sum([x[t] for t in arcs], people[arcs].tolist())

    placed = people_on(np.arange(problem.n_arcs))
    for quota in problem.quotas:
        in_group = people_on(np.flatnonzero(quota.members[workers]))
        if quota.min_count is not None:
            add(model.add(in_group >= quota.min_count), f"quota {quota.name!r} min_count")
        if quota.max_count is not None:
            add(model.add(in_group <= quota.max_count), f"quota {quota.name!r} max_count")
        if quota.min_share is not None:
            share = _share(quota.min_share)
            add(model.add(share.denominator * in_group >= share.numerator * placed), f"quota {quota.name!r} min_share")
        if quota.max_share is not None:
            share = _share(quota.max_share)
            add(model.add(share.denominator * in_group <= share.numerator * placed), f"quota {quota.name!r} max_share")
    for cap in problem.caps:
        add(model.add(people_on(np.flatnonzero(cap.jobs[jobs])) <= cap.limit), f"cap {cap.name}")
    if explain:
        model.add_assumptions([model.get_bool_var_from_proto_index(index) for index in labels])
    total = cp_model.LinearExpr.weighted_sum(x, ints.tolist())
    if problem.maximize:
        model.maximize(total)
    else:
        model.minimize(total)
    return model, x, labels


def _solver(time_limit: float | None, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1  # deterministic (interleaved parallel search measured 4x slower on GAP)
    solver.parameters.random_seed = int(seed)
    if time_limit is not None:
        solver.parameters.max_time_in_seconds = float(time_limit)
    return solver


def solve_cpsat(
    problem: Problem, /, *, time_limit: float | None = None, seed: int = 0, hint: np.ndarray | None = None
) -> Result:
    """Solve with CP-SAT; OPTIMAL only when proven, FEASIBLE for a time-limited incumbent.

    The model is solved without assumption literals (they weaken presolve);
    only when it is infeasible is it solved again with them, to name the
    constraints that cannot hold together.  ``hint`` (a job index per
    worker) is a starting assignment, as other solvers hand over.
    """
    started = time.perf_counter()
    scaled = integer_values(problem)
    model, x, _ = _model(problem, scaled.ints, explain=False)
    if hint is not None:
        chosen = problem.jobs == np.asarray(hint)[problem.workers]
        for t, var in enumerate(x):
            model.add_hint(var, bool(chosen[t]))
    build_s = time.perf_counter() - started
    solver = _solver(time_limit, seed)
    status = _STATUS[solver.solve(model)]
    timings = {"build": build_s, "solve": solver.wall_time}
    stats = {"branches": solver.num_branches, "conflicts": solver.num_conflicts, "scale": scaled.scale}
    if status in (Status.OPTIMAL, Status.FEASIBLE):
        chosen = np.array([solver.boolean_value(v) for v in x], dtype=bool)
        return pack(
            problem,
            status,
            job_of_from_arcs(problem, chosen),
            "cpsat",
            started,
            timings=timings,
            stats=stats,
            bound=scaled.bound(solver.best_objective_bound, problem.maximize),
        )
    if status is Status.INFEASIBLE:
        model, _, labels = _model(problem, scaled.ints, explain=True)
        solver = _solver(time_limit, seed)
        solver.solve(model)
        core = [labels[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in labels]
        timings["explain"] = solver.wall_time
        return pack(
            problem, status, None, "cpsat", started, timings=timings, stats=stats, diagnosis=_diagnose(problem, core)
        )
    return pack(
        problem,
        status,
        None,
        "cpsat",
        started,
        timings=timings,
        stats=stats,
        diagnosis=f"no solution found within the time limit ({time_limit} s)",
    )


def _diagnose(problem: Problem, core: list[str]) -> str:
    """Name the constraints that cannot hold together, with a shortfall where one is easy to state."""
    if not core:
        return "the capacities cannot hold every arc's use"
    reachable = np.diff(problem.indptr) > 0
    parts = []
    for name in core:
        text = name
        for quota in problem.quotas:
            if name.startswith(f"quota {quota.name!r}"):
                eligible = int(problem.people[quota.members & reachable].sum())
                if name.endswith("min_count") and eligible < quota.min_count:
                    text += f" ({quota.min_count:,} required; only {eligible:,} members have any allowed job)"
        if name == "every worker placed":
            text += f" ({int(np.sum(~reachable)):,} workers have no allowed job)"
        parts.append(text)
    return "cannot all hold together: " + "; ".join(parts)
