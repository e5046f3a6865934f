"""The pipeline's entry point: :func:`match` a market under a policy, from records to an Assignment."""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from .._checks import FLAG, POSITIVE, SEED, fail, param
from .._progress import note, shown, stage
from ..data.coverage import name_notices
from ..data.market import Market
from ..exceptions import NameWarning, OptionWarning
from ..policy import Policy, policy_for
from ..results.assignment import Assignment
from ..scoring.blend import Blend
from ..solvers.registry import SolverFn, available, capabilities, checked_options, known_options, resolve, solve
from ..solvers.training import OPTIONS as TRAINING_OPTIONS
from ..solvers.training import method_of, solve_training
from ..solvers.warm import WarmStart
from .build import build_problem, time_limit_arg
from .estimate import at_prices, sample_prices
from .pricing import MARGIN, WARM_MARGIN, scope_of, warn_short_of_market, widen
from .routes import routes as training_routes

__all__ = ["match"]

logger = logging.getLogger(__name__)


def match(
    market: Market,
    policy: Policy | None = None,
    *,
    solver: str | SolverFn = "auto",
    k: int = 20,
    time_limit: float | None = None,
    seed: int = 0,
    training: bool = True,
    blend: Blend | None = None,
    options: Mapping[str, Any] | None = None,
    scope: str = "auto",
    progress: bool | None = None,
    warm: WarmStart | None = None,
) -> Assignment:
    """Place a market's workers: score the top-``k`` jobs per worker, then solve.

    With training programmes in the market (and ``training``), seats and
    jobs are chosen together over the routes of
    :func:`jobmatch.pipeline.routes.routes` (:mod:`jobmatch.solvers.training`):
    ``solver="auto"`` is exact (``cpsat``) on small markets and prices seats
    and budget over ``flow`` (or ``lagrangian`` with quotas) beyond; another
    name is the inner solver of that pricing.  Without a single route (no
    seats, no budget, nobody eligible) the result is the one without
    training.

    Parameters
    ----------
    market : Market
    policy : Policy, optional
    solver, time_limit, seed
        As for :func:`solve`.
    k : int, optional
        Candidate jobs per worker.
    training : bool, optional
        Offer the market's training programmes (default True).
    blend : Blend, optional
        Outside per-pair scores blended into the composite (see
        :mod:`jobmatch.blend`); trained routes are blended too.
    options : dict, optional
        Solver-specific options.  Without training, those of the solver
        that runs, as for :func:`solve` (``lagrangian``: ``finish``, close
        an open gap by CP-SAT on small problems).  With training, those of the method that runs:
        ``cpsat`` (exact) takes none; pricing takes ``inner``, the name of
        its inner solver when ``solver`` is ``"auto"``.  A key the solver or
        method does not take is dropped with an
        :class:`~jobmatch.solvers.OptionWarning`.

    warm : WarmStart, optional
        An earlier answer of the same market to start the solve from
        (``WarmStart.of(earlier_assignment)``; :func:`jobmatch.solve`), when
        no training is offered; a solver that takes none ignores it with an
        :class:`~jobmatch.OptionWarning`-style warning.
    scope : {"auto", "market", "candidates"}, optional
        What the answer is proven optimal over.  ``"market"``: when the
        solver returns prices (``auction``, which ``"auto"`` picks for
        problems without quotas, caps or training), the pricing pass of
        :mod:`jobmatch.pipeline.pricing` adds every pair outside the top
        ``k`` that could improve the answer, and re-solves, until none
        can: OPTIMAL then holds for all feasible pairs, and ``k`` only sets
        the speed.  ``"candidates"``: solve on the top ``k`` alone.
        ``"auto"`` (default): ``"market"`` up to
        :data:`~jobmatch.pipeline.pricing.MARKET_PAIRS` worker-job pairs
        (100k x 2k and below; each pass scores them all), else
        ``"candidates"``.  ``assignment.proven_over`` says which held.
    progress : bool, optional
        A progress bar on stderr (tqdm, ``pip install "jobmatch[progress]"``):
        a step per stage, the solver's rounds (bound and gap) as its
        status.  None (default): shown when tqdm is installed, the
        market has at least :data:`jobmatch._progress.AUTO_PAIRS`
        worker-job pairs, and stderr is a terminal or a notebook's (a batch
        job's log gets no redrawn bars).

    Returns
    -------
    Assignment
        Every worker of the market is in it: placed, or with the reason it
        is not (``assignment.reasons``).  Each stage (scoring, solving) logs
        one line with its size and time on the ``jobmatch`` logger (level
        INFO: ``logging.basicConfig(level=logging.INFO)`` shows them).

    Raises
    ------
    ValidationError
        A bad argument, before any scoring: ``market`` not a Market,
        ``policy`` not a Policy or None, a name the policy caps or counts
        that the market does not use (:meth:`~jobmatch.Policy.check_names`),
        ``k`` not an integer from 1 to 2**31 - 1, ``seed`` not one from 0
        to 2**31 - 1, ``training`` not a bool, an unknown ``solver``,
        ``time_limit`` not None or a finite number above 0, bad
        ``options``; later, a solver that cannot express the problem.  An
        infeasible market is not an error: its Assignment has status
        INFEASIBLE and a diagnosis.

    Examples
    --------
    >>> from jobmatch import GroupQuota, Policy, match, synth
    >>> market = synth.scenario(500, 30, seed=1)
    >>> placed = match(market, k=5)
    >>> placed.status.name, placed.n_placed <= market.n_workers, placed.objective <= placed.bound + 1e-6
    ('OPTIMAL', True, True)
    >>> quota = Policy(quotas=[GroupQuota("poverty_alleviated", min_share=0.8)])
    >>> shared = match(market, quota, k=5, options={"finish": False})  # lagrangian, without the CP-SAT finish
    >>> shared.solver, shared.metrics()["group_share"]["poverty_alleviated"] >= 0.8 - 1e-9
    ('lagrangian', True)
    """
    where = "match"
    policy = policy_for(where, market, policy)
    k = param(where, "k", k, POSITIVE)
    seed = param(where, "seed", seed, SEED)
    training = param(where, "training", training, FLAG)
    time_limit = time_limit_arg(where, time_limit)
    _warn_names(where, market, policy)
    if not (callable(solver) or (isinstance(solver, str) and solver in available())):  # the training path needs it
        raise fail(where, "solver", f"one of {available()} or a callable", solver)
    options = checked_options(where, options)
    asked = isinstance(scope, str) and scope == "market"  # said, not chosen by "auto": a proof short of it warns
    scope = scope_of(where, scope, market)
    progress = param(where, "progress", progress, FLAG, or_none=True)
    if warm is not None and not isinstance(warm, WarmStart):
        raise fail(where, "warm", "a jobmatch.solvers.WarmStart or None", type(warm).__name__)
    with shown(where, ["score", "solve"], enabled=progress, expected=market.n_workers * market.n_jobs):
        placed = _match(market, policy, solver=solver, k=k, time_limit=time_limit, seed=seed, training=training,
                        blend=blend, options=options, scope=scope, warm=warm)  # fmt: skip
    if asked:
        warn_short_of_market(where, placed, policy, k=k, blend=blend)
    return placed


