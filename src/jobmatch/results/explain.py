"""Explanations: why a worker got a job, or why none, in words a worker or an officer understands.

For a placed worker: the job, its score, and each fit component against
the next-best candidate job (and, if that one scores higher, what kept the
worker out of it).  For an unplaced worker: the binding reason of
:mod:`jobmatch.results.reasons`, with the state of each candidate job, or, when
no job is feasible at all, how many jobs each hard requirement rules out.

When the solver priced the jobs (``auction``), each job's *cutoff* is its
price times the worker's people: what a place there costs at the optimum.
A worker takes the job where its score beats the cutoff by the most, and
an unplaced worker's scores beat no cutoff ("job X's cutoff is 0.81, the
score there 0.78").

Examples
--------
>>> from jobmatch import match, synth
>>> market = synth.scenario(300, 15, seed=2)
>>> placed = match(market, k=3)
>>> note = placed.explain("城口-0000001")
>>> print(note)  # doctest: +NORMALIZE_WHITESPACE
Worker 城口-0000001 is not placed: its only candidate job is full with people who score at least as high there.
Its candidate jobs, best first:
  job 枣庄-000011 (employer 枣庄-E0000, region 枣庄), score 0.437, cutoff 0.562: it is full with people who
  score at least as high there (lowest 0.600)
>>> note.to_dict()["reason"]
'outranked'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .._checks import fail
from .._html import html_table
from ..components import COMPONENTS
from ..data.market import Market
from ..scoring.scores import filter_failures
from ..scoring.trained import trained_components
from .reasons import STATES, arc_states, state_words

if TYPE_CHECKING:
    from .assignment import Assignment

__all__ = ["FAILED", "LABELS", "Explanation", "explain"]

#: Each fit component in words, as a worker would ask about it.
LABELS = {
    "skill": "skills the job asks for",
    "diet": "food served in the canteen",
    "climate": "heated dormitory where needed",
    "wage": "pay against the worker's floor",
    "brand": "labour-brand partnership",
    "region": "preferred city",
}

#: What failing each hard filter means, said of a job.
FAILED = {
    "skill": "ask for a skill level the worker lacks",
    "diet": "do not serve the worker's food",
    "climate": "have no heated dormitory",
    "wage": "pay below the worker's floor",
    "brand": "have no partnership with the worker's labour brand",
    "region": "are outside the worker's preferred cities",
    "strict_diet": "do not serve a diet the worker must keep",
    "capacity": "have fewer places than the worker's household needs",
}


@dataclass(frozen=True)
class Explanation:
    """One worker's explanation: the structured facts and the text.

    ``str(explanation)`` is the text.  ``to_dict()`` gives every field.

    Attributes
    ----------
    worker : str or int
        The worker's id, as given.
    job : str, int or None
        The job taken (None if unplaced).
    score : float or None
        Its composite score (less the training penalty for a trainee).
    components : dict or None
        Its fit components (on the levels after training for a trainee).
    program : str, int or None
        The training programme the worker takes first (None: none).
    alternative : dict or None
        The next-best candidate job: ``job``, ``score``, ``components``,
        ``program`` (the best route's programme there, or None) and
        ``why_not`` (words, or None when it scores lower).
    reason : str or None
        For an unplaced worker, a code of :data:`jobmatch.results.reasons.REASONS`.
    candidates : list of dict
        For an unplaced worker, each candidate job with ``job``, ``score``,
        ``state`` (words) and ``cutoff`` (None without prices).
    failed : dict
        For a worker with no feasible job: jobs failing each hard filter.
    text : str
        The whole explanation in words.
    """

    worker: Any
    job: Any = None
    score: float | None = None
    components: dict[str, float] | None = None
    program: Any = None
    alternative: dict[str, Any] | None = None
    reason: str | None = None
    candidates: list[dict[str, Any]] = field(default_factory=list)
    failed: dict[str, int] = field(default_factory=dict)
    text: str = ""

    def __str__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        """The notebook view: the placement, its components, the next-best job or the reason, and the words."""
        job = "unplaced" if self.job is None else self.job
        rows: list[tuple[str, object]] = [("worker", self.worker), ("job", job)]
        if self.score is not None:
            rows.append(("score", f"{self.score:.3f}"))
        rows += [(f"fit {name}", f"{value:.2f}") for name, value in (self.components or {}).items()]
        if self.program is not None:
            rows.append(("training", self.program))
        if self.alternative is not None:
            rows.append(("next best", f"{self.alternative['job']} ({self.alternative['score']:.3f})"))
        if self.reason is not None:
            rows.append(("reason", self.reason))
        rows.append(("in words", self.text))
        return html_table("jobmatch Explanation", rows)

    def to_dict(self) -> dict[str, Any]:
        """Every field as plain Python values."""
        return asdict(self)


def _describe_job(market: Market, j: int) -> str:
    jobs, vocab = market.jobs, market.vocab
    return f"job {jobs.ids[j]} (employer {vocab.employer[jobs.employer[j]]}, region {vocab.place[jobs.region[j]]})"


def _state_words(assignment: Assignment, i: int, arc: int) -> str | None:
    """What keeps worker ``i`` out of the job of ``arc`` (None if nothing: it could move there)."""
    usage = assignment.usage
    state, cap, quota = arc_states(usage, np.array([arc]), leaving=int(assignment.job_of[i]))
    if STATES[state[0]] == "not_chosen":
        return None
    return state_words(usage, arc, int(state[0]), int(cap[0]), int(quota[0]), solver=assignment.solver)


def explain(assignment: Assignment, worker_id: str | int) -> Explanation:
    """Why a worker got its job, or why none.

    Parameters
    ----------
    assignment : Assignment
    worker_id : str or int
        The worker's id (or position).

    Returns
    -------
    Explanation
        Printable; ``to_dict()`` for the structured form.

    Raises
    ------
    ValidationError
        ``assignment`` not an Assignment, or ``worker_id`` neither the id
        of a worker in its market nor a position from ``-n_workers`` to
        ``n_workers - 1``.

    Examples
    --------
    >>> from jobmatch import match, synth
    >>> market = synth.scenario(300, 15, seed=2)
    >>> placed = match(market, k=3)
    >>> note = placed.explain("巫溪-0000011")
    >>> print(note)  # doctest: +NORMALIZE_WHITESPACE
    Worker 巫溪-0000011 is placed at job 烟台-000005 (employer 烟台-E0000, region 烟台), score 0.685.
    Compared with its best other candidate, job 济宁-000003 (employer 济宁-E0000, region 济宁), score 0.834:
      skills the job asks for: 1.00 here, 1.00 there
      food served in the canteen: 0.33 here, 1.00 there (better there)
      heated dormitory where needed: 1.00 here, 1.00 there
      pay against the worker's floor: 0.59 here, 0.67 there (better there)
      labour-brand partnership: 0.00 here, 0.00 there
      preferred city: 1.00 here, 1.00 there
    That job scores higher, but it is full, and went to people who score lower there but have fewer alternatives.
    Cutoffs (what a place costs at the optimum): 0.000 here, 0.219 there; the score beats them by 0.685 here and
    0.615 there.
    >>> note.job, round(note.alternative["score"], 3)
    ('烟台-000005', 0.834)
    """
    if not isinstance(getattr(assignment, "market", None), Market):  # Assignment imports this module: duck-typed
        raise fail("explain", "assignment", "a jobmatch.Assignment", type(assignment).__name__)
    market, problem = assignment.market, assignment.problem
    i = market.worker_index(worker_id)
    wid = market.workers.ids[i]
    lo, hi = int(problem.indptr[i]), int(problem.indptr[i + 1])
    arcs = np.arange(lo, hi)
    sign = 1.0 if problem.maximize else -1.0
    arcs = arcs[np.lexsort((problem.jobs[arcs], -sign * problem.values[arcs]))]  # best first
    own = int(assignment.job_of[i])
    if own >= 0:
        return _placed(assignment, i, wid, own, arcs)
    codes, words = assignment.reasons
    lines = [f"Worker {wid} is not placed: {words[i]}."]
    failed: dict[str, int] = {}
    listed = []
    if codes[i] == "no_feasible_job":
        failed = _failures(assignment, i)
        said = "; ".join(f"{count:,} {FAILED[name]}" for name, count in failed.items() if count)
        lines.append(f"Of the {market.n_jobs:,} jobs: {said}." if said else "The market has no jobs.")
    elif codes[i] != "no_solution":
        lines.append("Its candidate jobs, best first:")
        for arc in arcs:
            j = int(problem.jobs[arc])
            state = _state_words(assignment, i, int(arc)) or "it has room and nothing stands in the way"
            cut = _cutoff(assignment, i, j)
            listed.append({"job": market.jobs.ids[j], "score": float(problem.values[arc]), "state": state})
            listed[-1]["cutoff"] = cut
            said = "" if cut is None else f", cutoff {cut:.3f}"
            lines.append(f"  {_describe_job(market, j)}, score {problem.values[arc]:.3f}{said}: {state}")
    return Explanation(worker=wid, reason=codes[i], candidates=listed, failed=failed, text="\n".join(lines))


def _placed(assignment: Assignment, i: int, wid: Any, own: int, arcs: np.ndarray) -> Explanation:
    market, problem = assignment.market, assignment.problem
    at = arcs[problem.jobs[arcs] == own]
    score = float(problem.values[at[0]]) if len(at) else float("nan")
    others = arcs[problem.jobs[arcs] != own]
    jobs = np.array([own, *problem.jobs[others[:1]]], dtype=np.int64)
    # A trainee's job is scored on its levels after training; so is the alternative when its best route trains.
    programs = np.full(len(jobs), -1, dtype=np.int64)
    programs[0] = assignment.program_of[i]
    if len(others) and assignment.routes is not None:
        programs[1] = assignment.routes.best()[1][others[0]]
    parts = trained_components(market, assignment.policy, np.full(len(jobs), i), jobs, programs)[1].astype(np.float64)
    mine = dict(zip(COMPONENTS, parts[0].tolist()))
    names = [None if p < 0 else market.programs.ids[p] for p in programs.tolist()]
    lines = [
        f"Worker {wid} is placed at {_describe_job(market, own)}, score {score:.3f}{_course(market, programs[0])}."
    ]
    alternative = None
    if len(others):
        arc = int(others[0])
        j, alt = int(problem.jobs[arc]), float(problem.values[arc])
        theirs = dict(zip(COMPONENTS, parts[1].tolist()))
        higher = (alt > score) if problem.maximize else (alt < score)
        why_not = (_state_words(assignment, i, arc) or "the solver did not move the worker there") if higher else None
        alternative = {"job": market.jobs.ids[j], "score": alt, "components": theirs, "program": names[1]}
        alternative["why_not"] = why_not
        lines.append(
            f"Compared with its best other candidate, {_describe_job(market, j)}, score {alt:.3f}"
            f"{_course(market, programs[1])}:"
        )
        for name in COMPONENTS:
            here, there = mine[name], theirs[name]
            mark = " (better here)" if here > there + 5e-3 else " (better there)" if there > here + 5e-3 else ""
            lines.append(f"  {LABELS[name]}: {here:.2f} here, {there:.2f} there{mark}")
        if why_not:
            lines.append(f"That job scores higher, but {why_not}.")
        here_cut, there_cut = _cutoff(assignment, i, own), _cutoff(assignment, i, j)
        if here_cut is not None and there_cut is not None:
            alternative["cutoff"] = there_cut
            lines.append(
                f"Cutoffs (what a place costs at the optimum): {here_cut:.3f} here, {there_cut:.3f} there; the score "
                f"beats them by {score - here_cut:.3f} here and {alt - there_cut:.3f} there."
            )
    else:
        lines.append("It had no other candidate job.")
    return Explanation(
        worker=wid, job=market.jobs.ids[own], score=score, components=mine, program=names[0],
        alternative=alternative, text="\n".join(lines),
    )  # fmt: skip


def _cutoff(assignment: Assignment, i: int, j: int) -> float | None:
    """Job ``j``'s cutoff for worker ``i``: its price times the worker's people (None when the solver priced none,
    or priced another objective than the scores: a re-match's prices include its move bonus)."""
    prices = assignment.prices
    if prices is None or not assignment.problem.maximize or assignment.result.solved_objective is not None:
        return None
    return float(prices[j] * assignment.problem.people[i])


def _course(market: Market, p: int) -> str:
    """ ", after training in ..." for a route through programme ``p`` (nothing for -1)."""
    if p < 0:
        return ""
    programs = market.programs
    return (
        f", after training in programme {programs.ids[p]} ({int(programs.weeks[p])} weeks, "
        f"{float(programs.cost[p]):,.0f} CNY; the score is less the training penalty)"
    )


def _failures(assignment: Assignment, i: int) -> dict[str, int]:
    """Jobs failing each hard filter for worker ``i`` (a job can fail several)."""
    return filter_failures(assignment.market, assignment.policy, i)
