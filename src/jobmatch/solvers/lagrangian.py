"""Quotas and caps at national scale: Lagrangian relaxation over min-cost flow.

Flow expresses capacities, laminar caps and count bounds on groups that
partition the workers, but not "at least 75% of the people placed are
poverty-alleviated".  This solver moves every quota (and any cap flow
cannot nest) into the arc values with one multiplier per row:

    L(lam) = lam . rhs + max over flow-feasible x of (values - lam . A) x

Each ``L(lam)`` is solved exactly by ``flow`` and is a proven upper bound on
the optimum for any ``lam >= 0`` (the flow's own relaxation of couples only
raises it).  Multipliers follow Polyak subgradient steps; a single
relaxed row (the usual one share) brackets its multiplier between a value
that leaves the row violated and one that meets it, and closes in by
safeguarded secant steps.  Each round's flow
solution is repaired into a feasible assignment: the lowest-value
placements that push a violated row are dropped, then free places are
filled best value first wherever every row stays within bounds.  The run
stops once the best assignment is proven within ``GAP`` of the bound, after
``STALL`` rounds without progress, or after ``MAX_ROUNDS`` flows or
``time_limit``.

Status is OPTIMAL only when the bound proves it (up to the 1e-6 rounding of
values, as for ``flow``); otherwise FEASIBLE with ``bound`` and ``gap``.
On small problems (at most ``EXACT_ARCS`` arcs) an open gap is closed by
CP-SAT, started from the best assignment, within ``time_limit`` or
``FINISH_SECONDS``.  Quotas no assignment can meet
come back INFEASIBLE with the shortfall, proven by a max flow.
"""

from __future__ import annotations

import math
import time

import numpy as np

from . import _kernels, cpsat, flow
from ._pack import infeasible, pack
from ._rows import Rows, rows_of
from .problem import Problem
from .result import Result, Status
from .usage import room_left

#: Stop once the best assignment is within this relative gap of the bound.
GAP = 1e-3
#: Most flow solves per run.
MAX_ROUNDS = 30
#: Stop after this many rounds in a row that improve neither the bound nor the best assignment.
STALL = 4
#: Problems up to this many arcs have an open gap closed by CP-SAT ...
EXACT_ARCS = 20_000
#: ... within this many seconds when no ``time_limit`` is given (CP-SAT took
#: 142 s on one 2,000-worker market; past the budget the better answer and
#: the tighter bound of the two are kept, FEASIBLE).
FINISH_SECONDS = 30.0


def unsupported(problem: Problem) -> str | None:
    """The flow subproblem needs every arc of a worker to use the same capacity."""
    if flow.units_of(problem) is None:
        return "a worker's arcs use different amounts of capacity (or none)"
    return None


def _native_caps(problem: Problem) -> bool:
    """Whether the flow subproblem can hold the caps itself (else they are relaxed too)."""
    if not problem.caps:
        return True
    return flow.cap_tree(problem) is not None and np.array_equal(flow.units_of(problem), problem.people)


def _with_values(problem: Problem, values: np.ndarray, *, caps: bool, workers: np.ndarray | None = None) -> Problem:
    """The flow subproblem: the same arcs with new values (maximised), no quotas, caps if native."""
    keep = slice(None) if workers is None else workers[problem.workers]
    indptr = problem.indptr
    if workers is not None:
        indptr = np.concatenate([[0], np.cumsum(np.where(workers, np.diff(problem.indptr), 0))])
    return Problem(
        indptr,
        problem.jobs[keep],
        values[keep],
        capacity=problem.capacity,
        n_jobs=problem.n_jobs,
        use=problem.use[keep],
        people=problem.people,
        maximize=True,
        must_place=problem.must_place and workers is None,
        caps=problem.caps if caps else (),
    )


