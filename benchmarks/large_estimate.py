"""Where a whole-market match starts (issue 30): estimators of the first candidates' prices, compared in one run.

    python benchmarks/large_estimate.py N_WORKERS N_JOBS [--seed 77] [--repeats 2] [--starts ...]

``synth.scenario(N_WORKERS, N_JOBS, seed)``, ``match(k=20, training=False)``:

``candidates``  the top 20 by score, proven over them alone (the reference time);
``top-k``       the whole market, starting from the top 20 by score (no estimate);
``sample-5``    the whole market from prices estimated on a 5% sample (the default);
``sample-10``   the same on a 10% sample;
``sample-2``    the same on a 2% sample.

The starts run interleaved ``--repeats`` times in one process (kernels
loaded first); each line gives the median wall seconds, its ratio to
``candidates``, the pricing passes and pairs they added, and the objective
(the whole-market starts reach the same optimum; with couples split by the
relaxation, FEASIBLE answers may differ in the last couples placed).
Figures go to docs/benchmarks.md ("The whole market at national scale").
"""

from __future__ import annotations

import argparse
import statistics
import time

STARTS = {"candidates": None, "top-k": None, "sample-5": 0.05, "sample-10": 0.1, "sample-2": 0.02}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("workers", type=int)
    parser.add_argument("jobs", type=int)
    parser.add_argument("--seed", type=int, default=77)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--starts", nargs="+", default=list(STARTS), choices=list(STARTS))
    args = parser.parse_args()

    from jobmatch import match, synth
    from jobmatch.pipeline import estimate

    market = synth.scenario(args.workers, args.jobs, seed=args.seed)
    match(market.worker_slice(0, 200), k=5, training=False)  # kernels loaded outside the timing
    seconds: dict[str, list[float]] = {name: [] for name in args.starts}
    last = {}
    default_min = estimate.MIN_SAMPLE
    for _ in range(args.repeats):
        for name in args.starts:
            estimate.SHARE = STARTS[name] or 0.05
            estimate.MIN_SAMPLE = 10**12 if name == "top-k" else default_min
            scope = "candidates" if name == "candidates" else "market"
            began = time.perf_counter()
            last[name] = match(market, k=20, training=False, scope=scope)
            seconds[name].append(time.perf_counter() - began)
    base = statistics.median(seconds["candidates"]) if "candidates" in seconds else float("nan")
    for name in args.starts:
        placed, wall = last[name], statistics.median(seconds[name])
        stats = placed.result.stats
        print(f"{args.workers} x {args.jobs} {name:10s} {wall:7.2f} s ({wall / base:5.2f}x candidates) "
              f"passes {stats.get('pricing_passes', 0)} added {stats.get('pairs_added', 0):,} "
              f"placed {placed.n_placed:,} objective {placed.objective:,.3f} {placed.status.name} "
              f"over {placed.proven_over}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
