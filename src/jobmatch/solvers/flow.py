"""Exact min-cost flow with OR-Tools' ``SimpleMinCostFlow``.

Network: source supply at each worker (1 unit), worker -> job arcs
(capacity 1, cost = -value when maximising), job -> sink arcs (the job's
capacity), and, unless every worker must be placed, a zero-cost worker ->
sink bypass so that placing stays optional.  Group count floors and
ceilings are expressed when the quota groups partition the workers: the
bypasses of a group's members go through the group's own node, whose arc to
the sink carries lower and upper bounds on the group's *unplaced* members.
"""

from __future__ import annotations

import time

import numpy as np
from ortools.graph.python import min_cost_flow

from ..problem import Problem
from ..result import Result, Status
from ._common import integer_values, job_of_from_arcs, pack, timed


def unsupported(problem: Problem) -> str | None:
    """Why flow cannot express this problem (None if it can)."""
    if np.any(problem.use != 1):
        return "an arc uses more than one unit of capacity (flow sends one unit per worker)"
    if problem.caps:
        return "employer or region caps"
    if any(q.min_share is not None or q.max_share is not None for q in problem.quotas):
        return "quotas by share"
    if problem.quotas:
        if problem.must_place:
            return "quotas when every worker must be placed"
        if np.any(problem.people != 1):
            return "quotas counted in people with groups larger than one"
        cover = np.sum([q.members for q in problem.quotas], axis=0)
        if np.any(cover > 1):
            return "quota groups that overlap (flow needs them to partition the workers)"
    return None


def solve_flow(problem: Problem, /, *, time_limit: float | None = None, seed: int = 0) -> Result:
    """Solve exactly with min-cost flow (``time_limit`` and ``seed`` have no effect: it is exact and fast)."""
    started = time.perf_counter()
    n, m = problem.n_workers, problem.n_jobs
    ints, scale = integer_values(problem)
    costs = -ints if problem.maximize else ints
    sink = n + m
    tails = [problem.workers, n + np.arange(m)]
    heads = [n + problem.jobs, np.full(m, sink)]
    caps = [np.ones(problem.n_arcs, dtype=np.int64), problem.capacity]
    unit = [costs, np.zeros(m, dtype=np.int64)]
    supply = np.zeros(n + m + 1 + len(problem.quotas), dtype=np.int64)
    supply[:n] = 1
    supply[sink] = -n

    def arcs(tail: np.ndarray, head: np.ndarray, capacity: np.ndarray) -> None:
        tails.append(tail)
        heads.append(head)
        caps.append(capacity)
        unit.append(np.zeros(len(tail), dtype=np.int64))

    if not problem.must_place:
        group = np.full(n, -1)
        for g, quota in enumerate(problem.quotas):
            group[quota.members] = g
        loose = np.flatnonzero(group < 0)
        arcs(loose, np.full(len(loose), sink), np.ones(len(loose), dtype=np.int64))
        # A group's members bypass through the group's node, whose arc to the sink
        # bounds the unplaced members to [size - max_count, size - min_count].
        for g, quota in enumerate(problem.quotas):
            node = sink + 1 + g
            members = np.flatnonzero(group == g)
            size = len(members)
            low = max(size - quota.max_count, 0) if quota.max_count is not None else 0
            high = size - quota.min_count if quota.min_count is not None else size
            if high < low:
                return pack(
                    problem,
                    Status.INFEASIBLE,
                    None,
                    "flow",
                    started,
                    diagnosis=f"quota {quota.name!r} needs {quota.min_count:,} placed, but the group has "
                    f"only {size:,} members",
                )
            arcs(members, np.full(size, node), np.ones(size, dtype=np.int64))
            arcs(np.array([node]), np.array([sink]), np.array([high - low]))
            supply[node] -= low  # lower bound L on node -> sink: the node sends L ahead of the flow
            supply[sink] += low

    network = min_cost_flow.SimpleMinCostFlow()

    def build() -> None:
        network.add_arcs_with_capacity_and_unit_cost(
            np.concatenate(tails).astype(np.int32),
            np.concatenate(heads).astype(np.int32),
            np.concatenate(caps).astype(np.int64),
            np.concatenate(unit).astype(np.int64),
        )
        network.set_nodes_supplies(np.arange(len(supply), dtype=np.int32), supply)

    _, build_s = timed(build)
    status, solve_s = timed(network.solve)
    timings = {"build": build_s, "solve": solve_s}
    stats = {"arcs": network.num_arcs(), "nodes": network.num_nodes(), "scale": scale}
    if status != network.OPTIMAL:
        return pack(
            problem,
            Status.INFEASIBLE,
            None,
            "flow",
            started,
            timings=timings,
            stats=stats,
            diagnosis=_diagnose(problem),
        )
    flows = network.flows(np.arange(problem.n_arcs, dtype=np.int32))
    return pack(
        problem, Status.OPTIMAL, job_of_from_arcs(problem, flows > 0), "flow", started, timings=timings, stats=stats
    )


def _diagnose(problem: Problem) -> str:
    """Words for an infeasible flow: how many can be placed against what is required."""
    network = min_cost_flow.SimpleMinCostFlow()
    n, m = problem.n_workers, problem.n_jobs
    network.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([np.full(n, n + m + 1), problem.workers, n + np.arange(m)]).astype(np.int32),
        np.concatenate([np.arange(n), n + problem.jobs, np.full(m, n + m)]).astype(np.int32),
        np.concatenate([np.ones(n + problem.n_arcs, dtype=np.int64), problem.capacity]),
        np.zeros(n + problem.n_arcs + m, dtype=np.int64),
    )
    network.set_nodes_supplies(np.array([n + m + 1, n + m], dtype=np.int32), np.array([n, -n]))
    network.solve_max_flow_with_min_cost()
    most = network.maximum_flow()
    parts = []
    if problem.must_place and most < n:
        parts.append(
            f"every worker must be placed, but at most {most:,} of {n:,} can be "
            f"(short by {n - most:,}: {int(np.sum(np.diff(problem.indptr) == 0)):,} have no allowed job)"
        )
    for quota in problem.quotas:
        eligible = int(np.count_nonzero(quota.members & (np.diff(problem.indptr) > 0)))
        if quota.min_count is not None and eligible < quota.min_count:
            parts.append(
                f"quota {quota.name!r} needs {quota.min_count:,} placed, but only {eligible:,} members "
                f"have any allowed job (short by {quota.min_count - eligible:,})"
            )
    return "; ".join(parts) or "the constraints cannot all be met"
