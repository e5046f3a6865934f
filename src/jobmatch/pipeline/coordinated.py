"""The price-coordinated assignment on Dask: job prices on the driver, arcs in the partitions, an exact finish.

The dual of the assignment has one variable per job, its price ``p_j``
per place.  For any prices, a worker of ``s`` people (score ``v_ij`` at
job ``j``) wants the job with the largest reduced score ``v_ij - s p_j``,
or nothing if none is positive, and

    D(p) = sum_j capacity_j p_j + sum_i max(0, max_j (v_ij - s_i p_j))

bounds the best total score from above.  Every term of D but the first
lives in one partition, so prices are what the driver broadcasts and
partial sums are what comes back.

Steps (:func:`assign`):

1. *Prepare*: each partition turns its candidate rows into arrays (kept in
   the workers' memory), checked: unknown job ids, non-finite scores, a
   worker's pair listed twice, sizes that disagree.
2. *Sample prices*: every ``stride``-th worker's arcs (at most
   ``SAMPLE_WORKERS`` workers) come to the driver, which solves that
   market with capacities scaled down by the same factor on the
   single-machine ``auction``: its prices are the start.
3. *Refine* (``rounds``): each round the partitions return their demand
   per job and their part of D(p); the driver moves prices along the
   excess demand (a projected subgradient step, shrinking each round).
4. *Sparsify*: each partition keeps the arcs whose reduced score is within
   ``delta`` of its worker's best (the outside option, 0, included).
5. *Solve exactly* what was kept, on the driver, with the ``auction`` warm
   from the prices: an assignment and exact prices ``p*`` with surpluses.
6. *Verify*: one pass over every arc checks ``v_ij - s_i p*_j <= surplus_i``
   on the integer values the driver solved (six-digit scaling); arcs that
   break it are sent to the driver and added, and step 5 runs again, warm.
   When none breaks it, the driver's prices certify the whole market: its
   bound holds for every arc, kept or not.

Every round trip moves one number per job (prices out, demand back) and
the arcs kept: the driver holds the kept arcs and a few numbers per
worker, never the whole market.  Results are the same for any
partitioning: prices move on whole-number demand only, and the driver's
arcs are in the workers' order.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._arrays import indptr_from_counts
from .._checks import NON_NEGATIVE, Whole, fail, param
from ..data.frames import raw_from_frame
from ..data.market import check_unique_ids
from ..data.records import Job
from ..exceptions import SolverError, optional_import
from ..policy import Policy
from ..solvers.problem import Problem
from ..solvers.registry import solve
from ..solvers.result import Result, Status
from ..solvers.warm import WarmStart
from . import _partition as each
from ._cluster import Cluster, column_kinds, frame_arg, partitions, read_small, renamed
from .build import time_limit_arg

__all__ = ["Coordinated", "assign"]

logger = logging.getLogger(__name__)

#: Most workers in the price sample solved on the driver (step 2).
SAMPLE_WORKERS = 50_000
#: First step of the refinement rounds, as a share of the largest score (measured: docs/benchmarks.md, "On Dask").
STEP = 0.1
#: Default ``delta`` as a share of the largest score (step 4; measured: docs/benchmarks.md, "On Dask").
DELTA = 0.005
#: Most refinement rounds ``assign`` takes (each is a pass over every arc).
MAX_ROUNDS = 1000
_ROUNDS = Whole(0, MAX_ROUNDS)
#: Most verify-and-add rounds (step 6) before the answer is returned FEASIBLE with its bound.
MAX_PASSES = 20


def _check_once(where: str, cluster: Cluster, parts: list[Any], hashes: list[np.ndarray]) -> None:
    """Each worker's rows in one partition: a worker in two would be placed twice (found by id hashes, confirmed
    and named by the partitions)."""
    every = np.concatenate(hashes) if hashes else np.zeros(0, dtype=np.uint64)
    values, counts = np.unique(every, return_counts=True)
    twice = values[counts > 1]
    if not len(twice):
        return
    holders = [i for i, h in enumerate(hashes) if np.isin(h, twice).any()]
    found = cluster.compute([cluster.task(each.ids_hashed, f"ids-{i}", parts[i], twice) for i in holders])
    seen: dict[str, int] = {}
    for i, ids in zip(holders, found):
        for worker in ids:
            if worker in seen and seen[worker] != i:
                raise fail(where, "candidates", "each worker's rows in one partition",
                           f"worker {worker!r} in partitions {seen[worker]} and {i}", described=True)  # fmt: skip
            seen[worker] = i


@dataclass(frozen=True, eq=False)
class Coordinated:
    """What :func:`assign` returns: placements (lazy) and the certificate.

    Attributes
    ----------
    placements : dask.dataframe.DataFrame
        ``worker``, ``job`` (missing: unplaced), ``score``, ``people``
        and ``reason`` (unplaced workers: ``not_chosen``, ``displaced`` or
        ``outranked``, as in :mod:`jobmatch.results.reasons`; with
        ``workers=``, ``no_feasible_job`` for workers without a candidate).
    status : Status
        OPTIMAL when the prices certify the whole market (no arc breaks
        them and the driver's solve was optimal); FEASIBLE otherwise (split
        couples, a time limit, ``MAX_PASSES`` reached).
    objective, bound, gap : float
        The total score placed, the proven upper bound, and their relative gap.
    prices : numpy.ndarray
        Per job and place, in the jobs frame's order (``job_ids``).
    stats : dict
        ``workers``, ``arcs``, ``arcs_kept`` (on the driver at the end),
        ``sample`` (workers in the price sample), ``rounds`` (refinement),
        ``duals`` (D(p) at the start of each refinement round, the first at
        the sample's prices),
        ``passes`` (verify passes), ``added`` (arcs added by them),
        ``partitions`` and the driver's ``solver``.
    timings : dict
        Seconds per step.
    """

    placements: Any
    status: Status
    objective: float
    bound: float
    gap: float
    prices: np.ndarray
    job_ids: np.ndarray
    stats: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def __repr__(self) -> str:
        s = self.stats
        return (
            f"<Coordinated {self.status.name}: objective {self.objective:,.6g}, bound {self.bound:,.6g}, "
            f"gap {self.gap:.2e}; {s.get('workers', 0):,} workers in {s.get('partitions', 0)} partitions, "
            f"{s.get('arcs_kept', 0):,} of {s.get('arcs', 0):,} arcs kept>"
        )


def _concat(pieces: list[tuple[np.ndarray, ...]]) -> tuple[np.ndarray, ...]:
    return tuple(np.concatenate([p[i] for p in pieces]) for i in range(4))


def _stacked(rows: list[tuple[np.ndarray, ...]], people: np.ndarray, capacity: np.ndarray) -> Problem:
    """The driver's problem from each partition's kept rows (:func:`~._partition.keep`), stacked in partition
    order: the global worker order, so no sort."""
    counts = np.concatenate([r[0] for r in rows]) if rows else np.zeros(0, dtype=np.int32)
    indptr = indptr_from_counts(counts)
    jobs = np.concatenate([r[1] for r in rows]) if rows else np.zeros(0, dtype=np.int32)
    values = np.concatenate([r[2] for r in rows]) if rows else np.zeros(0)
    return Problem(indptr, jobs, values, capacity=capacity, n_jobs=len(capacity), use=np.repeat(people, counts),
                   people=people)  # fmt: skip


def _jobs(jobs: Any) -> tuple[np.ndarray, np.ndarray]:
    """Job ids and capacities, checked as :meth:`Market.from_frames` checks them."""
    raw = raw_from_frame(Job, jobs, "jobs frame")
    ids = np.asarray(raw["id"], dtype=object)
    check_unique_ids(Job.kind, ids)
    return ids, np.asarray(raw["capacity"], dtype=np.int64)


def assign(
    candidates: Any,
    jobs: Any,
    policy: Policy | None = None,
    *,
    workers: Any = None,
    rounds: int = 0,
    delta: float | None = None,
    time_limit: float | None = None,
    client: Any = None,
) -> Coordinated:
    """The price-coordinated assignment of distributed candidates (module notes), with a certificate.

    Parameters
    ----------
    candidates : dask DataFrame or Parquet path(s)
        Rows ``worker``, ``job``, ``score`` and optionally ``people``
        (the worker's size, default 1), as :func:`candidates` writes them:
        each worker's rows in one partition.
    jobs : pandas DataFrame, pyarrow Table or Parquet path(s)
        Every job (``id`` and ``capacity`` are used; checked as
        :meth:`~jobmatch.Market.from_frames` checks them).
    policy : Policy, optional
        Its scores are in the candidates already; quotas and caps are not
        priced here (a ``ValidationError`` says so).
    workers : dask DataFrame or Parquet path(s), optional
        Every worker (its ``id`` column): the placements then list workers
        without any candidate too, with reason ``no_feasible_job``.
    rounds : int, optional
        From 0 to ``MAX_ROUNDS``: price refinement rounds over the whole market after the sample
        (step 3); each costs one pass over every arc.
    delta : float, optional
        Arcs within ``delta`` of their worker's best reduced score are
        kept for the driver (default ``DELTA`` x the largest score).
        Smaller keeps fewer arcs and may need more verify passes; the
        answer is exact either way.
    time_limit : float, optional
        Seconds for each of the driver's solves.
    client : distributed.Client, optional
        Default: the current client, else dask's threaded scheduler.

    Returns
    -------
    Coordinated

    Examples
    --------
    >>> from jobmatch import build_problem, solve, synth
    >>> from jobmatch.distributed import assign, candidates
    >>> market = synth.scenario(2000, 40, seed=4)
    >>> workers, jobs, _ = market.to_frames()
    >>> done = assign(candidates(workers, jobs, k=10), jobs, workers=workers)
    >>> done.status.name, done.gap < 1e-5  # the bound allows for rounding scores to six digits
    ('OPTIMAL', True)
    >>> single = solve(build_problem(market, k=10), solver="auction")
    >>> abs(done.objective - single.objective) < 1e-6
    True
    >>> placed = done.placements.compute()
    >>> len(placed), int(placed.job.notna().sum()) == int((single.job_of >= 0).sum())
    (2000, True)
    >>> placed.reason.value_counts().to_dict()
    {'outranked': 623, 'displaced': 54, 'no_feasible_job': 23}
    """
    started = time.perf_counter()
    where = "jobmatch.distributed.assign"
    cluster = Cluster(client)
    if policy is not None:
        if not isinstance(policy, Policy):
            raise fail(where, "policy", "a jobmatch.Policy or None", type(policy).__name__)
        if policy.has_quotas_or_caps:
            raise fail(where, "policy", "a policy without quotas or caps (assign prices job places only; "
                       "solve quotas and caps on one machine)", policy)  # fmt: skip
    rounds = param(where, "rounds", rounds, _ROUNDS)
    if delta is not None:
        delta = param(where, "delta", delta, NON_NEGATIVE)
    time_limit = time_limit_arg(where, time_limit)
    job_ids, capacity = _jobs(read_small(where, "jobs", jobs))
    frame = renamed(where, frame_arg(where, "candidates", renamed(where, candidates), cluster.workers, key="worker"))
    m = len(job_ids)
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = timings.get(name, 0.0) + now - clock
        clock = now
        logger.info("assign: %s done (%.2f s)", name, timings[name])

    shared_ids = cluster.share(job_ids, "job-ids")
    expected = column_kinds(frame._meta)
    prepared = [cluster.task(each.prepare, f"prepare-{i}", part, shared_ids, i, expected)
                for i, part in enumerate(partitions(frame))]  # fmt: skip
    parts = cluster.persist(prepared)
    shapes = cluster.compute([cluster.task(each.shape, f"shape-{i}", part) for i, part in enumerate(parts)])
    counts = np.array([len(s[0]) for s in shapes], dtype=np.int64)
    people = np.concatenate([s[0] for s in shapes]) if shapes else np.zeros(0, dtype=np.int64)
    firsts = np.r_[0, np.cumsum(counts)[:-1]].astype(np.int64)
    n, n_arcs = int(counts.sum()), int(sum(s[1] for s in shapes))
    top = max((s[2] for s in shapes), default=0.0)
    _check_once(where, cluster, parts, [s[3] for s in shapes])
    lap("prepare")
    # Step 2: prices from a sample, solved on the driver.
    stride = max(1, -(-n // SAMPLE_WORKERS))
    sample = cluster.compute(
        [cluster.task(each.sample, f"sample-{i}", part, int(firsts[i]), stride) for i, part in enumerate(parts)]
    )
    sampled = sum(int(np.count_nonzero(rows[0])) for rows in sample)
    rescaled = np.floor(capacity / stride + 0.5).astype(np.int64)
    start = solve(_stacked(sample, people, rescaled), solver="auction", time_limit=time_limit)
    del sample
    prices = np.asarray(start.prices, dtype=np.float64)
    lap("sample")
    # Step 3: refinement rounds on whole-number demand (the same for any partitioning).
    duals: list[float] = []
    for r in range(rounds):
        shared = cluster.share(prices, f"prices-{r}")
        answers = cluster.compute(
            [cluster.task(each.respond, f"respond-{r}-{i}", part, shared) for i, part in enumerate(parts)]
        )
        demand = np.sum([a[0] for a in answers], axis=0)
        duals.append(float(capacity @ prices) + math.fsum(a[1] for a in answers))
        excess = demand - capacity
        norm = float(np.sqrt(np.sum(excess.astype(np.float64) ** 2)))
        if norm == 0:
            break
        prices = np.maximum(0.0, prices + top * STEP / (r + 1) * excess / norm)
        logger.info("assign: round %d, D(p) %.10g, excess demand %.4g", r, duals[-1], norm)
    lap("rounds")
    # Step 4: sparsify.
    delta = DELTA * top if delta is None else delta
    shared = cluster.share(prices, "prices-kept")
    kept = cluster.compute([cluster.task(each.keep, f"keep-{i}", part, shared, delta) for i, part in enumerate(parts)])
    problem = _stacked(kept, people, capacity)
    del kept  # the driver's memory is the limit: only the problem's copy of the arcs stays
    lap("keep")
    # Steps 5 and 6: solve what was kept, verify every arc, add what breaks the prices, repeat.
    result: Result | None = None
    passes = added = 0
    while True:
        warm = WarmStart(prices=prices) if result is None else WarmStart.of(result)
        result = solve(problem, solver="auction", time_limit=time_limit, warm=warm)
        lap("solve")
        priced = result.duals
        if priced is None or priced.scale is None or result.bound is None:  # the auction always prices, on integers
            raise SolverError("jobmatch.distributed.assign: the driver's auction returned no prices")
        found, surplus, driver_bound, scale = priced.prices, priced.surplus, float(result.bound), priced.scale
        shared_p = cluster.share(found, f"prices-{passes}")
        checks = cluster.compute(
            [
                cluster.task(
                    each.verify, f"verify-{passes}-{i}", part, int(firsts[i]), shared_p,
                    surplus[firsts[i] : firsts[i] + counts[i]], scale, delta,
                )
                for i, part in enumerate(parts)
            ]
        )  # fmt: skip
        passes += 1
        broken = _concat([c[0] for c in checks])
        breaking = sum(c[1] for c in checks)
        bound_all = float(capacity @ found) + math.fsum(c[2] for c in checks)
        lap("verify")
        logger.info("assign: pass %d, %d arcs break the prices, %d sent", passes, breaking, len(broken[0]))
        if not breaking or passes >= MAX_PASSES:
            break
        problem = problem.with_arcs(broken[0], broken[1], broken[2])
        added += len(broken[0])
    proven = not breaking
    status = result.status if proven else Status.FEASIBLE
    bound = driver_bound if proven else max(driver_bound, bound_all)
    job_of = result.job_of
    used = np.bincount(job_of[job_of >= 0], weights=people[job_of >= 0], minlength=m)
    room = capacity - np.round(used).astype(np.int64)
    lowest = np.full(m, np.inf)
    placed = np.flatnonzero(job_of >= 0)
    if len(placed):
        mine = problem.jobs == job_of[problem.workers]
        np.minimum.at(lowest, problem.jobs[mine], problem.values[mine])
    shared_jobs, shared_room, shared_low = (cluster.share(a, name) for a, name in
                                            ((job_ids, "job-ids"), (room, "room"), (lowest, "lowest")))  # fmt: skip
    dd = optional_import("dask.dataframe", "dask", where)
    pieces = [
        cluster.task(each.placed, f"placed-{i}", part, job_of[firsts[i] : firsts[i] + counts[i]], shared_jobs,
                     shared_room, shared_low)
        for i, part in enumerate(parts)
    ]  # fmt: skip
    placements = dd.from_delayed(pieces, meta=_placed_meta(), verify_meta=False)
    if workers is not None:
        placements = _with_everyone(where, placements, workers, cluster.workers)
    objective = float(result.objective)
    gap = (bound - objective) / max(abs(bound), 1e-12) if math.isfinite(bound) else math.inf
    lap("placements")
    timings["total"] = time.perf_counter() - started
    stats = {
        "workers": n, "arcs": n_arcs, "arcs_kept": problem.n_arcs, "sample": sampled,
        "stride": stride, "rounds": rounds, "duals": duals, "passes": passes, "added": added,
        "partitions": len(parts), "solver": result.solver, "driver_status": result.status.name, "delta": delta,
    }  # fmt: skip
    return Coordinated(placements, status, objective, float(bound), max(0.0, gap), found,
                       job_ids, stats, timings)  # fmt: skip


def _placed_meta() -> Any:
    import pandas as pd

    return pd.DataFrame(
        {
            "worker": pd.Series(dtype="string"),
            "job": pd.Series(dtype="string"),
            "score": pd.Series(dtype="float64"),
            "people": pd.Series(dtype="int64"),
            "reason": pd.Series(dtype="string"),
        }
    )


def _with_everyone(where: str, placements: Any, workers: Any, parts: int) -> Any:
    """``placements`` with a row for each worker of ``workers`` that has no candidate (``no_feasible_job``); a
    worker with candidates keeps its row whether ``workers`` lists it or not."""
    frame = frame_arg(where, "workers", workers, parts)
    if "id" not in frame.columns:
        raise fail(where, "workers", "a frame with an 'id' column", list(frame.columns))
    everyone = frame[["id"]].rename(columns={"id": "worker"}).astype({"worker": "string"})
    merged = everyone.merge(placements, on="worker", how="outer")  # a subset of workers drops no placement
    merged["reason"] = merged["reason"].mask(merged["people"].isna(), "no_feasible_job")
    return merged
