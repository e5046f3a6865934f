"""OR-Tools CP-SAT for what flow cannot express.

One Boolean per arc.  Constraints: each worker at most one job (exactly one
with ``must_place``); each job's capacity over the capacity its arcs use;
group quotas by count or share (of people placed); employer and region
caps.  Every quota, cap and the must-place rule is switched on by an
assumption literal, so when the model is infeasible the solver names a set
of them that cannot hold together, and the diagnosis says by how much.

Deterministic: one search worker and a fixed ``random_seed``.

Time limit: the clock is checked while the model is built (every
``_CHUNK`` variables, every job, quota, cap and extra row), and CP-SAT gets
only the time left; past the limit the result is UNKNOWN, or FEASIBLE with
the best assignment found and its bound.  CP-SAT itself may overrun its
``max_time_in_seconds`` by the time it takes to load a large model, which
it does not interrupt (``docs/reliability.md``).

Ctrl-C: CP-SAT's own SIGINT handler is off (``catch_sigint_signal``: it
swallowed the interrupt into UNKNOWN, and once installed it made a later
Ctrl-C end the interpreter); in the main thread the search runs in a helper
thread (CP-SAT releases the GIL) while the caller waits, so that Ctrl-C
raises :class:`KeyboardInterrupt` at once; the search is stopped and the
interrupt raised again once it has (:func:`_search`).
"""

from __future__ import annotations

import threading
import time
from fractions import Fraction
from typing import Any, NamedTuple, cast

import numpy as np
from ortools.sat.python import cp_model

from ._pack import Deadline, OutOfTime, hint_arg, job_of_from_arcs, pack
from ._scale import integer_values
from .problem import Problem
from .result import Result, Status
from .warm import WarmStart

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


#: Variables made between two looks at the clock while the model is built.
_CHUNK = 10_000


def _shares(problem: Problem) -> bool:
    return any(q.min_share is not None or q.max_share is not None for q in problem.quotas)


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
    problem: Problem, columns: Columns, explain: bool, extra: tuple[Row, ...] = (), deadline: Deadline | None = None
) -> tuple[cp_model.CpModel, list[cp_model.IntVar], dict[int, str]]:
    """The CP-SAT model; with ``explain``, every quota, cap, extra row and must-place rule behind an assumption.

    Raises :class:`~jobmatch.solvers._pack.OutOfTime` when ``deadline``
    passes while the model is built.  The columns' variables come first
    (variable ``t`` is column ``t``).
    """
    model = cp_model.CpModel()
    workers, jobs, ints = columns.workers, columns.jobs, columns.ints
    doing = "building the CP-SAT model"
    clock = deadline if deadline is not None else Deadline(None, 0.0)
    x: list[cp_model.IntVar] = []
    for start in range(0, len(workers), _CHUNK):
        clock.check(doing)
        x.extend(model.new_bool_var("") for _ in range(min(_CHUNK, len(workers) - start)))
    labels: dict[int, str] = {}

    def add(constraint: cp_model.Constraint, name: str) -> None:
        if explain:
            literal = model.new_bool_var(name)
            labels[literal.index] = name
            constraint.only_enforce_if(literal)

    indptr = np.searchsorted(workers, np.arange(problem.n_workers + 1))
    for i in range(problem.n_workers):
        if i % _CHUNK == 0:
            clock.check(doing)
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
            clock.check(doing)
            model.add(
                cp_model.LinearExpr.weighted_sum([x[t] for t in arcs], columns.use[arcs].tolist())
                <= int(problem.capacity[j])
            )
    people = problem.people[workers]

    def people_on(arcs: np.ndarray) -> cp_model.LinearExpr:
        clock.check(doing)
        return cp_model.LinearExpr.weighted_sum([x[t] for t in arcs], people[arcs].tolist())

    placed = people_on(np.arange(len(workers))) if _shares(problem) else 0
    for quota in problem.quotas:
        in_group = people_on(np.flatnonzero(quota.members[workers])) + quota.members_before  # placed before too
        total = placed + quota.placed_before
        if quota.min_count is not None:
            add(model.add(in_group >= quota.min_count), f"quota {quota.name!r} min_count")
        if quota.max_count is not None:
            add(model.add(in_group <= quota.max_count), f"quota {quota.name!r} max_count")
        if quota.min_share is not None:
            share = _share(quota.min_share)
            add(model.add(share.denominator * in_group >= share.numerator * total), f"quota {quota.name!r} min_share")
        if quota.max_share is not None:
            share = _share(quota.max_share)
            add(model.add(share.denominator * in_group <= share.numerator * total), f"quota {quota.name!r} max_share")
    for cap in problem.caps:
        add(model.add(people_on(np.flatnonzero(cap.jobs[jobs])) <= cap.limit), f"cap {cap.name}")
    for rule in extra:
        clock.check(doing)
        used = cp_model.LinearExpr.weighted_sum([x[t] for t in rule.columns], rule.coefs.tolist())
        add(model.add(used <= rule.rhs), rule.name)
    if explain:
        model.add_assumptions([model.get_bool_var_from_proto_index(index) for index in labels])
    clock.check(doing)
    # The objective straight into the proto, as CpModel.maximize / minimize write it (CP-SAT minimises
    # scaling_factor * sum(coeffs * vars)): their Python loop over a million terms takes many seconds.
    objective = model.proto.objective
    objective.vars.extend(range(len(x)))
    objective.coeffs.extend((-ints if problem.maximize else ints).tolist())
    objective.scaling_factor = -1.0 if problem.maximize else 1.0
    return model, x, labels


