"""Time and peak memory of synth.scenario at a national size, in a fresh process.

    python benchmarks/large_synth.py [--workers 1000000] [--jobs 10000] [--programs 100] [--repeat 3]

Peak memory is the process's maximum resident set size (includes the Python
interpreter and numpy, about 40 MB).
"""

from __future__ import annotations

import argparse
import resource
import time

from jobmatch import synth


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--programs", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        market = synth.scenario(args.workers, args.jobs, args.programs, seed=0)
        times.append(time.perf_counter() - start)
        del market
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"synth.scenario({args.workers:,} x {args.jobs:,} x {args.programs}): "
        f"min {min(times):.2f} s, median {sorted(times)[len(times) // 2]:.2f} s over {args.repeat} runs; "
        f"peak RSS {peak_mb:,.0f} MB"
    )


if __name__ == "__main__":
    main()