def _match(market: Market, policy: Policy, *, solver: str | SolverFn, k: int, time_limit: float | None, seed: int,
           training: bool, blend: Blend | None, options: Mapping[str, Any], scope: str,
           warm: WarmStart | None) -> Assignment:  # fmt: skip
    """:func:`match` on checked arguments."""
    stage("score")
    started = time.perf_counter()
    offered = training and market.n_programs > 0
    routes = training_routes(market, policy, k=k, blend=blend) if offered else None
    deadline = None if time_limit is None else started + time_limit
    start = hint = None  # job prices to choose the candidates at (pipeline/estimate.py), and each worker's best job
    if routes is None and scope == "market" and blend is None and not policy.has_quotas_or_caps:
        start = _given_prices(warm, market)
        if start is None:
            start = sample_prices(market, policy, solver=solver, k=k, seed=seed, deadline=deadline)
    if start is not None:
        problem, hint = at_prices(market, policy, start, k=k)
    else:
        problem = build_problem(market, policy, k=k, blend=blend) if routes is None else routes.problem
    compiled = time.perf_counter()
    logger.info("match: scored %d workers x %d jobs into %d arcs%s (%.2f s)", market.n_workers, market.n_jobs,
                problem.n_arcs, "" if routes is None else f" and {routes.n_routes} training routes",
                compiled - started)  # fmt: skip
    note(f"{problem.n_arcs:,} arcs")
    stage("solve")
    if routes is None or routes.n_routes == 0:  # no training possible: exactly the problem without it
        ran = resolve(solver, problem)
        if start is not None and warm is None and capabilities(ran).warm:  # from the prices the candidates chose by
            warm = WarmStart(prices=start, hint=hint)
        result = solve(problem, solver=ran, time_limit=time_limit, seed=seed, options=options, warm=warm)
        if scope == "market" and blend is None and capabilities(ran).prices:  # its answer extends to the market
            margin = MARGIN if start is None else WARM_MARGIN  # at prices, most pairs that pay are in already
            problem, result = widen(market, policy, problem, result, k=k, seed=seed, deadline=deadline, solver=ran,
                                    margin=margin)  # fmt: skip
    else:
        if warm is not None:
            warnings.warn("match: a warm start is not used when training is offered (the routes' problem differs)",
                          OptionWarning, stacklevel=3)  # fmt: skip
        method = method_of(routes, solver)
        given = known_options(f"training method {method!r}", options, TRAINING_OPTIONS[method], where="match")
        result = solve_training(routes, solver=solver, time_limit=time_limit, seed=seed, **given)
        if result.program_of is not None:
            problem = routes.settled(result.job_of, result.program_of)
    timings = {"score": compiled - started, "solve": time.perf_counter() - compiled}
    logger.info("match: solved by %s: %s, objective %.6g, %d of %d workers placed (%.2f s)", result.solver,
                result.status.name, result.objective, result.n_placed, market.n_workers, timings["solve"])  # fmt: skip
    return Assignment(market, policy, problem, result, timings, routes=routes)


def _given_prices(warm: WarmStart | None, market: Market) -> np.ndarray | None:
    """The job prices of a warm start, one per job of ``market`` (None without; the solver checks their values)."""
    if warm is None or warm.prices is None:
        return None
    prices = np.asarray(warm.prices)
    if prices.shape != (market.n_jobs,) or prices.dtype.kind not in "iuf" or not np.all(np.isfinite(prices)):
        return None
    return prices.astype(np.float64)


def _warn_names(where: str, market: Market, policy: Policy) -> None:
    """One :class:`~jobmatch.NameWarning` listing the likely mistakes among the names found on one side only
    (:mod:`jobmatch.data.coverage`)."""
    notices = [n for n in name_notices(market, strict_diets=policy.strict_diets) if n.likely_mistake]
    if notices:
        listed = "\n  ".join(map(str, notices))
        warnings.warn(f"{where}: names that match nothing on the other side:\n  {listed}", NameWarning, stacklevel=3)
