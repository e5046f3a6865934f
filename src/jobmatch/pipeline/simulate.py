"""A programme year simulated week by week: arrivals, placements, starts, departures, any strategy.

The year's workers and jobs come from the synthetic scenario's generator
(:func:`jobmatch.synth.scenario`, seeded): worker ``i`` of ``n`` registers
in week ``i * weeks // n``, job ``j`` of ``m`` opens in week
``j * weeks // m`` and stays open all year with its full headcount.  Each
week, in this order:

1. the week's workers register and wait;
2. workers placed ``notice`` weeks ago start work;
3. each employed worker leaves with the weekly hazard ``1 - r ** (1 / 52)``
   of the outcome model's yearly retention ``r`` for the pair
   (:func:`jobmatch.outcomes.retention` unless ``departures`` is given),
   which frees the seat;
4. workers who waited ``patience`` weeks without a placement give up;
5. the strategy places the market of the week (everyone waiting, placed or
   employed, every open job) with :func:`jobmatch.rematch`: employed
   workers are locked, and people placed earlier who have left count for
   the quotas (``placed_earlier``), so a 75% share is a programme-level
   target.  A strategy with ``moves`` may move placements that have not
   started (limited by ``move_penalty`` and ``max_moves``); without it, it
   only fills the room left.

Departures and give-ups draw from one generator seeded by ``seed``: the
same seed gives the same year, whatever the strategy (the draws are made
per worker and week, before the strategy acts).  "Still employed at 3, 6
and 12 months" is the outcome model's expectation over every worker who
started (the sum of ``r ** (months / 12)`` in people), not a count
censored by the year's end.  Years are compared over seeds and drawn by
:mod:`jobmatch.pipeline.years`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from .._checks import POSITIVE, SEED, Whole, fail, param
from ..data.market import Market
from ..data.synth import scenario
from ..exceptions import SolverError, optional_import
from ..policy import Policy
from ..results.assignment import Assignment
from ..scoring.outcomes import retention
from ..solvers.registry import SolverFn
from ..solvers.result import Status
from .rematch import MOVE_PENALTY, rematch

__all__ = ["MAX_DRAW_BYTES", "MAX_WEEKS", "STATUS_QUO", "Strategy", "Year", "run"]

logger = logging.getLogger(__name__)

WAITING, PLACED, EMPLOYED, LEFT, GAVE_UP, NOT_YET = range(6)


@dataclass(frozen=True)
class Strategy:
    """How a programme places its workers each week.

    Attributes
    ----------
    name : str
    solver : str or callable
        As for :func:`jobmatch.solve` (``"first_come"``: the status quo).
    policy : Policy, optional
    moves : bool
        Placements not yet started may move to a better job; False: each
        week only fills the room left.
    move_penalty : float
        As for :func:`jobmatch.rematch`.
    max_moves : int, optional
        Most moves a week.
    options : dict, optional
        For the week's solver, as :func:`jobmatch.rematch` takes them.  With
        quotas the solver is ``lagrangian``, which closes a gap by CP-SAT on
        small problems for up to a minute of wall time (a week whose answer
        then depends on the machine): ``{"finish": False}`` keeps every week
        to the Lagrangian's own answer and proven gap, and the year
        deterministic.
    """

    name: str
    solver: str | SolverFn = "auto"
    policy: Policy | None = None
    moves: bool = True
    move_penalty: float = MOVE_PENALTY
    max_moves: int | None = None
    options: Mapping[str, Any] | None = None


#: The status quo: first come, first placed, nobody moved.
STATUS_QUO = Strategy("first_come", solver="first_come", moves=False)


@dataclass(frozen=True, eq=False)
class Year:
    """One simulated year of one strategy: ``weeks`` (a pandas DataFrame, one row per week) and ``totals``."""

    strategy: str
    seed: int
    weeks: Any
    totals: dict[str, float] = field(default_factory=dict)


#: The longest year :func:`run` simulates, in weeks (ten years).
MAX_WEEKS = 520
WEEKS = Whole(1, MAX_WEEKS)
#: The most memory the year's draws (one float per worker and week) may take.
MAX_DRAW_BYTES = 4 * 2**30


def _checked_stays(
    where: str, departures: Callable[[Market], Callable[..., np.ndarray]] | None, market: Market
) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """The yearly probability of staying, ``fn(workers, jobs)``: :func:`jobmatch.outcomes.retention`'s or what
    ``departures(market)`` gives, its answers checked each time (one finite probability in [0, 1] per pair:
    anything else would report negative or impossible employment)."""
    if departures is not None and not callable(departures):
        raise fail(where, "departures", "a function market -> fn(workers, jobs) or None", type(departures).__name__)
    fn = (departures or retention)(market)
    if not callable(fn):
        raise fail(where, "departures(market)", "a function fn(workers, jobs) -> probabilities", type(fn).__name__)

    def stays(workers: np.ndarray, jobs: np.ndarray) -> np.ndarray:
        try:
            out = np.asarray(fn(workers, jobs), dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise fail(where, "departures", "probabilities (numbers)", f"{type(error).__name__}: {error}",
                       described=True) from None  # fmt: skip
        if out.shape != workers.shape or not bool(np.all((out >= 0.0) & (out <= 1.0))):  # NaN fails too
            bad = out if out.shape != workers.shape else out[~((out >= 0.0) & (out <= 1.0))][:3]
            got = f"shape {out.shape}" if out.shape != workers.shape else f"{bad.tolist()}"
            raise fail(where, "departures", f"{len(workers)} probabilities of staying in [0, 1], one per pair", got,
                       described=True)  # fmt: skip
        return out

    return stays


def run(
    strategy: Strategy,
    *,
    workers: int = 10_000,
    jobs: int = 500,
    weeks: int = 52,
    seed: int = 0,
    notice: int = 2,
    patience: int = 12,
    k: int = 100,
    departures: Callable[[Market], Callable[..., np.ndarray]] | None = None,
    market: Market | None = None,
) -> Year:
    """Simulate a year of ``strategy`` (module notes).

    Parameters
    ----------
    strategy : Strategy
    workers, jobs : int, optional
        Registrations and jobs over the year (``synth.scenario(workers,
        jobs, seed=seed)``), unless ``market`` gives them (in arrival order).
    weeks, notice, patience : int, optional
        The year's length (1 to :data:`MAX_WEEKS`, and at most
        :data:`MAX_DRAW_BYTES` of draws: one per worker and week); weeks
        from a placement to the start of work (a placement may move until
        then); weeks a worker waits before giving up.
    seed : int, optional
        Seeds the market and every draw.
    k : int, optional
        Candidate jobs per worker.  The exact strategies without quotas or a
        move limit prove each week over every pair whatever ``k`` (the
        pricing passes of :func:`jobmatch.rematch`, for markets up to
        :data:`~jobmatch.pipeline.pricing.MARKET_PAIRS` pairs); first come and the
        strategies with quotas or a move limit see only these ``k``, so the
        default is deep: at 10,000 registrations and 500 jobs, ``k=10``
        left first come 2,800 placements short of its own with every job
        (measured, docs/benchmarks.md), ``k=100`` 22.
    departures : callable, optional
        ``departures(market)`` returns ``fn(workers, jobs)``, the yearly
        probability of staying (default :func:`jobmatch.outcomes.retention`);
        its answers are checked each time (a probability in [0, 1] per pair,
        else a :class:`~jobmatch.ValidationError`).

    Returns
    -------
    Year
        ``weeks``: per week ``registered``, ``placed`` (new placements),
        ``moves``, ``started``, ``left``, ``gave_up`` (workers this week);
        ``waiting``, ``pending`` (placed, not started), ``employed_workers``
        (workers at the week's end) and ``employed`` (people);
        ``seats_used`` (employed and placed people over the open seats),
        ``unfilled`` (open seats without anyone), ``priority_share`` (of
        the people placed so far, as the quotas count them: placed now or
        left after working, from the first quota's group, else
        ``poverty_alleviated``), ``status`` of the week's solve.
        ``totals``: ``placed`` (workers ever placed), ``started``,
        ``employed_3m``, ``employed_6m``, ``employed_12m`` (expected people),
        ``moves``, ``gave_up``, ``priority_share``, ``unfilled_seat_weeks``,
        ``seconds``.

    Examples
    --------
    >>> from jobmatch.simulate import STATUS_QUO, Strategy, run
    >>> year = run(Strategy("matched"), workers=600, jobs=30, weeks=8, seed=1)
    >>> len(year.weeks), year.totals["placed"] <= 600
    (8, True)
    >>> run(Strategy("matched"), workers=600, jobs=30, weeks=8, seed=1).weeks.equals(year.weeks)  # deterministic
    True
    """
    where = "simulate.run"
    if not isinstance(strategy, Strategy):
        raise fail(where, "strategy", "a jobmatch.simulate.Strategy", type(strategy).__name__)
    weeks = param(where, "weeks", weeks, WEEKS)
    notice = param(where, "notice", notice, POSITIVE)
    patience = param(where, "patience", patience, POSITIVE)
    seed = param(where, "seed", seed, SEED)
    if market is None:
        market = scenario(param(where, "workers", workers, POSITIVE), param(where, "jobs", jobs, POSITIVE), seed=seed)
    elif not isinstance(market, Market):
        raise fail(where, "market", "a jobmatch.Market or None", type(market).__name__)
    need = weeks * market.n_workers * 8  # one draw per worker and week
    if need > MAX_DRAW_BYTES:
        raise fail(where, "weeks", f"at most {MAX_DRAW_BYTES // (8 * max(market.n_workers, 1)):,} for "
                   f"{market.n_workers:,} workers (a draw per worker and week, {MAX_DRAW_BYTES / 2**30:g} GiB at most)",
                   weeks)  # fmt: skip
    began = time.perf_counter()
    pd = optional_import("pandas", "pandas", where)
    stays = _checked_stays(where, departures, market)
    n, m = market.n_workers, market.n_jobs
    arrives = np.arange(n) * weeks // max(n, 1)
    opens = np.arange(m) * weeks // max(m, 1)
    rng = np.random.default_rng([seed, 17])
    draws = rng.random((weeks, n))  # one draw per worker and week, the same for every strategy
    size = market.workers.size.astype(np.int64)
    group = _priority_group(market, strategy.policy)
    state = np.full(n, NOT_YET, dtype=np.int8)
    job_of = np.full(n, -1, dtype=np.int64)
    since = np.zeros(n, dtype=np.int64)  # the week a worker started waiting, was placed or started
    ever_placed = np.zeros(n, dtype=bool)
    started_at = np.full(n, -1, dtype=np.int64)
    start_job = np.full(n, -1, dtype=np.int64)  # the job each worker started in
    earlier = {"people": 0}
    policy = strategy.policy
    quota_groups = {} if policy is None else {q.group: _members(market, q.group) for q in policy.quotas}
    earlier.update({name: 0 for name in quota_groups})
    rows = []
    ids, job_ids = market.workers.ids, market.jobs.ids
    for week in range(weeks):
        registered = np.flatnonzero(arrives == week)
        state[registered], since[registered] = WAITING, week
        starting = np.flatnonzero((state == PLACED) & (since + notice <= week))
        state[starting], since[starting], started_at[starting] = EMPLOYED, week, week
        start_job[starting] = job_of[starting]
        employed = np.flatnonzero(state == EMPLOYED)
        hazard = 1.0 - stays(employed, job_of[employed]) ** (1.0 / 52.0) if len(employed) else np.zeros(0)
        leaving = employed[draws[week, employed] < hazard]
        state[leaving] = LEFT
        earlier["people"] += int(size[leaving].sum())
        for name, members in quota_groups.items():
            earlier[name] += int(size[leaving][members[leaving]].sum())
        job_of[leaving] = -1
        giving_up = np.flatnonzero((state == WAITING) & (week - since >= patience))
        state[giving_up] = GAVE_UP
        present = np.flatnonzero(np.isin(state, (WAITING, PLACED, EMPLOYED)))
        open_jobs = np.flatnonzero(opens <= week)
        moves, placed_now, status = 0, 0, "none"
        if len(present) and len(open_jobs):
            local = market.subset(workers=present, jobs=open_jobs)
            held = job_of[present]
            holding = np.full(len(present), None, dtype=object)
            holding[held >= 0] = job_ids[held[held >= 0]]
            previous = pd.DataFrame({"worker": ids[present], "job": holding, "started": state[present] == EMPLOYED})
            keep = "started" if strategy.moves else "placed"
            after = rematch(previous, local, policy, keep=keep, move_penalty=strategy.move_penalty,
                            max_moves=strategy.max_moves, placed_earlier=earlier if policy else None,
                            solver=strategy.solver, k=k, seed=seed, options=strategy.options)  # fmt: skip
            status = after.status.name
            if after.status in (Status.OPTIMAL, Status.FEASIBLE):
                working = present[state[present] == EMPLOYED]
                jobs_before = job_of[working].copy()
                moves, placed_now = _apply(after, present, open_jobs, state, job_of, since, ever_placed, week)
                if not np.array_equal(job_of[working], jobs_before):
                    raise SolverError(f"{where}: week {week}: a worker who started work was moved")
        used = np.bincount(job_of[job_of >= 0], weights=size[job_of >= 0], minlength=m)
        seats = market.jobs.capacity[open_jobs]
        counted = np.isin(state, (PLACED, EMPLOYED)) | (state == LEFT)  # whom the quotas count
        rows.append({
            "week": week, "registered": len(registered), "placed": placed_now, "moves": moves,
            "started": len(starting), "left": len(leaving), "gave_up": len(giving_up),
            "waiting": int(np.count_nonzero(state == WAITING)),
            "pending": int(np.count_nonzero(state == PLACED)),
            "employed_workers": int(np.count_nonzero(state == EMPLOYED)),
            "employed": int(size[state == EMPLOYED].sum()),
            "seats_used": float(used[open_jobs].sum() / max(int(seats.sum()), 1)),
            "unfilled": int(np.maximum(seats - used[open_jobs], 0).sum()),
            "priority_share": float(size[counted & group].sum() / max(int(size[counted].sum()), 1)),
            "status": status,
        })  # fmt: skip
        logger.info("simulate %s: week %d, %d placed, %d moves, %d employed", strategy.name, week, placed_now,
                    moves, rows[-1]["employed"])  # fmt: skip
    frame = pd.DataFrame(rows)
    started = np.flatnonzero(started_at >= 0)
    r = stays(started, start_job[started]) if len(started) else np.zeros(0)
    totals = {
        "placed": int(np.count_nonzero(ever_placed)),
        "started": len(started),
        **{f"employed_{months}m": float((size[started] * r ** (months / 12)).sum()) for months in (3, 6, 12)},
        "moves": int(frame["moves"].sum()),
        "gave_up": int(frame["gave_up"].sum()),
        "priority_share": float(frame["priority_share"].iloc[-1]),
        "unfilled_seat_weeks": int(frame["unfilled"].sum()),
        "seconds": time.perf_counter() - began,
    }
    return Year(strategy.name, seed, frame, totals)


def _members(market: Market, group: str) -> np.ndarray:
    """Workers of the group (all False for a group the market does not know)."""
    if group not in market.vocab.group:
        return np.zeros(market.n_workers, dtype=bool)
    return cast(np.ndarray, market.workers.groups.rows_with(market.vocab.group.code(group)))


def _priority_group(market: Market, policy: Policy | None) -> np.ndarray:
    """The workers of the first quota's group (else ``poverty_alleviated``), whose share the year reports."""
    name = policy.quotas[0].group if policy is not None and policy.quotas else "poverty_alleviated"
    return _members(market, name)


def _apply(after: Assignment, present: np.ndarray, open_jobs: np.ndarray, state: np.ndarray, job_of: np.ndarray,
           since: np.ndarray, ever_placed: np.ndarray, week: int) -> tuple[int, int]:  # fmt: skip
    """The week's answer into the year's state; returns (moves, new placements)."""
    local = np.asarray(after.job_of)
    now = np.where(local >= 0, open_jobs[np.maximum(local, 0)], -1)
    change = after.changes.change if after.changes is not None else np.full(len(present), "unplaced", dtype=object)
    reason = after.changes.reason if after.changes is not None else np.full(len(present), None, dtype=object)
    moves = int(np.count_nonzero(np.isin(reason, ("better_match", "displaced"))))
    newly = present[change == "new"]
    state[newly], since[newly], ever_placed[newly] = PLACED, week, True
    evicted = present[change == "evicted"]  # the moved keep their state (PLACED) and notice
    state[evicted], since[evicted] = WAITING, week
    job_of[present] = now
    return moves, len(newly)
