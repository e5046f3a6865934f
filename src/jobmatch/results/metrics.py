"""Programme metrics of an :class:`~jobmatch.Assignment`, computed from the market's columns.

What a programme officer reports and a researcher compares: how many were
placed, how full the jobs are, the priority groups' shares, the pay over
each worker's floor, the soft needs left unmet (diet, heating), and the
labour-brand partnerships used, and how many pairs would rather be matched
to each other than as placed.  Every figure counts people (a couple is two)
unless its name says workers.  :func:`flows` tabulates people placed from
each origin county to each destination region.

Examples
--------
>>> from jobmatch import match, synth
>>> from jobmatch.results.metrics import metrics
>>> m = metrics(match(synth.scenario(500, 30, seed=2), k=5))
>>> sorted(m)  # doctest: +NORMALIZE_WHITESPACE
['blocking_pairs', 'brand_placements', 'climate_mismatch', 'diet_mismatch', 'fill_rate', 'group_placement_rate',
 'group_share', 'mean_score', 'people_placed', 'placement_rate', 'seats_used', 'trainees', 'training_cost',
 'wage_uplift', 'workers_placed']
>>> 0 <= m["fill_rate"] <= 1 and 0 <= m["group_share"]["poverty_alleviated"] <= 1
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import numpy as np

from ..data.ragged import Ragged
from ..exceptions import optional_import
from ..solvers.usage import Usage

if TYPE_CHECKING:
    from ..solvers.problem import Problem
    from .assignment import Assignment

__all__ = ["blocking_pairs", "flows", "metrics", "training"]


def _pairs_served(needs: Ragged, offers: Ragged, workers: np.ndarray, jobs: np.ndarray) -> np.ndarray:
    """Per (worker, job) pair: whether the job offers every code the worker needs."""
    wanted = needs.take(workers)
    pair = np.repeat(np.arange(len(workers)), wanted.lengths())
    width = int(max(wanted.codes.max(initial=-1), offers.codes.max(initial=-1))) + 1
    offered = np.repeat(np.arange(len(offers)), offers.lengths()).astype(np.int64) * width + offers.codes
    unmet = ~np.isin(jobs[pair].astype(np.int64) * width + wanted.codes, offered)
    return cast(np.ndarray, np.bincount(pair[unmet], minlength=len(workers)) == 0)


def metrics(assignment: Assignment) -> dict[str, Any]:
    """Headline figures of an assignment (see the module notes for each).

    Returns
    -------
    dict
        ``workers_placed``, ``people_placed``, ``placement_rate`` (people
        placed / people), ``fill_rate`` (people placed / headcount),
        ``mean_score`` (mean composite score of the placements),
        ``group_share`` and ``group_placement_rate`` (per group: share of
        the people placed who belong to it; share of its people placed),
        ``wage_uplift`` (mean wage + subsidy over the worker's floor, per
        placed worker), ``diet_mismatch`` and ``climate_mismatch`` (placed
        workers whose food needs are not all served; who need heating in an
        unheated dormitory), ``brand_placements`` (placed workers whose
        labour brand partners the employer), ``blocking_pairs`` (see
        :func:`blocking_pairs`), the training figures of :func:`training`,
        and after :func:`jobmatch.rematch` ``changes`` (workers kept,
        moved, new, evicted, unplaced, locked and left: see
        :meth:`jobmatch.results.changes.Changes.counts`).
    """
    market, problem = assignment.market, assignment.problem
    workers, jobs, vocab = market.workers, market.jobs, market.vocab
    job_of = np.asarray(assignment.job_of)
    placed = np.flatnonzero(job_of >= 0)
    at = job_of[placed]
    size = workers.size.astype(np.int64)
    people = int(size[placed].sum())
    chosen = problem.chosen(job_of)
    groups = {name: workers.groups.rows_with(code) for code, name in enumerate(vocab.group)}
    brand = workers.brand[placed]
    partners = np.zeros(len(placed), dtype=bool)
    branded = brand >= 0
    if branded.any():
        as_ragged = Ragged.from_flat(np.ones(int(branded.sum()), dtype=np.int64), brand[branded].astype(np.int32))
        partners[branded] = _pairs_served(as_ragged, jobs.brands, np.arange(int(branded.sum())), at[branded])
    return {
        "workers_placed": len(placed),
        "people_placed": people,
        "placement_rate": people / max(int(size.sum()), 1),
        "fill_rate": people / max(int(jobs.capacity.sum()), 1),
        "mean_score": float(problem.values[chosen].mean()) if chosen.any() else float("nan"),
        "group_share": {g: int(size[placed][m[placed]].sum()) / max(people, 1) for g, m in groups.items()},
        "group_placement_rate": {
            g: int(size[placed][m[placed]].sum()) / max(int(size[m].sum()), 1) for g, m in groups.items()
        },
        "wage_uplift": float(np.mean(jobs.wage[at] + jobs.subsidy[at] - workers.min_wage[placed]))
        if len(placed)
        else float("nan"),
        "diet_mismatch": int(np.count_nonzero(~_pairs_served(workers.diet, jobs.canteen, placed, at))),
        "climate_mismatch": int(np.count_nonzero(workers.needs_heating[placed] & ~jobs.heated_dorm[at])),
        "brand_placements": int(np.count_nonzero(partners)),
        "blocking_pairs": blocking_pairs(problem, job_of),
        **training(assignment),
        **({} if assignment.changes is None else {"changes": assignment.changes.counts()}),
    }


def training(assignment: Assignment) -> dict[str, Any]:
    """``trainees`` (people placed after training), ``seats_used`` (people per programme id, every
    programme listed) and ``training_cost`` (CNY: each trainee's programme cost times its people).

    Examples
    --------
    >>> from jobmatch import Policy, match, synth
    >>> placed = match(synth.scenario(300, 20, 4, seed=5), Policy(training_budget=20_000), k=5)
    >>> figures = training(placed)
    >>> figures["training_cost"] <= 20_000, sum(figures["seats_used"].values()) == figures["trainees"]
    (True, True)
    """
    market = assignment.market
    program = np.asarray(assignment.program_of)
    trainee = np.flatnonzero((program >= 0) & (np.asarray(assignment.job_of) >= 0))
    people = market.workers.size[trainee].astype(np.int64)
    seats = np.bincount(program[trainee], weights=people, minlength=market.n_programs).astype(np.int64)
    return {
        "trainees": int(people.sum()),
        "seats_used": dict(zip(market.programs.ids.tolist(), seats.tolist())),
        "training_cost": float((market.programs.cost[program[trainee]] * people).sum()),
    }


def blocking_pairs(problem: Problem, job_of: np.ndarray) -> int:
    """Candidate pairs (worker, job) who would both rather be matched to each other.

    Both sides rank by the pair's score (ties to the lower index, as the
    ``stable`` solver does): a pair blocks when the worker is unplaced or
    scores higher there than at its own job, and the job has room for the
    worker's people or holds someone who ranks below the worker.  Only the
    problem's arcs count (each worker's ``k`` best jobs); 0 means stable.

    Examples
    --------
    >>> import numpy as np
    >>> from jobmatch import Problem
    >>> p = Problem.from_dense(np.array([[2.0, 1.0], [3.0, 1.0]]), capacity=1)
    >>> blocking_pairs(p, np.array([0, 1])), blocking_pairs(p, np.array([1, 0]))
    (1, 0)
    """
    solution = Usage(problem, np.asarray(job_of, dtype=np.int64))  # room and lowest holders, as reasons read them
    workers, jobs, job_of = problem.workers, problem.jobs.astype(np.int64), solution.job_of
    value = solution.sign * problem.values
    chosen = solution.chosen
    # Rank keys: higher value first, then the lower index (of job for workers, of worker for jobs).
    own_value = np.full(problem.n_workers, -np.inf)
    own_value[workers[chosen]] = value[chosen]
    rather = (value > own_value[workers]) | ((value == own_value[workers]) & (jobs < job_of[workers]))
    worst_value, worst_worker = solution.lowest
    room = solution.room[jobs] >= problem.use
    outranks = (value > worst_value[jobs]) | ((value == worst_value[jobs]) & (workers < worst_worker[jobs]))
    return int(np.count_nonzero(~chosen & rather & (room | outranks)))


def flows(assignment: Assignment) -> Any:
    """People placed from each origin county (rows) to each destination region (columns).

    Returns
    -------
    pandas.DataFrame
        Integer counts; only origins and regions with a placement appear.

    Examples
    --------
    >>> from jobmatch import match, synth
    >>> placed = match(synth.scenario(400, 25, seed=3), k=5)
    >>> table = flows(placed)
    >>> int(table.to_numpy().sum()) == placed.people_placed
    True
    """
    pd = optional_import("pandas", "pandas", "jobmatch.results.metrics.flows")
    market = assignment.market
    job_of = np.asarray(assignment.job_of)
    placed = np.flatnonzero(job_of >= 0)
    origin = market.workers.origin[placed].astype(np.int64)
    region = market.jobs.region[job_of[placed]].astype(np.int64)
    places = market.vocab.place.as_array()
    n = len(places)
    counts = np.bincount(origin * n + region, weights=market.workers.size[placed], minlength=n * n)
    counts = counts.reshape(n, n).astype(np.int64)
    rows, cols = np.flatnonzero(counts.sum(axis=1)), np.flatnonzero(counts.sum(axis=0))
    return pd.DataFrame(
        counts[np.ix_(rows, cols)],
        index=pd.Index(places[rows], name="origin"),
        columns=pd.Index(places[cols], name="region"),
    )