def _shortfalls(problem: Problem, native: bool) -> list[str]:
    """Quotas no assignment can meet, proven by max flows or counting, in words."""
    parts = []
    people = problem.people
    for quota in problem.quotas:
        if quota.min_count is not None:
            if np.all(people == 1):  # the most members placeable at once: a max flow over their arcs alone
                members = _with_values(problem, np.zeros(problem.n_arcs), caps=native, workers=quota.members)
                most = flow.most_placed(members, with_caps=native)
            else:  # groups of several people: members with any allowed job
                most = int(people[quota.members & (np.diff(problem.indptr) > 0)].sum())
            if most < quota.min_count:
                within = " within the job capacities and caps" if problem.caps and native else ""
                parts.append(
                    f"quota {quota.name!r} needs {quota.min_count:,} placed, but at most {most:,} members can be "
                    f"placed{within} (short by {quota.min_count - most:,})"
                )
        if quota.min_share is not None and problem.must_place:
            share = people[quota.members].sum() / max(int(people.sum()), 1)
            if share < quota.min_share:
                parts.append(
                    f"quota {quota.name!r} needs a {quota.min_share:.0%} share, but every worker must be placed, "
                    f"so the share is fixed at {share:.1%}"
                )
    return parts


def _repair(problem: Problem, rows: Rows, job_of: np.ndarray, gain: np.ndarray, order: np.ndarray) -> np.ndarray | None:
    """A feasible assignment near ``job_of``: drop what breaks rows, then fill free places (None if none found)."""
    job_of = job_of.copy()
    workers, jobs = problem.workers, problem.jobs
    for _ in range(len(rows) + 1):
        over = rows.activity(job_of) - rows.rhs
        bad = np.flatnonzero(over > 1e-9)
        if len(bad) == 0:
            break
        r = bad[0]
        placed = np.flatnonzero(job_of >= 0)
        coef = rows.by_worker[r, placed] * rows.by_job[r, job_of[placed]]
        push = coef > 0
        if not push.any():
            break  # only adding can help this row: left to the fill
        who, weight = placed[push], coef[push]
        chosen = problem.chosen(job_of)
        worth = np.zeros(problem.n_workers)
        worth[workers[chosen]] = gain[chosen]
        drop = np.lexsort((who, worth[who] / weight))
        count = int(np.searchsorted(np.cumsum(weight[drop]), over[r] - 1e-9)) + 1
        job_of[who[drop[:count]]] = -1
    chosen = problem.chosen(job_of)
    left = room_left(problem, chosen)
    job_of = _kernels.fill_within_rows(
        order, workers, jobs, problem.use, left, job_of, rows.by_worker, rows.by_job, rows.activity(job_of), rows.rhs
    )
    if np.any(rows.activity(job_of) - rows.rhs > 1e-9) or (problem.must_place and np.any(job_of < 0)):
        return None
    return job_of


