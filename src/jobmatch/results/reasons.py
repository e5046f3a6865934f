"""Why each unplaced worker is unplaced: a reason code and the reason in words.

A reason is a fact about the solution, checked against the problem's own
arcs, capacities, caps and quotas, in the order an officer would act on it:

======================  ==========================================================
``no_feasible_job``     no job passes the worker's hard requirements (wage floor,
                        skills, strict diet, household size)
``not_chosen``          a candidate job has room and no cap or quota stands in the
                        way; the solver left it (a heuristic, or stopped early)
``cap``                 a candidate job has room (or holds someone scoring lower
                        there), but placing the worker (in that person's place)
                        would exceed an employer or region cap (and a quota too,
                        if the words say so)
``quota``               the same, with caps satisfied but a priority-group quota
                        broken
``displaced``           every candidate job is full, and at one of them the solver
                        placed someone who scores lower there because that person
                        had fewer alternatives (the total score is higher; no cap
                        or quota forbids the swap)
``outranked``           every candidate job is full with people who score at least
                        as high there
``no_solution``         the solve found no solution (the diagnosis says why)
======================  ==========================================================

Candidate jobs are the worker's arcs in the problem: its ``k`` best
feasible jobs under :func:`jobmatch.match`.

Examples
--------
>>> from jobmatch import match, synth
>>> placed = match(synth.scenario(400, 20, seed=5), k=5)
>>> codes, words = unplaced_reasons(placed)
>>> sorted(set(codes[codes != None]))  # noqa: E711
['displaced', 'no_feasible_job', 'outranked']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..solvers.result import Status
from ..solvers.usage import Usage

if TYPE_CHECKING:
    from .assignment import Assignment

__all__ = ["REASONS", "STATES", "arc_states", "state_words", "unmet_anywhere", "unplaced_reasons"]

#: Reason codes for unplaced workers, in the order they are tried, with their meaning.
REASONS = {
    "no_feasible_job": "no job passes this worker's hard requirements",
    "not_chosen": "a candidate job has room and nothing stands in the way; the solver did not use it",
    "cap": "a candidate job has room (or a lower scorer to swap with), but an employer or region cap is reached",
    "quota": "the same, caps allowing, but placing the worker would break a group quota",
    "displaced": "every candidate job is full; one went to someone scoring lower there who had fewer alternatives",
    "outranked": "every candidate job is full with people who score at least as high there",
    "no_solution": "the solve found no solution",
}
#: What stands between an unplaced worker and one candidate job, most actionable first.
STATES = ("not_chosen", "cap", "quota", "cap_and_quota", "displaced", "outranked")

#: The sentences, one home for both voices: said of one job (``"it ..."``, in explanations) and
#: said of the worker's reason (naming ``{job}``; ``{full}`` is "all 3 candidate jobs are" or
#: "its only candidate job is").  ``{limits}`` names the caps and quotas in the way.
_WORDS = {
    "job": {
        "outranked": "it is full with people who score at least as high there (lowest {lowest:.3f})",
        "displaced": "it is full, and went to people who score lower there but have fewer alternatives",
        "not_chosen": "it has room and nothing stands in the way; the {solver!r} solver did not use it",
        "limited_room": "it has room, but {limits}",
        "limited_full": "it is full, and swapping this worker for someone there who scores lower is not allowed: "
        "{limits}",
    },
    "worker": {
        "outranked": "{full} full with people who score at least as high there",
        "displaced": "{full} full; job {job} went to someone who scores lower there but has fewer alternatives, "
        "which gives a higher total",
        "not_chosen": "job {job} has room for this worker; the {solver!r} solver did not use it",
        "limited_room": "job {job} has room, but {limits}",
        "limited_full": "{full} full; swapping this worker for someone at job {job} who scores lower there "
        "is not allowed: {limits}",
    },
}


def row_words(usage: Usage, r: int) -> str:
    """Row ``r`` of ``usage.rows`` (a quota or a cap), in words."""
    rows, _ = usage.rows
    if r >= usage.n_quota_rows:
        cap = usage.problem.caps[r - usage.n_quota_rows]
        return f"the cap {cap.name!r} (at most {cap.limit:,} people) is reached"
    quota_name, kind = rows.names[r].removeprefix("quota ").rsplit(" ", 1)
    quota = next(q for q in usage.problem.quotas if repr(q.name) == quota_name)
    bound = getattr(quota, kind)
    shown = f"{bound:.0%}" if "share" in kind else f"{bound:,}"
    return f"the quota {quota_name} ({kind.replace('_', ' ')} {shown}) would be broken"


def arc_states(usage: Usage, arcs: np.ndarray, *, leaving: int = -1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What keeps each arc's worker out of its job: an index into ``STATES``, and the cap and quota rows.

    A job with room: the caps and quotas placing the worker would break
    (``not_chosen`` if none).  A full job: whether the worker outranks
    its lowest holder and, if so, the caps and quotas that swapping the
    two would break (``displaced`` if none).  ``leaving``: the worker's
    own job, which a move would free.
    """
    p = usage.problem
    workers, jobs = p.workers[arcs], p.jobs[arcs].astype(np.int64)
    value = usage.sign * p.values[arcs]
    fits = usage.room[jobs] >= p.use[arcs]
    low_score, low_worker = usage.lowest
    beats_lowest = (value > low_score[jobs]) | ((value == low_score[jobs]) & (workers < low_worker[jobs]))
    swap = ~fits & beats_lowest
    ask = fits | swap
    cap, quota = np.full(len(arcs), -1, dtype=np.int64), np.full(len(arcs), -1, dtype=np.int64)
    instead = np.where(swap, low_worker[jobs], -1)
    cap[ask], quota[ask] = usage.blocking_rows(workers[ask], jobs[ask], instead=instead[ask], leaving=leaving)
    free = np.where(fits, STATES.index("not_chosen"), STATES.index("displaced"))
    state = np.select(
        [~ask, (cap < 0) & (quota < 0), quota < 0, cap < 0],
        [STATES.index("outranked"), free, STATES.index("cap"), STATES.index("quota")],
        STATES.index("cap_and_quota"),
    )
    return state, cap, quota


