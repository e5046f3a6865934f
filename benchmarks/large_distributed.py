"""jobmatch on Dask (issue 16): the price-coordinated assignment from Parquet on a 2-process LocalCluster.

    python benchmarks/large_distributed.py [--only write assign rounds] [--sizes 200000 1000000 5000000]
                                          [--dir /tmp/jobmatch-bench] [--rounds 6]

Parts (each in a fresh process):

``write``
    For each size (workers; jobs = workers / 100), ``synth.scenario`` written
    as Parquet: workers in files of 50,000 rows (one partition each), jobs
    in one file.  Not timed.
``assign``
    For each size, on ``LocalCluster(n_workers=2, threads_per_worker=1,
    processes=True)``: ``candidates`` (k=20) from the Parquet files, then
    ``assign`` with its defaults: time per step, arcs kept, verify passes,
    gap, peak memory of the driver and of each worker process (each size in
    its own process, so each peak is its own).  At sizes up to 1M also the
    single-machine ``match(scope="candidates")`` objective for comparison.
``rounds``
    At the smallest size (or ``--sizes``), ``assign`` with ``--rounds``
    refinement rounds on the cluster and in this one process (dask's
    threaded scheduler): seconds per round, bytes per round (computed: the
    prices out and the demand back, 8 bytes per job each way per
    partition), and the dual bound D(p) after each round against the
    optimum; then ``delta`` from 0.005 to 0.05 of the largest score: arcs
    kept, passes, seconds.

Figures go to docs/benchmarks.md and docs/distributed.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

from _child import run_child

PARTS = {}
ROWS_PER_FILE = 50_000


def part(fn):
    PARTS[fn.__name__] = fn
    return fn


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _where(args, n: int) -> Path:
    return Path(args.dir) / f"n{n}"


@part
def write(args):
    import pyarrow.parquet as pq

    from jobmatch import synth

    out = {}
    for n in args.sizes:
        where = _where(args, n)
        if (where / "jobs.parquet").exists():
            out[n] = "exists"
            continue
        where.mkdir(parents=True, exist_ok=True)
        market = synth.scenario(n, n // 100, seed=0)
        for i, start in enumerate(range(0, n, ROWS_PER_FILE)):
            workers = market.worker_slice(start, min(n, start + ROWS_PER_FILE)).to_frames(backend="arrow")[0]
            pq.write_table(workers, where / f"workers-{i:04d}.parquet")
        pq.write_table(market.to_frames(backend="arrow")[1], where / "jobs.parquet")
        out[n] = str(where)
    return out


def _cluster():
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                           memory_limit="10GB")  # fmt: skip
    return cluster, Client(cluster)


def _worker_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _paths(args, n: int) -> tuple[list[str], str]:
    where = _where(args, n)
    return sorted(str(p) for p in where.glob("workers-*.parquet")), str(where / "jobs.parquet")


@part
def assign(args):
    import logging

    from jobmatch.distributed import assign as run_assign
    from jobmatch.distributed import candidates

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    logging.getLogger("distributed").setLevel(logging.WARNING)
    out = {}
    cluster, client = _cluster()
    try:
        for n in args.sizes:
            workers, jobs = _paths(args, n)
            began = time.perf_counter()
            rows = candidates(workers, jobs, k=20, client=client)
            done = run_assign(rows, jobs, client=client)
            wall = time.perf_counter() - began
            row = {
                "wall_s": wall, "status": done.status.name, "objective": done.objective, "bound": done.bound,
                "gap": done.gap, "timings": {k: round(v, 2) for k, v in done.timings.items()},
                "stats": {k: v for k, v in done.stats.items() if k != "duals"},
                "kept_share": done.stats["arcs_kept"] / max(done.stats["arcs"], 1),
                "driver_peak_mb": _peak_mb(), "worker_peak_mb": list(client.run(_worker_peak_mb).values()),
            }  # fmt: skip
            if n <= 1_000_000:
                row["single_machine"] = _single(workers, jobs)
            out[n] = row
            print(json.dumps({n: row}), file=sys.stderr, flush=True)
    finally:
        client.close()
        cluster.close()
    return out


def _single(workers: list[str], jobs: str) -> dict:
    """The same market on one machine: ``match`` over the candidates (objective, seconds)."""
    import pandas as pd

    from jobmatch import Market, match

    market = Market.from_frames(pd.concat([pd.read_parquet(p) for p in workers], ignore_index=True),
                                pd.read_parquet(jobs))  # fmt: skip
    began = time.perf_counter()
    placed = match(market, k=20, scope="candidates")
    return {"wall_s": time.perf_counter() - began, "objective": placed.objective, "status": placed.status.name}


@part
def rounds(args):
    from jobmatch.distributed import assign as run_assign
    from jobmatch.distributed import candidates

    n = min(args.sizes)
    workers, jobs = _paths(args, n)
    out = {}
    cluster, client = _cluster()
    try:
        rows = client.persist(candidates(workers, jobs, k=20, client=client))
        m = n // 100
        for label, where in (("cluster", client), ("one process", None)):
            if where is None:
                local = rows.compute()
                from jobmatch.pipeline._cluster import frame_arg

                given = frame_arg("bench", "rows", local, rows.npartitions, key="worker")
                client.close()
            else:
                given = rows
            done = run_assign(given, jobs, rounds=args.rounds, client=where)
            per_round = done.timings["rounds"] / max(1, args.rounds)
            duals = done.stats["duals"]
            out[label] = {
                "partitions": done.stats["partitions"], "round_s": per_round,
                "bytes_per_round": done.stats["partitions"] * (8 * m + 8 * m + 8),
                "duals_gap": [(d - done.objective) / done.objective for d in duals],
                "objective": done.objective, "status": done.status.name, "timings": done.timings,
            }  # fmt: skip
            print(json.dumps({label: out[label]}), file=sys.stderr, flush=True)
        for share in (0.005, 0.01, 0.02, 0.05):
            began = time.perf_counter()
            done = run_assign(given, jobs, delta=share, client=None)  # scores top out near 1
            out[f"delta {share}"] = {
                "kept_share": done.stats["arcs_kept"] / done.stats["arcs"], "passes": done.stats["passes"],
                "added": done.stats["added"], "wall_s": time.perf_counter() - began,
                "solve_s": done.timings.get("solve"), "status": done.status.name,
            }  # fmt: skip
            print(json.dumps({f"delta {share}": out[f"delta {share}"]}), file=sys.stderr, flush=True)
    finally:
        cluster.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*", default=list(PARTS))
    parser.add_argument("--sizes", nargs="*", type=int, default=[200_000, 1_000_000, 5_000_000])
    parser.add_argument("--dir", default=os.environ.get("JOBMATCH_BENCH_DIR", "/tmp/jobmatch-bench"))
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--child", default=None)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(PARTS[args.child](args)))
        return
    for name in args.only:
        # assign: one process per size, so each peak is its own (ru_maxrss never falls)
        groups = [[n] for n in args.sizes] if name == "assign" else [args.sizes]
        for sizes in groups:
            cmd = [sys.executable, __file__, "--child", name, "--sizes", *map(str, sizes), "--dir", args.dir,
                   "--rounds", str(args.rounds)]  # fmt: skip
            run_child(name, cmd)


if __name__ == "__main__":
    main()
