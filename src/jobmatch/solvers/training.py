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
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import cached_property, partial

import numpy as np

from . import cpsat, flow, lagrangian
from ._pack import pack
from ._scale import scaled_values
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
#: ... and up to this many with quotas or caps (CP-SAT took 81 s on 600 workers with a share quota).
EXACT_CONSTRAINED = 1_000


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
    if job_of is None:
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


def _restricted(
    routes: Routes, allowed: np.ndarray, job_of: np.ndarray, program_of: np.ndarray, inner: str, seed: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """Best assignment where only the ``allowed`` workers train, each on the route it chose (None: none found)."""
    from . import solve  # the registry (imported here: it imports this module)

    p = routes.problem
    values = routes.direct.copy()
    who = np.flatnonzero(allowed)
    arc = routes.arc_of(who, job_of[who])
    values[arc] = routes.value[routes.route_of(arc, program_of[who])]
    keep = np.isfinite(values)
    sub = p.__class__.from_arcs(
        p.workers[keep],
        p.jobs[keep],
        values[keep],
        n_workers=p.n_workers,
        n_jobs=p.n_jobs,
        capacity=p.capacity,
        use=p.use[keep],
        people=p.people,
        quotas=p.quotas,
        caps=p.caps,
    )
    result = solve(sub, solver=inner, seed=seed)
    if result.status not in (Status.OPTIMAL, Status.FEASIBLE):
        return None
    got = np.asarray(result.job_of)
    trained = np.zeros(p.n_workers, dtype=np.int64) - 1
    stays = who[got[who] == job_of[who]]
    trained[stays] = program_of[stays]
    return got, trained


def solve_priced(routes: Routes, *, inner: str = "auto", time_limit: float | None = None, seed: int = 0) -> Result:
    """Lagrangian prices on seats and budget over an inner solver (see the module notes)."""
    from . import solve  # the registry (imported here: it imports this module)

    started = time.perf_counter()
    p = routes.problem
    if inner == "auto" and lagrangian.unsupported(p) is None and flow.unsupported(p) is not None:
        # Quotas or caps: lagrangian inside, without its CP-SAT finish on small problems (seconds each round).
        inner = partial(lagrangian.solve_lagrangian, finish=False)
    n_programs = len(routes.seats)
    lam = np.zeros(n_programs)
    mu = 0.0
    usable = routes.seats > 0
    unit = float(np.mean(routes.cost[usable])) if usable.any() else 1.0  # budget row in units of a mean course
    unit = max(unit, 1.0)
    best, best_value, upper = None, -math.inf, math.inf
    theta, stall, progress, rounds, name = 1.0, 0, 0, 0, "priced"
    history: list[tuple[float, float, float]] = []
    while rounds < MAX_ROUNDS:
        if time_limit is not None and time.perf_counter() - started > time_limit:
            break
        rounds += 1
        price = lam + mu / unit * routes.cost
        priced, program = routes.priced(price)
        sub = solve(priced, solver=inner, seed=seed)
        if sub.status is Status.UNKNOWN and isinstance(inner, partial):  # no assignment found: finish by CP-SAT
            sub = solve(priced, solver="lagrangian", seed=seed)
        name = f"priced/{sub.solver}"
        before = best_value
        if sub.status is Status.INFEASIBLE:
            return _finish(routes, Status.INFEASIBLE, None, None, name, started, diagnosis=sub.diagnosis)
        if sub.status not in (Status.OPTIMAL, Status.FEASIBLE):
            break
        exact = sub.status is Status.OPTIMAL
        inner_bound = sub.bound if sub.bound is not None else (sub.objective if exact else math.inf)
        budget = routes.budget if routes.budget is not None else 0.0
        value = inner_bound + float(lam @ routes.seats) + mu / unit * budget
        improved = value < upper - 1e-12
        upper = min(upper, value)
        job_of = np.asarray(sub.job_of)
        program_of = np.full(p.n_workers, -1, dtype=np.int64)
        placed = np.flatnonzero(job_of >= 0)
        program_of[placed] = program[routes.arc_of(placed, job_of[placed])]
        used, spent = routes.usage(job_of, program_of)
        fits = bool(np.all(used <= routes.seats)) and (routes.budget is None or spent <= routes.budget + 1e-6)
        candidate = (job_of, program_of) if fits else None
        if candidate is None:
            candidate = _restricted(routes, _trainees(routes, job_of, program_of), job_of, program_of, inner, seed)
        if candidate is not None:
            found = routes.settled(*candidate).objective_of(candidate[0])
            if found > best_value:
                best, best_value = candidate, found
        history.append((round(time.perf_counter() - started, 3), upper, best_value))
        if best is not None and upper - best_value <= GAP * max(1.0, abs(best_value)):
            break
        progress = 0 if improved or best_value > before else progress + 1
        if progress >= STALL:
            break
        slope_seats = np.where((lam == 0) & (used < routes.seats), 0.0, used - routes.seats).astype(np.float64)
        slope_budget = 0.0
        if routes.budget is not None:
            slope_budget = (spent - routes.budget) / unit
            if mu == 0 and slope_budget < 0:
                slope_budget = 0.0
        norm = float(slope_seats @ slope_seats) + slope_budget**2
        if norm == 0.0:
            break
        target = best_value if best is not None else value - 0.01 * abs(value)
        step = theta * max(value - target, 1e-9) / norm
        lam = np.maximum(lam + step * slope_seats, 0.0)
        mu = max(mu + step * slope_budget, 0.0)
        stall = 0 if improved else stall + 1
        if stall >= 2:
            theta, stall = theta / 2, 0
    stats = {"rounds": rounds, "history": history, "seat_prices": lam.round(6).tolist(), "budget_price": mu / unit}
    if best is None:
        return _finish(
            routes,
            Status.UNKNOWN,
            None,
            None,
            name,
            started,
            stats=stats,
            bound=upper,
            diagnosis=f"no assignment within the seats and budget was found in {rounds} rounds",
        )
    tolerance = 1e-6 * p.n_workers
    status = Status.OPTIMAL if upper - best_value <= tolerance else Status.FEASIBLE
    return _finish(routes, status, best[0], best[1], name, started, stats=stats, bound=upper)


def solve_training(routes: Routes, *, solver: str = "auto", time_limit: float | None = None, seed: int = 0) -> Result:
    """``cpsat`` (exact) or ``priced`` over an inner solver; ``"auto"`` picks by size (see the module notes)."""
    columns = int(np.isfinite(routes.direct).sum()) + routes.n_routes
    constrained = bool(routes.problem.quotas or routes.problem.caps)
    exact = columns <= (EXACT_CONSTRAINED if constrained else EXACT_COLUMNS)
    if solver == "cpsat" or (solver == "auto" and exact):
        return solve_exact(routes, time_limit=time_limit, seed=seed)
    return solve_priced(routes, inner=solver, time_limit=time_limit, seed=seed)
