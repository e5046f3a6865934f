"""Training-aware matching: choose training seats and jobs together.

:class:`~jobmatch.solvers.training_problem.Routes` are the columns: a problem's arcs plus training routes
(built from a market by :func:`jobmatch.pipeline.routes.routes`; this
module knows nothing of markets).  Both methods work over them: each worker takes
at most one *column*, either an arc without training or a route (a
programme and a job), under the job capacities, the policy's quotas and
caps, each programme's seats and the training budget (both in people).

``cpsat`` (exact)
    One Boolean per column, with a seats row per programme and a budget row
    (costs in whole fen, 0.01 CNY) added to the model of
    :mod:`jobmatch.solvers.cpsat`.  OPTIMAL when proven.

``priced`` (scalable; a proven bound)
    Lagrangian prices on seats and budget.  For prices ``lam >= 0`` (per
    programme and person) and ``mu >= 0`` (per CNY), each arc is worth its
    best column after charging ``lam[p] + mu * cost[p]`` per person trained,
    and

        L(lam, mu) = lam . seats + mu * budget + max over x of (priced values) x

    subject to everything but seats and budget is an upper bound on the
    optimum; the inner maximum is solved by the solver ``inner`` names
    (``"auto"``: ``flow``, or ``lagrangian`` with quotas, whose own bound is
    used).  Each round's inner solution is made feasible by keeping, per
    programme, the trainees who gain most over the same job untrained
    (``gain``; then by gain per CNY while over budget) and solving again with
    only those allowed to train, on the routes they chose; the best such
    assignment is kept.  Prices follow Polyak subgradient steps.  The run
    stops when the gap closes to ``GAP``, after ``MAX_ROUNDS`` rounds or
    ``time_limit`` (no round starts when the time left is shorter than the
    last round took, and every inner solve gets the time left), or ``STALL``
    rounds without progress.  When the unpriced
    inner solution already respects the seats and budget, it is optimal and
    the run ends there.  With quotas or caps the inner ``lagrangian`` runs
    without its CP-SAT finish, so its own gap (0.1%) adds to the bound's.
    The rounds are driven by :class:`~jobmatch.solvers._subgradient.DualSearch`,
    as :mod:`jobmatch.solvers.lagrangian`'s are: each is
    :func:`_priced_round` (the inner solve), :func:`_made_feasible` (the
    repair) and a step on :func:`_violation`.

Why one long module: the two methods share their private helpers
(columns, trainees kept), and the steps of ``priced`` read best beside
each other.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any, NamedTuple, cast

import numpy as np

from .._checks import fail
from . import cpsat, flow, lagrangian
from ._pack import Deadline, pack
from ._scale import scaled_values
from ._subgradient import DualSearch
from .check import check_routes
from .problem import Problem
from .registry import solve
from .result import Result, Status
from .training_problem import Routes
from .warm import WarmStart

__all__ = ["Routes", "solve_exact", "solve_priced", "solve_training"]

#: Stop once the best assignment is within this relative gap of the bound.
GAP = 1e-3
#: Most rounds (two inner solves each) of ``priced``.
MAX_ROUNDS = 12
#: Stop after this many rounds in a row that improve neither the bound nor the best assignment.
STALL = 3
#: ``"auto"`` picks ``cpsat`` up to this many columns, ``priced`` beyond ...
EXACT_COLUMNS = 5_000
#: ... and up to this many with quotas or caps (CP-SAT slows down sharply with a share quota).
EXACT_CONSTRAINED = 1_000  # why 1,000: docs/benchmarks.md, "Figures behind built-in defaults"
#: The options each method of :func:`solve_training` takes (:func:`jobmatch.match` passes them on).
OPTIONS: dict[str, tuple[str, ...]] = {"cpsat": (), "priced": ("inner",)}


def _columns(routes: Routes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every column as (arc, programme or -1, value), sorted by worker, then arc, then programme."""
    direct = np.flatnonzero(np.isfinite(routes.direct))
    arc = np.r_[direct, routes.arc]
    program = np.r_[np.full(len(direct), -1, dtype=np.int64), routes.program]
    value = np.r_[routes.direct[direct], routes.value]
    order = np.lexsort((program, arc))
    return arc[order], program[order], value[order]


def _finish(
    routes: Routes,
    status: Status,
    job_of: np.ndarray | None,
    program_of: np.ndarray | None,
    name: str,
    started: float,
    **extra: Any,
) -> Result:
    """The Result on the settled problem (each placed worker's arc worth the column it took)."""
    if job_of is None or program_of is None:
        return pack(routes.problem, status, None, name, started, **extra)
    settled = routes.settled(job_of, program_of)
    return pack(settled, status, job_of, name, started, program_of=np.where(job_of >= 0, program_of, -1), **extra)


