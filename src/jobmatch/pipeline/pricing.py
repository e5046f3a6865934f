"""Optimal over the whole market, not only the top-k candidates: the pricing pass of :func:`jobmatch.match` and
:func:`jobmatch.rematch`.

``match`` solves on each worker's ``k`` best jobs.  Alone, that proves the
answer optimal for those candidate pairs only: a worker whose ``k`` jobs
all filled could have gone to a job outside them.  A solver that returns
prices (``auction``) proves more.  With job prices ``p`` and worker
surpluses ``s``, no feasible pair anywhere in the market can improve the
answer unless ``score_ij - size_i x p_j > s_i``.  One pass of the scoring
kernels over every feasible pair finds such pairs
(:func:`~jobmatch.scoring.scores.priced_candidates`).  They are added, the
problem is solved again from the previous prices and assignment (a warm
start), and the pass repeats until it finds none.  Then the prices certify
the bound, and OPTIMAL, over the whole market, and ``k`` is a speed knob:
a small ``k`` means more passes, never a worse answer.

Cost.  Each pass scores every feasible pair, and each re-solve runs on a
problem that has grown by the pairs added: at 100k x 2k six passes added
3.2M pairs to the 2.0M candidates and took 29 s (against 1.6 s on the
candidates alone), for 65% more workers placed.  ``match(scope="auto")``
stops at ``MARKET_PAIRS``.

Stopping.  At most ``MAX_ROUNDS`` passes, or until the time limit; the
result then says its proof covers the candidates only
(``result.proven_over``).  Problems with quotas or caps, a
blend of outside scores, a re-match's move limit, or a solver without
prices keep the candidates' proof.
"""

from __future__ import annotations

import logging
import time
import warnings
from dataclasses import replace

import numpy as np

from .._arrays import row_ids
from .._checks import fail
from ..data.market import Market
from ..exceptions import ScopeWarning
from ..policy import Policy
from ..results.assignment import Assignment
from ..scoring.scores import priced_candidates
from ..solvers.problem import Problem
from ..solvers.registry import SolverFn, capabilities, solve
from ..solvers.result import Result, Scope, Status
from ..solvers.warm import WarmStart

__all__ = ["MARGIN", "MARKET_PAIRS", "MAX_ROUNDS", "WARM_MARGIN", "scope_of", "warn_short_of_market", "widen"]

logger = logging.getLogger(__name__)

#: ``match(scope="auto")`` proves over the whole market up to this many worker-job pairs (measured,
#: docs/benchmarks.md: at 10k x 500, 0.7 s against 0.35 s on the candidates; at 100k x 2k, 29 s against 1.6 s,
#: placing 65% more workers; at 1M x 10k the loop ran over 25 minutes, each pass scoring 10**10 pairs).
MARKET_PAIRS = 200_000_000
#: Most pricing passes (measured: 5 at 10k x 500 and 6 at 100k x 2k on the synthetic scenarios, docs/benchmarks.md).
MAX_ROUNDS = 10
#: The first pass also takes pairs that fall short of paying by up to this share of the top price: prices move
#: when the pairs that pay are added, and pairs near the line would pay in the next pass (one pass fewer, measured).
MARGIN = 0.1
#: The first pass's margin when the problem holds last week's pairs already (a re-match): most pairs are in, and
#: a small margin saves a pass at the end (measured at 100k x 2k: 0 and 0.03 took 6 and 5 passes, 0.01 five).
WARM_MARGIN = 0.01


def scope_of(where: str, scope: object, market: Market) -> str:
    """``scope`` checked, ``"auto"`` read as ``"market"`` up to :data:`MARKET_PAIRS` pairs, else ``"candidates"``."""
    if not isinstance(scope, str) or scope not in ("auto", "market", "candidates"):
        raise fail(where, "scope", "'auto', 'market' or 'candidates'", scope)
    if scope == "auto":
        return "market" if market.n_workers * market.n_jobs <= MARKET_PAIRS else "candidates"
    return scope


def warn_short_of_market(
    where: str, placed: Assignment, policy: Policy, *, k: int, blend: object = None, max_moves: int | None = None
) -> None:
    """A :class:`~jobmatch.ScopeWarning` from ``where`` (``match``, ``rematch``, called by the user) when
    ``scope="market"`` was asked for and ``placed`` is proven over the candidates only, saying why."""
    if placed.proven_over != "market":
        why = _short_of_market(placed, policy, blend=blend, max_moves=max_moves)
        warnings.warn(f"{where}: scope='market' was asked for, but the answer is proven over each worker's {k} "
                      f"candidates only: {why}", ScopeWarning, stacklevel=3)  # fmt: skip


