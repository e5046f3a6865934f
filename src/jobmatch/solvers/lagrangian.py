"""Quotas and caps at national scale: Lagrangian relaxation over the auction (or min-cost flow).

Flow expresses capacities, laminar caps and count bounds on groups that
partition the workers, but not "at least 75% of the people placed are
poverty-alleviated".  This solver moves every quota (and any cap flow
cannot nest) into the arc values with one multiplier per row:

    L(lam) = lam . rhs + max over flow-feasible x of (values - lam . A) x

Each ``L(lam)`` is solved exactly, by ``auction`` when it can express the
relaxed problem (no caps left in it, placing optional), warm-started from
the previous round's prices and assignment, else by ``flow`` (caps it
nests, must-place), and is a proven upper bound on the optimum for any
``lam >= 0`` (the inner solvers' own relaxation of couples only raises
it).  Multipliers follow Polyak subgradient steps (the search of
:class:`~jobmatch.solvers._subgradient.DualSearch`, shared with
:mod:`jobmatch.solvers.training`); a single relaxed row (the usual one
share) brackets its multiplier between a value that leaves the row
violated and one that meets it, and closes in by safeguarded secant steps.
Each round's solution is repaired into a feasible assignment.  A violated
quota row is first brought back by swaps at the same job: a worker who
pushes the row (a non-member under a minimum share) makes way for an
unplaced one who pulls it, cheapest swaps first, so the number placed
stays and the share lands on its bound instead of over-filling it.  What
still breaks a row is dropped (lowest value first), then free places are
filled best value first wherever every row stays within bounds.  The run
stops once the best assignment is proven within ``GAP``
of the bound, after ``STALL`` rounds without progress, or after
``MAX_ROUNDS`` inner solves or ``time_limit``.

Status is OPTIMAL only when the bound proves it (up to the 1e-6 rounding of
values, as for ``flow``); otherwise FEASIBLE with ``bound`` and ``gap``.
On small problems (at most ``EXACT_ARCS`` arcs) an open gap is closed by
CP-SAT, started from the best assignment, within ``time_limit`` or
``FINISH_SECONDS``, unless the option ``finish`` is False or no time is
left.  Quotas no
assignment can meet come back INFEASIBLE with the shortfall, proven by a
max flow.

Time limit: checked between rounds as above, and by each round's flow
between its steps (a flow whose solve would start past the limit is not
started); a round's OR-Tools solve cannot be stopped, so a run overruns by
at most one round's flow.  UNKNOWN when no assignment was found in time.
"""

from __future__ import annotations

import math
import time
from typing import Any, NamedTuple

import numpy as np

from . import _kernels, auction, cpsat, flow
from ._pack import infeasible, pack
from ._rows import Rows, rows_of
from ._subgradient import DualSearch
from .problem import Problem
from .result import Result, Status
from .usage import room_left
from .warm import WarmStart

#: Stop once the best assignment is within this relative gap of the bound (0.04%: issue 19 asks <= 0.05% at scale).
GAP = 4e-4
#: Most inner solves per run.
MAX_ROUNDS = 30
#: Stop after this many rounds in a row that improve neither the bound nor the best assignment.
STALL = 4
#: Problems up to this many arcs have an open gap closed by CP-SAT ...
EXACT_ARCS = 30_000  # issue 19: small problems proven OPTIMAL by auto where CP-SAT can, within 60 s
#: ... within this many seconds when no ``time_limit`` is given (CP-SAT may
#: need minutes to prove a market of a few thousand workers; past the budget
#: the better answer and the tighter bound of the two are kept, FEASIBLE).
FINISH_SECONDS = 60.0  # why 60: docs/benchmarks.md, "Figures behind built-in defaults"


def unsupported(problem: Problem) -> str | None:
    """The flow subproblem needs every arc of a worker to use the same capacity, and sizes flow can scale."""
    scale = flow.per_unit(problem)
    return scale if isinstance(scale, str) else None


def _native_caps(problem: Problem) -> bool:
    """Whether the flow subproblem can hold the caps itself (else they are relaxed too)."""
    if not problem.caps:
        return True
    units = problem.units
    return flow.cap_tree(problem) is not None and units is not None and np.array_equal(units, problem.people)