def solve_lagrangian(
    problem: Problem, /, *, time_limit: float | None = None, seed: int = 0, finish: bool = True
) -> Result:
    """Lagrangian relaxation of quotas and caps with flow as the subproblem; see the module notes.

    ``finish=False`` skips closing an open gap by CP-SAT on small problems
    (for callers that solve many of them, as :mod:`jobmatch.solvers.training`).
    """
    started = time.perf_counter()
    native = _native_caps(problem)
    relaxed = rows_of(problem, caps=not native)
    every = rows_of(problem)
    sign = 1.0 if problem.maximize else -1.0
    gain = sign * problem.values  # maximised throughout; reported in the problem's own sense
    workers, jobs = problem.workers, problem.jobs
    order = np.argsort(-gain, kind="stable")  # fill best value first; ties in arc order
    short = _shortfalls(problem, native)
    if short:
        return infeasible(problem, "lagrangian", started, diagnosis="; ".join(short))

    lam = np.zeros(len(relaxed))
    best, best_value, upper = None, -math.inf, math.inf
    theta, stall, rounds, scale = 1.0, 0, 0, 1.0
    flow_s, progress = 0.0, 0
    low: tuple[float, float] | None = None  # (multiplier, violation) with the row violated
    high: tuple[float, float] | None = None  # ... with the row met
    history: list[tuple[float, float, float]] = []  # (seconds, bound, best objective) per round
    while rounds < MAX_ROUNDS:
        if time_limit is not None and time.perf_counter() - started > time_limit:
            break
        rounds += 1
        sub = flow.solve_flow(_with_values(problem, gain - relaxed.on_arcs(lam, workers, jobs), caps=native))
        flow_s += sub.timings["total"]
        scale = sub.stats.get("scale", scale)
        if sub.status is Status.INFEASIBLE:  # the native part alone (capacities, caps, must-place) cannot hold
            return infeasible(problem, "lagrangian", started, diagnosis=sub.diagnosis)
        value = float(lam @ relaxed.rhs) + sub.bound
        improved = value < upper - 1e-12
        upper = min(upper, value)
        before = best_value
        candidate = _repair(problem, every, sub.job_of, gain, order)
        if candidate is not None:
            found = sign * problem.objective_of(candidate)
            if found > best_value:
                best, best_value = candidate, found
        history.append((round(time.perf_counter() - started, 3), sign * upper, sign * best_value))
        if best is not None and upper - best_value <= GAP * max(1.0, abs(best_value)):
            break
        progress = 0 if improved or best_value > before else progress + 1
        if progress >= STALL:
            break
        violation = relaxed.activity(sub.job_of) - relaxed.rhs
        slope = np.where((lam == 0) & (violation < 0), 0.0, violation)  # a multiplier at zero cannot go lower
        norm = float(slope @ slope)
        if norm == 0.0:
            break
        target = best_value if best is not None else sign * problem.objective_of(sub.job_of) - 0.01 * abs(value)
        step = np.maximum(lam + theta * max(value - target, 1e-9) / norm * slope, 0.0)
        if len(relaxed) == 1:  # one multiplier: bracket it and close in by safeguarded secant steps
            g = float(violation[0])
            if g > 0:
                low = (float(lam[0]), g)
            else:
                high = (float(lam[0]), g)
            if high is not None and low is not None:
                (a, ga), (b, gb) = low, high
                guess = a + (b - a) * ga / (ga - gb) if ga != gb else (a + b) / 2
                step = np.array([min(max(guess, a + 0.1 * (b - a)), b - 0.1 * (b - a))])
        lam = step
        stall = 0 if improved else stall + 1
        if stall >= 2:
            theta, stall = theta / 2, 0

    stats = {
        "rounds": rounds,
        "multipliers": dict(zip(relaxed.names, lam.round(6).tolist())),
        "scale": scale,
        "history": history,
    }
    timings = {"flow": flow_s}
    if np.all(gain == np.round(gain)):  # integral values: the optimum is integral too
        upper, tolerance = math.floor(upper + 1e-9), 0.0
    else:  # optimal up to the 1e-6 rounding of values, as flow claims
        tolerance = 1e-6 * min(problem.n_workers, problem.n_arcs)
    proven = best is not None and upper - best_value <= tolerance
    if finish and not proven and problem.n_arcs <= EXACT_ARCS:
        remaining = FINISH_SECONDS if time_limit is None else max(time_limit - (time.perf_counter() - started), 0.1)
        exact = cpsat.solve_cpsat(problem, time_limit=remaining, seed=seed, hint=best)
        timings["cpsat"] = exact.timings["total"]
        stats["finished_by"] = "cpsat"
        if exact.status in (Status.OPTIMAL, Status.INFEASIBLE):
            return pack(
                problem,
                exact.status,
                exact.job_of if exact.status is Status.OPTIMAL else None,
                "lagrangian",
                started,
                timings=timings,
                stats=stats,
                bound=exact.bound,
                diagnosis=exact.diagnosis,
            )
        if exact.bound is not None:  # out of time: keep the better answer and the tighter bound
            upper = min(upper, sign * exact.bound)
        if exact.status is Status.FEASIBLE and sign * exact.objective > best_value:
            best, best_value = exact.job_of, sign * exact.objective
        proven = best is not None and upper - best_value <= tolerance
    if best is None:
        return pack(
            problem,
            Status.UNKNOWN,
            None,
            "lagrangian",
            started,
            timings=timings,
            stats=stats,
            bound=sign * upper,
            diagnosis=f"no assignment meeting every quota and cap was found in {rounds} rounds",
        )
    return pack(
        problem,
        Status.OPTIMAL if proven else Status.FEASIBLE,
        best,
        "lagrangian",
        started,
        timings=timings,
        stats=stats,
        bound=sign * upper,
    )
