"""``jobmatch demo``: the main job end to end on a synthetic Shandong–Chongqing scenario, and its report.

The summaries (:func:`summarise`, :func:`summarise_candidates`,
:func:`summarise_assignment`) are the headline figures an officer would
report; :func:`run_demo` times each stage and prints them.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ..data import synth
from ..data.market import Market
from ..policy import GroupQuota, Policy
from ..results.metrics import metrics
from ..scoring.graph import CandidateGraph

if TYPE_CHECKING:
    from ..data.ragged import Ragged
    from ..data.vocabulary import Vocabulary
    from ..results.assignment import Assignment

__all__ = ["busiest_program", "run_demo", "summarise", "summarise_assignment", "summarise_candidates"]


def _timed(stages: list[tuple[str, float]], name: str, fn: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    out = fn()
    stages.append((name, time.perf_counter() - start))
    return out


def summarise(market: Market) -> dict[str, Any]:
    """Headline figures of a market, as an officer would report them.

    Examples
    --------
    >>> from jobmatch import synth
    >>> facts = summarise(synth.scenario(1000, 40, 4, seed=3))
    >>> facts["workers"], facts["jobs"], facts["programmes"]
    (1000, 40, 4)
    >>> 0 < facts["headcount"] and 0 <= facts["skill_supply"]["welding"][1]
    True
    """
    w, j, vocab = market.workers, market.jobs, market.vocab
    people = int(w.size.sum())

    def rows_with(ragged: Ragged, domain: Vocabulary, name: str) -> np.ndarray:
        return ragged.rows_with(domain.code(name)) if name in domain else np.zeros(len(ragged), dtype=bool)

    def share(mask: np.ndarray) -> float:
        return float(mask.mean()) if len(mask) else 0.0

    skill_supply = {
        skill: (int(w.skills.rows_with(code).sum()), int(j.capacity[j.requires.rows_with(code)].sum()))
        for code, skill in enumerate(vocab.skill)
    }
    return {
        "workers": market.n_workers,
        "people": people,
        "poverty_alleviated": int(w.size[rows_with(w.groups, vocab.group, "poverty_alleviated")].sum()),
        "counties": len(np.unique(w.origin)),
        "jobs": market.n_jobs,
        "headcount": int(j.capacity.sum()),
        "employers": len(np.unique(j.employer)),
        "cities": len(np.unique(j.region)),
        "programmes": market.n_programs,
        "seats": int(market.programs.seats.sum()),
        "needs_sichuan": share(rows_with(w.diet, vocab.food, "sichuan")),
        "serves_sichuan": share(rows_with(j.canteen, vocab.food, "sichuan")),
        "needs_heating": share(w.needs_heating),
        "heated_dorm": share(j.heated_dorm),
        "brand_members": int(np.count_nonzero(w.brand >= 0)),
        "skill_supply": skill_supply,
    }


def summarise_candidates(graph: CandidateGraph) -> dict[str, Any]:
    """Headline figures of a worker-side candidate graph.

    Examples
    --------
    >>> import numpy as np
    >>> from jobmatch import CandidateGraph
    >>> g = CandidateGraph.from_dense(np.array([[0.5, -np.inf], [-np.inf, -np.inf]], dtype=np.float32))
    >>> summarise_candidates(g)["workers_without_candidate"], summarise_candidates(g)["jobs_reached"]
    (1, 1)
    """
    lengths = np.diff(graph.indptr)
    best = graph.scores[graph.indptr[:-1][lengths > 0]]
    return {
        "arcs": graph.nnz,
        "workers_without_candidate": int(np.count_nonzero(lengths == 0)),
        "mean_best_score": float(best.mean()) if len(best) else float("nan"),
        "jobs_reached": len(np.unique(graph.indices)),
    }


def summarise_assignment(assignment: Assignment) -> dict[str, Any]:
    """Headline figures of an :class:`~jobmatch.Assignment`."""
    figures = metrics(assignment)
    return {
        "workers": figures["workers_placed"],
        "people": figures["people_placed"],
        "solver": assignment.solver,
        "status": assignment.status.name,
        "proven_over": assignment.proven_over,
        "gap": assignment.gap,
        "fill_rate": figures["fill_rate"],
        "priority_share": figures["group_share"].get("poverty_alleviated", 0.0),
        "priority_people": round(figures["group_share"].get("poverty_alleviated", 0.0) * figures["people_placed"]),
        "trainees": figures["trainees"],
        "training_cost": figures["training_cost"],
        "seats_used": sum(figures["seats_used"].values()),
    }


def busiest_program(assignment: Assignment) -> int:
    """The programme a what-if should grow: the full one with most trainees (else the one with most).

    Examples
    --------
    >>> from jobmatch import match, synth
    >>> placed = match(synth.scenario(300, 20, 4, seed=5), k=5)
    >>> 0 <= busiest_program(placed) < 4
    True
    """
    used = np.array(list(metrics(assignment)["seats_used"].values()), dtype=np.int64)
    full = used >= assignment.market.programs.seats
    return int(np.lexsort((np.arange(len(used)), -used, ~full))[0])


def _gap(solved: dict[str, Any]) -> str:
    return "" if solved["gap"] is None else f", gap to the proven bound {solved['gap']:.2%}"


def _report(args: argparse.Namespace, facts: dict[str, Any], stages: list[tuple[str, float]]) -> str:
    pa = facts["poverty_alleviated"] / max(facts["people"], 1)
    lines = [
        f"jobmatch demo — synthetic Shandong–Chongqing scenario (seed {args.seed})",
        f"  workers     {facts['workers']:>10,}  ({facts['people']:,} people from {facts['counties']} counties; "
        f"{facts['poverty_alleviated']:,} poverty-alleviated = {pa:.1%})",
        f"  jobs        {facts['jobs']:>10,}  (headcount {facts['headcount']:,} at {facts['employers']:,} employers "
        f"in {facts['cities']} cities; {facts['headcount'] / max(facts['people'], 1):.0%} of the people)",
        f"  programmes  {facts['programmes']:>10,}  ({facts['seats']:,} training seats)",
        f"  diet        {facts['needs_sichuan']:.0%} of workers need Sichuan food; "
        f"{facts['serves_sichuan']:.0%} of canteens serve it",
        f"  climate     {facts['needs_heating']:.0%} of workers need heating; "
        f"{facts['heated_dorm']:.0%} of dormitories are heated",
        f"  brands      {facts['brand_members']:,} workers belong to a labour brand",
        "  skill       holders / headcount requiring it",
    ]
    for skill, (holders, demand) in facts["skill_supply"].items():
        lines.append(f"    {skill:<22}{holders:>9,} / {demand:,}")
    cands = facts["candidates"]
    lines.append(
        f"  candidates  {cands['arcs']:,} feasible worker-job arcs kept (top {args.k} per worker); "
        f"{cands['workers_without_candidate']:,} workers have no feasible job; "
        f"{cands['jobs_reached']:,} of {facts['jobs']:,} jobs are in someone's list; "
        f"mean best score {cands['mean_best_score']:.3f}"
    )
    placed, top = facts["placements"], facts["top_k"]
    footing = "over the whole market" if placed["proven_over"] == "market" else f"over the top {args.k} per worker"
    lines.append(
        f"  placements  {placed['people']:,} people placed ({placed['workers']:,} workers) {footing} by "
        f"solver {placed['solver']!r}: {placed['status']}{_gap(placed)}; "
        f"fill rate {placed['fill_rate']:.1%} of headcount; "
        f"poverty-alleviated {placed['priority_share']:.1%} of those placed"
    )
    lines.append(
        f"  top {args.k:<7} {top['people']:,} people placed when each worker's {args.k} best jobs alone are solved "
        f"({top['people'] - placed['people']:+,}): the footing of the lines below, which the pricing passes "
        "do not reach yet (quotas, training)"
    )
    shared = facts["with_share"]
    lines.append(
        f"  with share  at least {args.share:.0%} poverty-alleviated: {shared['people']:,} people placed "
        f"({shared['people'] - top['people']:+,} against the top {args.k} without the share) by solver "
        f"{shared['solver']!r}: {shared['status']}{_gap(shared)}; poverty-alleviated {shared['priority_share']:.1%}"
    )
    if "with_training" in facts:
        trained, what_if = facts["with_training"], facts["what_if"]
        lines.append(
            f"  training    {trained['people']:,} people placed ({trained['people'] - top['people']:+,} against "
            f"no training on the top {args.k}), {trained['trainees']:,} of them trained ({trained['seats_used']:,} "
            f"of {facts['seats']:,} seats, {trained['training_cost']:,.0f} CNY) by solver {trained['solver']!r}: "
            f"{trained['status']}"
        )
        found = what_if["effect"]
        counts = (
            f"; {found.people:+,} people placed, {what_if['priority_people'] - trained['priority_people']:+,} of them "
            "poverty-alleviated"
            if found.proven
            else ""
        )  # counts differ between near-equal answers too: shown only for a proven effect
        lines.append(
            f"  what-if     {args.more_seats:,} more seats in {what_if['program']} ({what_if['program_used']:,} of "
            f"{what_if['program_seats']:,} used before): {found}{counts}"
        )
    lines.append("stage times: " + "; ".join(f"{name} {seconds:.3f} s" for name, seconds in stages))
    return "\n".join(lines)


def run_demo(args: argparse.Namespace) -> int:
    """``jobmatch demo``: build the scenario, score, match (plain, with the share, with training, a what-if) and
    print the report; returns the exit status."""
    from ..pipeline.match import match  # here, so that importing jobmatch.cli loads no numba
    from ..pipeline.routes import more_seats
    from ..results.effect import effect
    from ..scoring.scores import candidates

    stages: list[tuple[str, float]] = []
    market = _timed(
        stages, "build market", lambda: synth.scenario(args.workers, args.jobs, args.programs, seed=args.seed)
    )
    facts = _timed(stages, "summarise", lambda: summarise(market))
    policy = Policy()
    # The first run on a machine compiles the numba kernels (cached on disk afterwards).
    _timed(stages, "load kernels", lambda: candidates(market.worker_slice(0, min(1, market.n_workers)), policy))
    graph = _timed(stages, f"score top-{args.k}", lambda: candidates(market, policy, k=args.k))
    facts["candidates"] = summarise_candidates(graph)
    assignment = _timed(stages, "match (auto)", lambda: match(market, policy, k=args.k, training=False))
    facts["placements"] = summarise_assignment(assignment)
    top = _timed(stages, f"match (top {args.k})", lambda: match(market, policy, k=args.k, training=False,
                                                                 scope="candidates"))  # fmt: skip
    facts["top_k"] = summarise_assignment(top)
    programme = Policy(quotas=[GroupQuota("poverty_alleviated", min_share=args.share)])
    quota = _timed(stages, "match with share", lambda: match(market, programme, k=args.k, training=False))
    facts["with_share"] = summarise_assignment(quota)
    if market.n_programs:
        trained = _timed(stages, "match with training", lambda: match(market, policy, k=args.k))
        facts["with_training"] = summarise_assignment(trained)
        target = busiest_program(trained)
        bigger = more_seats(market, target, args.more_seats)
        what_if = _timed(stages, "what-if seats", lambda: match(bigger, policy, k=args.k))
        facts["what_if"] = {
            **summarise_assignment(what_if),
            "program": market.programs.ids[target],
            "program_seats": int(market.programs.seats[target]),
            "program_used": int(metrics(trained)["seats_used"][market.programs.ids[target]]),
            "effect": effect(trained, what_if),
        }
    print(_report(args, facts, stages))
    return 0
