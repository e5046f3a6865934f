"""Time :func:`jobmatch.synth.scenario` from demo size up to a national market.

    python -m pytest benchmarks/bench_synth.py --benchmark-columns=min,median,max,rounds

The issue's target is 1M workers x 10k jobs in under 10 s on 2 cores; the
smaller sizes show how the cost scales (it should be close to linear in the
number of workers).
"""

from __future__ import annotations

import pytest

from jobmatch import Market, synth

SIZES = [(10_000, 500, 20), (100_000, 2_000, 50), (1_000_000, 10_000, 100)]


@pytest.mark.parametrize(("n_workers", "n_jobs", "n_programs"), SIZES, ids=[f"{w}x{j}" for w, j, _ in SIZES])
def test_scenario(benchmark, n_workers, n_jobs, n_programs):
    rounds = 3 if n_workers >= 1_000_000 else 5
    market = benchmark.pedantic(
        synth.scenario,
        args=(n_workers, n_jobs, n_programs),
        kwargs={"seed": 0},
        rounds=rounds,
        iterations=1,
        warmup_rounds=0,
    )
    assert market.n_workers == n_workers
    benchmark.extra_info["workers_per_second"] = n_workers / benchmark.stats.stats.min


def test_frames_round_trip_100k(benchmark):
    """Market -> pandas -> Market at 100k workers (the records-free data-frame path)."""
    market = synth.scenario(100_000, 2_000, 50, seed=0)
    frames = market.to_frames()
    again = benchmark.pedantic(Market.from_frames, args=frames, rounds=3, iterations=1)
    assert again == market
