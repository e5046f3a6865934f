"""Top-k scoring at national size, peak memory, and numba compile time.

    python benchmarks/large_scoring.py [--workers 1000000] [--jobs 10000] [--k 20]

Each measurement runs in a fresh process so that peak memory (maximum
resident set size, including the interpreter, numpy and numba: about 150 MB)
belongs to that measurement alone.  Compile time is measured twice: with an
empty numba cache (cold) and again with the cache the first run wrote.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
import jobmatch
from jobmatch import candidates, synth
workers, jobs, k, what = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
tiny = synth.scenario(50, 20, seed=1)
t = time.perf_counter(); candidates(tiny, k=5); candidates(tiny, k=5, side="job"); jobmatch.score_matrix(tiny)
first_call = time.perf_counter() - t
out = {"first_call_s": first_call}
if what == "run":
    market = synth.scenario(workers, jobs, seed=0)
    rss_market = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter(); graph = candidates(market, k=k); out["top_k_s"] = time.perf_counter() - t
    out["pairs_per_s"] = workers * jobs / out["top_k_s"]
    out["arcs"] = graph.nnz
    out["rss_after_market_mb"] = rss_market
out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def child(args: argparse.Namespace, what: str, cache: str) -> dict:
    env = dict(os.environ, NUMBA_CACHE_DIR=cache)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(args.workers), str(args.jobs), str(args.k), what],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--k", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        cold = child(args, "build_problem", cache)
        warm = child(args, "build_problem", cache)
        run = child(args, "run", cache)
    print(
        f"numba compile (3 kernels + helpers): cold {cold['first_call_s']:.1f} s, "
        f"from cache {warm['first_call_s']:.2f} s"
    )
    print(
        f"top-{args.k} over {args.workers:,} x {args.jobs:,}: {run['top_k_s']:.2f} s, "
        f"{run['pairs_per_s'] / 1e6:,.0f} M pairs/s, {run['arcs']:,} arcs; "
        f"peak RSS {run['peak_rss_mb']:,.0f} MB (market built: {run['rss_after_market_mb']:,.0f} MB)"
    )


if __name__ == "__main__":
    main()
