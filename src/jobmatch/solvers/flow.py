"""Min-cost flow with OR-Tools' ``SimpleMinCostFlow``: exact for one-person workers.

Network: source supply at each worker (1 unit), worker -> job arcs
(capacity 1, cost = -value when maximising), job -> sink arcs (the job's
capacity), and, unless every worker must be placed, a zero-cost worker ->
sink bypass so that placing stays optional.  Group count floors and
ceilings are expressed when the quota groups partition the workers: the
bypasses of a group's members go through the group's own node, whose arc to
the sink carries lower and upper bounds on the group's *unplaced* members.
Caps (employer, region) are expressed when they are laminar, any two apart
or one inside the other, as region caps and the caps of employers within
one region are: each job drains into its innermost cap's node, each cap's
node into its parent's (or the sink) through an arc of the cap's limit.

A worker of several people (a couple: every arc uses 2) sends that many
units, each worth its share of the arc's value: costs are multiplied by the
least common multiple of the sizes, so that every share is a whole number.
Flow takes such a problem only while that multiple leaves the values their
full six digits (``lcm x nodes <= MAX_LCM_NODES``: sizes 1 to 10, lcm 2,520,
up to 3.5 million nodes); beyond, :func:`unsupported` says so and ``auto``
picks another solver.  The flow is then a relaxation: if it splits no such worker its
optimum is a valid assignment and optimal; if it splits some, they are
placed greedily where room is left and the result is FEASIBLE with the flow
value as a proven bound (measured on the synthetic markets: 9 couples
split at 10k x 500, gap 0.05%; 39 at 100k x 2k, gap 0.02%).

:func:`solve_flow` runs in steps: :func:`_network` builds the arcs and
supplies above (or diagnoses a quota group too small for its floor),
:func:`_run` solves them with OR-Tools, and :func:`_read` reads the flows
into a Result, with :func:`~jobmatch.solvers.couples.place_split` placing any split worker.

Time limit: checked between the steps (before scaling, after building the
network).  OR-Tools' solve cannot be stopped once started (it holds the GIL
and takes no callback), so it runs to its end, and a Ctrl-C pressed during
it is raised as :class:`KeyboardInterrupt` when it returns.  A status other
than optimal or infeasible from OR-Tools (a cost or capacity range it cannot
hold) raises :class:`~jobmatch.exceptions.SolverError`: never a silent
INFEASIBLE.
"""

from __future__ import annotations

import math
import time
from typing import Any, NamedTuple, cast

import numpy as np
from ortools.graph.python import min_cost_flow

from .._checks import MAX_TOTAL, fail
from ..exceptions import SolverError
from ._pack import Deadline, infeasible, job_of_from_arcs, out_of_time, pack, timed
from ._scale import scaled_values
from .couples import place_split
from .problem import Problem
from .result import Result, Status