def state_words(
    usage: Usage, arc: int, state: int, cap: int, quota: int, *, solver: str, about: str = "job", **names: object
) -> str:
    """What keeps the arc's worker out of its job, in words (from :func:`arc_states`).

    ``about="job"`` says it of the job (explanations); ``about="worker"``
    gives the worker's reason, naming ``job`` and ``full`` (see ``_WORDS``).
    """
    code = STATES[state].removesuffix("_and_quota")
    if code in ("cap", "quota"):
        code = "limited_room" if usage.room[usage.problem.jobs[arc]] >= usage.problem.use[arc] else "limited_full"
    limits = " and ".join(row_words(usage, int(r)) for r in (cap, quota) if r >= 0)
    lowest = usage.sign * usage.lowest[0][usage.problem.jobs[arc]]
    return _WORDS[about][code].format(solver=solver, limits=limits, lowest=lowest, **names)


def unmet_anywhere(assignment: Assignment, workers: np.ndarray) -> list[str]:
    """For each of ``workers``, the hard requirements of its own that no job in the whole market meets, in words
    ('' when each is met somewhere and only their combination, or a job's skill rule, rules every job out).

    What is checked: the strict diets (and every diet when ``diet`` is a hard fit) against every canteen, a
    heated dormitory when ``climate`` is hard, the wage floor against the best pay when ``wage`` is hard, and
    the household size against the largest headcount.  A name on one side only (a strict ``"Halal"`` that no
    canteen serves under any spelling) is named here, so it is never an unexplained ``no_feasible_job``.

    Examples
    --------
    >>> from jobmatch import Job, Market, Worker, match
    >>> market = Market([Worker(id="W1", origin="巫溪", min_wage=3000, diet={"Halal", "rice"})],
    ...                 [Job(id="J1", employer="E", region="泰安", capacity=2, wage=4000, canteen={"pork", "rice"})])
    >>> unmet_anywhere(match(market), np.array([0]))
    ["the strict diet 'Halal' (no canteen serves it)"]
    """
    market, policy = assignment.market, assignment.policy
    if market is None or policy is None or not len(workers):
        return [""] * len(workers)
    w, j, foods = market.workers, market.jobs, market.vocab.food
    needed = foods.mask(policy.strict_diets) | ("diet" in policy.hard)
    served = np.zeros(len(foods), dtype=bool)
    served[j.canteen.codes] = True
    best_pay = float((j.wage + j.subsidy).max()) if len(j) else 0.0
    largest = int(j.capacity.max()) if len(j) else 0
    heated = bool(j.heated_dorm.any())
    out = []
    for i in workers.tolist():
        found = [f"the {'strict ' * ('diet' not in policy.hard)}diet {foods[c]!r} (no canteen serves it)"
                 for c in w.diet.row(i)[0].tolist() if needed[c] and not served[c]]  # fmt: skip
        if "climate" in policy.hard and w.needs_heating[i] and not heated:
            found.append("a heated dormitory (no job has one)")
        if "wage" in policy.hard and w.min_wage[i] > best_pay:
            found.append(f"a wage of at least {w.min_wage[i]:,.0f} (the best job pays {best_pay:,.0f})")
        if w.size[i] > largest:
            found.append(f"room for {int(w.size[i])} people (the largest job takes {largest:,})")
        out.append("; ".join(found))
    return out


