"""Shortlists for the pre-matching calls, at 100k workers x 2k jobs, in one run.

    python -m pytest benchmarks/bench_shortlist.py --benchmark-only --benchmark-columns=min,median,max,rounds

Group ``shortlist``: ``side`` worker and job, each as the plain score ranking
(``congestion=False``, same columns), with congestion on round 1 alone
(``rounds=1``) and with congestion and the default deepening rounds.  Each
entry's ``extra_info`` holds ``with_suggestion``, the share of workers (jobs)
with at least one row.  The top-20 scoring pass alone (``candidates``) is the
floor all pay.  Figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import pytest

from jobmatch import candidates, shortlist, synth

MODES = {
    "plain": {"congestion": False},
    "rounds1": {"congestion": True, "rounds": 1},
    "default": {"congestion": True},
}


@pytest.fixture(scope="module")
def market():
    return synth.scenario(100_000, 2_000, seed=0)


@pytest.mark.benchmark(group="shortlist")
@pytest.mark.parametrize("side", ["worker", "job"])
@pytest.mark.parametrize("mode", list(MODES))
def test_shortlist(benchmark, market, side, mode):
    shortlist(market.worker_slice(0, 100), k=5, depth=20, side=side)  # compile or load the kernels
    frame = benchmark.pedantic(
        shortlist,
        args=(market,),
        kwargs={"k": 5, "side": side, "depth": 20, **MODES[mode]},
        rounds=3,
        iterations=1,
    )
    rows = market.n_workers if side == "worker" else market.n_jobs
    benchmark.extra_info["rows"] = len(frame)
    benchmark.extra_info["no_suggestion"] = len(frame.attrs["no_suggestion"])
    benchmark.extra_info["with_suggestion"] = round(1 - len(frame.attrs["no_suggestion"]) / rows, 4)
    assert len(frame) > 0


@pytest.mark.benchmark(group="shortlist")
def test_candidates_floor(benchmark, market):
    candidates(market.worker_slice(0, 100), k=20)
    graph = benchmark.pedantic(candidates, args=(market,), kwargs={"k": 20}, rounds=3, iterations=1)
    assert graph.n_rows == market.n_workers
