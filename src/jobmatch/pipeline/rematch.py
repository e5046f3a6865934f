"""Re-matching a market that changed since the last placements: who stays, who moves, who is new.

Each week a portal's market changes: workers register and leave, jobs open,
close and change their headcount.  :func:`rematch` solves the new market
starting from the placements before, in five steps:

1. *Map* the placements before onto the new market by id.  Workers who left
   are counted (``left``); a worker whose job closed, or whose pair is no
   longer allowed, has lost it before anything is solved.  The candidates
   come from the previous result's
   :class:`~jobmatch.scoring.pool.CandidatePool` when it has one (a
   re-match keeps one): only new and edited records are scored, and the
   top ``k`` are exactly a fresh scoring's (:mod:`jobmatch.scoring.pool`).
2. *Cut*: a job whose capacity fell below its holders keeps the locked
   holders first, then the highest-scoring, and lets the rest go
   (``capacity_cut``).
3. *Lock* the workers of ``keep`` in their jobs
   (:meth:`~jobmatch.solvers.problem.Problem.fixing`): they leave the
   problem, their people leave the job's capacity and the caps, and the
   quotas count them as placed before (:class:`~jobmatch.solvers.problem.GroupBound`'s
   ``placed_before``), so a 75% share holds over everyone placed.
4. *Solve* the rest with ``move_penalty`` added to each holder's current
   job: a holder moves only when the gain beats it.  With ``max_moves``,
   at most that many holders leave their job, a rule over arcs solved by
   :func:`~jobmatch.solvers.limited.solve_limited` (exact by CP-SAT on small
   problems, priced beyond).  The auction starts warm from the prices
   before, where the previous result has them (a match's, or a re-match's
   penalised solve's); a new job starts above every value, so that its
   reverse steps, not a price war, draw its workers in.
5. *Widen* (``scope="market"``, the default up to
   :data:`~jobmatch.pipeline.pricing.MARKET_PAIRS` pairs, as for
   :func:`~jobmatch.match`): the pricing passes of
   :mod:`jobmatch.pipeline.pricing` add every pair outside the candidates
   that could improve the answer, for the free workers, until none can.
   The pairs last week's passes added are carried over first, where the
   worker and the job are the same records (they score as they did), so
   the passes start near their end.

The answer is an :class:`~jobmatch.Assignment` of the whole new market
(locked workers included, on the job capacities and the policy as given),
checked against it, with its :class:`~jobmatch.results.changes.Changes`.
Its ``objective`` is the total score; ``solved_objective`` is the
objective the solve maximised (the score plus ``move_penalty`` per free
holder kept, locked workers' scores included), which ``bound``, ``gap``
and the status are about; ``duals`` holds the solver's job prices (the
next re-match's warm start).  The Assignment reads them all directly.

Why one long module: the five steps share the mapping of the placements
before (who held what, who is locked, why a holder lost its job) and the
two problems it builds (the whole market's and the free workers'); apart,
each step would pass all of them on.
"""

from __future__ import annotations

import dataclasses
import logging
import time
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from .._checks import COUNT, FLAG, POSITIVE, SEED, Real, fail, param
from .._progress import note, shown, stage
from ..data.market import Market
from ..data.names import close_names, normalise
from ..data.vocabulary import Vocabulary
from ..exceptions import NameWarning
from ..policy import Policy, policy_for
from ..results.assignment import Assignment
from ..results.changes import Changes
from ..scoring.pool import pool, reuse
from ..scoring.scores import pair_components
from ..solvers.check import check
from ..solvers.limited import left_unchosen, solve_limited
from ..solvers.problem import Problem
from ..solvers.registry import SolverFn, available, capabilities, checked_options, resolve
from ..solvers.result import Result, Status
from ..solvers.warm import WarmStart
from ._previous import Before, before_of, locked_rows, prices_of
from .build import problem_of, time_limit_arg
from .pricing import MARGIN, WARM_MARGIN, scope_of, warn_short_of_market, widen

__all__ = ["rematch"]

logger = logging.getLogger(__name__)

