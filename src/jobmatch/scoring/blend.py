"""Bring your own score: per-pair scores from outside blended into the composite, and two-stage re-ranking.

A portal's ranking model or a researcher's outcome model (say, the predicted
probability that a worker stays a year in a job) becomes one more component
of the composite.  A :class:`PairScores` is a source of scores in [0, 1] for
(worker, job) pairs: a dense array, a :class:`~jobmatch.CandidateGraph`, or
a vectorised function ``fn(workers, jobs) -> array`` of positions (a
scikit-learn ``predict_proba`` over pair features, for example), evaluated
in blocks.  Each source has a weight on the scale of the policy's weights,
and the blended score is the weighted mean of every component::

    blended = (W * composite + sum_e w_e * s_e) / (W + sum_e w_e)

where ``composite`` is the built-in score, ``W`` the sum of the policy's
weights and ``w_e``, ``s_e`` each source's weight and score.  Hard filters
still decide feasibility: an infeasible pair stays infeasible, whatever a
source says of it.  As the policy's weights (at most
:data:`~jobmatch.policy.MAX_WEIGHTS` in all), the sources' weights add up
to at most ``MAX_WEIGHTS``: only ratios matter, and no sum can overflow.

:class:`Blend` names the sources and how far they reach.  With ``depth``
None every feasible pair is scored by every source (in blocks of workers,
never the whole matrix at once); with ``depth=K`` the kernels keep each
worker's ``K`` best jobs by the built-in composite and only those are
re-scored (*two-stage re-ranking*: a fast first stage, an expensive model on
``K`` pairs per worker), then each worker keeps its ``k`` best by the
blended score.  ``match(..., blend=...)`` and ``build_problem(..., blend=...)``
hand the solvers the re-scored graph.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from .._arrays import indptr_from_counts, row_ids
from .._checks import POSITIVE, SHARE, Real, fail, param
from ..data.market import Market
from ..policy import COMPONENTS, MAX_WEIGHTS, Policy
from ._inputs import pairs
from .graph import CandidateGraph

__all__ = ["Blend", "PairScores", "blend_candidates", "blended"]


#: Pairs per call of a function source, by default.
BLOCK = 1 << 20
#: A source's weight: a finite number from 0 to the most a policy's weights add up to.
WEIGHT = Real(0, MAX_WEIGHTS)
#: What each kind of source holds, in words.
_KINDS = {
    "dense": "a 2-d array of numbers",
    "graph": "a worker-side CandidateGraph",
    "function": "a callable fn(workers, jobs)",
}


@dataclass(frozen=True, eq=False)
class PairScores:
    """A source of per-pair scores in [0, 1], with its weight in the blend.

    Build one with :meth:`dense`, :meth:`graph` or :meth:`function`.

    Examples
    --------
    >>> import numpy as np
    >>> from jobmatch import synth
    >>> market = synth.scenario(3, 2, seed=1)
    >>> source = PairScores.function(lambda w, j: (w + j) / 10, weight=2.0)
    >>> source.at(market, np.array([0, 2]), np.array([1, 1]), name="toy").tolist()
    [0.1, 0.3]
    """

    kind: str
    data: Any
    weight: float = 1.0
    missing: float | None = None
    block: int = BLOCK

    def __post_init__(self) -> None:
        where = "PairScores"
        if not isinstance(self.kind, str) or self.kind not in _KINDS:
            raise fail(where, "kind", f"one of {list(_KINDS)} (built by the methods of those names)", self.kind)
        data = self.data
        fits = {
            "dense": isinstance(data, np.ndarray) and data.ndim == 2 and data.dtype.kind in "iuf",
            "graph": isinstance(data, CandidateGraph) and data.side == "worker",
            "function": callable(data),
        }[self.kind]
        if not fits:
            raise fail(where, "data", f"{_KINDS[self.kind]} for kind {self.kind!r}", type(data).__name__)
        object.__setattr__(self, "weight", param(where, "weight", self.weight, WEIGHT))
        object.__setattr__(self, "missing", param(where, "missing", self.missing, SHARE, or_none=True))
        object.__setattr__(self, "block", param(where, "block", self.block, POSITIVE))

    @classmethod
    def dense(cls, matrix: Any, *, weight: float = 1.0) -> PairScores:
        """Scores of every pair: an array of shape (n_workers, n_jobs) of numbers in [0, 1]."""
        try:
            array = np.asarray(matrix)
        except (ValueError, TypeError, OverflowError, RecursionError) as error:  # ragged, deeply nested...
            raise fail(
                "PairScores.dense", "matrix", "a 2-d array of numbers", f"{type(error).__name__}: {error}"
            ) from None
        if array.ndim != 2 or array.dtype.kind not in "iuf":
            got = f"shape {array.shape}, dtype {array.dtype}"
            raise fail("PairScores.dense", "matrix", "a 2-d array of numbers (workers x jobs)", got, described=True)
        return cls("dense", array, weight)

    @classmethod
    def graph(cls, graph: CandidateGraph, *, weight: float = 1.0, missing: float | None = None) -> PairScores:
        """Scores of the pairs of a worker-side graph; a pair not in it scores ``missing`` (None: infeasible)."""
        if not isinstance(graph, CandidateGraph):
            raise fail("PairScores.graph", "graph", "a worker-side CandidateGraph", type(graph).__name__)
        if graph.side != "worker":
            raise fail(
                "PairScores.graph", "graph", "a worker-side CandidateGraph", f"side={graph.side!r}", described=True
            )
        return cls("graph", graph, weight, missing)

    @classmethod
    def function(
        cls, fn: Callable[[np.ndarray, np.ndarray], Any], *, weight: float = 1.0, block: int = BLOCK
    ) -> PairScores:
        """Scores from ``fn(workers, jobs)``: int64 position arrays of one length in, one score per pair out.

        Called with at most ``block`` pairs at a time.
        """
        if not callable(fn):
            raise fail("PairScores.function", "fn", "a callable fn(workers, jobs) -> array", type(fn).__name__)
        return cls("function", fn, weight, block=block)

    def at(self, market: Market, workers: np.ndarray, jobs: np.ndarray, *, name: str) -> np.ndarray:
        """Scores of the pairs ``(workers[t], jobs[t])`` as float64, checked (NaN: infeasible for ``graph``).

        Raises
        ------
        ValidationError
            A wrong shape, NaN or a value outside [0, 1], naming the source
            and, for a bad value, the worker and job ids of one such pair;
            positions that are not integers in range.
        """
        where = f"PairScores {name!r}"
        if not isinstance(market, Market):
            raise fail(where, "market", "a jobmatch.Market", type(market).__name__)
        if self.kind == "dense" and self.data.shape != (market.n_workers, market.n_jobs):
            expected = f"({market.n_workers}, {market.n_jobs}) for this market"
            raise fail(where, "matrix shape", expected, self.data.shape)
        workers, jobs = pairs(where, market, workers, jobs)
        if self.kind == "dense":
            values = self.data[workers, jobs].astype(np.float64)
        elif self.kind == "graph":
            values = self._from_graph(market, workers, jobs, where)
        else:
            values = np.empty(len(workers))
            for lo in range(0, len(workers), self.block):
                hi = min(lo + self.block, len(workers))
                got = np.asarray(self.data(workers[lo:hi], jobs[lo:hi]))
                if got.shape != (hi - lo,) or got.dtype.kind not in "iufb":
                    seen = f"shape {got.shape}, dtype {got.dtype}"
                    raise fail(where, "function result", f"{hi - lo} numbers (one per pair)", seen, described=True)
                values[lo:hi] = got
        bad = np.flatnonzero(~((values >= 0) & (values <= 1)) & ~(np.isnan(values) & (self.kind == "graph")))
        if len(bad):
            t = bad[0]
            pair = f"worker {market.workers.ids[workers[t]]!r}, job {market.jobs.ids[jobs[t]]!r}"
            raise fail(where, "score", "a number in [0, 1]", f"{float(values[t])!r} for {pair}", described=True)
        return cast(np.ndarray, values)

    def _from_graph(self, market: Market, workers: np.ndarray, jobs: np.ndarray, where: str) -> np.ndarray:
        graph = self.data
        if (graph.n_workers, graph.n_jobs) != (market.n_workers, market.n_jobs):
            got = f"{graph.n_workers} workers x {graph.n_jobs} jobs"
            raise fail(where, "graph shape", f"{market.n_workers} workers x {market.n_jobs} jobs", got, described=True)
        out = np.full(len(workers), np.nan if self.missing is None else float(self.missing))
        if not graph.nnz:
            return out
        key = row_ids(graph.indptr) * graph.n_jobs + graph.indices
        order = np.argsort(key, kind="stable")
        wanted = workers.astype(np.int64) * graph.n_jobs + jobs
        at = np.minimum(np.searchsorted(key[order], wanted), len(key) - 1)
        found = key[order][at] == wanted
        out[found] = graph.scores[order][at[found]]
        return out


@dataclass(frozen=True, eq=False)
class Blend:
    """Sources of per-pair scores to blend into the composite, and how many pairs they score.

    Parameters
    ----------
    sources : mapping of str to PairScores
        Named sources (names must not be built-in components).
    depth : int or None, optional
        None: every feasible pair is scored by every source.  ``K``: only
        each worker's ``K`` best jobs by the built-in composite (two-stage
        re-ranking); at least the ``k`` kept, or the number of jobs (else
        ``ValidationError``).

    Examples
    --------
    >>> import numpy as np
    >>> from jobmatch import match, synth
    >>> market = synth.scenario(500, 30, seed=2)
    >>> stays = PairScores.function(lambda w, j: np.where(j % 2 == 0, 0.9, 0.2), weight=3.0)
    >>> placed = match(market, k=5, blend=Blend({"retention": stays}, depth=15))
    >>> share_even = float(np.mean(placed.job_of[placed.job_of >= 0] % 2 == 0))
    >>> plain = match(market, k=5)
    >>> share_even > float(np.mean(plain.job_of[plain.job_of >= 0] % 2 == 0))
    True
    """

    sources: Mapping[str, PairScores] = field(default_factory=dict)
    depth: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.sources, Mapping) or not self.sources:
            raise fail("Blend", "sources", "a non-empty mapping of name -> PairScores", self.sources)
        for name, source in self.sources.items():
            if not isinstance(name, str) or not name.strip() or name in COMPONENTS:
                raise fail("Blend", "sources key", f"a name other than the built-in {list(COMPONENTS)}", name)
            if not isinstance(source, PairScores):
                raise fail("Blend", f"sources[{name!r}]", "a PairScores", type(source).__name__)
        total = sum(source.weight for source in self.sources.values())
        if not total <= MAX_WEIGHTS:
            expected = f"at most {MAX_WEIGHTS:g}, as a policy's weights (only ratios matter)"
            raise fail("Blend", "sum of source weights", expected, total)
        object.__setattr__(self, "depth", param("Blend", "depth", self.depth, POSITIVE, or_none=True))


def blended(
    market: Market, policy: Policy, blend: Blend, workers: np.ndarray, jobs: np.ndarray, composite: np.ndarray
) -> np.ndarray:
    """The blended score of pairs whose built-in composite is given (``-inf`` stays ``-inf``).

    Examples
    --------
    >>> import numpy as np
    >>> from jobmatch import Policy, synth
    >>> market = synth.scenario(3, 2, seed=1)
    >>> half = Blend({"model": PairScores.function(lambda w, j: np.full(len(w), 0.5), weight=5.0)})
    >>> blended(market, Policy(), half, np.array([0, 1]), np.array([0, 0]), np.array([1.0, -np.inf])).tolist()
    [0.75, -inf]
    """
    where = "blended"
    if not isinstance(market, Market):
        raise fail(where, "market", "a jobmatch.Market", type(market).__name__)
    if not isinstance(policy, Policy):
        raise fail(where, "policy", "a jobmatch.Policy", type(policy).__name__)
    if not isinstance(blend, Blend):
        raise fail(where, "blend", "a jobmatch.blend.Blend", type(blend).__name__)
    workers, jobs = pairs(where, market, workers, jobs)
    try:
        composite = np.asarray(composite)
    except (ValueError, TypeError, OverflowError, RecursionError) as error:  # ragged, deeply nested...
        raise fail(where, "composite", f"{len(workers)} numbers (one per pair)", f"{type(error).__name__}: {error}",
                   described=True) from None  # fmt: skip
    if composite.shape != workers.shape or composite.dtype.kind not in "iuf":
        got = f"shape {composite.shape}, dtype {composite.dtype}"
        raise fail(where, "composite", f"{len(workers)} numbers (one per pair)", got, described=True)
    return _blended(market, policy, blend, workers, jobs, composite)


def _blended(
    market: Market, policy: Policy, blend: Blend, workers: np.ndarray, jobs: np.ndarray, composite: np.ndarray
) -> np.ndarray:
    """:func:`blended` on checked arguments."""
    total = float(sum(policy.weights.values()))
    out = total * composite.astype(np.float64)
    weight = total
    feasible = np.isfinite(out)
    w, j = workers[feasible], jobs[feasible]
    for name, source in blend.sources.items():
        values = source.at(market, w, j, name=name)
        part = np.zeros(len(feasible))
        part[feasible] = np.where(np.isnan(values), -np.inf, source.weight * values)
        out += part
        weight += source.weight
    return out / weight


def _keep_best(
    graph_rows: np.ndarray, jobs: np.ndarray, scores: np.ndarray, n_rows: int, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row (arcs grouped by row): the ``k`` best finite scores, best first, ties to the lower job."""
    from .. import _sparse

    finite = np.isfinite(scores)
    rows, jobs, scores = graph_rows[finite], jobs[finite], scores[finite]
    indptr = indptr_from_counts(np.bincount(rows, minlength=n_rows))
    order, rank = _sparse.segment_order(indptr, np.arange(len(rows)), scores, jobs.astype(np.int64))
    keep = order[rank[order] < k]
    count = np.minimum(np.diff(indptr), k)
    return indptr_from_counts(count), jobs[keep], scores[keep]


