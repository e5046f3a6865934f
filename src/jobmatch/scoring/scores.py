"""Scoring: how well each worker fits each job (formulas in ``docs/scoring.md``).

Thin wrappers over the numba kernels in :mod:`jobmatch.scoring._kernels`: they
check arguments, turn a :class:`~jobmatch.Market` and a :class:`~jobmatch.Policy`
into kernel inputs (:mod:`jobmatch.scoring._inputs`), allocate the outputs and call.

- :func:`score_matrix` — the dense (n_workers, n_jobs) float32 matrix, for
  small markets; ``-inf`` marks a pair that fails a hard filter.
- :func:`candidates` — each worker's (or each job's) k best feasible
  partners as a :class:`~jobmatch.CandidateGraph`, never materialising the
  full matrix.
- :func:`pair_components` — scores and components of many pairs at once.
- :func:`breakdown` — one pair's components, weights, composite and failed
  filters.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Literal

import numpy as np

from .._checks import POSITIVE, Whole, fail, param
from ..data.market import Market
from ..policy import COMPONENTS, Policy
from . import _kernels
from ._inputs import kernel_inputs, pairs, shares
from .custom import kernels, run
from .custom import values as component_values
from .graph import CandidateGraph

__all__ = [
    "FILTERS",
    "breakdown",
    "candidates",
    "filter_failures",
    "pair_components",
    "priced_candidates",
    "score_matrix",
]

#: Names of the filters a pair can fail, by bit of the kernels' fail mask.
FILTERS = (*COMPONENTS, "strict_diet", "capacity")

#: Largest dense matrix :func:`score_matrix` builds unless told otherwise.
DEFAULT_MAX_BYTES = 2**32
#: A number of bytes (no upper bound: compared, never cast).
_BYTES = Whole(0, math.inf)


def _check(market: object, policy: object, where: str) -> Policy:
    if not isinstance(market, Market):
        raise fail(where, "market", "a jobmatch.Market", type(market).__name__)
    if policy is None:
        return Policy()
    if not isinstance(policy, Policy):
        raise fail(where, "policy", "a jobmatch.Policy or None", type(policy).__name__)
    return policy


def _position(market: Market, key: str | int, side: Literal["worker", "job"]) -> int:
    """A worker's (job's) position from its id or its position, from 0 (a negative one is refused, never wrapped)."""
    table = market.workers if side == "worker" else market.jobs
    if isinstance(key, numbers.Integral) and not isinstance(key, (bool, np.bool_)) and key < 0:
        raise fail(table.record_type.kind, "position", f"an id or a position from 0 to {len(table) - 1}", key)
    return market.worker_index(key) if side == "worker" else market.job_index(key)


def score_matrix(market: Market, policy: Policy | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES) -> np.ndarray:
    """Composite score of every worker-job pair.

    Parameters
    ----------
    market : Market
    policy : Policy, optional
        Weights and hard filters; ``Policy()`` when None.
    max_bytes : int, optional
        Refuse to allocate a larger matrix (default 4 GiB); use
        :func:`candidates` for large markets.

    Returns
    -------
    ndarray of float32, shape (n_workers, n_jobs)
        The Policy-weighted mean of the fit components, in [0, 1], or
        ``-inf`` where the pair fails a hard filter.

    Examples
    --------
    >>> from jobmatch import Job, Market, Worker, score_matrix
    >>> market = Market(
    ...     [Worker(id="W1", origin="巫溪", min_wage=4000, skills={"welding": 3}, needs_heating=True),
    ...      Worker(id="W2", origin="城口", min_wage=5000)],
    ...     [Job(id="J1", employer="E", region="泰安", capacity=2, wage=4500, requires={"welding": 2},
    ...          heated_dorm=True),
    ...      Job(id="J2", employer="E", region="济南", capacity=1, wage=5200)])
    >>> print(score_matrix(market).round(3))
    [[0.825  0.66 ]
     [ -inf 0.808]]
    """
    policy = _check(market, policy, "score_matrix")
    max_bytes = param("score_matrix", "max_bytes", max_bytes, _BYTES)
    n, m = market.n_workers, market.n_jobs
    if n * m * 4 > max_bytes:
        raise fail(
            "score_matrix",
            "market size",
            f"at most {max_bytes:,} bytes of scores (use candidates())",
            f"{n:,} x {m:,} pairs = {n * m * 4:,} bytes",
            described=True,
        )
    out = np.empty((n, m), dtype=np.float32)
    if n and m:
        W, J, P = kernel_inputs(market, policy)
        run(market, policy, P.custom_status, kernels(policy, _kernels).dense_scores, W, J, P, out)
    return out


def candidates(
    market: Market,
    policy: Policy | None = None,
    k: int = 20,
    *,
    side: Literal["worker", "job"] = "worker",
    block: int = 2048,
) -> CandidateGraph:
    """Each worker's ``k`` best feasible jobs (or each job's best workers).

    Memory stays O(rows x k): scores are selected as they are computed, and
    with ``side="job"`` workers are scanned in blocks of ``block``.

    Parameters
    ----------
    market : Market
    policy : Policy, optional
    k : int, optional
        Candidates kept per row (fewer where fewer pairs are feasible).
    side : {"worker", "job"}
        ``"worker"``: a row per worker listing jobs; ``"job"``: a row per
        job listing workers (for :func:`jobmatch.shortlist`).
    block : int, optional
        Workers per block for ``side="job"``.

    Returns
    -------
    CandidateGraph
        Rows best first; ties go to the lower index; pairs failing a hard
        filter never appear.

    Examples
    --------
    >>> from jobmatch import candidates, synth
    >>> market = synth.scenario(2000, 100, seed=1)
    >>> graph = candidates(market, k=5)
    >>> graph.n_rows, int(graph.indptr[1] - graph.indptr[0]) <= 5
    (2000, True)
    >>> bool((graph.scores[1:5] <= graph.scores[:4]).all())
    True
    """
    policy = _check(market, policy, "candidates")
    k = param("candidates", "k", k, POSITIVE)
    if not isinstance(side, str) or side not in ("worker", "job"):
        raise fail("candidates", "side", "'worker' or 'job'", side)
    block = param("candidates", "block", block, POSITIVE)
    n, m = market.n_workers, market.n_jobs
    if side == "worker":
        return _selected(
            market, policy, k, side, lambda copies, W, J, P, *out: (copies.worker_top_k, (W, J, P, m, *out))
        )
    return _selected(
        market, policy, k, side, lambda copies, W, J, P, *out: (copies.job_top_k, (W, J, P, n, block, *out))
    )


def _selected(market: Market, policy: Policy, k: int, side: Literal["worker", "job"], launch: Any) -> CandidateGraph:
    """The rows a top-``k`` kernel selects, as a graph: ``launch(copies, W, J, P, index, scores, count)`` names the
    kernel of ``copies`` (:func:`~jobmatch.scoring.custom.kernels`) and its arguments."""
    n, m = market.n_workers, market.n_jobs
    rows, width = (n, m) if side == "worker" else (m, n)
    k = int(min(k, max(width, 1)))
    index = np.empty((rows, k), dtype=np.int32)
    scores = np.empty((rows, k), dtype=np.float32)
    count = np.zeros(rows, dtype=np.int64)
    if n and m:
        W, J, P = kernel_inputs(market, policy)
        kernel, args = launch(kernels(policy, _kernels), W, J, P, index, scores, count)
        run(market, policy, P.custom_status, kernel, *args)
    keep = np.arange(k)[None, :] < count[:, None]
    indptr = np.zeros(rows + 1, dtype=np.int64)
    np.cumsum(count, out=indptr[1:])
    return CandidateGraph(indptr, index[keep], scores[keep], n_workers=n, n_jobs=m, side=side)


def priced_candidates(market: Market, policy: Policy | None, prices: Any, surplus: Any, k: int = 20) -> CandidateGraph:
    """The pricing pass: each worker's best feasible jobs that pay more than its surplus at the job prices.

    A pair (worker ``i``, job ``j``) is returned when ``score_ij -
    size_i x prices_j > surplus_i``, up to ``k`` per worker, best reduced
    score first.  With the prices and surpluses of an optimal solution on
    some candidate pairs, no pair returned means none of all the market's
    feasible pairs could improve it: the prices prove it optimal over the
    whole market.  One pass costs about one :func:`candidates` call.

    Parameters
    ----------
    market : Market
    policy : Policy, optional
    prices : array_like of float
        One per job (``Result.prices``).
    surplus : array_like of float
        One per worker (``Result.surplus``).
    k : int, optional
        Most pairs returned per worker.

    Returns
    -------
    CandidateGraph
        A row per worker (scores are the pairs' scores), best reduced score first.

    Examples
    --------
    >>> import numpy as np
    >>> from jobmatch import candidates, synth
    >>> market = synth.scenario(200, 10, seed=1)
    >>> free = priced_candidates(market, None, np.zeros(10), np.zeros(200), k=3)  # at price 0, every pair pays
    >>> bool(np.array_equal(free.indices, candidates(market, k=3).indices))
    True
    """
    policy = _check(market, policy, "priced_candidates")
    k = param("priced_candidates", "k", k, POSITIVE)
    prices = _floats("priced_candidates", "prices", prices, market.n_jobs)
    surplus = _floats("priced_candidates", "surplus", surplus, market.n_workers)
    size = market.workers.size.astype(np.float64)
    return _selected(
        market,
        policy,
        k,
        "worker",
        lambda copies, W, J, P, *out: (
            copies.worker_top_k_priced,
            (W, J, P, market.n_jobs, prices, size, surplus, *out),
        ),
    )


def _floats(where: str, name: str, value: Any, size: int) -> np.ndarray:
    """``value`` as ``size`` finite float64 numbers (else ValidationError)."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise fail(where, name, f"{size:,} finite numbers", value) from None
    if array.shape != (size,) or not np.all(np.isfinite(array)):
        raise fail(where, name, f"{size:,} finite numbers", value)
    return array


def pair_components(
    market: Market, policy: Policy | None, workers: np.ndarray, jobs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Scores and the six components of many (worker, job) pairs at once, by position.

    Returns ``scores`` (float32, -inf where infeasible; equal to
    :func:`score_matrix` at those pairs) and ``components`` (n x 6, in
    :data:`~jobmatch.policy.COMPONENTS` order).  What :func:`breakdown` gives
    for one pair, for a whole assignment's placements.

    Examples
    --------
    >>> import numpy as np
    >>> from jobmatch import synth
    >>> market = synth.scenario(50, 5, seed=1)
    >>> scores, parts = pair_components(market, None, np.array([0, 3]), np.array([1, 1]))
    >>> parts.shape, bool(np.all((parts >= 0) & (parts <= 1)))
    ((2, 6), True)
    """
    policy = _check(market, policy, "pair_components")
    workers, jobs = pairs("pair_components", market, workers, jobs)
    W, J, P = kernel_inputs(market, policy)
    many_pairs = kernels(policy, _kernels).many_pairs
    scores, parts = run(market, policy, P.custom_status, many_pairs, workers, jobs, W, J, P, market.n_jobs)
    return scores, parts[:, :6]


def breakdown(market: Market, policy: Policy | None, worker_id: str | int, job_id: str | int) -> dict[str, Any]:
    """Why a pair scores what it does.

    Parameters
    ----------
    market : Market
    policy : Policy or None
    worker_id, job_id : str or int
        Ids, or positions in the market (from 0).

    Returns
    -------
    dict
        ``components`` (each in [0, 1]), ``weights`` (as given in the
        Policy), ``composite`` (the weighted mean), ``score`` (the composite,
        or -inf if infeasible; equals :func:`score_matrix`), ``feasible``,
        ``failed`` (hard filters the pair fails) and ``unmet`` (components
        whose condition is not met, hard or soft).

    Examples
    --------
    >>> from jobmatch import Job, Market, Worker, breakdown
    >>> market = Market([Worker(id="W1", origin="巫溪", min_wage=4000, diet={"rice", "sichuan"})],
    ...                 [Job(id="J1", employer="E", region="泰安", capacity=3, wage=3800, canteen={"rice"})])
    >>> b = breakdown(market, None, "W1", "J1")
    >>> b["components"]["diet"], round(b["components"]["wage"], 3), b["feasible"], b["failed"]
    (0.5, 0.475, False, ['wage'])
    >>> b["unmet"]
    ['diet', 'wage', 'brand']
    """
    policy = _check(market, policy, "breakdown")
    i, j = _position(market, worker_id, "worker"), _position(market, job_id, "job")
    workers, jobs, params = kernel_inputs(market, policy)
    one_pair = kernels(policy, _kernels).one_pair
    score, parts = run(market, policy, params.custom_status, one_pair, i, j, workers, jobs, params, market.n_jobs)
    values = parts[:6]
    unmet, failed = int(parts[6]), int(parts[7])
    w = params.weights
    # Summed exactly as the kernel sums (see jobmatch.scoring._kernels).
    amenity = w[1] * values[1] + w[2] * values[2] + w[4] * values[4] + w[5] * values[5]
    composite = np.float32(w[0] * values[0] + amenity + w[3] * values[3])
    custom = component_values(market, policy, i, j)
    if custom:  # added to the built-in part as the kernels add them (jobmatch.components)
        share = shares(policy)
        extra = 0.0
        for name, value in custom.items():
            extra += share[name] * value
        composite = np.float32(composite + extra)
    return {
        "worker": market.workers.ids[i],
        "job": market.jobs.ids[j],
        "components": {**dict(zip(COMPONENTS, (float(v) for v in values))), **custom},
        "weights": dict(policy.weights),
        "composite": float(composite),
        "score": float(score),
        "feasible": failed == 0,
        "failed": [name for bit, name in enumerate(FILTERS) if failed >> bit & 1],
        "unmet": [name for bit, name in enumerate(COMPONENTS) if unmet >> bit & 1],
    }


def filter_failures(market: Market, policy: Policy | None, worker: str | int) -> dict[str, int]:
    """How many jobs fail each hard filter for one worker (a job can fail several).

    Examples
    --------
    >>> from jobmatch import Job, Market, Worker
    >>> market = Market([Worker(id="W1", origin="巫溪", min_wage=5000)],
    ...                 [Job(id="J1", employer="E", region="泰安", capacity=3, wage=3800),
    ...                  Job(id="J2", employer="E", region="济南", capacity=1, wage=6000)])
    >>> filter_failures(market, None, "W1")["wage"]
    1
    """
    policy = _check(market, policy, "filter_failures")
    i, m = _position(market, worker, "worker"), market.n_jobs
    W, J, P = kernel_inputs(market, policy)
    many_pairs = kernels(policy, _kernels).many_pairs
    workers, jobs = np.full(m, i, dtype=np.int64), np.arange(m, dtype=np.int64)
    _, parts = run(market, policy, P.custom_status, many_pairs, workers, jobs, W, J, P, m)
    mask = parts[:, 7].astype(np.int64)
    return {name: int(np.count_nonzero(mask >> bit & 1)) for bit, name in enumerate(FILTERS)}
