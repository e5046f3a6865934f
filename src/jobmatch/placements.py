"""Placements: one row per worker, placed or not, and why each unplaced worker is unplaced.

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
>>> frame = placed.to_frame()
>>> len(frame) == 400 and frame["worker"].is_unique
True
>>> sorted(frame["reason"].dropna().unique())
['displaced', 'no_feasible_job', 'outranked']
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import numpy as np

from .exceptions import optional_import
from .policy import COMPONENTS
from .result import Status
from .schema import fail

__all__ = ["REASONS", "Constraints", "to_frame", "unplaced_reasons"]

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

#: Columns of the frame's components, in :data:`~jobmatch.policy.COMPONENTS` order.
FIT_COLUMNS = tuple(f"fit_{name}" for name in COMPONENTS)


@dataclass
class Constraints:
    """The solution's use of every constraint: room per job, lowest holder, slack per quota and cap row.

    Built once per :class:`~jobmatch.Assignment` (``assignment.constraints``)
    and read by :func:`unplaced_reasons` and :func:`jobmatch.explain.explain`.
    """

    problem: Any
    job_of: np.ndarray

    @cached_property
    def chosen(self) -> np.ndarray:
        """Boolean mask over arcs: the placements."""
        return self.problem.jobs == self.job_of[self.problem.workers]

    @cached_property
    def sign(self) -> float:
        return 1.0 if self.problem.maximize else -1.0

    @cached_property
    def room(self) -> np.ndarray:
        """Capacity left per job."""
        p, chosen = self.problem, self.chosen
        used = np.bincount(p.jobs[chosen], weights=p.use[chosen], minlength=p.n_jobs)
        return p.capacity - used.astype(np.int64)

    @cached_property
    def lowest(self) -> tuple[np.ndarray, np.ndarray]:
        """Per job: the score (in the problem's sense) and worker of its lowest-ranked holder (inf, -1 if none)."""
        p, chosen = self.problem, self.chosen
        held = np.flatnonzero(chosen)
        value = self.sign * p.values
        order = held[np.lexsort((-p.workers[held], value[held], p.jobs[held]))]
        first = np.r_[True, p.jobs[order][1:] != p.jobs[order][:-1]] if len(order) else np.zeros(0, dtype=bool)
        score = np.full(p.n_jobs, np.inf)
        worker = np.full(p.n_jobs, -1, dtype=np.int64)
        score[p.jobs[order[first]]] = value[order[first]]
        worker[p.jobs[order[first]]] = p.workers[order[first]]
        return score, worker

    @cached_property
    def rows(self) -> Any:
        """Quotas and caps as rows, with each row's slack (``rhs - activity``) under the solution."""
        from .solvers._rows import rows_of  # the solvers' own definition of every quota and cap

        rows = rows_of(self.problem)
        return rows, rows.rhs - rows.activity(self.job_of)

    def blocking_rows(
        self, workers: np.ndarray, jobs: np.ndarray, *, instead: np.ndarray | None = None, leaving: int = -1
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per (worker, job) pair: the first cap row and the first quota row that placing it would break (-1 none).

        ``instead``: per pair, a worker taken out of that job to make room
        (-1 for none).  ``leaving``: a job every worker leaves (its own, when
        asking about a move).
        """
        rows, slack = self.rows
        n_quota_rows = len(rows) - len(self.problem.caps)
        cap, quota = np.full(len(workers), -1, dtype=np.int64), np.full(len(workers), -1, dtype=np.int64)
        for r in range(len(rows)):
            out = quota if r < n_quota_rows else cap
            extra = rows.by_worker[r, workers] * rows.by_job[r, jobs]
            if instead is not None:
                extra = extra - np.where(instead >= 0, rows.by_worker[r, instead] * rows.by_job[r, jobs], 0.0)
            if leaving >= 0:
                extra = extra - rows.by_worker[r, workers] * rows.by_job[r, leaving]
            out[(out < 0) & (extra > slack[r] + 1e-9)] = r
        return cap, quota

    def row_words(self, r: int) -> str:
        """Row ``r`` of :attr:`rows`, in words."""
        rows, _ = self.rows
        n_quota_rows = len(rows) - len(self.problem.caps)
        if r >= n_quota_rows:
            cap = self.problem.caps[r - n_quota_rows]
            return f"the cap {cap.name!r} (at most {cap.limit:,} people) is reached"
        quota_name, kind = rows.names[r].removeprefix("quota ").rsplit(" ", 1)
        quota = next(q for q in self.problem.quotas if repr(q.name) == quota_name)
        bound = getattr(quota, kind)
        shown = f"{bound:.0%}" if "share" in kind else f"{bound:,}"
        return f"the quota {quota_name} ({kind.replace('_', ' ')} {shown}) would be broken"

    def arc_states(self, arcs: np.ndarray, *, leaving: int = -1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """What keeps each arc's worker out of its job: an index into ``STATES``, and the cap and quota rows.

        A job with room: the caps and quotas placing the worker would break
        (``not_chosen`` if none).  A full job: whether the worker outranks
        its lowest holder and, if so, the caps and quotas that swapping the
        two would break (``displaced`` if none).  ``leaving``: the worker's
        own job, which a move would free.
        """
        p = self.problem
        workers, jobs = p.workers[arcs], p.jobs[arcs].astype(np.int64)
        value = self.sign * p.values[arcs]
        fits = self.room[jobs] >= p.use[arcs]
        low_score, low_worker = self.lowest
        beats_lowest = (value > low_score[jobs]) | ((value == low_score[jobs]) & (workers < low_worker[jobs]))
        swap = ~fits & beats_lowest
        ask = fits | swap
        cap, quota = np.full(len(arcs), -1, dtype=np.int64), np.full(len(arcs), -1, dtype=np.int64)
        instead = np.where(swap, low_worker[jobs], -1)
        cap[ask], quota[ask] = self.blocking_rows(workers[ask], jobs[ask], instead=instead[ask], leaving=leaving)
        free = np.where(fits, STATES.index("not_chosen"), STATES.index("displaced"))
        state = np.select(
            [~ask, (cap < 0) & (quota < 0), quota < 0, cap < 0],
            [STATES.index("outranked"), free, STATES.index("cap"), STATES.index("quota")],
            STATES.index("cap_and_quota"),
        )
        return state, cap, quota

    def arc_words(self, arc: int, state: int, cap: int, quota: int, *, solver: str) -> str:
        """What keeps the arc's worker out of its job, in words (from :meth:`arc_states`)."""
        code = STATES[state]
        if code == "outranked":
            low = self.sign * self.lowest[0][self.problem.jobs[arc]]
            return f"it is full with people who score at least as high there (lowest {low:.3f})"
        if code == "displaced":
            return "it is full, and went to people who score lower there but have fewer alternatives"
        if code == "not_chosen":
            return f"it has room and nothing stands in the way; the {solver!r} solver did not use it"
        limits = " and ".join(self.row_words(int(r)) for r in (cap, quota) if r >= 0)
        if self.room[self.problem.jobs[arc]] >= self.problem.use[arc]:
            return f"it has room, but {limits}"
        return f"it is full, and swapping this worker for someone there who scores lower is not allowed: {limits}"


def unplaced_reasons(assignment: Any) -> tuple[np.ndarray, list[str | None]]:
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
    constraints = assignment.constraints
    arcs = np.flatnonzero(job_of[problem.workers] < 0)
    state, cap, quota = constraints.arc_states(arcs)
    # Per worker, the arc with the earliest state; among those, the best-scoring one.
    value = constraints.sign * problem.values[arcs]
    owner = problem.workers[arcs]
    pick = np.lexsort((-value, state, owner))
    first = pick[np.r_[True, owner[pick][1:] != owner[pick][:-1]]] if len(arcs) else pick
    job_ids = assignment.market.jobs.ids
    for i in unplaced[counts[unplaced] == 0]:
        codes[i] = "no_feasible_job"
        words[i] = "no job passes this worker's hard requirements (wage floor, skills, strict diet, household size)"
    for a, s, c, q in zip(arcs[first], state[first], cap[first], quota[first]):
        i, code = int(problem.workers[a]), STATES[s].removesuffix("_and_quota")
        job, k = job_ids[problem.jobs[a]], int(counts[i])
        full = f"all {k} candidate jobs are" if k > 1 else "its only candidate job is"
        codes[i] = code
        if code == "not_chosen":
            words[i] = f"job {job} has room for this worker; the {assignment.solver!r} solver did not use it"
        elif code in ("cap", "quota"):
            limits = " and ".join(constraints.row_words(int(r)) for r in (c, q) if r >= 0)
            if constraints.room[problem.jobs[a]] >= problem.use[a]:
                words[i] = f"job {job} has room, but {limits}"
            else:
                words[i] = (
                    f"{full} full; swapping this worker for someone at job {job} who scores lower there "
                    f"is not allowed: {limits}"
                )
        elif code == "displaced":
            words[i] = (
                f"{full} full; job {job} went to someone who scores lower there "
                "but has fewer alternatives, which gives a higher total"
            )
        else:
            words[i] = f"{full} full with people who score at least as high there"
    return codes, words


def to_frame(assignment: Any, *, backend: Literal["pandas", "arrow"] = "pandas") -> Any:
    """One row per worker, in market order: the placement, its score and components, or why not placed.

    Parameters
    ----------
    assignment : Assignment
    backend : {"pandas", "arrow"}
        A pandas DataFrame or a pyarrow Table.

    Returns
    -------
    DataFrame or pyarrow.Table
        ``worker``, ``origin``, ``people``, ``job``, ``employer``,
        ``region``, ``program``, ``score``, ``fit_skill`` ... ``fit_region``
        (the components of :func:`jobmatch.breakdown`), ``reason`` (a code
        of :data:`REASONS`, missing when placed) and ``why`` (the reason in
        words).  Unplaced workers have missing job, employer, region and
        NaN score and components.  ``program`` is the training programme
        taken (missing: none); a trainee's components are on its levels
        after training, and its score is their composite less the
        training penalty (see docs/scoring.md).

    Examples
    --------
    >>> from jobmatch import match, synth
    >>> frame = match(synth.scenario(200, 10, seed=1), k=4).to_frame()
    >>> list(frame.columns[:8])
    ['worker', 'origin', 'people', 'job', 'employer', 'region', 'program', 'score']
    >>> bool((frame["job"].isna() == frame["reason"].notna()).all())
    True
    """
    if backend not in ("pandas", "arrow"):
        raise fail("to_frame", "backend", "'pandas' or 'arrow'", backend)
    from .training import components

    market, problem = assignment.market, assignment.problem
    job_of = np.asarray(assignment.job_of)
    n = market.n_workers
    placed = np.flatnonzero(job_of >= 0)
    at = job_of[placed]
    chosen = assignment.constraints.chosen
    score = np.full(n, np.nan)
    score[problem.workers[chosen]] = problem.values[chosen]
    fits = np.full((n, len(COMPONENTS)), np.nan)
    program = np.asarray(assignment.program_of)
    fits[placed] = components(market, assignment.policy, placed, at, program[placed])[1]
    codes, words = assignment.reasons
    places, employers = market.vocab.place.as_array(), market.vocab.employer.as_array()

    def at_placed(values: np.ndarray) -> np.ndarray:
        out = np.full(n, None, dtype=object)
        out[placed] = values
        return out

    def at_trained(ids: np.ndarray) -> np.ndarray:
        out = np.full(n, None, dtype=object)
        out[program >= 0] = ids[program[program >= 0]]
        return out

    columns: dict[str, Any] = {
        "worker": np.asarray(market.workers.ids, dtype=object),
        "origin": places[market.workers.origin],
        "people": market.workers.size.astype(np.int64),
        "job": at_placed(np.asarray(market.jobs.ids, dtype=object)[at]),
        "employer": at_placed(employers[market.jobs.employer[at]]),
        "region": at_placed(places[market.jobs.region[at]]),
        "program": at_trained(np.asarray(market.programs.ids, dtype=object)),
        "score": score,
        **{name: fits[:, c] for c, name in enumerate(FIT_COLUMNS)},
        "reason": codes,
        "why": np.array(words, dtype=object),
    }
    if backend == "arrow":
        pa = optional_import("pyarrow", "pandas", "Assignment.to_frame(backend='arrow')")
        return pa.table({name: pa.array(list(values) if values.dtype == object else values)
                         for name, values in columns.items()})  # fmt: skip
    pd = optional_import("pandas", "pandas", "Assignment.to_frame")
    return pd.DataFrame(columns)