def unplaced_reasons(assignment: Assignment) -> tuple[np.ndarray, list[str | None]]:
    """Each worker's reason code (None when placed) and the reason in words, naming the job or the limit.

    Examples
    --------
    >>> from jobmatch import match, synth
    >>> placed = match(synth.scenario(300, 15, seed=2), k=3)
    >>> codes, words = unplaced_reasons(placed)
    >>> i = next(i for i, text in enumerate(words) if text and text.startswith("all 3"))
    >>> print(codes[i], "|", words[i])
    displaced | all 3 candidate jobs are full; job 泰安-000007 went to someone who scores lower there
    but has fewer alternatives, which gives a higher total
    """
    problem, job_of = assignment.problem, np.asarray(assignment.job_of)
    n = problem.n_workers
    codes = np.full(n, None, dtype=object)
    words: list[str | None] = [None] * n
    unplaced = np.flatnonzero(job_of < 0)
    if assignment.status in (Status.INFEASIBLE, Status.UNKNOWN):
        codes[unplaced] = "no_solution"
        for i in unplaced:
            words[i] = f"no solution: {assignment.diagnosis or assignment.status.value}"
        return codes, words
    counts = np.diff(problem.indptr)
    usage = assignment.usage
    arcs = np.flatnonzero(job_of[problem.workers] < 0)
    state, cap, quota = arc_states(usage, arcs)
    # Per worker, the arc with the earliest state; among those, the best-scoring one.
    value = usage.sign * problem.values[arcs]
    owner = problem.workers[arcs]
    pick = np.lexsort((-value, state, owner))
    first = pick[np.r_[True, owner[pick][1:] != owner[pick][:-1]]] if len(arcs) else pick
    job_ids = assignment.market.jobs.ids
    no_job = unplaced[counts[unplaced] == 0]
    unmet = unmet_anywhere(assignment, no_job)
    for i, what in zip(no_job, unmet):
        codes[i] = "no_feasible_job"
        words[i] = (
            f"no job in the market offers what this worker must have: {what}"
            if what
            else "no job passes this worker's hard requirements (wage floor, skills, strict diet, household size)"
        )
    for a, s, c, q in zip(arcs[first], state[first], cap[first], quota[first]):
        w = int(problem.workers[a])
        k = int(counts[w])
        codes[w] = STATES[s].removesuffix("_and_quota")
        full = f"all {k} candidate jobs are" if k > 1 else "its only candidate job is"
        job = job_ids[problem.jobs[a]]
        words[w] = state_words(
            usage, int(a), int(s), int(c), int(q), solver=assignment.solver, about="worker", job=job, full=full
        )
    return codes, words