def solve_exact(routes: Routes, *, time_limit: float | None = None, seed: int = 0) -> Result:
    """CP-SAT over every column, with seats and budget rows (see the module notes)."""
    started = time.perf_counter()
    p = routes.problem
    arc, program, value = _columns(routes)
    scaled = scaled_values(value, p.n_workers)
    columns = cpsat.Columns(p.workers[arc], p.jobs[arc], p.use[arc], scaled.ints)
    people = p.people[p.workers[arc]]
    extra = []
    for g in np.flatnonzero(np.bincount(program[program >= 0], minlength=len(routes.seats))):
        mine = np.flatnonzero(program == g)
        extra.append(cpsat.Row(f"seats of programme {g}", mine, people[mine], int(routes.seats[g])))
    if routes.budget is not None:
        mine = np.flatnonzero(program >= 0)
        fen = np.round(routes.cost[program[mine]] * 100).astype(np.int64) * people[mine]
        extra.append(cpsat.Row("training budget", mine, fen, math.floor(routes.budget * 100 + 1e-6)))
    out = cpsat.solve_columns(p, columns, tuple(extra), time_limit=time_limit, seed=seed, started=started)
    stats = {**out.stats, "scale": scaled.scale, "columns": len(arc)}
    if out.chosen is None:
        return _finish(
            routes, out.status, None, None, "cpsat", started, timings=out.timings, stats=stats, diagnosis=out.diagnosis
        )
    job_of = np.full(p.n_workers, -1, dtype=np.int64)
    program_of = np.full(p.n_workers, -1, dtype=np.int64)
    picked = np.flatnonzero(out.chosen)
    job_of[p.workers[arc[picked]]] = p.jobs[arc[picked]]
    program_of[p.workers[arc[picked]]] = program[picked]
    bound = scaled.bound(out.bound, p.maximize)
    return _finish(
        routes, out.status, job_of, program_of, "cpsat", started, timings=out.timings, stats=stats, bound=bound
    )


def _trainees(routes: Routes, job_of: np.ndarray, program_of: np.ndarray) -> np.ndarray:
    """Trainees to keep (a boolean mask over workers) so that seats and budget hold."""
    p = routes.problem
    who = np.flatnonzero((program_of >= 0) & (job_of >= 0))
    arc = routes.arc_of(who, job_of[who])
    route = routes.route_of(arc, program_of[who])
    gain = routes.value[route] - np.maximum(routes.direct[arc], 0.0)
    people = p.people[who]
    keep = np.zeros(len(who), dtype=bool)
    for g in np.unique(program_of[who]):
        mine = np.flatnonzero(program_of[who] == g)
        mine = mine[np.lexsort((who[mine], -gain[mine]))]
        keep[mine[np.cumsum(people[mine]) <= routes.seats[g]]] = True
    if routes.budget is not None:
        kept = np.flatnonzero(keep)
        spend = routes.cost[program_of[who[kept]]] * people[kept]
        ratio = gain[kept] / np.maximum(spend, 1e-9)
        kept = kept[np.lexsort((who[kept], -ratio))]
        spend = routes.cost[program_of[who[kept]]] * people[kept]
        keep[kept[np.cumsum(spend) > routes.budget + 1e-6]] = False
    mask = np.zeros(p.n_workers, dtype=bool)
    mask[who[keep]] = True
    return mask


class _Inner(NamedTuple):
    """The inner solver of ``priced``: its name, its options, whether an UNKNOWN answer is solved again, the clock.

    The retry, with lagrangian's CP-SAT finish, is for ``"auto"`` picking
    lagrangian without it: when no assignment was found, CP-SAT finds one.
    Every inner solve gets the time left of ``deadline``.
    """

    solver: str | Callable[..., Result]
    options: dict[str, Any]
    retry: bool
    deadline: Deadline
    last: dict[str, Result]  # the previous priced round's answer: a warm start when the auction gave it


def _inner_of(problem: Problem, inner: str | Callable[..., Result], deadline: Deadline) -> _Inner:
    """``inner`` as given, or for ``"auto"`` with quotas or caps flow cannot hold: lagrangian without its finish."""
    if inner == "auto" and lagrangian.unsupported(problem) is None and flow.unsupported(problem) is not None:
        # Quotas or caps: lagrangian inside, without its CP-SAT finish on small problems (seconds each round).
        return _Inner("lagrangian", {"finish": False}, True, deadline, {})
    return _Inner(inner, {}, False, deadline, {})


