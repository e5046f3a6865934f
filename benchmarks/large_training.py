"""Training-aware matching at scale (issue 6), each size in a fresh process.

    python benchmarks/large_training.py [--sizes 10k 100k] [--budget-share 0.1]

Per size: ``match`` without training (the baseline), then with training
under the market's own seats (``seats``) and under a budget of
``--budget-share`` of what filling every seat would cost (``budget``, which
binds).  Both trained runs use ``solver="auto"`` (``priced`` over ``flow``
at these sizes).  Reports the routes' scoring time, the solve time, status,
gap against the proven bound, people placed and trained, and the cost.
Target (issue 6): 100k workers x 2k jobs x 50 programmes within 60 s on 2
cores, with the gap reported.  Figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import sys

from _child import run_child

SIZES = {"10k": (10_000, 500, 20), "100k": (100_000, 2_000, 50)}


def run(size: str, budget_share: float) -> dict:
    import resource
    import time

    from jobmatch import Policy, match, synth

    n, m, p = SIZES[size]
    market = synth.scenario(n, m, p, seed=0)
    match(synth.scenario(200, 20, 3, seed=1), k=5)  # compile or load the kernels
    out: dict = {"size": f"{n}x{m}x{p}", "total_seats": int(market.programs.seats.sum())}
    full_cost = float((market.programs.seats * market.programs.cost).sum())
    cases = {
        "baseline": (Policy(), False),
        "seats": (Policy(), True),
        "budget": (Policy(training_budget=round(budget_share * full_cost)), True),
    }
    for name, (policy, training) in cases.items():
        t = time.perf_counter()
        placed = match(market, policy, k=20, training=training)
        figures = placed.metrics()
        out[name] = {
            "s": round(time.perf_counter() - t, 2),
            "score_s": round(placed.timings["score"], 2),
            "solve_s": round(placed.timings["solve"], 2),
            "solver": placed.solver,
            "status": placed.status.name,
            "gap": placed.gap,
            "objective": placed.objective,
            "people_placed": figures["people_placed"],
            "trainees": figures["trainees"],
            "training_cost": figures["training_cost"],
            "budget": policy.training_budget,
            "routes": None if placed.routes is None else placed.routes.n_routes,
            "rounds": placed.result.stats.get("rounds"),
            "history": placed.result.stats.get("history"),
        }
        print(json.dumps({name: out[name]}), file=sys.stderr, flush=True)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", nargs="*", default=["10k", "100k"], choices=list(SIZES))
    parser.add_argument("--budget-share", type=float, default=0.1)
    parser.add_argument("--child", default=None)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run(args.child, args.budget_share)))
        return
    for size in args.sizes:
        cmd = [sys.executable, __file__, "--child", size, "--budget-share", str(args.budget_share)]
        run_child(size, cmd)


if __name__ == "__main__":
    main()