#: The default ``move_penalty``, in score units (composite scores run from 0 to about 1).
MOVE_PENALTY = 0.05
#: The largest ``move_penalty``: 1 already keeps every holder (no score gains more than 1), and a penalty far
#: above the scores would crowd them out of the solvers' integer scale (six decimal digits for values of about
#: 1, fewer as the largest value grows: at 1e14 every score rounded to 0 and arrivals stayed unplaced beside
#: free places).
MAX_MOVE_PENALTY = 100.0
PENALTY = Real(0.0, MAX_MOVE_PENALTY)


def _arcs_held(problem: Problem, held: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The workers with ``held >= 0`` whose (worker, held job) pair is an arc, and those arcs."""
    arcs = np.flatnonzero(problem.chosen(held))
    return problem.workers[arcs], arcs


def rematch(
    previous: Any,
    market: Market,
    policy: Policy | None = None,
    *,
    keep: Any = None,
    move_penalty: float = MOVE_PENALTY,
    max_moves: int | None = None,
    placed_earlier: Mapping[str, int] | None = None,
    solver: str | SolverFn = "auto",
    k: int = 20,
    time_limit: float | None = None,
    seed: int = 0,
    options: Mapping[str, Any] | None = None,
    scope: str = "auto",
    progress: bool | None = None,
) -> Assignment:
    """Match a changed market again, moving as few people as the gain justifies (module notes).

    Parameters
    ----------
    previous : Assignment or DataFrame
        The placements before: an :class:`~jobmatch.Assignment` (of the old
        market), or a frame with a ``worker`` (or ``worker_id``) and a
        ``job`` (or ``job_id``, missing: unplaced) column, and optionally
        ``started`` (True for workers who started work), such as
        ``assignment.to_frame()`` writes.  Ids are compared as text.
    market : Market
        The market now: every worker still registered (new ones too), every
        open job with its capacity now.
    policy : Policy, optional
    keep : None, "started", "placed" or iterable of worker ids, optional
        Workers locked in their job: ``"started"`` reads the frame's
        ``started`` column, ``"placed"`` locks everyone placed before (new
        arrivals then fill the room left), or the ids.  Default: nobody.
    move_penalty : float, optional
        Added to each holder's current job (score units, from 0 to
        :data:`MAX_MOVE_PENALTY`): a holder moves only when the gain is
        larger.  0 gives a fresh match's optimum; 1 keeps every holder.
    max_moves : int, optional
        At most this many holders leave their job (moved or unplaced by the
        solve; workers whose job closed, shrank or became disallowed are not
        counted).
    placed_earlier : dict, optional
        People placed earlier who are no longer in the market (they left
        their job, or earlier batches): ``{"people": total, group: people
        of the group, ...}``.  The policy's quotas count them, so a share is
        a programme-level target over everyone placed so far.  Each group
        must be one of the quotas' or the market's (any spelling).
    solver, k, time_limit, seed, options
        As for :func:`~jobmatch.match`; ``"auto"`` with ``max_moves`` is
        exact by CP-SAT up to :data:`~jobmatch.solvers.limited.EXACT_ARCS`
        arcs.  Training programmes are not offered in a re-match.
    scope : {"auto", "market", "candidates"}, optional
        What the answer is proven optimal over, as for
        :func:`~jobmatch.match` (``"auto"``: the whole market up to
        :data:`~jobmatch.pipeline.pricing.MARKET_PAIRS` pairs): with the
        auction, pricing passes add every pair outside the candidates that
        could improve the answer, warm from the re-match's prices.  Quotas,
        caps, another solver, or a ``max_moves`` below the free holders
        keep the candidates' proof (``assignment.proven_over`` says which
        held).
    progress : bool, optional
        A progress bar on stderr, as for :func:`~jobmatch.match`.

    Returns
    -------
    Assignment
        Every worker of ``market``, with ``changes`` (see
        :class:`~jobmatch.results.changes.Changes`); ``to_frame()`` and
        ``metrics()`` include them.  Its ``pool`` holds candidates deeper
        than ``k`` for the next re-match; ``result.stats["candidates"]``
        says what was re-used.

    Raises
    ------
    ValidationError
        A bad argument: ``previous`` not an Assignment or frame (or a frame
        without the columns, a worker twice, a bad ``started``), a ``keep``
        naming a worker not placed before, ``move_penalty`` negative or not
        finite, ``max_moves`` not a count, and what :func:`match` refuses.

    Examples
    --------
    >>> from jobmatch import match, rematch, synth
    >>> market = synth.scenario(300, 20, seed=1)
    >>> before = match(market, k=5)
    >>> smaller = market.subset(jobs=range(1, 20))  # the first job closed
    >>> after = rematch(before, smaller, k=5)
    >>> counts = after.metrics()["changes"]
    >>> counts["moved"] + counts["evicted"] >= int((before.job_of == 0).sum())  # its holders moved or lost it
    True
    >>> frame = after.to_frame()
    >>> sorted(set(frame.loc[frame.previous_job == market.jobs.ids[0], "change_reason"]))
    ['job_closed']
    >>> rematch(before, market, k=5, move_penalty=100).metrics()["changes"]["moved"]  # nobody moves for so little
    0
    """
    started = time.perf_counter()
    where = "rematch"
    policy = policy_for(where, market, policy)
    k = param(where, "k", k, POSITIVE)
    seed = param(where, "seed", seed, SEED)
    time_limit = time_limit_arg(where, time_limit)
    move_penalty = param(where, "move_penalty", move_penalty, PENALTY)
    if max_moves is not None:
        max_moves = param(where, "max_moves", max_moves, COUNT)
    if not (callable(solver) or (isinstance(solver, str) and solver in available())):
        raise fail(where, "solver", f"one of {available()} or a callable", solver)
    options = checked_options(where, options)
    asked = isinstance(scope, str) and scope == "market"  # said, not chosen by "auto": a proof short of it warns
    scope = scope_of(where, scope, market)
    before = before_of(where, previous)
    if not isinstance(previous, Assignment):
        _warn_unknown_ids(where, before, market)
    locks = locked_rows(where, keep, before)
    earlier = _earlier(where, placed_earlier, policy, market)

    progress = param(where, "progress", progress, FLAG, or_none=True)
    with shown(where, ["score", "solve"], enabled=progress, expected=market.n_workers * market.n_jobs):
        after = _rematch(previous, market, policy, before, locks, earlier, move_penalty=move_penalty,
                         max_moves=max_moves, solver=solver, k=k, time_limit=time_limit, seed=seed, options=options,
                         scope=scope, started=started)  # fmt: skip
    if asked:
        warn_short_of_market(where, after, policy, k=k, max_moves=max_moves)
    return after


def _rematch(previous: Any, market: Market, policy: Policy, before: Before, locks: np.ndarray,
             earlier: dict[str, int], *, move_penalty: float, max_moves: int | None, solver: str | SolverFn, k: int,
             time_limit: float | None, seed: int, options: Mapping[str, Any], scope: str,
             started: float) -> Assignment:  # fmt: skip
    """:func:`rematch` on checked arguments."""
    stage("score")
    # Step 1: map the placements before onto the new market.
    n = market.n_workers
    at = market.workers.positions(before.workers.tolist())
    was = before.jobs != None  # noqa: E711 (an object array)
    left = int(np.count_nonzero(was & (at < 0)))  # placed workers who left the market
    here = was & (at >= 0)
    rows, ids = at[here], before.jobs[here]
    previous_id = np.full(n, None, dtype=object)
    previous_id[rows] = ids
    held = np.full(n, -1, dtype=np.int64)  # the job held before, in the new market
    held[rows] = market.jobs.positions(ids.tolist())
    forced = np.full(n, None, dtype=object)  # why a holder lost its job before the solve
    forced[rows[held[rows] < 0]] = "job_closed"
    locked = np.zeros(n, dtype=bool)
    locked[rows] = locks[here] & (held[rows] >= 0)
    pooled = getattr(previous, "pool", None)
    if pooled is None:  # scored whole, deeper than k, for the next re-match to re-use
        candidate_pool, reused = pool(market, policy, k), {"reused": False}
    else:
        candidate_pool, reused = reuse(pooled, market, policy, k)
    problem = problem_of(market, policy, candidate_pool.top(k))
    origin = candidate_pool.origin
    widens = (
        scope == "market" and not (problem.quotas or problem.caps) and capabilities(resolve(solver, problem)).prices
    )
    carried = widens and max_moves is None and isinstance(previous, Assignment) and origin is not None
    if carried:
        problem = _carried(previous.problem, problem, origin, prices_of(previous))  # last week's pricing pairs
    if earlier["people"]:  # the quotas count the people placed earlier, in the answer's own check too
        problem = problem.replace(quotas=[dataclasses.replace(q, placed_before=earlier["people"],
                                                              members_before=earlier.get(q.name, 0))
                                          for q in problem.quotas])  # fmt: skip
    holders, arc = _arcs_held(problem, held)
    outside = np.setdiff1d(np.flatnonzero(held >= 0), holders)
    if len(outside):  # a holder's job outside its top k: scored and added, unless no longer allowed
        scores = pair_components(market, policy, outside, held[outside])[0].astype(np.float64)
        allowed = np.isfinite(scores)
        gone = outside[~allowed]
        forced[gone], held[gone], locked[gone] = "not_feasible", -1, False
        if allowed.any():
            problem = problem.with_arcs(outside[allowed], held[outside[allowed]], scores[allowed])
        holders, arc = _arcs_held(problem, held)

    # Step 2: capacity cuts, locked holders first, then by score.
    use = problem.use[arc]
    order = np.lexsort((holders, -problem.values[arc], ~locked[holders], held[holders]))
    at, people = held[holders][order], use[order]
    total = np.cumsum(people)
    start = np.searchsorted(at, at, side="left")
    within = total - np.r_[0, total][start] <= problem.capacity[at]
    cut = holders[order][~within]
    forced[cut], held[cut], locked[cut] = "capacity_cut", -1, False
    keep_arc = np.zeros(problem.n_arcs, dtype=bool)
    keep_arc[arc[order][within]] = True
    stays = np.flatnonzero(keep_arc & ~locked[problem.workers])  # the arcs of the holders free to move
    pinned = np.flatnonzero(keep_arc & locked[problem.workers])

    # Step 3: lock, and the problem of the others.
    values = problem.values.copy()
    values[stays] += move_penalty
    sub = problem.replace(values=values).fixing(pinned)
    sub_stays = np.cumsum(~locked[problem.workers])[stays] - 1  # unlocked arcs keep their order in ``sub``
    logger.info("rematch: %d holders (%d locked, %d free), %d lost their job before the solve, %d left",
                len(stays) + len(pinned), len(pinned), len(stays), int(np.count_nonzero(forced != None)),  # noqa: E711
                left)  # fmt: skip

    # Step 4: solve, warm from the prices before.
    note(f"{sub.n_arcs:,} arcs")
    stage("solve")
    name = resolve(solver, sub)
    warm = None
    if capabilities(name).prices and capabilities(name).warm and before.prices is not None:
        # A new job starts above every value: nobody bids for it until its reverse steps lower its price to draw
        # its best workers in.  At 0 it would draw every worker who prefers it at once (a price war).
        high = max(float(sub.values.max()), 0.0) + 1.0 if sub.n_arcs else 1.0
        prices = np.array([before.prices.get(str(j), high) for j in market.jobs.ids.tolist()])
        hint = np.full(n, -1, dtype=np.int64)
        hint[sub.workers[sub_stays]] = sub.jobs[sub_stays]
        warm = WarmStart(prices=prices, hint=hint)
    budget = len(sub_stays) if max_moves is None else max_moves
    solved = solve_limited(sub, sub_stays, budget, solver=solver, time_limit=time_limit, seed=seed, options=options,
                           warm=warm)  # fmt: skip
    if scope == "market" and capabilities(name).prices and budget >= len(sub_stays):  # the move limit cannot bind
        deadline = None if time_limit is None else started + time_limit
        problem, solved = _widened(market, policy, problem, sub, sub_stays, solved, locked, k=k, seed=seed,
                                   deadline=deadline, margin=WARM_MARGIN if carried else MARGIN,
                                   solver=name)  # fmt: skip
    result = _whole(problem, locked, held, solved, reused)
    changes = _changes(previous_id, held, forced, locked, np.asarray(result.job_of), left)
    timings = {"rematch": time.perf_counter() - started}
    return Assignment(market, policy, problem, result, timings, changes=changes, pool=candidate_pool)


def _earlier(where: str, placed_earlier: Any, policy: Policy, market: Market) -> dict[str, int]:
    """``placed_earlier`` checked: counts of people, ``people`` at least each group's, and each group one of the
    policy's quotas or the market's (names compared by key: a typo would count for no quota, silently).  The
    counts are keyed by the quotas' own group names."""
    if placed_earlier is None:
        return {"people": 0}
    if not isinstance(placed_earlier, Mapping) or "people" not in placed_earlier:
        raise fail(where, "placed_earlier", "a dict with 'people' and counts per group", placed_earlier)
    counts = {key: param(where, f"placed_earlier[{key!r}]", value, COUNT) for key, value in placed_earlier.items()}
    groups = [quota.group for quota in policy.quotas]
    known = Vocabulary([*groups, *market.vocab.group])
    out = {"people": counts.pop("people")}
    for key, value in counts.items():
        if not isinstance(key, str) or key not in known:
            close = close_names(key, known, cutoff=0.5)
            near = f" (close: {', '.join(map(repr, close))})" if close else ""
            raise fail(where, "placed_earlier key", f"'people' or a group of the policy's quotas or the market{near}",
                       key)  # fmt: skip
        out[next((g for g in groups if normalise(g) == normalise(key)), key)] = value
    for quota in policy.quotas:
        if out.get(quota.group, 0) > out["people"]:
            raise fail(where, f"placed_earlier[{quota.group!r}]", f"at most people ({out['people']})",
                       out[quota.group])  # fmt: skip
    return out


