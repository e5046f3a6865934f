"""Price-directed solving: an epsilon-scaling auction with job prices that prove the answer optimal.

The library's main shape is many workers, few jobs with many places each,
sparse arcs and an outside option worth 0.  Its dual has one variable per
job, a *price*: with prices ``p >= 0``, every worker's *surplus* is
``max(0, max_j (v_ij - p_j))``, and

    D(p) = sum_j capacity_j p_j + sum_i surplus_i

bounds the best total value from above, for any prices (weak duality).  The
solver searches for prices at which the assignment it holds reaches that
bound: then it is optimal, and the prices are the proof.

Algorithm
---------
The auction for the transportation problem (Bertsekas and Castanon, Annals
of OR 20, 1989), with the reverse steps of Bertsekas, Castanon and
Tsaknakis (1993) for jobs that may stay under-filled, in numba
(:mod:`jobmatch.solvers._auction`).  Values are integers (the library's
six-digit scaling, as for ``flow``) times ``S``.  Each phase, at a step
``eps``:

1. an arc pass computes every worker's best profit and the bound D(p);
   holders whose profit falls more than ``eps`` short of their best give
   up their job;
2. *forward*: each worker without a job bids for its best job, raising its
   price by the worker's margin over its second best plus ``eps``; a full
   job evicts its lowest bidder;
3. *reverse*: each job with room and a positive price lowers its price to
   draw its best non-holders in.  Without this step jobs stay under-filled
   at positive prices and the bound never meets the answer.

``eps`` starts at ``EPS_START`` of the largest value and is divided by
``THETA`` each phase.  With ``S = workers + 1`` a phase at ``eps = 1``
leaves ``D - P`` below one unit of the integer values, which proves the
assignment optimal (the optimum is an integer).  The solver stops earlier:
after every phase the gap ``D - P`` is computed exactly, and once ``eps``
is at most one unit, :func:`~jobmatch.solvers._auction.tighten` tries to
turn the prices into exact integer prices at which ``D = P``; it usually
succeeds a few phases before the last.

Status OPTIMAL means the gap is below one unit of the scaled values (for
values of six digits or fewer, that is exact; otherwise optimal for the
rounded values, as for ``flow``).  Otherwise (time limit, or an ``S``
reduced so that int64 sums cannot overflow) FEASIBLE with ``bound`` = D(p).

Workers of several people (couples) are split into that many one-person
copies, each worth its share of the value (the flow's relaxation); a couple
whose copies end at different jobs is placed greedily afterwards and the
result is FEASIBLE with the relaxation's bound.

Prices and warm starts
----------------------
The result carries ``duals`` (:class:`~jobmatch.solvers.result.Duals`):
``prices`` (one per job, in the problem's value units per place) and
``surplus`` (one per worker); ``bound`` equals ``sum(capacity * prices) +
sum(surplus) + rounding`` (``duals.rounding``: what rounding the values to
integers may cost; the negated right-hand side
for a minimisation, whose prices are those of the negated costs).  A job with room left has price
0; a full job's price is what the last worker it took would give up to
keep it.

``warm=WarmStart.of(previous)`` (its prices and ``job_of``) starts from
an earlier answer: after a small change (a place more, values moved
by a percent, pairs added by a pricing pass) most workers keep their job
and the auction only repairs what the change disturbed.  The hint may
also be ``previous.stats["relaxed"]``, the relaxation's own answer (a job
per one-person copy): on the same problem it makes no bid, where
``job_of`` starts a couple the relaxation split where its greedy
placement put it and the repair cascades through near-tied workers; but
after a pricing pass it is not reliably better (a re-match's passes took 5
rounds from it, 4 from ``job_of``; docs/benchmarks.md).  Any prices are a
valid start; the answer is the same optimum as from scratch, only faster.

Why one long module: building the one-person market (``_Units``), running the phases
and reading the result back (couples, prices, bound) share the scaling
``S``, the value shift and the copies; apart, each would restate them.

Time limit and Ctrl-C
---------------------
The kernels run in slices (``BIDS_PER_CALL`` bids, ``STEPS_PER_CALL``
reverse steps), and the clock and Ctrl-C are checked between slices: a
run stops within a fraction of a second, with its current assignment
(always valid) and the bound of its current prices.
"""

