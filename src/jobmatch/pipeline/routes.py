"""Training routes: a market's paths to a job through a training programme, and seat what-ifs.

A worker may take a job whose requirements they meet only after a
:class:`~jobmatch.TrainingProgram` when they are ``trainable``, hold every
prerequisite level, and lack some level the programme grants; the route is
scored on the levels after training, less the training penalty
(:mod:`jobmatch.scoring.trained`).

A **route** is one (worker, programme, job) triple.  For each programme
:func:`routes` scores its eligible workers against the jobs that require a
skill it grants (their ``k`` best such jobs, with the policy's weights and
filters on the trained levels) and keeps a route only where training
*enables* the pair (infeasible without it) or *improves* it (the route's
value beats the pair's score without training).  Seats and cost count
people: a couple (``size`` 2) trains together, takes two seats and costs
twice.  A programme with no seats, or costing more per person than the
whole budget, gives no routes, so with zero seats (or a zero budget and no
free programme) the routes are empty and the problem is the one without
training.
"""

from __future__ import annotations

import numpy as np

from .._checks import MAX_INDEX, POSITIVE, Whole, fail, param
from ..data.market import Market
from ..data.records import TrainingProgram, record_fields
from ..policy import Policy, policy_for
from ..scoring.blend import Blend, blended
from ..scoring.scores import candidates, pair_components
from ..scoring.trained import penalty, trained_market
from ..solvers.problem import Problem
from ..solvers.training_problem import Routes
from .build import build_problem

__all__ = ["more_seats", "routes"]

#: A change of seats: any integer a seat count can move by (the result is checked against the seats rule).
_EXTRA = Whole(-MAX_INDEX, MAX_INDEX)


def more_seats(market: Market, program: str | int, extra: int) -> Market:
    """The same market with ``extra`` more seats in one programme (by id or position): a what-if.

    ``extra`` is an integer, negative for fewer seats (never below 0); the
    seats that result must stay within a programme's rule (at most 1e9).

    Examples
    --------
    >>> from jobmatch import synth
    >>> market = synth.scenario(50, 10, 3, seed=1)
    >>> bigger = more_seats(market, 1, 40)
    >>> int(bigger.programs.seats[1] - market.programs.seats[1]), bigger.workers is market.workers
    (40, True)
    """
    if not isinstance(market, Market):
        raise fail("more_seats", "market", "a jobmatch.Market", type(market).__name__)
    p = market.program_index(program)
    extra = param("more_seats", "extra", extra, _EXTRA)
    seats = market.programs.seats.copy()
    rule = next(rule for name, rule, _ in record_fields(TrainingProgram) if name == "seats")
    seats[p] = rule.check(max(int(seats[p]) + extra, 0), f"TrainingProgram {market.programs.ids[p]!r}", "seats")
    seats.flags.writeable = False
    copy = market.subset()
    copy.programs = market.programs.replace(seats=seats)
    return copy


