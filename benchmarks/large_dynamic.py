"""A living market (issue 17): re-matching against a fresh match, and a simulated year.

    python benchmarks/large_dynamic.py [--only rematch rematch_market year] [--repeats 3]

Parts (each in a fresh process):

``rematch``, ``rematch_market``
    ``synth.scenario(100_000, 2_000)`` matched (``k=20``), then three
    weeks, each with 5% of the workers and 5% of the jobs gone and as many
    new ones (another seed's scenario), re-matched week after week (default
    penalty, nobody locked), all with ``scope="candidates"`` or all with
    ``scope="market"`` (the same proof on both sides).  The first re-match
    scores everything (a match keeps no candidate pool); the third is the
    steady state.  Interleaved ``--repeats`` times in one process: a fresh
    ``match`` of the third week's market and its ``rematch`` from the
    second week's, wall seconds of each (median, and the ratio of medians),
    with the moves, what the candidate pool re-used and the pricing passes.
``year``
    ``simulate.run`` over 52 weeks, 10,000 registrations and 500 jobs, seed
    0, for the status quo, the exact match filling the room left,
    re-matching, and re-matching under a 75% quota: wall seconds and totals.

Figures go to docs/benchmarks.md ("A living market").
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

from _child import run_child

PARTS = {}


def part(fn):
    PARTS[fn.__name__] = fn
    return fn


def _week_later(market, share: float, seed: int):
    import numpy as np
    import pandas as pd

    from jobmatch import Market, synth

    rng = np.random.default_rng(seed)
    kept = market.subset(
        workers=np.flatnonzero(rng.random(market.n_workers) >= share),
        jobs=np.flatnonzero(rng.random(market.n_jobs) >= share),
    )
    fresh = synth.scenario(int(share * market.n_workers), int(share * market.n_jobs), seed=seed + 1)
    w0, j0, _ = kept.to_frames()
    w1, j1, _ = fresh.to_frames()
    w1["id"], j1["id"] = f"new{seed}-" + w1["id"], f"new{seed}-" + j1["id"]
    return Market.from_frames(pd.concat([w0, w1], ignore_index=True), pd.concat([j0, j1], ignore_index=True))


def _rematched(args, scope: str):
    from jobmatch import match, rematch, synth

    market = synth.scenario(100_000, 2_000, seed=0)
    before = match(market, k=20, scope=scope, training=False)
    later = _week_later(market, 0.05, 7)
    began = time.perf_counter()
    week1 = rematch(before, later, k=20, scope=scope)  # from a match: everything scored, a candidate pool kept
    week1_s = time.perf_counter() - began
    later = _week_later(later, 0.05, 8)
    week2 = rematch(week1, later, k=20, scope=scope)  # the steady state: a pool before, its keys and prices
    later = _week_later(later, 0.05, 9)
    fresh_s, again_s = [], []
    for _ in range(args.repeats):
        began = time.perf_counter()
        fresh = match(later, k=20, scope=scope, training=False)
        fresh_s.append(time.perf_counter() - began)
        began = time.perf_counter()
        again = rematch(week2, later, k=20, scope=scope)
        again_s.append(time.perf_counter() - began)
    fresh_m, again_m = statistics.median(fresh_s), statistics.median(again_s)
    stats = again.result.stats
    return {
        "fresh_s": fresh_m, "rematch_s": again_m, "ratio": again_m / fresh_m, "week1_from_match_s": week1_s,
        "fresh_timings": fresh.timings, "rematch_solver_timings": again.result.timings,
        "candidates": stats["candidates"], "changes": again.metrics()["changes"], "warm": stats.get("warm"),
        "proven_over": [fresh.proven_over, again.proven_over],
        "pricing_passes": [fresh.result.stats.get("pricing_passes"), stats.get("pricing_passes")],
        "pairs_added": [fresh.result.stats.get("pairs_added"), stats.get("pairs_added")],
        "fresh_objective": fresh.objective, "rematch_objective": again.objective, "status": again.status.name,
    }  # fmt: skip


@part
def rematch(args):
    return _rematched(args, "candidates")


@part
def rematch_market(args):
    return _rematched(args, "market")


@part
def year(args):
    from jobmatch import GroupQuota, Policy
    from jobmatch.simulate import STATUS_QUO, Strategy, run

    quota = Policy(quotas=[GroupQuota("poverty_alleviated", min_share=0.75)])
    out = {}
    for strategy in (STATUS_QUO, Strategy("room left", moves=False), Strategy("re-matched"),
                     Strategy("re-matched, 75% quota", policy=quota, options={"finish": False})):  # fmt: skip
        began = time.perf_counter()
        result = run(strategy, workers=10_000, jobs=500, weeks=52, seed=0)
        out[strategy.name] = {"wall_s": time.perf_counter() - began,
                              **{k: round(v, 3) for k, v in result.totals.items()}}  # fmt: skip
        print(json.dumps({strategy.name: out[strategy.name]}), file=sys.stderr, flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*", default=list(PARTS))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", default=None)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(PARTS[args.child](args)))
        return
    for name in args.only:
        run_child(name, [sys.executable, __file__, "--child", name, "--repeats", str(args.repeats)])


if __name__ == "__main__":
    main()