from __future__ import annotations

import logging
import time
from typing import Any, NamedTuple, cast

import numpy as np

from .._checks import fail
from .._progress import note
from ..exceptions import SolverError
from . import _auction
from ._pack import Deadline, hint_arg, infeasible, interruptible, job_of_from_arcs, out_of_time, pack
from ._scale import Scaled, scaled_values
from .couples import place_split
from .flow import diagnose, per_unit
from .problem import Problem
from .result import Certificate, Duals, Result, Status
from .usage import room_left
from .warm import WarmStart

__all__ = ["solve_auction", "unsupported"]

logger = logging.getLogger(__name__)

#: First ``eps`` of a cold start, as a share of the largest value.
EPS_START = 0.1
#: ``eps`` is divided by this after each phase (measured: 12-20 are equally good, docs/benchmarks.md).
THETA = 16
#: Forward bids and reverse steps per kernel call: the clock and Ctrl-C are checked between calls.
BIDS_PER_CALL = 1 << 20
STEPS_PER_CALL = 1 << 12
#: Price rises ``tighten`` may make per job before giving up (it then runs again after the next phase).
TIGHTEN_RISES = 50


def unsupported(problem: Problem) -> str | None:
    """Why the auction cannot express this problem (None if it can)."""
    scaled = _side_constraints(problem) or per_unit(problem)
    if isinstance(scaled, str):
        return scaled
    if problem.must_place and scaled[1] != 1:
        return "workers of several people when every worker must be placed"
    return None


def _side_constraints(problem: Problem) -> str | None:
    """The constraints the auction does not hold, in words (None: none)."""
    if problem.quotas:
        return "quotas (the lagrangian solver prices them)"
    if problem.caps:
        return "caps"
    return None


class _Units(NamedTuple):
    """The one-person market the kernels solve (``units``): a copy per person of every worker, values as integers."""

    indptr: np.ndarray
    jobs: np.ndarray
    w: np.ndarray  # int32 when the values fit, else int64
    cap: np.ndarray  # capacity, capped at the job's arcs + 1 (a job that cannot fill keeps price 0)
    owner: np.ndarray  # the worker of each copy
    per: int  # values are multiplied by this (the least common multiple of the sizes)
    scaled: Scaled
    S: int
    shift: int  # added to every value when every worker must be placed (0 otherwise)
    top: int  # the largest |value| in ``w``


