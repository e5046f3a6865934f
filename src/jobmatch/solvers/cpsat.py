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
from typing import Any, NamedTuple

import numpy as np
from ortools.sat.python import cp_model

from ..data.schema import fail
from ._pack import job_of_from_arcs, pack
from ._scale import integer_values
from .problem import Problem
from .result import Result, Status

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


class Columns(NamedTuple):
    """One Boolean per column: the worker and job it places, the capacity it uses, its scaled value.

    A :class:`~jobmatch.Problem`'s columns are its arcs; a trained problem's
    (:mod:`jobmatch.solvers.training`) are routes, several per (worker, job)
    pair, and carry extra rows (seats, budget).  Sorted by worker.
    """

    workers: np.ndarray
    jobs: np.ndarray
    use: np.ndarray
    ints: np.ndarray


class Row(NamedTuple):
    """An extra rule ``sum(coefs * x[columns]) <= rhs`` (integers), named for diagnoses."""

    name: str
    columns: np.ndarray
    coefs: np.ndarray
    rhs: int


def _model(
    problem: Problem, columns: Columns, explain: bool, extra: tuple[Row, ...] = ()
) -> tuple[cp_model.CpModel, list, dict[int, str]]:
    """The CP-SAT model; with ``explain``, every quota, cap, extra row and must-place rule behind an assumption."""
    model = cp_model.CpModel()
    workers, jobs, ints = columns.workers, columns.jobs, columns.ints
    x = [model.new_bool_var(f"x{t}") for t in range(len(workers))]
    labels: dict[int, str] = {}

    def add(constraint: cp_model.Constraint, name: str) -> None:
        if explain:
            literal = model.new_bool_var(name)
            labels[literal.index] = name
            constraint.only_enforce_if(literal)

    indptr = np.searchsorted(workers, np.arange(problem.n_workers + 1))
    for i in range(problem.n_workers):
        row = x[indptr[i] : indptr[i + 1]]
        if problem.must_place:
            add(model.add(sum(row) == 1), "every worker placed")
        if len(row) > 1:
            model.add_at_most_one(row)
    by_job = np.argsort(jobs, kind="stable")
    bounds = np.searchsorted(jobs[by_job], np.arange(problem.n_jobs + 1))
    for j in range(problem.n_jobs):
        arcs = by_job[bounds[j] : bounds[j + 1]]
        if len(arcs) and int(columns.use[arcs].sum()) > problem.capacity[j]:
            model.add(
                cp_model.LinearExpr.weighted_sum([x[t] for t in arcs], columns.use[arcs].tolist())
                <= int(problem.capacity[j])
            )
    people = problem.people[workers]

    def people_on(arcs: np.ndarray) -> cp_model.LinearExpr:
        return cp_model.LinearExpr.weighted_sum([x[t] for t in arcs], people[arcs].tolist())

    placed = people_on(np.arange(len(workers)))
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
    for rule in extra:
        used = cp_model.LinearExpr.weighted_sum([x[t] for t in rule.columns], rule.coefs.tolist())
        add(model.add(used <= rule.rhs), rule.name)
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
    solver.parameters.num_workers = 1  # deterministic, and faster here (docs/benchmarks.md)
    solver.parameters.random_seed = int(seed)
    if time_limit is not None:
        solver.parameters.max_time_in_seconds = float(time_limit)
    return solver


class Outcome(NamedTuple):
    """What a CP-SAT run found: the status, the chosen columns, the objective bound (scaled), the diagnosis."""

    status: Status
    chosen: np.ndarray | None
    bound: float
    diagnosis: str | None
    timings: dict[str, float]
    stats: dict[str, Any]


def solve_columns(
    problem: Problem,
    columns: Columns,
    extra: tuple[Row, ...] = (),
    *,
    time_limit: float | None = None,
    seed: int = 0,
    hint: np.ndarray | None = None,
) -> Outcome:
    """Solve the model over ``columns``; ``hint`` is a boolean mask over them (a starting solution).

    The model is solved without assumption literals (they weaken presolve);
    only when it is infeasible is it solved again with them, to name the
    constraints that cannot hold together.
    """
    started = time.perf_counter()
    model, x, _ = _model(problem, columns, explain=False, extra=extra)
    if hint is not None:
        for var, value in zip(x, hint.tolist()):
            model.add_hint(var, value)
    build_s = time.perf_counter() - started
    solver = _solver(time_limit, seed)
    status = _STATUS[solver.solve(model)]
    timings = {"build": build_s, "solve": solver.wall_time}
    stats = {"branches": solver.num_branches, "conflicts": solver.num_conflicts}
    if status in (Status.OPTIMAL, Status.FEASIBLE):
        chosen = np.array([solver.boolean_value(v) for v in x], dtype=bool)
        return Outcome(status, chosen, solver.best_objective_bound, None, timings, stats)
    if status is Status.INFEASIBLE:
        model, _, labels = _model(problem, columns, explain=True, extra=extra)
        solver = _solver(time_limit, seed)
        solver.solve(model)
        core = [labels[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in labels]
        timings["explain"] = solver.wall_time
        return Outcome(status, None, float("nan"), _diagnose(problem, core), timings, stats)
    return Outcome(
        status, None, float("nan"), f"no solution found within the time limit ({time_limit} s)", timings, stats
    )


def solve_cpsat(problem: Problem, /, *, time_limit: float | None = None, seed: int = 0, hint: Any = None) -> Result:
    """Solve with CP-SAT; OPTIMAL only when proven, FEASIBLE for a time-limited incumbent.

    ``hint`` (a job index per worker, -1 unplaced) is a starting assignment,
    as other solvers hand over (the option ``hint`` of :func:`jobmatch.solve`).
    """
    started = time.perf_counter()
    scaled = integer_values(problem)
    columns = Columns(problem.workers, problem.jobs, problem.use, scaled.ints)
    chosen = None if hint is None else problem.chosen(_hint(problem, hint))
    out = solve_columns(problem, columns, time_limit=time_limit, seed=seed, hint=chosen)
    stats = {**out.stats, "scale": scaled.scale}
    if out.chosen is None:
        return pack(
            problem, out.status, None, "cpsat", started, timings=out.timings, stats=stats, diagnosis=out.diagnosis
        )
    return pack(
        problem,
        out.status,
        job_of_from_arcs(problem, out.chosen),
        "cpsat",
        started,
        timings=out.timings,
        stats=stats,
        bound=scaled.bound(out.bound, problem.maximize),
    )


def _hint(problem: Problem, hint: Any) -> np.ndarray:
    """The ``hint`` option checked: one integer job index per worker (-1 unplaced)."""
    array = np.asarray(hint)
    if array.shape != (problem.n_workers,) or (array.size and array.dtype.kind not in "iu"):
        shape = f"shape {array.shape}, {array.dtype}"
        raise fail("solve_cpsat", "hint", f"a job index per worker ({problem.n_workers} integers)", shape)
    return array


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
                if name.endswith("min_count") and quota.min_count is not None and eligible < quota.min_count:
                    text += f" ({quota.min_count:,} required; only {eligible:,} members have any allowed job)"
        if name == "every worker placed":
            text += f" ({int(np.sum(~reachable)):,} workers have no allowed job)"
        parts.append(text)
    return "cannot all hold together: " + "; ".join(parts)
