"""Solver benchmarks at the sizes of issue 4, each part in a fresh process.

    python benchmarks/large_solvers.py [--only NAME ...] [--national]

Parts: ``flow_overhead`` (our flow against OR-Tools called directly on the
same arcs), ``dense`` (1-to-1 at n=4000 against SciPy and lap), ``stable``
(deferred acceptance at 1M workers x 10k jobs from top-20 lists),
``stable_vs_matching`` (against the `matching` package at 10k x 400),
``match`` (end to end at 100k x 2k against the bare score-then-flow
pipeline; ``--national`` adds 1M x 10k).  Figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import sys

from _child import run_child
from _peers import matching_package, ortools_direct, preference_lists

PARTS = {}


def part(fn):
    PARTS[fn.__name__] = fn
    return fn


@part
def flow_overhead(args):
    import time

    from jobmatch import Problem, solve, synth
    from jobmatch.scoring import candidates

    market = synth.scenario(100_000, 2_000, seed=0)
    problem = Problem.from_graph(candidates(market, k=20), capacity=market.jobs.capacity)
    ours, direct = [], []
    for _ in range(3):
        t = time.perf_counter()
        result = solve(problem, solver="flow")
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        ortools_direct(problem.workers, problem.jobs, problem.values, problem.capacity, problem.n_workers)
        direct.append(time.perf_counter() - t)
    return {
        "arcs": problem.n_arcs,
        "ours_s": min(ours),
        "direct_s": min(direct),
        "ratio": min(ours) / min(direct),
        "status": result.status.name,
    }


@part
def dense(args):
    import time

    import lap
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    from jobmatch import Problem, solve

    rng = np.random.default_rng(0)
    n = 4000
    cost = rng.integers(1, 1000, (n, n)).astype(np.float64)
    problem = Problem.from_dense(cost, capacity=1, maximize=False, must_place=True)
    out = {}
    for name, fn in (
        ("jobmatch_assignment", lambda: solve(problem, solver="assignment").objective),
        ("jobmatch_flow", lambda: solve(problem, solver="flow").objective),
        ("scipy", lambda: cost[linear_sum_assignment(cost)].sum()),
        ("lap", lambda: lap.lapjv(cost)[0]),
    ):
        t = time.perf_counter()
        value = fn()
        out[name] = {"s": time.perf_counter() - t, "objective": float(value)}
    return out


@part
def stable(args):
    import time

    from jobmatch import Problem, candidates, solve, synth

    def problem_of(market):
        """One place per worker (deferred acceptance places single workers): arcs from top-20."""
        return Problem.from_graph(candidates(market, k=20), capacity=market.jobs.capacity)

    # Each job ranks every worker who lists it, by the same score.
    problem = problem_of(synth.scenario(1_000_000, 10_000, seed=0))
    small = problem_of(synth.scenario(1_000, 50, seed=0))
    out = {"arcs": problem.n_arcs}
    for name in ("stable", "stable_jobs"):
        solve(small, solver=name)  # compile or load the kernels
        t = time.perf_counter()
        result = solve(problem, solver=name)
        out[name] = {
            "total_s": time.perf_counter() - t,
            "prepare_s": result.timings["prepare"],
            "kernel_s": result.timings["solve"],
            "placed": int((result.job_of >= 0).sum()),
        }
    return out


@part
def stable_vs_matching(args):
    import time

    from jobmatch.stable import deferred_acceptance

    lists = preference_lists()
    ours_s = []
    for _ in range(2):  # the first call loads the kernels
        t = time.perf_counter()
        ours = deferred_acceptance(*lists)
        ours_s.append(time.perf_counter() - t)
    t = time.perf_counter()
    theirs = matching_package(*lists)
    theirs_s = time.perf_counter() - t
    return {
        "ours_s": min(ours_s),
        "matching_s": theirs_s,
        "ratio": theirs_s / min(ours_s),
        "identical": ours.tolist() == theirs,
    }


@part
def match(args):
    import time

    import numpy as np

    from jobmatch import Policy, synth
    from jobmatch import match as jm_match
    from jobmatch.scoring import candidates

    sizes = (
        [(1_000_000, 10_000)]
        if args.national_only
        else [(100_000, 2_000)] + ([(1_000_000, 10_000)] if args.national else [])
    )
    out = {}
    for n, m in sizes:
        market = synth.scenario(n, m, seed=0)
        candidates(market.worker_slice(0, 10))
        t = time.perf_counter()
        assignment = jm_match(market, Policy(), k=20)
        ours = time.perf_counter() - t
        t = time.perf_counter()  # bare pipeline: score, then OR-Tools flow on the same arcs, no checks
        graph = candidates(market, k=20)
        workers = np.repeat(np.arange(n), np.diff(graph.indptr))
        chosen = ortools_direct(workers, graph.indices, graph.scores, market.jobs.capacity, n)
        bare_s = time.perf_counter() - t
        out[f"{n}x{m}"] = {
            "match_s": ours,
            "timings": assignment.timings,
            "status": assignment.status.name,
            "gap": assignment.gap,
            "bare_s": bare_s,
            "bare_placed": int(chosen.sum()),
        }
        print(json.dumps({f"{n}x{m}": out[f"{n}x{m}"]}), file=sys.stderr, flush=True)  # kept if a later size fails
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*", default=list(PARTS))
    parser.add_argument("--national", action="store_true", help="add 1M x 10k to match")
    parser.add_argument("--national-only", action="store_true", help="match at 1M x 10k only")
    parser.add_argument("--child", default=None)
    args = parser.parse_args()
    if args.child:
        import resource

        result = PARTS[args.child](args)
        result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    for name in args.only:
        cmd = (
            [sys.executable, __file__, "--child", name]
            + (["--national"] if args.national else [])
            + (["--national-only"] if args.national_only else [])
        )
        run_child(name, cmd)


if __name__ == "__main__":
    main()
