"""Peers and shared inputs of the solver benchmarks: OR-Tools called directly, the `matching` package."""

from __future__ import annotations


def ortools_direct(workers, jobs, scores, capacity, n_workers):
    """Max-weight assignment with OR-Tools' SimpleMinCostFlow called directly: no checks, no packing.

    The same network and the same 1e6 cost scale as our ``flow``; returns the chosen-arc mask.
    """
    import numpy as np
    from ortools.graph.python import min_cost_flow

    n, m, arcs = n_workers, len(capacity), len(workers)
    net = min_cost_flow.SimpleMinCostFlow()
    cost = -np.round(np.asarray(scores, dtype=np.float64) * 1e6).astype(np.int64)
    net.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([workers, n + np.arange(m), np.arange(n)]).astype(np.int32),
        np.concatenate([n + jobs, np.full(m, n + m), np.full(n, n + m)]).astype(np.int32),
        np.concatenate([np.ones(arcs, np.int64), capacity, np.ones(n, np.int64)]),
        np.concatenate([cost, np.zeros(m + n, np.int64)]),
    )
    net.set_nodes_supplies(
        np.arange(n + m + 1, dtype=np.int32), np.concatenate([np.ones(n, np.int64), np.zeros(m, np.int64), [-n]])
    )
    net.solve()
    return net.flows(np.arange(arcs, dtype=np.int32)) > 0


def preference_lists(n: int = 10_000, m: int = 400, per_worker: int = 10, seed: int = 1):
    """Random complete-on-both-sides preference lists and capacities, as Python lists."""
    import numpy as np

    rng = np.random.default_rng(seed)
    worker_prefs = [rng.permutation(m)[:per_worker].tolist() for _ in range(n)]
    wanted = [[] for _ in range(m)]
    for i, prefs in enumerate(worker_prefs):
        for j in prefs:
            wanted[j].append(i)
    job_prefs = [rng.permutation(w).tolist() for w in wanted]
    return worker_prefs, job_prefs, rng.integers(5, 40, m).tolist()


def matching_package(worker_prefs, job_prefs, capacities):
    """Worker-optimal stable matching by the `matching` package: job index per worker (-1 unmatched).

    The package recurses deeply at benchmark sizes, so it runs on a thread
    with a big stack and a raised recursion limit.
    """
    import sys
    import threading

    from matching.games import HospitalResident

    out = [-1] * len(worker_prefs)

    def run():
        game = HospitalResident.create_from_dictionaries(
            {f"w{i}": [f"j{j}" for j in p] for i, p in enumerate(worker_prefs)},
            {f"j{j}": [f"w{i}" for i in p] for j, p in enumerate(job_prefs)},
            {f"j{j}": c for j, c in enumerate(capacities)},
        )
        for job, residents in game.solve(optimal="resident").items():
            for resident in residents:
                out[int(resident.name[1:])] = int(job.name[1:])

    old = sys.getrecursionlimit()
    sys.setrecursionlimit(1_000_000)
    threading.stack_size(1024 * 1024 * 1024)
    try:
        thread = threading.Thread(target=run)
        thread.start()
        thread.join()
    finally:
        threading.stack_size(0)
        sys.setrecursionlimit(old)
    return out