def routes(
    market: Market,
    policy: Policy | None = None,
    *,
    k: int = 20,
    train_k: int = 5,
    per_seat: int = 4,
    blend: Blend | None = None,
) -> Routes:
    """The pairs and training routes of a market under a policy.

    Like the ``k`` best jobs per worker, routes are a candidate set: the
    solvers are exact over it.  For each programme, each eligible worker's
    ``train_k`` best jobs among those requiring a granted skill (on the
    trained levels) that training enables or improves; then only the
    ``per_seat * seats`` workers who gain most from the programme keep
    theirs (gain: the best route's value less the worker's best value
    without training, 0 if none), ties to the lower worker index.
    Programmes with the same grants and prerequisites are scored once.

    Parameters
    ----------
    market : Market
    policy : Policy, optional
    k : int, optional
        Jobs per worker without training (as :func:`jobmatch.build_problem`).
    train_k : int, optional
        Jobs per worker and programme.
    per_seat : int, optional
        Workers kept per seat of a programme.
    blend : Blend, optional
        Outside per-pair scores (:mod:`jobmatch.blend`), blended into direct
        and trained scores alike; each programme's ``train_k`` jobs are
        chosen by the built-in composite and then blended (two-stage).

    Returns
    -------
    Routes

    Examples
    --------
    >>> from jobmatch import synth
    >>> market = synth.scenario(400, 40, 5, seed=3)
    >>> r = routes(market, k=10)
    >>> r.n_routes > 0, bool((r.value > r.direct[r.arc]).all())  # each route enables or improves its pair
    (True, True)
    >>> bool((r.problem.values >= r.direct).all())
    True
    """
    policy = policy_for("routes", market, policy)
    train_k = param("routes", "train_k", train_k, POSITIVE)
    per_seat = param("routes", "per_seat", per_seat, POSITIVE)
    base = build_problem(market, policy, k=k, blend=blend)
    programs, jobs, n_skills = market.programs, market.jobs, len(market.vocab.skill)
    budget = policy.training_budget
    usable = (programs.seats > 0) & ((programs.cost <= budget) if budget is not None else True)
    held = market.workers.skills.to_dense(n_skills)
    loss = penalty(market, policy)
    best_direct = np.zeros(market.n_workers)
    np.maximum.at(best_direct, base.workers, base.values)
    # Programmes with the same grants and prerequisites train the same workers to the same levels.
    grants, needs = programs.grants.to_dense(n_skills), programs.prerequisites.to_dense(n_skills)
    _, profile = np.unique(np.hstack([grants, needs]), axis=0, return_inverse=True)
    found = []
    for group in np.unique(profile[usable]):
        members = np.flatnonzero(usable & (profile.reshape(-1) == group))
        grant, grant_level = programs.grants.row(members[0])
        need, need_level = programs.prerequisites.row(members[0])
        eligible = market.workers.trainable & (held[:, need] >= need_level).all(axis=1)
        eligible &= (held[:, grant] < grant_level).any(axis=1)
        wanted = np.zeros(market.n_jobs, dtype=bool)
        for code in grant:
            wanted |= jobs.requires.rows_with(code)
        workers, targets = np.flatnonzero(eligible), np.flatnonzero(wanted)
        if not len(workers) or not len(targets):
            continue
        graph = candidates(trained_market(market, members[0], workers, targets), policy, train_k)
        w = workers[np.repeat(np.arange(len(workers)), np.diff(graph.indptr))]
        j = targets[graph.indices]
        score = graph.scores.astype(np.float64)
        # Scores without training, on the same jobs (a subset scores as the whole market does).
        local = np.searchsorted(targets, j)
        direct = pair_components(market.subset(jobs=targets), policy, w, local)[0].astype(np.float64)
        if blend is not None:  # as the graph of direct arcs holds them: blended, then rounded to float32
            score = blended(market, policy, blend, w, j, score).astype(np.float32).astype(np.float64)
            direct = blended(market, policy, blend, w, j, direct).astype(np.float32).astype(np.float64)
        for p in members:
            value = score - loss[p]
            keep = np.flatnonzero(value > direct)
            # The per_seat * seats workers who gain most from this programme keep their routes.
            gain = np.full(market.n_workers, -np.inf)
            np.maximum.at(gain, w[keep], value[keep] - best_direct[w[keep]])
            ranked = np.lexsort((np.arange(market.n_workers), -gain))[: per_seat * int(programs.seats[p])]
            chosen = np.zeros(market.n_workers, dtype=bool)
            chosen[ranked[np.isfinite(gain[ranked])]] = True
            keep = keep[chosen[w[keep]]]
            found.append((w[keep], j[keep], np.full(len(keep), p, dtype=np.int64), value[keep], direct[keep]))
    empty = np.zeros(0, dtype=np.int64)
    seats = programs.seats.astype(np.int64) * usable
    cost = programs.cost.astype(np.float64)
    if not found or not sum(len(part[0]) for part in found):
        return Routes(base, base.values, empty, empty, np.zeros(0), seats, cost, budget)
    w, j, program, value, direct = (np.concatenate(column) for column in zip(*found))
    m = market.n_jobs
    route_key = w * m + j
    base_key = base.workers * m + base.jobs.astype(np.int64)
    keys, first = np.unique(np.r_[base_key, route_key], return_index=True)
    pair_direct = np.r_[base.values, direct][first]
    arc = np.searchsorted(keys, route_key)
    best = pair_direct.copy()
    np.maximum.at(best, arc, value)
    size = market.workers.size
    problem = Problem.from_arcs(
        keys // m,
        keys % m,
        best,
        n_workers=market.n_workers,
        n_jobs=m,
        capacity=jobs.capacity,
        use=size[keys // m],
        people=size,
        quotas=base.quotas,
        caps=base.caps,
    )
    return Routes(problem, pair_direct, arc, program, value, seats, cost, budget)