def _inner_solve(problem: Problem, inner: _Inner, seed: int, warm: WarmStart | None = None) -> Result:
    """Solve with the inner solver (``warm``: a warm start, for a solver that takes one); when lagrangian without its
    finish found nothing, again with the finish."""
    clock = inner.deadline
    result = solve(problem, solver=inner.solver, seed=seed, options=inner.options, time_limit=clock.remaining(),
                   warm=warm)  # fmt: skip
    if result.status is Status.UNKNOWN and inner.retry and not clock.passed():  # nothing found: finish by CP-SAT
        result = solve(problem, solver=inner.solver, seed=seed, time_limit=clock.remaining())
    return result


def _restricted(
    routes: Routes, allowed: np.ndarray, job_of: np.ndarray, program_of: np.ndarray, inner: _Inner, seed: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """Best assignment where only the ``allowed`` workers train, each on the route it chose (None: none found)."""
    p = routes.problem
    values = routes.direct.copy()
    who = np.flatnonzero(allowed)
    arc = routes.arc_of(who, job_of[who])
    values[arc] = routes.value[routes.route_of(arc, program_of[who])]
    sub = p._on_arcs(np.isfinite(values), values, must_place=False, quotas=p.quotas, caps=p.caps)
    result = _inner_solve(sub, inner, seed)
    if result.status not in (Status.OPTIMAL, Status.FEASIBLE):
        return None
    got = np.asarray(result.job_of)
    trained = np.zeros(p.n_workers, dtype=np.int64) - 1
    stays = who[got[who] == job_of[who]]
    trained[stays] = program_of[stays]
    return got, trained


class _Round(NamedTuple):
    """One round of ``priced``: the inner answer at the prices, its bound, and the seats and budget it uses."""

    solver: str
    value: float
    job_of: np.ndarray
    program_of: np.ndarray
    used: np.ndarray
    spent: float


def _priced_round(routes: Routes, prices: np.ndarray, unit: float, inner: _Inner, seed: int) -> Result | _Round:
    """Solve the inner problem at ``prices`` (per programme and person, then the budget's per ``unit`` CNY).

    Returns the inner Result when it has no answer (INFEASIBLE, UNKNOWN),
    else the round: the bound ``L(lam, mu)`` and the placement it chose.
    """
    lam, mu = prices[:-1], float(prices[-1])
    priced, program = routes.priced(lam + mu / unit * routes.cost)
    last = inner.last.get("priced")  # the same arcs each round, new values: the auction restarts from its prices
    warm = WarmStart.of(last) if last is not None and last.prices is not None else None
    sub = _inner_solve(priced, inner, seed, warm)
    inner.last["priced"] = sub
    if sub.status not in (Status.OPTIMAL, Status.FEASIBLE):
        return sub
    exact = sub.status is Status.OPTIMAL
    inner_bound = sub.bound if sub.bound is not None else (sub.objective if exact else math.inf)
    budget = routes.budget if routes.budget is not None else 0.0
    value = inner_bound + float(lam @ routes.seats) + mu / unit * budget
    job_of = np.asarray(sub.job_of)
    program_of = np.full(routes.problem.n_workers, -1, dtype=np.int64)
    placed = np.flatnonzero(job_of >= 0)
    program_of[placed] = program[routes.arc_of(placed, job_of[placed])]
    used, spent = routes.usage(job_of, program_of)
    return _Round(sub.solver, value, job_of, program_of, used, spent)


def _made_feasible(routes: Routes, got: _Round, inner: _Inner, seed: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The round's placement if it keeps the seats and budget, else the best with only the kept trainees."""
    fits = bool(np.all(got.used <= routes.seats)) and (routes.budget is None or got.spent <= routes.budget + 1e-6)
    if fits:
        return got.job_of, got.program_of
    allowed = _trainees(routes, got.job_of, got.program_of)
    return _restricted(routes, allowed, got.job_of, got.program_of, inner, seed)


def _violation(routes: Routes, got: _Round, unit: float) -> np.ndarray:
    """Seats used over seats per programme, then spending over budget in ``unit`` CNY (0 without a budget)."""
    over_budget = (got.spent - routes.budget) / unit if routes.budget is not None else 0.0
    return cast(np.ndarray, np.r_[(got.used - routes.seats).astype(np.float64), over_budget])


def solve_priced(
    routes: Routes, *, inner: str | Callable[..., Result] = "auto", time_limit: float | None = None, seed: int = 0
) -> Result:
    """Lagrangian prices on seats and budget over an inner solver (see the module notes)."""
    started = time.perf_counter()
    search = DualSearch(max_rounds=MAX_ROUNDS, stall=STALL, gap=GAP, time_limit=time_limit, started=started)
    how = _inner_of(routes.problem, inner, search.deadline)
    usable = routes.seats > 0
    unit = float(np.mean(routes.cost[usable])) if usable.any() else 1.0  # budget row in units of a mean course
    unit = max(unit, 1.0)
    prices = np.zeros(len(routes.seats) + 1)  # per programme and person, then the budget's (mu) per unit CNY
    name = "priced"
    while search.more():
        got = _priced_round(routes, prices, unit, how, seed)
        name = f"priced/{got.solver}"
        if isinstance(got, Result):  # the inner solve found no answer
            if got.status is Status.INFEASIBLE:
                return _finish(routes, Status.INFEASIBLE, None, None, name, started, diagnosis=got.diagnosis)
            break
        candidate = _made_feasible(routes, got, how, seed)
        found = -math.inf if candidate is None else routes.settled(*candidate).objective_of(candidate[0])
        if search.record(got.value, candidate, found):
            break
        target = search.target(got.value - 0.01 * abs(got.value))
        step = search.step(prices, _violation(routes, got, unit), got.value, target)
        if step is None:
            break
        prices = step
    return _priced_result(routes, search, prices, unit, name, started)


def _priced_result(
    routes: Routes, search: DualSearch, prices: np.ndarray, unit: float, name: str, started: float
) -> Result:
    """The Result of ``priced``: the best assignment (OPTIMAL when the bound proves it) or UNKNOWN."""
    stats = {
        "rounds": search.rounds,
        "history": search.history,
        "seat_prices": prices[:-1].round(6).tolist(),
        "budget_price": float(prices[-1]) / unit,
    }
    if search.best is None:
        diagnosis = f"no assignment within the seats and budget was found in {search.rounds} rounds"
        return _finish(
            routes, Status.UNKNOWN, None, None, name, started, stats=stats, bound=search.upper, diagnosis=diagnosis
        )
    tolerance = 1e-6 * routes.problem.n_workers
    status = Status.OPTIMAL if search.upper - search.best_value <= tolerance else Status.FEASIBLE
    job_of, program_of = search.best
    return _finish(routes, status, job_of, program_of, name, started, stats=stats, bound=search.upper)


def method_of(routes: Routes, solver: str | Callable[..., Result]) -> str:
    """The method :func:`solve_training` runs: ``"cpsat"`` (exact) or ``"priced"``; ``"auto"`` picks by size."""
    columns = int(np.isfinite(routes.direct).sum()) + routes.n_routes
    constrained = bool(routes.problem.quotas or routes.problem.caps)
    exact = columns <= (EXACT_CONSTRAINED if constrained else EXACT_COLUMNS)
    return "cpsat" if solver == "cpsat" or (solver == "auto" and exact) else "priced"


def solve_training(
    routes: Routes,
    *,
    solver: str | Callable[..., Result] = "auto",
    time_limit: float | None = None,
    seed: int = 0,
    inner: str | None = None,
) -> Result:
    """``cpsat`` (exact) or ``priced`` over an inner solver; ``"auto"`` picks by size (see the module notes).

    Parameters
    ----------
    routes : Routes
    solver : str or callable, optional
        ``"cpsat"``, ``"auto"``, or the inner solver of ``priced`` (a name
        or a solver function).
    time_limit, seed
        As for :func:`jobmatch.solve`.
    inner : str, optional
        The inner solver of ``priced`` when ``solver`` is ``"auto"`` (the
        option ``inner`` of :func:`jobmatch.match`; :data:`OPTIONS` lists
        each method's options).  Ignored by ``cpsat``.

    Returns
    -------
    Result
        Checked by :func:`~jobmatch.solvers.check.check_routes` (routes,
        seats, budget and the settled problem) before it is returned.
    """
    method = method_of(routes, solver)
    if method == "cpsat":
        result = solve_exact(routes, time_limit=time_limit, seed=seed)
    else:
        if inner is not None and solver != "auto" and inner != solver:
            raise fail("solve_training", "inner", f"absent, or the solver {solver!r} names", inner)
        result = solve_priced(routes, inner=solver if inner is None else inner, time_limit=time_limit, seed=seed)
    return check_routes(routes, result, solver=f"training {method}")