def blend_candidates(market: Market, policy: Policy | None, k: int, blend: Blend) -> CandidateGraph:
    """Each worker's ``k`` best feasible jobs by the blended score (see the module notes).

    Examples
    --------
    >>> import numpy as np
    >>> from jobmatch import Policy, candidates, synth
    >>> market = synth.scenario(200, 12, seed=3)
    >>> zero = Blend({"none": PairScores.function(lambda w, j: np.zeros(len(w)), weight=0.0)})
    >>> blend_candidates(market, None, 5, zero) == candidates(market, Policy(), 5)  # weight 0: the built-in ranking
    True
    """
    from .scores import _check, candidates, score_matrix

    policy = _check(market, policy, "blend_candidates")
    k = param("blend_candidates", "k", k, POSITIVE)
    if not isinstance(blend, Blend):
        raise fail("blend_candidates", "blend", "a jobmatch.blend.Blend", type(blend).__name__)
    n, m = market.n_workers, market.n_jobs
    for name, source in blend.sources.items():  # a dense source is checked whole, not only where it is read
        if source.kind == "dense":
            source.at(market, *np.nonzero(~((source.data >= 0) & (source.data <= 1))), name=name)
    if blend.depth is not None and blend.depth < min(k, m):
        raise fail("blend_candidates", "depth", f"None or an integer >= k ({k}) or the jobs ({m})", blend.depth)
    if blend.depth is not None:  # two-stage: the kernels' depth best, re-scored
        first = candidates(market, policy, blend.depth)
        rows = row_ids(first.indptr)
        scores = _blended(market, policy, blend, rows, first.indices.astype(np.int64), first.scores)
        indptr, jobs, kept = _keep_best(rows, first.indices, scores.astype(np.float32), n, k)
        return CandidateGraph(indptr, jobs, kept, n_workers=n, n_jobs=m)
    parts = []
    step = max(1, (1 << 22) // max(m, 1))  # workers per block: about 4M pairs (16 MB of float32) at a time
    for lo in range(0, max(n, 1), step):
        hi = min(lo + step, n)
        dense = score_matrix(market.worker_slice(lo, hi), policy)
        rows, cols = np.nonzero(np.isfinite(dense))
        scores = _blended(market, policy, blend, rows + lo, cols, dense[rows, cols]).astype(np.float32)
        indptr, jobs, kept = _keep_best(rows, cols, scores, hi - lo, k)
        parts.append(CandidateGraph(indptr, jobs, kept, n_workers=hi - lo, n_jobs=m))
    return CandidateGraph.concat(parts)
