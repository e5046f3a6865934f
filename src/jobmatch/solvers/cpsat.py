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


def solve_cpsat(problem: Problem, /, *, time_limit: float | None = None, seed: int = 0) -> Result:
    """Solve with CP-SAT; OPTIMAL only when proven, FEASIBLE for a time-limited incumbent."""
    started = time.perf_counter()
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{t}") for t in range(problem.n_arcs)]
    workers, jobs = problem.workers, problem.jobs
    labels: dict[int, str] = {}

    def switch(name: str) -> cp_model.IntVar:
        literal = model.new_bool_var(name)
        labels[literal.index] = name
        return literal

    place_all = switch("every worker placed") if problem.must_place else None
    for i in range(problem.n_workers):
        row = x[problem.indptr[i] : problem.indptr[i + 1]]
        if place_all is None:
            if len(row) > 1:
                model.add_at_most_one(row)
        else:
            model.add(sum(row) == 1).only_enforce_if(place_all)
            if len(row) > 1:
                model.add_at_most_one(row)
    by_job = np.argsort(jobs, kind="stable")
    bounds = np.searchsorted(jobs[by_job], np.arange(problem.n_jobs + 1))
    for j in range(problem.n_jobs):
        arcs = by_job[bounds[j] : bounds[j + 1]]
        if len(arcs) and int(problem.use[arcs].sum()) > problem.capacity[j]:
            model.add(sum(int(problem.use[t]) * x[t] for t in arcs) <= int(problem.capacity[j]))
    people = problem.people[workers]
    placed = sum(int(people[t]) * x[t] for t in range(problem.n_arcs))
    for quota in problem.quotas:
        mine = np.flatnonzero(quota.members[workers])
        in_group = sum(int(people[t]) * x[t] for t in mine)
        if quota.min_count is not None:
            model.add(in_group >= quota.min_count).only_enforce_if(switch(f"quota {quota.name!r} min_count"))
        if quota.max_count is not None:
            model.add(in_group <= quota.max_count).only_enforce_if(switch(f"quota {quota.name!r} max_count"))
        if quota.min_share is not None:
            share = _share(quota.min_share)
            model.add(share.denominator * in_group >= share.numerator * placed).only_enforce_if(
                switch(f"quota {quota.name!r} min_share")
            )
        if quota.max_share is not None:
            share = _share(quota.max_share)
            model.add(share.denominator * in_group <= share.numerator * placed).only_enforce_if(
                switch(f"quota {quota.name!r} max_share")
            )
    for cap in problem.caps:
        mine = np.flatnonzero(cap.jobs[jobs])
        model.add(sum(int(people[t]) * x[t] for t in mine) <= cap.limit).only_enforce_if(switch(f"cap {cap.name}"))
    model.add_assumptions([model.get_bool_var_from_proto_index(index) for index in labels])

    ints, scale = integer_values(problem)
    total = sum(int(v) * x[t] for t, v in enumerate(ints) if v)
    if problem.maximize:
        model.maximize(total)
    else:
        model.minimize(total)

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = int(seed)
    if time_limit is not None:
        solver.parameters.max_time_in_seconds = float(time_limit)
    build_s = time.perf_counter() - started
    code = solver.solve(model)
    status = _STATUS[code]
    timings = {"build": build_s, "solve": solver.wall_time}
    stats = {"branches": solver.num_branches, "conflicts": solver.num_conflicts, "scale": scale}
    if status in (Status.OPTIMAL, Status.FEASIBLE):
        chosen = np.array([solver.boolean_value(v) for v in x], dtype=bool)
        bound = solver.best_objective_bound / scale
        return pack(
            problem,
            status,
            job_of_from_arcs(problem, chosen),
            "cpsat",
            started,
            timings=timings,
            stats=stats,
            bound=bound,
        )
    if status is Status.INFEASIBLE:
        core = [labels[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in labels]
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
