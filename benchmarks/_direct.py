"""OR-Tools called directly, for overhead comparisons in the solver benchmarks."""

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
