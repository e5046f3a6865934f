"""Candidates chosen at prices: where a whole-market :func:`jobmatch.match` starts (issue 30).

Each worker's ``k`` best jobs by score crowd into the same popular jobs:
at 100k x 2k the top 20 leave a third of the placeable workers out, and
the pricing passes (:mod:`jobmatch.pipeline.pricing`) then add 3.3 million
pairs over eight passes to prove the whole market.  Choosing each worker's
``k`` best jobs by *reduced* score, ``score - size x price``, at estimated
job prices puts most of the answer in the first problem: popular jobs are
dear, so a worker's list reaches the jobs it can get.

The estimate (:func:`sample_prices`): every ``1 / SHARE``-th worker (a
fixed stride, so the same market gives the same prices) over the whole
market, each job's capacity scaled by the sample's share and rounded up,
solved by the match's solver and proven over the sample's whole market by
the same pricing passes.  Measured against the plain top 20 and samples
of 2% and 10% in one run (``benchmarks/large_estimate.py``;
docs/benchmarks.md, "The whole market at national scale"): at 100k x 2k
the top-20 start took 22.6 s, 5% 8.1 s, 10% 7.2 s, 2% 11.9 s; at 10k x
500, 0.41, 0.25, 0.23 and 0.32 s.  5% and 10% are within the run-to-run
noise of each other (an earlier run had 5% ahead); 5% keeps the sample's
own solve small at national scale.  An
earlier answer's prices (``match(warm=WarmStart.of(last_week))``) are used
as they are, without a sample.

The estimate only chooses the first candidates: the pricing passes still
add every pair that could improve the answer, so the answer and its proof
are those of any other start; only the time differs.
"""

from __future__ import annotations

import logging
import time

import numpy as np

from ..data.market import Market
from ..policy import Policy
from ..scoring.scores import candidates, priced_candidates
from ..solvers.problem import Problem
from ..solvers.registry import SolverFn, capabilities, resolve, solve
from .build import problem_of
from .pricing import widen

__all__ = ["MIN_SAMPLE", "SHARE", "at_prices", "sample_prices"]

logger = logging.getLogger(__name__)

#: The share of workers the prices are estimated on (measured: 5% as good as 10% at half the cost; 2% worse).
SHARE = 0.05
#: Fewer sampled workers than this and there is no estimate: the candidates are each worker's top ``k`` by score
#: (a market under 4,000 workers; its whole-market match costs little either way).
MIN_SAMPLE = 200


def sample_prices(
    market: Market, policy: Policy, *, solver: str | SolverFn, k: int, seed: int, deadline: float | None
) -> np.ndarray | None:
    """Job prices estimated on a sample of the market's workers (module notes), or None: a sample under
    :data:`MIN_SAMPLE` workers, a solver without prices, or no answer within the ``deadline`` (a
    ``time.perf_counter()`` value)."""
    n = market.n_workers
    rows = np.arange(0, n, max(1, round(1 / SHARE)))
    if len(rows) < MIN_SAMPLE:
        return None
    started = time.perf_counter()
    sample = market.subset(workers=rows)
    capacity = np.ceil(market.jobs.capacity * (len(rows) / n)).astype(np.int64)
    problem = problem_of(sample, policy, candidates(sample, policy, k), capacity=capacity)
    ran = resolve(solver, problem)
    if not capabilities(ran).prices:
        return None
    left = None if deadline is None else max(deadline - time.perf_counter(), 1e-3)
    result = solve(problem, solver=ran, time_limit=left, seed=seed)
    _, result = widen(sample, policy, problem, result, k=k, seed=seed, deadline=deadline, solver=ran)
    if result.duals is None:
        return None
    logger.info("estimate: prices from %d sampled workers, %d pricing passes (%.2f s)", len(rows),
                result.stats.get("pricing_passes", 0), time.perf_counter() - started)  # fmt: skip
    return np.asarray(result.duals.prices)


def at_prices(market: Market, policy: Policy, prices: np.ndarray, *, k: int) -> tuple[Problem, np.ndarray]:
    """The problem of each worker's ``k`` best jobs by reduced score at ``prices``, and a start assignment: each
    worker at its best job where the reduced score there is positive (-1 elsewhere)."""
    floor = np.full(market.n_workers, -np.finfo(np.float64).max)  # every feasible pair qualifies; best k kept
    graph = priced_candidates(market, policy, prices, floor, k=k)
    problem = problem_of(market, policy, graph)
    first = graph.indptr[:-1]
    has = np.flatnonzero(np.diff(graph.indptr) > 0)
    best = graph.indices[first[has]].astype(np.int64)
    gain = graph.scores[first[has]] - market.workers.size[has] * prices[best]
    hint = np.full(market.n_workers, -1, dtype=np.int64)
    hint[has[gain > 0]] = best[gain > 0]
    return problem, hint
