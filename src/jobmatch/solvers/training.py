"""Training-aware matching: choose training seats and jobs together.

:class:`Routes` are the columns: a problem's arcs plus training routes
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
    ``time_limit``, or ``STALL`` rounds without progress.  When the unpriced
    inner solution already respects the seats and budget, it is optimal and
    the run ends there.  With quotas or caps the inner ``lagrangian`` runs
    without its CP-SAT finish, so its own gap (0.1%) adds to the bound's.
    The rounds are driven by :class:`~jobmatch.solvers._subgradient.DualSearch`,
    as :mod:`jobmatch.solvers.lagrangian`'s are: each is
    :func:`_priced_round` (the inner solve), :func:`_made_feasible` (the
    repair) and a step on :func:`_violation`.

Why one long module: :class:`Routes` and the two methods over them share
their private helpers (columns, settling, trainees kept), and the steps of
``priced`` read best beside each other.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np

from .._arrays import indptr_from_counts
from ..data.schema import fail
from . import cpsat, flow, lagrangian
from ._pack import pack
from ._scale import scaled_values
from ._subgradient import DualSearch
from .problem import Problem
from .result import Result, Status

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
EXACT_CONSTRAINED = 1_000  # measured once: 81 s on 600 workers with a share quota (not yet in docs/benchmarks.md)
#: The options each method of :func:`solve_training` takes (:func:`jobmatch.match` passes them on).
OPTIONS: dict[str, tuple[str, ...]] = {"cpsat": (), "priced": ("inner",)}


@dataclass(frozen=True, eq=False)
class Routes:
    """A problem's arcs and training routes: the columns training-aware solvers choose from.

    ``problem`` has one arc per (worker, job) pair that a worker can take
    directly (among its ``k`` best) or through a route, worth the best of
    them; its capacities, quotas and caps are the policy's.

    Attributes
    ----------
    problem : Problem
    direct : ndarray of float64
        Per arc: its value without training (``-inf``: only through a route).
    arc, program : ndarray of int64
        Per route: its arc in ``problem`` and its programme.
    value : ndarray of float64
        Per route: score after training less the programme's penalty.
    seats, cost : ndarray
        Per programme: seats (people) and cost per person (CNY).
    budget : float or None
        The policy's training budget.
    """

    problem: Problem
    direct: np.ndarray
    arc: np.ndarray
    program: np.ndarray
    value: np.ndarray
    seats: np.ndarray
    cost: np.ndarray
    budget: float | None

    @property
    def n_routes(self) -> int:
        return len(self.arc)

    @cached_property
    def people(self) -> np.ndarray:
        """Per route: the people it trains (its worker's ``people``)."""
        return self.problem.people[self.problem.workers[self.arc]]

    def best(self, price: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Per arc: the best route's value after ``price`` (per programme and person), and its programme (-1 none).

        Values are unpriced; only the choice of route uses the prices.  Ties
        go to taking no training, then to the lower programme index.
        """
        priced = self.value if price is None else self.value - price[self.program] * self.people
        order = np.lexsort((self.program, -priced, self.arc))
        first = order[np.r_[True, self.arc[order][1:] != self.arc[order][:-1]]] if len(order) else order
        values = self.direct.copy()
        program = np.full(len(values), -1, dtype=np.int64)
        take = priced[first] > self.direct[self.arc[first]]
        values[self.arc[first[take]]] = self.value[first[take]]
        program[self.arc[first[take]]] = self.program[first[take]]
        return values, program

    def priced(self, price: np.ndarray) -> tuple[Problem, np.ndarray]:
        """The problem with each arc worth its best route after prices (priced values), and that programme."""
        values, program = self.best(price)
        charged = np.where(program >= 0, price[np.maximum(program, 0)], 0.0) * self.problem.people[self.problem.workers]
        return self.problem.replace(values=values - charged), program

    def settled(self, job_of: np.ndarray, program_of: np.ndarray) -> Problem:
        """The problem with each placed worker's arc worth the route it took (others: the best route)."""
        values, _ = self.best()
        p = self.problem
        chosen = np.flatnonzero(p.chosen(job_of))
        taken = program_of[p.workers[chosen]]
        values[chosen] = self.direct[chosen]
        trained = taken >= 0
        values[chosen[trained]] = self.value[self.route_of(chosen[trained], taken[trained])]
        return p.replace(values=values)

    def arc_of(self, workers: np.ndarray, jobs: np.ndarray) -> np.ndarray:
        """The arc of each (worker, job) given (each must exist)."""
        p = self.problem
        return self._by_pair[np.searchsorted(self._pairs, workers.astype(np.int64) * p.n_jobs + jobs)]

    @cached_property
    def _by_pair(self) -> np.ndarray:
        p = self.problem
        return np.argsort(p.workers.astype(np.int64) * p.n_jobs + p.jobs, kind="stable")

    @cached_property
    def _pairs(self) -> np.ndarray:
        p = self.problem
        return (p.workers.astype(np.int64) * p.n_jobs + p.jobs)[self._by_pair]

    def route_of(self, arcs: np.ndarray, programs: np.ndarray) -> np.ndarray:
        """The route of each (arc, programme) given (each must exist)."""
        n = max(len(self.seats), 1)
        return self._by_key[np.searchsorted(self._keys, arcs * n + programs)]

    @cached_property
    def _by_key(self) -> np.ndarray:
        return np.argsort(self.arc * max(len(self.seats), 1) + self.program, kind="stable")

    @cached_property
    def _keys(self) -> np.ndarray:
        return (self.arc * max(len(self.seats), 1) + self.program)[self._by_key]

    def usage(self, job_of: np.ndarray, program_of: np.ndarray) -> tuple[np.ndarray, float]:
        """Seats used per programme (people) and total cost of a placement."""
        p = self.problem
        trainee = np.flatnonzero((program_of >= 0) & (job_of >= 0))
        people = p.people[trainee]
        seats = np.bincount(program_of[trainee], weights=people, minlength=len(self.seats)).astype(np.int64)
        return seats, float((self.cost[program_of[trainee]] * people).sum())


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
    **extra,
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
    out = cpsat.solve_columns(p, columns, tuple(extra), time_limit=time_limit, seed=seed)
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
    """The inner solver of ``priced``: its name, its options, and whether an UNKNOWN answer is solved again.

    The retry, with lagrangian's CP-SAT finish, is for ``"auto"`` picking
    lagrangian without it: when no assignment was found, CP-SAT finds one.
    """

    solver: str | Callable[..., Result]
    options: dict[str, Any]
    retry: bool


def _inner_of(problem: Problem, inner: str | Callable[..., Result]) -> _Inner:
    """``inner`` as given, or for ``"auto"`` with quotas or caps flow cannot hold: lagrangian without its finish."""
    if inner == "auto" and lagrangian.unsupported(problem) is None and flow.unsupported(problem) is not None:
        # Quotas or caps: lagrangian inside, without its CP-SAT finish on small problems (seconds each round).
        return _Inner("lagrangian", {"finish": False}, True)
    return _Inner(inner, {}, False)


def _inner_solve(problem: Problem, inner: _Inner, seed: int) -> Result:
    """Solve with the inner solver; when lagrangian without its finish found nothing, again with the finish."""
    from . import solve  # the registry (imported here: it imports this module, through the check)

    result = solve(problem, solver=inner.solver, seed=seed, options=inner.options)
    if result.status is Status.UNKNOWN and inner.retry:  # no assignment found: finish by CP-SAT
        result = solve(problem, solver=inner.solver, seed=seed)
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
    keep = np.flatnonzero(np.isfinite(values))
    keep = keep[np.lexsort((p.jobs[keep], p.workers[keep]))]  # arcs by worker, then job, as from_arcs sorts them
    sub = Problem._trusted(  # a subset of the problem's arcs, already checked
        indptr_from_counts(np.bincount(p.workers[keep], minlength=p.n_workers)),
        p.jobs[keep],
        values[keep],
        capacity=p.capacity,
        n_jobs=p.n_jobs,
        use=p.use[keep],
        people=p.people,
        maximize=True,
        must_place=False,
        quotas=p.quotas,
        caps=p.caps,
    )
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
    sub = _inner_solve(priced, inner, seed)
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
    return np.r_[(got.used - routes.seats).astype(np.float64), over_budget]


def solve_priced(
    routes: Routes, *, inner: str | Callable[..., Result] = "auto", time_limit: float | None = None, seed: int = 0
) -> Result:
    """Lagrangian prices on seats and budget over an inner solver (see the module notes)."""
    started = time.perf_counter()
    how = _inner_of(routes.problem, inner)
    usable = routes.seats > 0
    unit = float(np.mean(routes.cost[usable])) if usable.any() else 1.0  # budget row in units of a mean course
    unit = max(unit, 1.0)
    search = DualSearch(max_rounds=MAX_ROUNDS, stall=STALL, gap=GAP, time_limit=time_limit, started=started)
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
    """
    if method_of(routes, solver) == "cpsat":
        return solve_exact(routes, time_limit=time_limit, seed=seed)
    if inner is not None and solver != "auto" and inner != solver:
        raise fail("solve_training", "inner", f"absent, or the solver {solver!r} names", inner)
    return solve_priced(routes, inner=solver if inner is None else inner, time_limit=time_limit, seed=seed)
