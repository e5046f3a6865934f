"""Reading a result, at 100k workers x 2k jobs, against the match that produced it, in one run.

    python -m pytest benchmarks/bench_results.py --benchmark-only --benchmark-columns=min,median,max,rounds

Group ``results``: ``match`` itself (default solver, top-20 candidates, a 60%
poverty-alleviated quota), then on its assignment ``to_frame`` (one row per
worker with components and reasons, which builds the reasons),
``metrics()``, and ``explain`` for 200 workers (100 placed, 100 unplaced)
starting from an assignment whose reasons are already built, as a portal
answering one worker after another would.  Figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import numpy as np
import pytest

from jobmatch import GroupQuota, Policy, match, synth

POLICY = Policy(quotas=[GroupQuota("poverty_alleviated", min_share=0.6)])


@pytest.fixture(scope="module")
def market():
    return synth.scenario(100_000, 2_000, seed=0)


@pytest.fixture(scope="module")
def assignment(market):
    return match(market, POLICY, k=20)


def fresh(market):
    """The assignment without its cached usage and reasons (the same solve, so the same result)."""
    return (match(market, POLICY, k=20),), {}


@pytest.mark.benchmark(group="results")
def test_match(benchmark, market):
    match(market.worker_slice(0, 100), POLICY, k=20)  # compile or load the kernels
    result = benchmark.pedantic(match, args=(market, POLICY), kwargs={"k": 20}, rounds=3, iterations=1)
    benchmark.extra_info["placed"] = int((np.asarray(result.job_of) >= 0).sum())


@pytest.mark.benchmark(group="results")
def test_to_frame(benchmark, market):
    frame = benchmark.pedantic(lambda a: a.to_frame(), setup=lambda: fresh(market), rounds=3, iterations=1)
    assert len(frame) == market.n_workers


@pytest.mark.benchmark(group="results")
def test_metrics(benchmark, assignment):
    metrics = benchmark.pedantic(assignment.metrics, rounds=3, iterations=1)
    benchmark.extra_info["blocking_pairs"] = metrics["blocking_pairs"]


@pytest.mark.benchmark(group="results")
def test_explain_200(benchmark, market, assignment):
    placed = np.flatnonzero(np.asarray(assignment.job_of) >= 0)[:100]
    unplaced = np.flatnonzero(np.asarray(assignment.job_of) < 0)[:100]
    ids = market.workers.ids[np.r_[placed, unplaced]].tolist()
    assert len(assignment.reasons[1]) == market.n_workers  # built once per assignment (timed in test_to_frame)

    def explain_all():
        return [assignment.explain(worker) for worker in ids]

    texts = benchmark.pedantic(explain_all, rounds=3, iterations=1)
    assert len(texts) == 200