def _carried(old: Problem, problem: Problem, origin: tuple[np.ndarray, np.ndarray] | None,
             prices: np.ndarray | None) -> Problem:  # fmt: skip
    """``problem`` with the pairs of ``old`` (a re-match's whole problem, its pricing passes' pairs included) whose
    worker and job are the same records (``origin``, :class:`~jobmatch.scoring.pool.CandidatePool`) and that paid
    their job's price last week (``prices``, one per job of ``old``): they score as they did, and most of them
    will pay again, so the pricing passes start near their end (measured: docs/benchmarks.md)."""
    if origin is None:
        return problem
    worker_from, job_map = origin
    to = np.full(old.n_workers, -1, dtype=np.int64)
    same = np.flatnonzero(worker_from >= 0)
    to[worker_from[same]] = same
    workers, jobs = to[old.workers], job_map[old.jobs]
    both = (workers >= 0) & (jobs >= 0)
    if prices is not None:  # a pair that could not pay its job's price is left for the passes to find again
        both &= old.values >= old.people[old.workers] * prices[old.jobs]
    return problem.with_arcs(workers[both], jobs[both], old.values[both]) if both.any() else problem


def _widened(market: Market, policy: Policy, problem: Problem, sub: Problem, stays: np.ndarray, solved: Result,
             locked: np.ndarray, *, k: int, seed: int, deadline: float | None, margin: float,
             solver: str | SolverFn) -> tuple[Problem, Result]:  # fmt: skip
    """The pricing passes of :mod:`~jobmatch.pipeline.pricing` on the problem of the unlocked workers: the whole
    ``problem`` grown by the same pairs (their scores: a pair outside the candidates is nobody's current job),
    and the answer, with the moves counted on the grown problem."""
    grown, solved = widen(market, policy, sub, solved, k=k, seed=seed, deadline=deadline, fixed=locked,
                          margin=margin, solver=solver)  # fmt: skip
    before = np.diff(sub.indptr)
    added = np.arange(grown.n_arcs) - grown.indptr[grown.workers] >= before[grown.workers]  # each row's tail
    if added.any():
        problem = problem.with_arcs(grown.workers[added], grown.jobs[added], grown.values[added])
    marked = grown.indptr[sub.workers[stays]] + stays - sub.indptr[sub.workers[stays]]  # old arcs kept their place
    stats = {**solved.stats, "left": left_unchosen(grown, marked, solved.job_of)}
    return problem, dataclasses.replace(solved, stats=stats)