def _units(problem: Problem) -> _Units | str:
    """The kernels' one-person market: copies, integer values (negated for a minimisation), the scale ``S``; or
    why the auction cannot express the problem (:func:`unsupported`, without repeating its pass over the arcs)."""
    scale = _side_constraints(problem) or per_unit(problem)
    if isinstance(scale, str):
        return scale
    units, per = scale
    if problem.must_place and per != 1:
        return "workers of several people when every worker must be placed"
    n = problem.n_workers
    nodes = per * (n + problem.n_jobs + 4)
    if problem.must_place:  # the shift below lifts values to about copies x their range, and D(p) sums copies of
        copies = int(np.sum(units)) if per != 1 else n  # them: |value| <= 2**59 / copies**2 keeps every sum in int64
        nodes = max(nodes, copies * (copies + 1) // 32 + 1)
    scaled = scaled_values(problem.values, n, nodes=nodes)
    ints = scaled.ints if problem.maximize else -scaled.ints
    if per == 1:
        indptr, jobs, owner, arcs = problem.indptr, problem.jobs, np.arange(n), None
    else:
        owner = np.repeat(np.arange(n), units)
        degree = np.diff(problem.indptr)[owner]
        indptr = np.zeros(len(owner) + 1, dtype=np.int64)
        np.cumsum(degree, out=indptr[1:])
        arcs = np.repeat(problem.indptr[owner] - indptr[:-1], degree) + np.arange(indptr[-1])
        jobs = problem.jobs[arcs]
        ints = (ints * (per // units[problem.workers]))[arcs]
    copies = len(owner)
    shift = 0
    if problem.must_place and len(ints):  # any placement more outweighs every difference of value (module notes)
        low, high = int(ints.min()), int(ints.max())
        shift = -low + copies * (high - low) + 1
        ints = ints + shift
    top = int(np.abs(ints).max()) if len(ints) else 0
    w = ints.astype(np.int32) if top < 2**31 else ints
    # D(p) <= 4 x copies x top x S (prices stay below 3 x top x S): S = copies + 1 makes eps = 1 a proof, unless
    # the sums would leave int64; then exactness comes from tighten, or the result is FEASIBLE with its gap.
    S = max(1, min(copies + 1, 2**60 // max(1, copies * max(top, 1))))
    reach = np.bincount(jobs, minlength=problem.n_jobs) + 1
    cap = np.minimum(problem.capacity, reach).astype(np.int64)
    return _Units(indptr, jobs.astype(np.int32), w, cap, owner, per, scaled, S, shift, top)


class _State:
    """The auction's state on a one-person market (see :mod:`jobmatch.solvers._auction`)."""

    def __init__(self, units: _Units, off: np.ndarray) -> None:
        n, m = len(units.owner), len(units.cap)
        self.units = units
        self.off = off
        self.p = np.zeros(m, dtype=np.int64)
        self.a_job = np.full(n, -1, dtype=np.int32)
        self.a_val = np.zeros(n, dtype=np.int64)
        self.hoff = np.zeros(m + 1, dtype=np.int64)
        np.cumsum(units.cap, out=self.hoff[1:])
        self.key = np.zeros(max(1, int(self.hoff[-1])), dtype=np.int64)
        self.who = np.zeros(max(1, int(self.hoff[-1])), dtype=np.int32)
        self.pos = np.zeros(n, dtype=np.int32)
        self.cnt = np.zeros(m, dtype=np.int64)
        self.best = np.zeros(n, dtype=np.int64)
        self.queue = np.zeros(n + 1, dtype=np.int32)
        self.jq = np.zeros(m + 1, dtype=np.int64)
        self.inq = np.zeros(m, dtype=np.bool_)
        self.columns: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self.counts = {"phases": 0, "bids": 0, "evictions": 0, "reverse_steps": 0, "reverse_moves": 0}

    def bound(self) -> tuple[int, int]:
        """The arc pass: (D(p), P) in scaled units; fills ``best``."""
        u = self.units
        d, primal = _auction.best_profits(
            u.indptr, u.jobs, u.w, self.off, u.S, u.cap, self.p, self.a_job, self.a_val, self.best
        )
        return int(d), int(primal)

    def phase(self, eps: int, deadline: Deadline) -> bool:
        """One phase at ``eps`` (after :meth:`bound`); False when the time limit passed during it."""
        u, s = self.units, self
        qt = _auction.rebase(u.cap, s.p, s.a_job, s.a_val, s.key, s.who, s.pos, s.hoff, s.cnt, eps, s.queue, s.best)
        qh = 0
        while qh != qt:
            qh, qt, bids, evictions = _auction.forward(
                u.indptr, u.jobs, u.w, s.off, u.S, u.cap, s.p, s.a_job, s.a_val, s.key, s.who, s.pos, s.hoff,
                s.cnt, eps, s.queue, qh, qt, BIDS_PER_CALL,
            )  # fmt: skip
            self.counts["bids"] += int(bids)
            self.counts["evictions"] += int(evictions)
            if deadline.passed():
                return False
        if self.columns is None:
            cval = np.empty(len(u.jobs), dtype=u.w.dtype if not np.any(self.off) else np.int64)
            self.columns = (*_auction.columns(u.indptr, u.jobs, u.w, self.off, len(u.cap), cval), cval)
        cptr, cwho, cval = self.columns
        jh, jt = 0, _auction.reverse_queue(u.cap, s.p, s.cnt, s.jq, s.inq)
        while jh != jt:
            jh, jt, steps, moves = _auction.reverse(
                u.S, u.cap, cptr, cwho, cval, s.p, s.a_job, s.a_val, s.key, s.who, s.pos, s.hoff, s.cnt,
                eps, s.jq, s.inq, jh, jt, STEPS_PER_CALL,
            )  # fmt: skip
            self.counts["reverse_steps"] += int(steps)
            self.counts["reverse_moves"] += int(moves)
            if deadline.passed():
                return False
        self.counts["phases"] += 1
        return True

    def tighten(self) -> np.ndarray | None:
        """The least exact integer prices (units of the integer values) proving the assignment optimal, or None.

        Least: the prices at which every job's holders still just want it,
        the jobs' cutoffs.
        """
        u = self.units
        q = np.zeros_like(self.p)
        done = _auction.tighten(u.indptr, u.jobs, u.w, self.off, u.cap, self.a_job, q, TIGHTEN_RISES * len(q) + 1000)
        return q if done == 1 else None


def _start_prices(prices: Any, units: _Units, m: int) -> np.ndarray:
    """The ``prices`` option as scaled int64 prices (checked: one finite number >= 0 per job)."""
    try:
        given = np.asarray(prices, dtype=np.float64)
    except (TypeError, ValueError):
        raise fail("solve_auction", "warm.prices", f"{m:,} finite numbers >= 0 (one per job)", prices) from None
    if given.shape != (m,) or not np.all(np.isfinite(given)) or np.any(given < 0):
        raise fail("solve_auction", "warm.prices", f"{m:,} finite numbers >= 0 (one per job)", prices)
    scaled = np.round(given * units.scaled.scale * units.per * units.S)
    return np.minimum(scaled, float(2 * units.top * units.S)).astype(np.int64)  # no useful price is above the top value


def _start(problem: Problem, units: _Units, hint: Any) -> np.ndarray:
    """The ``hint`` option per one-person copy: a job per worker, each copy at its worker's job; or, with workers of
    several people, one per copy (``stats["relaxed"]``: the relaxation's own answer, split couples where its prices
    expect them).  A job outside the problem's starts its copy unplaced."""
    array = np.asarray(hint)
    copies = len(units.owner)
    if copies != problem.n_workers and array.shape == (copies,) and (not array.size or array.dtype.kind in "iu"):
        start = array.astype(np.int64)
        start[(start < 0) | (start >= problem.n_jobs)] = -1
        return start.astype(np.int32)
    return cast(np.ndarray, hint_arg("solve_auction", problem, hint).astype(np.int32)[units.owner])


def solve_auction(
    problem: Problem,
    /,
    *,
    time_limit: float | None = None,
    seed: int = 0,
    warm: WarmStart | None = None,
) -> Result:
    """Solve by the auction (module notes): exact, with job prices as the certificate.

    Parameters
    ----------
    problem : Problem
        Without quotas or caps (:func:`unsupported`).
    time_limit : float, optional
        Checked between slices of the kernels; when it passes, the result is
        the current assignment, FEASIBLE, with the bound of the current prices.
    seed : int, optional
        No effect (the auction is deterministic).
    warm : WarmStart, optional
        Start prices, one per job (``duals.prices`` of an earlier solve),
        and a start assignment, a job index per worker (-1: unplaced), e.g.
        the earlier solve's ``job_of``; workers keep their job where it is
        still one of their arcs and has room.  With workers of several
        people, the assignment may also be the earlier solve's
        ``stats["relaxed"]``, a job per one-person copy (the relaxation's
        own answer: a couple it split starts where the prices expect it;
        module notes).

    Returns
    -------
    Result
        With ``duals``: prices and surpluses that prove ``bound``.

    Examples
    --------
    >>> import numpy as np
    >>> from jobmatch import Problem, solve
    >>> problem = Problem.from_dense(np.array([[4.0, 1.0], [3.0, 2.0], [3.5, 0.0]]), capacity=[2, 1])
    >>> result = solve(problem, solver="auction")
    >>> result.status.name, result.objective, result.job_of.tolist()
    ('OPTIMAL', 9.5, [0, 1, 0])
    >>> result.duals.prices.tolist(), result.duals.surplus.tolist(), float(result.bound)
    ([1.0, 0.0], [3.0, 2.0, 2.5], 9.5)

    The bound is ``capacity @ prices + surplus.sum()``: 2 x 1.0 + 7.5.
    """
    with interruptible():
        return _solve(problem, time_limit=time_limit, prices=warm and warm.prices, hint=warm and warm.hint)


def _solve(problem: Problem, *, time_limit: float | None, prices: Any, hint: Any) -> Result:
    """:func:`solve_auction`'s run."""
    started = time.perf_counter()
    deadline = Deadline(time_limit, started)
    m = problem.n_jobs
    units = _units(problem)
    if isinstance(units, str):
        raise fail("solve_auction", "problem", "a problem the auction can express", units, described=True)
    state = _State(units, np.zeros(len(units.owner), dtype=np.int64))
    eps = max(1, int(units.top * units.S * EPS_START))
    warm = prices is not None or hint is not None
    if prices is not None:
        state.p = _start_prices(prices, units, m)
    hinted = None
    if hint is not None:
        start = _start(problem, units, hint)
        hinted = _assignment(problem, units, start)
        _auction.seed(
            units.indptr, units.jobs, units.w, state.off, units.S, units.cap, state.p,
            start, state.a_job, state.a_val, state.key, state.who, state.pos, state.hoff,
            state.cnt,
        )  # fmt: skip
    d, primal = state.bound()
    if warm:  # eps: the gap per worker the start leaves, at least one unit (measured: docs/benchmarks.md) ...
        room = int(np.sum((units.cap - state.cnt) * state.p))  # ... less priced room: reverse steps fill it
        eps = max(units.S, min(eps, (d - primal - room) // max(1, len(units.owner))))
    built = time.perf_counter()
    exact: np.ndarray | None = None
    finished = True
    while d - primal >= units.S:
        if deadline.passed() or not state.phase(eps, deadline):
            finished = False
            d, primal = state.bound()
            break
        d, primal = state.bound()
        note(f"auction phase {state.counts['phases']}: gap {(d - primal) / units.S:.6g} units")
        logger.debug(
            "auction phase %d: eps %.4g, gap %.6g units, %d bids so far",
            state.counts["phases"], eps / units.S, (d - primal) / units.S, state.counts["bids"],
        )  # fmt: skip
        if d - primal < units.S or eps == 1:
            break
        if eps <= units.S:  # the least exact prices: found, they end the run a few phases early
            exact = state.tighten()
            if exact is not None:
                break
        eps = max(1, eps // THETA)
    if finished and exact is None and d - primal < units.S:  # optimal: the least exact prices are the cutoffs
        exact = state.tighten()
    return _result(problem, state, exact, d, primal, finished, warm, started, built, hinted)


def _assignment(problem: Problem, units: _Units, start: np.ndarray) -> np.ndarray | None:
    """The hint as a job per worker (a group whose copies disagree, or a job that is none of the worker's arcs,
    unplaced), when it is a valid assignment of the problem (no job over its capacity, everyone placed when every
    worker must be); else None."""
    chosen = problem.chosen(_workers(problem, units, start)[0])
    job_of = job_of_from_arcs(problem, chosen)
    if np.any(room_left(problem, chosen) < 0) or (problem.must_place and np.any(job_of < 0)):
        return None
    return job_of


def _result(
    problem: Problem,
    state: _State,
    exact: np.ndarray | None,
    d: int,
    primal: int,
    finished: bool,
    warm: bool,
    started: float,
    built: float,
    hinted: np.ndarray | None = None,
) -> Result:
    """The Result of a run: workers from their copies (split couples placed greedily), prices, surplus, bound."""
    units = state.units
    step = units.scaled.scale * units.per  # integer units per value unit
    if exact is not None:  # integer prices: units of the integer values
        factor, ints, best = 1, exact, np.zeros(len(units.owner), dtype=np.int64)
        d_exact, _ = _auction.best_profits(
            units.indptr, units.jobs, units.w, state.off, 1, units.cap, exact, state.a_job, state.a_val, best
        )
        if int(d_exact) * units.S != primal:  # tighten proved D = P: anything else is a bug
            raise SolverError(f"solver 'auction': exact prices give a bound {d_exact} against {primal // units.S}")
    else:
        factor, ints, best = units.S, state.p.copy(), state.best
    _price_closed_jobs(units, state.off, factor, ints, best)
    prices = ints / (factor * step)
    surplus = (best - units.shift * factor) / (factor * step)
    bound_units = (primal if exact is not None else d) / units.S
    bound_units -= units.shift * len(units.owner)  # must-place: every copy was given the shift
    proven = finished and (exact is not None or d - primal < units.S)
    n = problem.n_workers
    per_worker = np.bincount(units.owner, weights=surplus, minlength=n)
    job_of, split = _workers(problem, units, state.a_job)
    bound = units.scaled.bound(bound_units / units.per * (1 if problem.maximize else -1), problem.maximize)
    stats: dict[str, Any] = {
        **state.counts,
        "relaxed": state.a_job.copy(),  # per one-person copy: a warm start (hint) that places split couples as is
        "S": units.S,
        "warm": warm,
        "split": len(split),
    }
    # What the prices prove about the answer: with split couples they prove the relaxation's optimum, a bound only.
    certificate = Certificate.GAP_BELOW_UNIT if proven else Certificate.BOUND
    if exact is not None:
        certificate = Certificate.EXACT
    if len(split):
        certificate = Certificate.BOUND
    duals = Duals(prices, per_worker, rounding=units.scaled.slack, scale=units.scaled.scale, certificate=certificate)
    timings = {"build": built - started, "solve": time.perf_counter() - built}
    extra: dict[str, Any] = {"bound": bound, "duals": duals, "stats": stats}
    if len(split):
        job_of = place_split(problem, split, job_of)
        extra["diagnosis"] = (
            f"{len(split):,} groups of several people were split by the relaxation; they were placed greedily "
            "where room was left, so optimality is not proven"
        )
    elif not finished:
        extra["diagnosis"] = "time limit reached: the assignment so far, with the bound of its prices"
    elif not proven:
        extra["diagnosis"] = "the gap did not close within the integer range: the bound of the final prices"
    status = Status.OPTIMAL if proven and not len(split) else Status.FEASIBLE
    sign = 1.0 if problem.maximize else -1.0
    if hinted is not None and status is not Status.OPTIMAL:  # a start is never worth more than the answer
        if sign * problem.objective_of(hinted) > sign * problem.objective_of(job_of):
            job_of = hinted
            extra["diagnosis"] = (extra.get("diagnosis") or "not proven") + "; the hint given was better and is kept"
            stats["hint_kept"] = True
    if problem.must_place and np.any(job_of < 0):  # placing one more outweighs any value: nobody more fits
        if not finished:
            return out_of_time(problem, "auction", started, "time limit reached before every worker was placed")
        if not proven:
            why = "the gap did not close within the integer range before every worker was placed"
            return pack(problem, Status.UNKNOWN, None, "auction", started, diagnosis=why, timings=timings, stats=stats)
        return infeasible(problem, "auction", started, diagnosis=diagnose(problem), timings=timings, stats=stats)
    return pack(problem, status, job_of, "auction", started, timings=timings, **extra)


def _price_closed_jobs(units: _Units, off: np.ndarray, factor: int, prices: np.ndarray, best: np.ndarray) -> None:
    """Price each job without capacity (never bid for) at the least price none of its workers would pay, so that
    the prices certify the bound of the whole problem, those jobs' arcs included."""
    closed = units.cap == 0
    if not closed.any():
        return
    arcs = np.flatnonzero(closed[units.jobs])
    if len(arcs):
        copy = np.searchsorted(units.indptr, arcs, side="right") - 1
        np.maximum.at(prices, units.jobs[arcs], (units.w[arcs] - off[copy]) * factor - best[copy])


def _workers(problem: Problem, units: _Units, a_job: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Job per worker from its copies' jobs, and the workers whose copies disagree (split: left unplaced)."""
    n = problem.n_workers
    if units.per == 1:
        return a_job.astype(np.int64), np.zeros(0, dtype=np.int64)
    jobs = a_job.astype(np.int64)
    starts = np.searchsorted(units.owner, np.arange(n))  # a worker's copies are consecutive, at least one each
    first, last = np.minimum.reduceat(jobs, starts), np.maximum.reduceat(jobs, starts)
    split = np.flatnonzero(first != last)
    last[split] = -1
    return last, split
