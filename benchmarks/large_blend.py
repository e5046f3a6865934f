"""Two-stage re-ranking at national scale (issue 8): the kernels' top-K, a numpy model on those pairs only.

    python benchmarks/large_blend.py [--sizes 100k 1m] [--depth 50] [--k 20]

Per size, in a fresh process: the kernels' top-``k`` alone (the first stage
without a model, for the ratio); then ``blend_candidates`` with the
synthetic retention model (:func:`jobmatch.outcomes.retention`, vectorised
numpy, weight 2) re-scoring each worker's ``depth`` best jobs and keeping
``k``.  Reports seconds per stage, the model's share, pairs scored and peak
RSS.  Figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import sys

from _child import run_child

SIZES = {"100k": (100_000, 2_000), "1m": (1_000_000, 10_000)}


def run(size: str, depth: int, k: int) -> dict:
    import resource
    import time

    import numpy as np

    from jobmatch import Policy, candidates, synth
    from jobmatch.blend import Blend, PairScores, blend_candidates
    from jobmatch.outcomes import retention

    n, m = SIZES[size]
    t = time.perf_counter()
    market = synth.scenario(n, m, seed=0)
    out: dict = {"size": f"{n}x{m}", "depth": depth, "k": k, "build_s": round(time.perf_counter() - t, 2)}
    candidates(market.worker_slice(0, 100), k=k)  # compile or load the kernels
    rss = lambda: round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)  # noqa: E731
    out["rss_before_mb"] = rss()
    t = time.perf_counter()
    plain = candidates(market, Policy(), k)
    out["top_k_s"] = round(time.perf_counter() - t, 2)
    out["rss_top_k_mb"] = rss()
    del plain
    model = retention(market)
    calls = {"pairs": 0, "seconds": 0.0}

    def timed_model(w: np.ndarray, j: np.ndarray) -> np.ndarray:
        start = time.perf_counter()
        p = model(w, j)
        calls["pairs"] += len(w)
        calls["seconds"] += time.perf_counter() - start
        return p

    blend = Blend({"retention": PairScores.function(timed_model, weight=2.0)}, depth=depth)
    t = time.perf_counter()
    graph = blend_candidates(market, Policy(), k, blend)
    out["rerank_s"] = round(time.perf_counter() - t, 2)
    out["model_s"] = round(calls["seconds"], 2)
    out["pairs_scored"] = calls["pairs"]
    out["arcs_kept"] = graph.nnz
    out["peak_rss_mb"] = rss()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", nargs="*", default=["100k", "1m"], choices=list(SIZES))
    parser.add_argument("--depth", type=int, default=50)
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--child", default=None)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run(args.child, args.depth, args.k)))
        return
    for size in args.sizes:
        cmd = [sys.executable, __file__, "--child", size, "--depth", str(args.depth), "--k", str(args.k)]
        run_child(size, cmd)


if __name__ == "__main__":
    main()