def _whole(problem: Problem, locked: np.ndarray, held: np.ndarray, solved: Result, reused: dict[str, Any]) -> Result:
    """The solve's answer on the whole market: locked workers back in their jobs, the objective in scores, the
    solve's own (scores and move bonus) as ``solved_objective``, with its bound, duals and proof, checked against
    the market's own problem (capacities, caps and quotas as given).  ``reused``: what the candidate pool re-used,
    into ``stats["candidates"]``."""
    pinned = np.full(problem.n_workers, -1, dtype=np.int64)
    pinned[locked] = held[locked]
    fixed = problem.objective_of(pinned)  # the locked workers' scores, outside the solve
    solution = solved.status in (Status.OPTIMAL, Status.FEASIBLE)
    job_of = np.asarray(solved.job_of).copy() if solution else np.full(problem.n_workers, -1, dtype=np.int64)
    if solution:
        job_of[locked] = held[locked]
    objective = problem.objective_of(job_of) if solution else float("nan")
    result = Result(
        solved.status, objective, job_of, solved.solver,
        bound=None if solved.bound is None else solved.bound + fixed,
        diagnosis=solved.diagnosis, timings=dict(solved.timings), stats={**solved.stats, "candidates": reused},
        duals=solved.duals, proven_over=solved.proven_over, solved_objective=solved.objective + fixed,
    )  # fmt: skip
    return check(problem, result, solver=solved.solver)


