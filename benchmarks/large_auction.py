"""The price-directed solver (issue 19) against OR-Tools flow, each part in a fresh process.

    python benchmarks/large_auction.py [--only NAME ...] [--sizes 10000 100000 1000000] [--rounds 3]

Parts:

``scale``
    For each size (workers; jobs = workers / 100 but 500 at 10k, the
    README's scenario), compile ``synth.scenario`` at k=20, then solve the
    same problem with ``auction`` and ``flow`` alternately, ``--rounds``
    times (flow once at 1M), in one process: wall and CPU seconds (median),
    objective, bound, status.  ``unit`` runs every worker as one person
    (the couples' split set aside); ``couples`` the scenario as it is.
``memory``
    At the largest size, each solver alone in a fresh process: peak RSS
    after compiling, and after solving.
``match``
    ``match`` end to end at each size (the synthetic scenario without
    training programmes, as the README runs it), with ``scope="candidates"``
    and the default ``scope="market"``, and ``solver="flow"`` (candidates
    only) for today's baseline; peak RSS.
``quotas``
    An 80% poverty-alleviated share (binding: the unconstrained optimum
    places about 75% poverty-alleviated) solved by ``lagrangian`` at each
    size: time, rounds, gap.
``warm``
    At each size: a cold solve, then the changed problem solved cold and
    warm (``warm=WarmStart.of(first)``) for one capacity +1
    (a full job), 1% of arcs redrawn by up to +-0.05, and every value
    times (1 +- 1%).

Figures go to docs/benchmarks.md ("Price-directed solving").
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time

from _child import run_child

PARTS = {}


def part(fn):
    PARTS[fn.__name__] = fn
    return fn


def _problem(n: int, unit: bool):
    import numpy as np

    from jobmatch import Policy, Problem, build_problem, synth

    m = 500 if n <= 10_000 else n // 100
    problem = build_problem(synth.scenario(n, m, 20, seed=0), Policy(), k=20)
    if unit:
        problem = Problem._trusted(
            problem.indptr,
            problem.jobs,
            problem.values,
            capacity=problem.capacity,
            n_jobs=problem.n_jobs,
            use=np.ones(problem.n_arcs, np.int64),
            people=np.ones(problem.n_workers, np.int64),
            maximize=True,
            must_place=False,
        )
    return problem


def _timed(fn, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - wall, time.process_time() - cpu


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@part
def scale(args):
    from jobmatch import solve

    out = {}
    for n in args.sizes:
        for kind in ("unit", "couples"):
            problem = _problem(n, kind == "unit")
            solve(problem, solver="auction")  # kernels loaded
            rows = {"auction": [], "flow": []}
            rounds = 1 if n >= 1_000_000 else args.rounds
            for r in range(args.rounds):
                for name in ("auction", "flow"):
                    if name == "flow" and r >= rounds:
                        continue
                    result, wall, cpu = _timed(solve, problem, solver=name)
                    rows[name].append((wall, cpu, result))
            summary = {}
            for name, runs in rows.items():
                result = runs[-1][2]
                summary[name] = {
                    "wall_s": statistics.median(r[0] for r in runs),
                    "cpu_s": statistics.median(r[1] for r in runs),
                    "status": result.status.name,
                    "objective": result.objective,
                    "bound": result.bound,
                    "placed": result.n_placed,
                }
            a, f = summary["auction"], summary["flow"]
            summary["ratio_wall"] = f["wall_s"] / a["wall_s"]
            summary["ratio_cpu"] = f["cpu_s"] / a["cpu_s"]
            summary["arcs"] = problem.n_arcs
            summary["stats"] = {k: v for k, v in rows["auction"][-1][2].stats.items() if isinstance(v, (int, float))}
            out[f"{n}:{kind}"] = summary
            print(json.dumps({f"{n}:{kind}": summary}), file=sys.stderr, flush=True)
    return out


@part
def memory(args):
    import subprocess

    n = max(args.sizes)
    out = {}
    for name in ("auction", "flow"):
        done = subprocess.run(
            [sys.executable, __file__, "--child-memory", name, str(n)], capture_output=True, text=True
        )
        out[f"{name} {n}"] = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else done.stderr
    return out


def _memory_child(name: str, n: int) -> dict:
    from jobmatch import solve

    problem = _problem(n, True)
    before = _peak_mb()
    result, wall, cpu = _timed(solve, problem, solver=name)
    return {"peak_after_compile_mb": before, "peak_after_solve_mb": _peak_mb(), "wall_s": wall, "cpu_s": cpu,
            "status": result.status.name}  # fmt: skip


@part
def match(args):
    from jobmatch import match as run_match
    from jobmatch import synth

    out = {}
    for n in args.sizes:
        m = 500 if n <= 10_000 else n // 100
        market = synth.scenario(n, m, seed=0)
        run_match(synth.scenario(1000, 50, seed=1))  # kernels loaded
        for label, kwargs in (
            ("flow, candidates", {"solver": "flow", "scope": "candidates"}),
            ("auto, candidates", {"scope": "candidates"}),
            ("auto, market", {}),
        ):
            placed, wall, cpu = _timed(run_match, market, k=20, **kwargs)
            out[f"{n}:{label}"] = {
                "wall_s": wall, "cpu_s": cpu, "status": placed.status.name, "solver": placed.solver,
                "placed": placed.n_placed, "objective": placed.objective, "gap": placed.gap,
                "proven_over": placed.proven_over, "passes": placed.result.stats.get("pricing_passes"),
                "timings": {k: round(v, 3) for k, v in placed.timings.items()}, "peak_mb": _peak_mb(),
            }  # fmt: skip
            print(json.dumps({f"{n}:{label}": out[f"{n}:{label}"]}), file=sys.stderr, flush=True)
    return out


@part
def quotas(args):
    from jobmatch import GroupQuota, Policy, build_problem, solve, synth

    out = {}
    for n in args.sizes:
        m = 500 if n <= 10_000 else n // 100
        policy = Policy(quotas=[GroupQuota("poverty_alleviated", min_share=0.8)])
        problem = build_problem(synth.scenario(n, m, seed=0), policy, k=20)
        result, wall, cpu = _timed(solve, problem, solver="lagrangian")
        members = problem.quotas[0].members
        placed = result.job_of >= 0
        share = float(problem.people[placed & members].sum() / max(problem.people[placed].sum(), 1))
        out[n] = {"wall_s": wall, "cpu_s": cpu, "status": result.status.name, "gap": result.gap,
                  "rounds": result.stats.get("rounds"), "inner": result.stats.get("inner"), "share": share}  # fmt: skip
        print(json.dumps({n: out[n]}), file=sys.stderr, flush=True)
    return out


@part
def warm(args):
    import numpy as np

    from jobmatch import WarmStart, solve

    out = {}
    for n in args.sizes:
        problem = _problem(n, True)
        first = solve(problem, solver="auction")
        rng = np.random.default_rng(1)
        full = np.flatnonzero(
            np.bincount(first.job_of[first.job_of >= 0], minlength=problem.n_jobs) == problem.capacity
        )
        capacity = problem.capacity.copy()
        capacity[full[0]] += 1
        redrawn = problem.values.copy()
        pick = rng.random(problem.n_arcs) < 0.01
        redrawn[pick] += rng.uniform(-0.05, 0.05, int(pick.sum()))
        changes = {
            "capacity+1": problem.__class__._trusted(
                problem.indptr, problem.jobs, problem.values, capacity=capacity, n_jobs=problem.n_jobs,
                use=problem.use, people=problem.people, maximize=True, must_place=False,
            ),
            "1% arcs +-0.05": problem.replace(values=redrawn),
            "values x(1+-1%)": problem.replace(values=problem.values * rng.uniform(0.99, 1.01, problem.n_arcs)),
        }  # fmt: skip
        for label, changed in changes.items():
            cold, cold_wall, cold_cpu = _timed(solve, changed, solver="auction")
            hot, warm_wall, warm_cpu = _timed(solve, changed, solver="auction", warm=WarmStart.of(first))
            assert abs(hot.objective - cold.objective) <= 1e-6 * problem.n_workers, (hot, cold)
            row = {"cold_s": cold_wall, "warm_s": warm_wall, "cold_cpu": cold_cpu, "warm_cpu": warm_cpu,
                   "warm/cold cpu": warm_cpu / cold_cpu, "bids_cold": cold.stats["bids"],
                   "bids_warm": hot.stats["bids"], "status": hot.status.name}  # fmt: skip
            out[f"{n}:{label}"] = row
            print(json.dumps({f"{n}:{label}": row}), file=sys.stderr, flush=True)
    return out


@part
def couples(args):
    import numpy as np
    import scipy.sparse as sp
    from scipy.optimize import Bounds, LinearConstraint, milp

    from jobmatch import solve

    problem = _problem(min(args.sizes), False)
    result, wall, _ = _timed(solve, problem, solver="auction")
    n, m, arcs = problem.n_workers, problem.n_jobs, problem.n_arcs
    rows = np.repeat(np.arange(n), np.diff(problem.indptr))
    one_job = sp.csr_matrix((np.ones(arcs), (rows, np.arange(arcs))), shape=(n, arcs))
    room = sp.csr_matrix((problem.use.astype(float), (problem.jobs, np.arange(arcs))), shape=(m, arcs))
    began = time.perf_counter()
    exact = milp(
        -problem.values,
        constraints=[LinearConstraint(one_job, 0, 1), LinearConstraint(room, 0, problem.capacity)],
        integrality=np.ones(arcs), bounds=Bounds(0, 1), options={"time_limit": 300, "mip_rel_gap": 1e-9},
    )  # fmt: skip
    return {
        "auction": {"wall_s": wall, "objective": result.objective, "bound": result.bound, "gap": result.gap,
                    "split": result.stats["split"]},
        "milp": {"wall_s": time.perf_counter() - began, "message": exact.message, "objective": -exact.fun,
                 "bound": -exact.mip_dual_bound},
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*", default=list(PARTS))
    parser.add_argument("--sizes", nargs="*", type=int, default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", default=None)
    parser.add_argument("--child-memory", nargs=2, default=None)
    args = parser.parse_args()
    if args.child_memory:
        print(json.dumps(_memory_child(args.child_memory[0], int(args.child_memory[1]))))
        return
    if args.child:
        print(json.dumps(PARTS[args.child](args)))
        return
    for name in args.only:
        sizes = [str(s) for s in args.sizes]
        cmd = [sys.executable, __file__, "--child", name, "--sizes", *sizes, "--rounds", str(args.rounds)]
        run_child(name, cmd)


if __name__ == "__main__":
    main()