def _short_of_market(placed: Assignment, policy: Policy, *, blend: object, max_moves: int | None) -> str:
    """Why the pricing passes did not prove ``placed`` over the whole market, in words: what the job prices
    cannot carry, or that the passes stopped."""
    if policy.has_quotas_or_caps:
        return "the job prices do not carry the multipliers of quotas and caps (the lagrangian solver's)"
    if blend is not None:
        return "outside scores are known for the candidate pairs only"
    if placed.routes is not None:
        return "training routes are not priced over the market"
    if max_moves is not None:
        return (
            f"max_moves={max_moves} limits the moves, a rule solved on the candidates (the job prices do not carry it)"
        )
    if placed.duals is None:
        return f"solver {placed.solver!r} returns no prices (the auction does)"
    return f"the pricing passes stopped (time limit, or {MAX_ROUNDS} passes) before they proved it"


def widen(
    market: Market,
    policy: Policy,
    problem: Problem,
    result: Result,
    *,
    k: int,
    seed: int,
    deadline: float | None,
    fixed: np.ndarray | None = None,
    margin: float = MARGIN,
    solver: str | SolverFn = "auction",
) -> tuple[Problem, Result]:
    """``problem`` grown by every pair that pays at the result's prices, and its result, until no pair does.

    Each grown problem is solved by ``solver`` (one with prices, :class:`~jobmatch.solvers.registry.Capabilities`;
    the auction by default), warm from the previous
    result (its prices and ``job_of``; not ``stats["relaxed"]``: from it a
    re-match's passes took 5 rounds, not 4, docs/benchmarks.md), with
    ``seed``.  ``deadline`` is a ``time.perf_counter()`` value (None: no
    limit).  ``fixed`` marks workers whose pairs are not priced (a
    re-match's locked workers: they are outside ``problem``, and no pair of
    theirs may join it).  ``margin``: the first pass's, as a share of the
    top price (:data:`MARGIN`; :data:`WARM_MARGIN` when ``problem`` holds
    last week's pairs already).  Each worker's added pairs follow its arcs
    before (:meth:`Problem.with_arcs`).  The returned result says what its
    proof covers (``proven_over``: ``"market"`` or ``"candidates"``); its
    ``stats`` count ``pricing_passes`` and ``pairs_added``.
    """
    if problem.quotas or problem.caps:  # their multipliers are not in the job prices: no pass could prove the market
        return problem, result
    added = 0
    passes = 0
    scope: Scope = "candidates"
    rounding = 0.0
    while (duals := result.duals) is not None and result.status is not Status.INFEASIBLE:
        if passes == MAX_ROUNDS or (deadline is not None and time.perf_counter() >= deadline):
            break
        # Values were rounded to integers at this scale: a pair paying within that rounding could not be told from
        # one already priced, and the proof allows for it (the bound widens by as much per worker, below).
        rounding = 0.0 if duals.scale is None else 0.5 / duals.scale * (1 + 1e-9)
        near = margin * float(np.max(duals.prices, initial=0.0)) if passes == 0 else 0.0
        line = duals.surplus + rounding - near
        if fixed is not None:
            line = np.where(fixed, np.finfo(np.float64).max, line)  # no pair of theirs pays
        extra = priced_candidates(market, policy, duals.prices, line, k=k)
        passes += 1
        logger.info("pricing pass %d: %d pairs pay within %.3g of their workers' surplus", passes, extra.nnz, near)
        if extra.nnz == 0:
            if near == 0.0:
                scope = "market"
                break
            continue  # nothing near the line either: the next pass, without margin, proves it
        problem = problem.with_arcs(row_ids(extra.indptr), extra.indices, extra.scores.astype(np.float64))
        added += extra.nnz
        left = None if deadline is None else max(deadline - time.perf_counter(), 1e-3)
        warm = WarmStart.of(result) if capabilities(solver).warm else None
        result = solve(problem, solver=solver, time_limit=left, seed=seed, warm=warm)
    stats = {**result.stats, "pricing_passes": passes, "pairs_added": added}
    bound = result.bound
    if scope == "market" and bound is not None:  # the rounding allowed above, once per worker
        bound += rounding * problem.n_workers
    return problem, replace(result, stats=stats, bound=bound, proven_over=scope)