def _changes(previous_id: np.ndarray, held: np.ndarray, forced: np.ndarray, locked: np.ndarray, job_of: np.ndarray,
             left: int) -> Changes:  # fmt: skip
    """Each worker's change code and reason (:mod:`jobmatch.results.changes`)."""
    was = previous_id != None  # noqa: E711 (an object array)
    now = job_of >= 0
    change = np.full(len(job_of), "unplaced", dtype=object)
    change[~was & now] = "new"
    same = was & (held >= 0) & (job_of == held)
    change[same] = "kept"
    change[was & now & ~same] = "moved"
    change[was & ~now] = "evicted"
    reason = np.full(len(job_of), None, dtype=object)
    moved_or_out = was & ~same
    reason[moved_or_out] = np.where(forced[moved_or_out] != None, forced[moved_or_out],  # noqa: E711
                                    np.where(now[moved_or_out], "better_match", "displaced"))  # fmt: skip
    return Changes(previous_id, change, reason, locked.copy(), int(left))


def _warn_unknown_ids(where: str, before: Before, market: Market) -> None:
    """A :class:`~jobmatch.NameWarning` when a placements frame names no worker of the market at all: most often ids
    read as numbers (``001`` became ``1``), which would make every placement before look gone, in silence."""
    if not len(before.workers) or not market.n_workers:
        return
    if np.any(market.workers.positions(before.workers.tolist()) >= 0):
        return
    shown = ", ".join(map(repr, before.workers[:3].tolist()))
    warnings.warn(
        f"{where}: none of the {len(before.workers):,} workers of the placements before ({shown}, ...) is a worker "
        f"of the market ({', '.join(map(repr, market.workers.ids[:3].tolist()))}, ...): every placement before "
        "counts as gone.  Ids read as numbers lose their zeros: read a placements file with "
        "jobmatch.data.files.read_placements (or pandas with dtype=str)",
        NameWarning,
        stacklevel=3,
    )