def _with_values(problem: Problem, values: np.ndarray, *, caps: bool, workers: np.ndarray | None = None) -> Problem:
    """The flow subproblem: the same arcs with new values (maximised), no quotas, caps if native.

    With ``workers`` (a mask), only their arcs.  Built without checks: the
    arcs are the problem's, already checked.
    """
    return problem._on_arcs(
        None if workers is None else workers[problem.workers],
        values,
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
            needed = quota.min_count - quota.members_before  # members placed before count
            if most < needed:
                within = " within the job capacities and caps" if problem.caps and native else ""
                before = f" more (besides {quota.members_before:,} placed before)" if quota.members_before else ""
                parts.append(
                    f"quota {quota.name!r} needs {needed:,}{before} placed, but at most {most:,} members can be "
                    f"placed{within} (short by {needed - most:,})"
                )
        if quota.min_share is not None and problem.must_place:
            share = (people[quota.members].sum() + quota.members_before) / max(
                int(people.sum()) + quota.placed_before, 1
            )
            if share < quota.min_share:
                parts.append(
                    f"quota {quota.name!r} needs a {quota.min_share:.0%} share, but every worker must be placed, "
                    f"so the share is fixed at {share:.1%}"
                )
    return parts


def _swap(problem: Problem, rows: Rows, r: int, over: float, job_of: np.ndarray, gain: np.ndarray) -> np.ndarray:
    """``job_of`` with quota row ``r`` (over its bound by ``over``) brought back by swaps at the same job.

    A placed worker who pushes the row (a non-member under a minimum share,
    say) makes way for an unplaced one who pulls it, of as many people and
    using as much of the job's capacity, at the same job: capacities, caps and the number placed stay as they are,
    and the cheapest swaps (value given up) go first.  Pairs are formed per
    job, the lowest-value pushers with the highest-value pullers in rank
    order; a swap whose workers an earlier one took is skipped.
    """
    people = problem.people
    per_person = np.where(people > 0, rows.by_worker[r] / np.maximum(people, 1), 0.0)
    high, low = float(per_person.max(initial=0.0)), float(per_person.min(initial=0.0))
    if high <= low:
        return job_of
    workers, jobs = problem.workers, problem.jobs
    chosen = problem.chosen(job_of)
    job_of = job_of.copy()
    pairs = []
    kind = people[workers] * (int(problem.use.max(initial=0)) + 1) + problem.use  # people and capacity used, as one
    for key in np.unique(kind[people[workers] > 0]):
        same = kind == key
        size = people[workers[np.argmax(same)]]
        out = np.flatnonzero(chosen & (per_person[workers] == high) & same)
        into = np.flatnonzero((job_of[workers] < 0) & (per_person[workers] == low) & same)
        if len(out) == 0 or len(into) == 0:
            continue
        out = out[np.lexsort((gain[out], jobs[out]))]  # per job, lowest value first
        into = into[np.lexsort((-gain[into], jobs[into]))]  # per job, highest value first
        rank_out = np.arange(len(out)) - np.searchsorted(jobs[out], jobs[out])
        rank_in = np.arange(len(into)) - np.searchsorted(jobs[into], jobs[into])
        width = max(len(out), len(into)) + 1  # ranks stay below it: one key per (job, rank)
        key_out = jobs[out].astype(np.int64) * width + rank_out
        key_in = jobs[into].astype(np.int64) * width + rank_in
        _, at_out, at_in = np.intersect1d(key_out, key_in, assume_unique=True, return_indices=True)
        a, b = out[at_out], into[at_in]
        pairs.append((gain[a] - gain[b], a, b, np.full(len(a), float(size) * (high - low))))
    if not pairs:
        return job_of
    loss, a, b, cut = (np.concatenate(part) for part in zip(*pairs))
    for t in np.lexsort((a, loss)):
        if over <= 1e-9:
            break
        leaver, joiner, job = workers[a[t]], workers[b[t]], jobs[a[t]]
        if job_of[leaver] != job or job_of[joiner] >= 0:
            continue
        job_of[leaver], job_of[joiner] = -1, job
        over -= cut[t]
    return job_of


def _repair(problem: Problem, rows: Rows, job_of: np.ndarray, gain: np.ndarray, order: np.ndarray) -> np.ndarray | None:
    """A feasible assignment near ``job_of``: swap members in (or out) at the same job for violated quota rows, drop
    what still breaks rows, then fill free places (None if none found)."""
    job_of = job_of.copy()
    workers, jobs = problem.workers, problem.jobs
    over = rows.activity(job_of) - rows.rhs
    for r in np.flatnonzero(over > 1e-9):
        if np.all(rows.by_job[r] == 1.0):  # a quota row: any job counts the same
            job_of = _swap(problem, rows, int(r), float(over[r]), job_of, gain)
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


class _Bracket:
    """One relaxed row's multiplier bracketed between a value that leaves the row violated and one that meets it."""

    def __init__(self) -> None:
        self.low: tuple[float, float] | None = None  # (multiplier, violation) with the row violated
        self.high: tuple[float, float] | None = None  # ... with the row met

    def secant(self, lam: np.ndarray, violation: np.ndarray, step: np.ndarray) -> np.ndarray:
        """The next multiplier: a secant step kept inside the bracket, once there is one (else ``step``)."""
        g = float(violation[0])
        if g > 0:
            self.low = (float(lam[0]), g)
        else:
            self.high = (float(lam[0]), g)
        if self.high is None or self.low is None:
            return step
        (a, ga), (b, gb) = self.low, self.high
        guess = a + (b - a) * ga / (ga - gb) if ga != gb else (a + b) / 2
        return np.array([min(max(guess, a + 0.1 * (b - a)), b - 0.1 * (b - a))])


class _Answer(NamedTuple):
    """The best assignment (None: none found), its value and the bound, both maximised."""

    best: np.ndarray | None
    value: float
    upper: float

    def proven(self, tolerance: float) -> bool:
        """Whether the bound proves the best assignment optimal."""
        return self.best is not None and self.upper - self.value <= tolerance


class _Relaxed(NamedTuple):
    """What the rounds of the relaxation found."""

    search: DualSearch
    lam: np.ndarray
    names: tuple[str, ...]
    inner_s: float
    scale: float
    inner: str  # the solver of the relaxed problems (the last round's)


def _rounds(problem: Problem, native: bool, time_limit: float | None, started: float) -> _Relaxed | Result:
    """The subgradient rounds: the inner solver on the relaxed values, repair, step (INFEASIBLE when the native
    part is)."""
    relaxed = rows_of(problem, caps=not native)
    every = rows_of(problem)
    sign = 1.0 if problem.maximize else -1.0
    gain = sign * problem.values  # maximised throughout; reported in the problem's own sense
    workers, jobs = problem.workers, problem.jobs
    order = np.argsort(-gain, kind="stable")  # fill best value first; ties in arc order
    search = DualSearch(max_rounds=MAX_ROUNDS, stall=STALL, gap=GAP, time_limit=time_limit, started=started, sign=sign)
    bracket = _Bracket()
    lam = np.zeros(len(relaxed))
    inner_s, scale = 0.0, 1.0
    sub: Result | None = None
    while search.more():
        subproblem = _with_values(problem, gain - relaxed.on_arcs(lam, workers, jobs), caps=native)
        sub = _inner(subproblem, sub, search.deadline.remaining())
        inner_s += sub.timings["total"]
        scaled = sub.duals.scale if sub.duals is not None else sub.stats.get("scale")  # auction, flow
        scale = scale if scaled is None else float(scaled)
        if sub.status is Status.UNKNOWN:  # out of time before the inner problem was solved
            break
        if sub.status is Status.INFEASIBLE:  # the native part alone (capacities, caps, must-place) cannot hold
            return infeasible(problem, "lagrangian", started, diagnosis=sub.diagnosis or "")
        assert sub.bound is not None  # flow and auction bound every answer they return
        value = float(lam @ relaxed.rhs) + sub.bound
        candidate = _repair(problem, every, sub.job_of, gain, order)
        found = -math.inf if candidate is None else sign * problem.objective_of(candidate)
        if search.record(value, candidate, found):
            break
        violation = relaxed.activity(sub.job_of) - relaxed.rhs
        target = search.target(sign * problem.objective_of(sub.job_of) - 0.01 * abs(value))
        step = search.step(lam, violation, value, target)
        if step is None:
            break
        lam = bracket.secant(lam, violation, step) if len(relaxed) == 1 else step
    return _Relaxed(search, lam, relaxed.names, inner_s, scale, sub.solver if sub is not None else "none")


def _inner(subproblem: Problem, previous: Result | None, time_limit: float | None) -> Result:
    """One round's relaxed problem solved exactly: by the auction when it can express it (warm from the previous
    round's prices and assignment), else by flow (must-place, caps it holds natively)."""
    if auction.unsupported(subproblem) is None and not subproblem.must_place:
        if previous is None or previous.prices is None:
            return auction.solve_auction(subproblem, time_limit=time_limit)
        return auction.solve_auction(subproblem, time_limit=time_limit, warm=WarmStart.of(previous))
    return flow.solve_flow(subproblem, time_limit=time_limit)


def _finish_by_cpsat(
    problem: Problem,
    answer: _Answer,
    *,
    time_limit: float | None,
    started: float,
    seed: int,
    record: dict[str, dict[str, Any]],
) -> Result | _Answer:
    """Close an open gap by CP-SAT, started from the best assignment, within what is left of the time.

    Returns CP-SAT's Result when it proves (OPTIMAL or INFEASIBLE); else the
    better answer and the tighter bound of the two.  ``record`` holds the
    ``timings`` and ``stats`` of the result, noted here.
    """
    remaining = FINISH_SECONDS if time_limit is None else time_limit - (time.perf_counter() - started)
    exact = cpsat.solve_cpsat(problem, time_limit=remaining, seed=seed, warm=WarmStart(hint=answer.best))
    record["timings"]["cpsat"] = exact.timings["total"]
    record["stats"]["finished_by"] = "cpsat"
    if exact.status in (Status.OPTIMAL, Status.INFEASIBLE):
        job_of = exact.job_of if exact.status is Status.OPTIMAL else None
        return pack(
            problem, exact.status, job_of, "lagrangian", started, **record, bound=exact.bound, diagnosis=exact.diagnosis
        )
    sign = 1.0 if problem.maximize else -1.0
    best, value, upper = answer
    if exact.bound is not None:  # out of time: keep the better answer and the tighter bound
        upper = min(upper, sign * exact.bound)
    if exact.status is Status.FEASIBLE and sign * exact.objective > value:
        best, value = exact.job_of, sign * exact.objective
    return _Answer(best, value, upper)


def solve_lagrangian(
    problem: Problem, /, *, time_limit: float | None = None, seed: int = 0, finish: bool = True
) -> Result:
    """Lagrangian relaxation of quotas and caps over the auction or flow; see the module notes.

    ``finish=False`` skips closing an open gap by CP-SAT on small problems
    (for callers that solve many of them, as :mod:`jobmatch.solvers.training`).
    """
    started = time.perf_counter()
    native = _native_caps(problem)
    short = _shortfalls(problem, native)
    if short:
        return infeasible(problem, "lagrangian", started, diagnosis="; ".join(short))
    run = _rounds(problem, native, time_limit, started)
    if isinstance(run, Result):
        return run
    search = run.search
    stats = {
        "rounds": search.rounds,
        "multipliers": dict(zip(run.names, run.lam.round(6).tolist())),
        "scale": run.scale,
        "history": search.history,
    }
    record: dict[str, dict[str, Any]] = {"timings": {"inner": run.inner_s}, "stats": {**stats, "inner": run.inner}}
    integral = np.all(problem.values == np.round(problem.values)) and math.isfinite(search.upper)
    if integral:  # integral values: the optimum is integral too
        upper, tolerance = float(math.floor(search.upper + 1e-9)), 0.0
    else:  # optimal up to the 1e-6 rounding of values, as flow claims
        upper, tolerance = search.upper, 1e-6 * min(problem.n_workers, problem.n_arcs)
    answer = _Answer(search.best, search.best_value, upper)
    left = math.inf if time_limit is None else time_limit - (time.perf_counter() - started)
    if finish and not answer.proven(tolerance) and problem.n_arcs <= EXACT_ARCS and left > 0:
        closed = _finish_by_cpsat(problem, answer, time_limit=time_limit, started=started, seed=seed, record=record)
        if isinstance(closed, Result):
            return closed
        answer = closed
    late = f" before the time limit ({time_limit:g} s)" if search.out_of_time else ""
    return _packed(problem, answer, answer.proven(tolerance), started, record, late)


def _packed(
    problem: Problem, answer: _Answer, proven: bool, started: float, record: dict[str, dict[str, Any]], late: str = ""
) -> Result:
    """The Result: OPTIMAL when the bound proves the best assignment, FEASIBLE, or UNKNOWN without one."""
    sign = 1.0 if problem.maximize else -1.0
    if answer.best is None:
        rounds = record["stats"]["rounds"]
        return pack(
            problem,
            Status.UNKNOWN,
            None,
            "lagrangian",
            started,
            **record,
            bound=sign * answer.upper,
            diagnosis=f"no assignment meeting every quota and cap was found in {rounds} rounds{late}",
        )
    status = Status.OPTIMAL if proven else Status.FEASIBLE
    return pack(problem, status, answer.best, "lagrangian", started, **record, bound=sign * answer.upper)