#: The least common multiple of the workers' sizes times the flow's nodes stays within this, so that the costs keep
#: six digits of values up to 1 in magnitude (``lcm x nodes x 10**6 <= 2**53``, the reach of ``_scale``).
MAX_LCM_NODES = int(MAX_TOTAL // 10**6)


def cap_tree(problem: Problem) -> tuple[np.ndarray, np.ndarray] | None:
    """Caps as a tree when they are laminar (any two apart or nested), else None.

    Returns the innermost cap of each job (-1: none) and the parent of each
    cap (-1: the sink).  Caps are taken largest first; a cap is laminar with
    those before it exactly when all its jobs share one innermost cap so far,
    which then becomes its parent.  Empty caps constrain nothing and hang
    from the sink.
    """
    owner = np.full(problem.n_jobs, -1)
    parent = np.full(len(problem.caps), -1)
    sizes = [int(c.jobs.sum()) for c in problem.caps]
    for c in sorted(range(len(sizes)), key=lambda c: (-sizes[c], c)):
        mine = np.flatnonzero(problem.caps[c].jobs)
        above = np.unique(owner[mine])
        if len(above) > 1:
            return None
        parent[c] = above[0] if len(above) else -1
        owner[mine] = c
    return owner, parent


def drain_arcs(problem: Problem, sink: int, first_cap: int, *, with_caps: bool = True) -> list[np.ndarray]:
    """(tails, heads, capacities) of the arcs from jobs (nodes ``n ..``) to the sink.

    Without caps each job drains straight into ``sink``; with laminar caps,
    into its innermost cap's node (``first_cap + cap``), and each cap's node
    into its parent's or the sink, through an arc of the cap's limit.
    """
    n, m = problem.n_workers, problem.n_jobs
    owner, parent = np.full(m, -1), np.zeros(0, np.int64)
    if with_caps and problem.caps:
        tree = cap_tree(problem)
        if tree is None:
            raise fail("flow", "caps", "nested or apart (laminar)", "caps that overlap", described=True)
        owner, parent = tree
    limits = np.array([problem.caps[c].limit for c in range(len(parent))], dtype=np.int64)
    return [
        np.concatenate([n + np.arange(m), first_cap + np.arange(len(parent))]),
        np.concatenate(
            [np.where(owner >= 0, first_cap + owner, sink), np.where(parent >= 0, first_cap + parent, sink)]
        ),
        np.concatenate([problem.capacity, limits]),
    ]


def nodes_of(problem: Problem) -> int:
    """Nodes of the flow network of a problem, with the three OR-Tools adds (see ``_scale``)."""
    return problem.n_workers + problem.n_jobs + 1 + len(problem.quotas) + len(problem.caps) + 3


def per_unit(problem: Problem) -> tuple[np.ndarray, int] | str:
    """The capacity each worker uses and the factor that makes every unit's cost whole, or why flow cannot.

    The factor is the least common multiple of the sizes, taken while
    ``lcm x nodes`` stays within :data:`MAX_LCM_NODES` (module notes).
    """
    units = problem.units
    if units is None:
        return "a worker's arcs use different amounts of capacity (or none)"
    sizes = np.unique(units).tolist()
    most = MAX_LCM_NODES // nodes_of(problem)
    per = 1
    for size in sizes:
        per = math.lcm(per, size)
        if per > most:
            return (
                f"workers of {len(sizes):,} different sizes: flow scales costs by their least common multiple, "
                f"more than the {most:,} its {nodes_of(problem):,} nodes leave room for"
            )
    return units, per


def unsupported(problem: Problem) -> str | None:
    """Why flow cannot express this problem (None if it can)."""
    scaled = per_unit(problem)
    if isinstance(scaled, str):
        return scaled
    units = scaled[0]
    if np.any(units != 1) and (problem.quotas or problem.must_place):
        return "workers of several people together with quotas or must-place"
    if problem.caps:
        if cap_tree(problem) is None:
            return "caps that overlap without one holding the other (flow needs them nested or apart)"
        if not np.array_equal(units, problem.people):
            return "caps together with workers whose capacity use differs from their people"
    if any(q.min_share is not None or q.max_share is not None for q in problem.quotas):
        return "quotas by share"
    if any(q.placed_before for q in problem.quotas):
        return "quotas that count people placed before"
    if problem.quotas:
        if problem.must_place:
            return "quotas when every worker must be placed"
        if np.any(problem.people != 1):
            return "quotas counted in people with groups larger than one"
        cover = np.sum([q.members for q in problem.quotas], axis=0)
        if np.any(cover > 1):
            return "quota groups that overlap (flow needs them to partition the workers)"
    return None


class _Network(NamedTuple):
    """Arcs (in pieces, concatenated when the network is built) and node supplies of the flow network."""

    tails: list[np.ndarray]
    heads: list[np.ndarray]
    capacities: list[np.ndarray]
    costs: list[np.ndarray]
    supply: np.ndarray


def _network(problem: Problem, units: np.ndarray, costs: np.ndarray) -> _Network | str:
    """The network of the module notes, or the diagnosis when a quota group is too small for its floor.

    Worker -> job arcs (``costs`` per unit), the drains from jobs through
    the cap tree to the sink, and, unless every worker must be placed, the
    bypasses: straight to the sink, or through the node of the worker's
    quota group.
    """
    n, m = problem.n_workers, problem.n_jobs
    sink = n + m
    first_cap = sink + 1 + len(problem.quotas)  # cap nodes come after the quota nodes
    drain_tails, drain_heads, drain_caps = drain_arcs(problem, sink, first_cap)
    supply = np.zeros(first_cap + len(problem.caps), dtype=np.int64)
    supply[:n] = units
    supply[sink] = -int(units.sum())
    net = _Network(
        [problem.workers, drain_tails],
        [n + problem.jobs, drain_heads],
        [units[problem.workers], drain_caps],
        [costs, np.zeros(len(drain_tails), dtype=np.int64)],
        supply,
    )
    if problem.must_place:
        return net
    return _bypasses(problem, units, sink, net)


def _bypasses(problem: Problem, units: np.ndarray, sink: int, net: _Network) -> _Network | str:
    """``net`` with the zero-cost bypasses that leave workers unplaced (or the diagnosis of an impossible quota).

    A group's members bypass through the group's node, whose arc to the sink
    bounds the unplaced members to ``[size - max_count, size - min_count]``.
    """

    def arcs(tail: np.ndarray, head: np.ndarray, capacity: np.ndarray) -> None:
        net.tails.append(tail)
        net.heads.append(head)
        net.capacities.append(capacity)
        net.costs.append(np.zeros(len(tail), dtype=np.int64))

    group = np.full(problem.n_workers, -1)
    for g, quota in enumerate(problem.quotas):
        group[quota.members] = g
    loose = np.flatnonzero(group < 0)
    arcs(loose, np.full(len(loose), sink), units[loose])
    for g, quota in enumerate(problem.quotas):
        node = sink + 1 + g
        members = np.flatnonzero(group == g)
        size = len(members)
        low = max(size - quota.max_count, 0) if quota.max_count is not None else 0
        high = size - quota.min_count if quota.min_count is not None else size
        if high < low:
            return f"quota {quota.name!r} needs {quota.min_count:,} placed, but the group has only {size:,} members"
        arcs(members, np.full(size, node), np.ones(size, dtype=np.int64))
        arcs(np.array([node]), np.array([sink]), np.array([high - low]))
        net.supply[node] -= low  # lower bound L on node -> sink: the node sends L ahead of the flow
        net.supply[sink] += low
    return net


class _Flow(NamedTuple):
    """A min-cost flow run: the flow on each worker -> job arc (None unless optimal) and its cost."""

    flows: np.ndarray | None
    cost: float
    timings: dict[str, float]
    stats: dict[str, Any]


def _run(net: _Network, n_arcs: int, deadline: Deadline) -> _Flow | None:
    """Build and solve the network with OR-Tools; the flows on its first ``n_arcs`` arcs (the worker -> job ones).

    None when the time limit passes while the network is built (before the
    solve, which cannot be stopped once started).
    """
    network = min_cost_flow.SimpleMinCostFlow()

    def build() -> None:
        network.add_arcs_with_capacity_and_unit_cost(
            np.concatenate(net.tails).astype(np.int32),
            np.concatenate(net.heads).astype(np.int32),
            np.concatenate(net.capacities).astype(np.int64),
            np.concatenate(net.costs).astype(np.int64),
        )
        network.set_nodes_supplies(np.arange(len(net.supply), dtype=np.int32), net.supply)

    _, build_s = timed(build)
    if deadline.passed():
        return None
    status, solve_s = timed(network.solve)
    timings = {"build": build_s, "solve": solve_s}
    stats = {"arcs": network.num_arcs(), "nodes": network.num_nodes()}
    if status in (network.INFEASIBLE, network.UNBALANCED):
        return _Flow(None, math.nan, timings, stats)
    if status != network.OPTIMAL:  # a range OR-Tools cannot hold: a bug here, never an answer
        raise SolverError(f"solver 'flow': OR-Tools' min-cost flow returned {status.name} on a network of {stats}")
    return _Flow(network.flows(np.arange(n_arcs, dtype=np.int32)), network.optimal_cost(), timings, stats)


def solve_flow(problem: Problem, /, *, time_limit: float | None = None, seed: int = 0) -> Result:
    """Solve with min-cost flow (``seed`` has no effect; ``time_limit`` is checked between steps).

    Exact (OPTIMAL) whenever no worker of several people is split between
    jobs by the flow, which always holds when every worker is one person.
    Otherwise FEASIBLE, with the flow value as a proven ``bound``.  UNKNOWN
    when the time limit passes before OR-Tools' solve starts; once started,
    that solve runs to its end (module notes).
    """
    started = time.perf_counter()
    deadline = Deadline(time_limit, started)
    # A worker of several people (a couple) sends that many units, each worth its
    # share of the arc's value; the flow may split them, which is checked after solving.
    scale = per_unit(problem)
    if isinstance(scale, str):
        raise fail("solve_flow", "problem", "a problem flow can express", scale, described=True)
    units, per = scale
    scaled = scaled_values(problem.values, problem.n_workers, nodes=per * nodes_of(problem))
    costs = -scaled.ints if problem.maximize else scaled.ints
    if per != 1:
        costs = costs * (per // units[problem.workers])
    net = _network(problem, units, costs)
    if isinstance(net, str):
        return infeasible(problem, "flow", started, diagnosis=net)
    run = None if deadline.passed() else _run(net, problem.n_arcs, deadline)
    if run is None:
        return out_of_time(
            problem, "flow", started, f"time limit ({time_limit:g} s) reached before the min-cost flow was solved"
        )
    stats = {**run.stats, "scale": scaled.scale}
    if run.flows is None:
        return infeasible(problem, "flow", started, timings=run.timings, stats=stats, diagnosis=diagnose(problem))
    cost = run.cost / per
    bound = scaled.bound(-cost if problem.maximize else cost, problem.maximize)
    return _read(problem, run.flows, bound, started, timings=run.timings, stats=stats)


def _read(problem: Problem, flows: np.ndarray, bound: float, started: float, **extra: Any) -> Result:
    """The Result of an optimal flow: OPTIMAL when it splits no worker, else the split ones placed greedily."""
    whole = flows == problem.use
    split = np.unique(problem.workers[(flows > 0) & ~whole])
    extra["stats"]["split"] = len(split)
    job_of = job_of_from_arcs(problem, whole)
    if len(split) == 0:
        return pack(problem, Status.OPTIMAL, job_of, "flow", started, bound=bound, **extra)
    # The flow value bounds the optimum; the unsplit placements stand.
    return pack(
        problem,
        Status.FEASIBLE,
        place_split(problem, split, job_of),
        "flow",
        started,
        bound=bound,
        diagnosis=f"{len(split):,} groups of several people were split by the flow; they were placed "
        "greedily where room was left, so optimality is not proven",
        **extra,
    )


def most_placed(problem: Problem, *, with_caps: bool) -> int:
    """How many workers can be placed at all (a max flow), with or without the caps."""
    network = min_cost_flow.SimpleMinCostFlow()
    n, m = problem.n_workers, problem.n_jobs
    drain_tails, drain_heads, drain_caps = drain_arcs(problem, n + m, n + m + 2, with_caps=with_caps)
    network.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([np.full(n, n + m + 1), problem.workers, drain_tails]).astype(np.int32),
        np.concatenate([np.arange(n), n + problem.jobs, drain_heads]).astype(np.int32),
        np.concatenate([np.ones(n + problem.n_arcs, dtype=np.int64), drain_caps]),
        np.zeros(n + problem.n_arcs + len(drain_tails), dtype=np.int64),
    )
    network.set_nodes_supplies(np.array([n + m + 1, n + m], dtype=np.int32), np.array([n, -n]))
    network.solve_max_flow_with_min_cost()
    return cast(int, network.maximum_flow())


def diagnose(problem: Problem) -> str:
    """Words for an infeasible flow: how many can be placed against what is required."""
    n = problem.n_workers
    most = most_placed(problem, with_caps=False)
    capped = most_placed(problem, with_caps=True) if problem.caps and problem.must_place and most == n else most
    parts = []
    if problem.must_place and most < n:
        parts.append(
            f"every worker must be placed, but at most {most:,} of {n:,} can be "
            f"(short by {n - most:,}: {int(np.sum(np.diff(problem.indptr) == 0)):,} have no allowed job)"
        )
    if capped < most:
        parts.append(
            f"every worker must be placed, but the caps ({', '.join(repr(c.name) for c in problem.caps)}) "
            f"leave room for at most {capped:,} of {n:,}"
        )
    for quota in problem.quotas:
        eligible = int(np.count_nonzero(quota.members & (np.diff(problem.indptr) > 0)))
        if quota.min_count is not None and eligible < quota.min_count:
            parts.append(
                f"quota {quota.name!r} needs {quota.min_count:,} placed, but only {eligible:,} members "
                f"have any allowed job (short by {quota.min_count - eligible:,})"
            )
    return "; ".join(parts) or "the constraints cannot all be met"