def _solver(time_limit: float | None, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1  # deterministic, and faster here (docs/benchmarks.md)
    solver.parameters.random_seed = int(seed)
    solver.parameters.catch_sigint_signal = False  # Ctrl-C is the caller's (module notes)
    if time_limit is not None:
        solver.parameters.max_time_in_seconds = float(time_limit)
    return solver


def _search(solver: cp_model.CpSolver, model: cp_model.CpModel) -> int:
    """``solver.solve(model)``, with Ctrl-C raising :class:`KeyboardInterrupt` at once (see the module notes).

    Outside the main thread (where no signal is delivered) the search runs
    in the calling thread.  The wait is on an event, not ``Thread.join``: a
    join interrupted by Ctrl-C marks a running thread stopped (Python before
    3.13), and a search left running past the interpreter's exit aborts it.
    """
    if threading.current_thread() is not threading.main_thread():
        return cast(int, solver.solve(model))
    box: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            box["status"] = solver.solve(model)
        except BaseException as error:  # handed to the caller's thread
            box["error"] = error
        finally:
            done.set()

    worker = threading.Thread(target=run, name="jobmatch-cpsat", daemon=True)
    worker.start()
    try:
        while not done.wait(0.1):  # a timed wait, so the interrupt is raised here on every platform
            pass
    except KeyboardInterrupt:
        while not done.is_set():  # until the search has stopped (it may not have started yet)
            solver.stop_search()
            try:
                done.wait(0.05)
            except KeyboardInterrupt:  # pressed again: already stopping
                pass
        raise
    finally:
        if done.is_set():
            worker.join()
    if "error" in box:
        raise box["error"]
    return cast(int, box["status"])


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
    started: float | None = None,
) -> Outcome:
    """Solve the model over ``columns``; ``hint`` is a boolean mask over them (a starting solution).

    The model is solved without assumption literals (they weaken presolve);
    only when it is infeasible is it solved again with them, to name the
    constraints that cannot hold together, within the time left.
    ``time_limit`` counts from ``started`` (a ``time.perf_counter()``;
    default now).
    """
    deadline = Deadline(time_limit, time.perf_counter() if started is None else started)
    begun = time.perf_counter()
    try:
        model, x, _ = _model(problem, columns, explain=False, extra=extra, deadline=deadline)
    except OutOfTime as out:
        return Outcome(Status.UNKNOWN, None, float("nan"), str(out), {"build": time.perf_counter() - begun}, {})
    if hint is not None:
        model.proto.solution_hint.vars.extend(range(len(x)))
        model.proto.solution_hint.values.extend(hint.astype(np.int64).tolist())
    timings = {"build": time.perf_counter() - begun}
    if deadline.passed():
        return Outcome(
            Status.UNKNOWN,
            None,
            float("nan"),
            f"time limit ({time_limit:g} s) reached while building the CP-SAT model",
            timings,
            {},
        )
    solver = _solver(deadline.remaining(), seed)
    status = _STATUS[_search(solver, model)]
    timings["solve"] = solver.wall_time
    stats = {"branches": solver.num_branches, "conflicts": solver.num_conflicts}
    if status in (Status.OPTIMAL, Status.FEASIBLE):
        chosen = np.array(solver.response_proto.solution, dtype=np.int64)[: len(x)].astype(bool)
        return Outcome(status, chosen, solver.best_objective_bound, None, timings, stats)
    if status is Status.INFEASIBLE:
        return Outcome(
            status, None, float("nan"), _explain(problem, columns, extra, deadline, seed, timings), timings, stats
        )
    return Outcome(
        status, None, float("nan"), f"no solution found within the time limit ({time_limit} s)", timings, stats
    )


def _explain(
    problem: Problem, columns: Columns, extra: tuple[Row, ...], deadline: Deadline, seed: int, timings: dict[str, float]
) -> str:
    """The diagnosis of an infeasible model: solved again with assumptions, within the time left."""
    unnamed = "the constraints cannot all hold together (no time left to name them)"
    try:
        model, _, labels = _model(problem, columns, explain=True, extra=extra, deadline=deadline)
    except OutOfTime:
        return unnamed
    if deadline.passed():
        return unnamed
    solver = _solver(deadline.remaining(), seed)
    if _STATUS[_search(solver, model)] is not Status.INFEASIBLE:
        return unnamed
    timings["explain"] = solver.wall_time
    core = [labels[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in labels]
    return _diagnose(problem, core)


def solve_cpsat(
    problem: Problem, /, *, time_limit: float | None = None, seed: int = 0, warm: WarmStart | None = None
) -> Result:
    """Solve with CP-SAT; OPTIMAL only when proven, FEASIBLE for a time-limited incumbent.

    ``warm.hint`` (a job index per worker, -1 unplaced; :class:`~jobmatch.solvers.warm.WarmStart`) is a
    starting assignment, as other solvers hand over (``warm=`` of :func:`jobmatch.solve`); its prices are not used.
    """
    started = time.perf_counter()
    scaled = integer_values(problem)
    columns = Columns(problem.workers, problem.jobs, problem.use, scaled.ints)
    hint = None if warm is None else warm.hint
    chosen = None if hint is None else problem.chosen(hint_arg("solve_cpsat", problem, hint))
    out = solve_columns(problem, columns, time_limit=time_limit, seed=seed, hint=chosen, started=started)
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
                needed = (quota.min_count or 0) - quota.members_before
                if name.endswith("min_count") and quota.min_count is not None and eligible < needed:
                    before = f" besides {quota.members_before:,} placed before" if quota.members_before else ""
                    text += f" ({needed:,} required{before}; only {eligible:,} members have any allowed job)"
        if name == "every worker placed":
            text += f" ({int(np.sum(~reachable)):,} workers have no allowed job)"
        parts.append(text)
    return "cannot all hold together: " + "; ".join(parts)
