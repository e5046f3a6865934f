"""Command line: ``jobmatch`` (or ``python -m jobmatch``) ``demo | match | explain | validate | policy``.

``demo`` runs the library's main job end to end on a synthetic
Shandong–Chongqing scenario (market, scoring, matching with the programme's
share, training and a more-seats what-if) and prints a short report with
the time of each stage.  The others work on the user's own files (CSV,
Parquet or Excel; see docs/cli.md): ``match`` writes the placements,
``explain`` says why a worker got its job or none, ``validate`` lists
every problem in the files, ``policy --template`` prints a starting
policy.  Exit status: 0 done, 1 infeasible (the diagnosis is printed), 2
bad input (every problem is printed).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .data import synth
from .data.market import Market
from .policy import GroupQuota, Policy
from .results.metrics import metrics
from .scoring.graph import CandidateGraph

if TYPE_CHECKING:
    from .results.assignment import Assignment

__all__ = ["main", "summarise", "summarise_assignment", "summarise_candidates"]


def _at_least(low: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = int(text)
        if value < low:
            raise argparse.ArgumentTypeError(f"must be >= {low}, got {value}")
        return value

    return parse


_positive = _at_least(0)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m jobmatch", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="run the main job on a synthetic Shandong–Chongqing scenario")
    demo.add_argument("--workers", type=_positive, default=10_000, help="workers (default 10000)")
    demo.add_argument("--jobs", type=_positive, default=500, help="jobs (default 500)")
    demo.add_argument("--programs", type=_positive, default=20, help="training programmes (default 20)")
    demo.add_argument("--seed", type=_positive, default=0, help="random seed (default 0)")
    demo.add_argument("--k", type=_at_least(1), default=20, help="candidate jobs kept per worker (default 20)")
    demo.add_argument(
        "--more-seats",
        type=_at_least(1),
        default=100,
        help="what-if: seats added to the most wanted full programme (default 100)",
    )
    demo.add_argument(
        "--share",
        type=_share,
        default=0.75,
        help="minimum poverty-alleviated share of the people placed, the programme's target (default 0.75)",
    )
    for name, text in (("match", "match your files' workers and jobs; write the placements"),
                       ("explain", "why workers of your files got their job, or none")):  # fmt: skip
        command = commands.add_parser(name, help=text)
        _file_arguments(command)
        command.add_argument("--policy", help="a policy JSON file (see: policy --template)")
        command.add_argument("--solver", default="auto", help="a solver name (default auto)")
        command.add_argument("--k", type=_at_least(1), default=20, help="candidate jobs per worker (default 20)")
        command.add_argument("--time-limit", type=float, default=None, help="seconds for the solve")
        command.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                             help="a progress bar on stderr (default: on when tqdm is installed)")  # fmt: skip
        if name == "match":
            command.add_argument("--out", required=True, help="placements file to write (.csv or .parquet)")
        else:
            command.add_argument("--worker", action="append", required=True, help="a worker id (repeatable)")
    validate = commands.add_parser("validate", help="list every problem in your files, with row and column")
    _file_arguments(validate)
    policy = commands.add_parser("policy", help="print a starting policy file")
    policy.add_argument("--template", action="store_true", required=True, help="a commented, valid policy JSON")
    return parser


def _file_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("workers", help="workers file (.csv, .parquet, .xlsx)")
    command.add_argument("jobs", help="jobs file")
    command.add_argument("--programs", default=None, help="training programmes file")


def _share(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"a share in 0..1, got {text}")
    return value


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

    def rows_with(ragged, domain, name: str) -> np.ndarray:
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
    placed = facts["placements"]
    lines.append(
        f"  placements  {placed['people']:,} people placed ({placed['workers']:,} workers) by "
        f"solver {placed['solver']!r}: {placed['status']}{_gap(placed)}; "
        f"fill rate {placed['fill_rate']:.1%} of headcount; "
        f"poverty-alleviated {placed['priority_share']:.1%} of those placed"
    )
    shared = facts["with_share"]
    lines.append(
        f"  with share  at least {args.share:.0%} poverty-alleviated: {shared['people']:,} people placed by solver "
        f"{shared['solver']!r}: {shared['status']}{_gap(shared)}; poverty-alleviated {shared['priority_share']:.1%}"
    )
    if "with_training" in facts:
        trained, what_if = facts["with_training"], facts["what_if"]
        lines.append(
            f"  training    {trained['people']:,} people placed ({trained['people'] - placed['people']:+,} against "
            f"no training), {trained['trainees']:,} of them trained ({trained['seats_used']:,} of {facts['seats']:,} "
            f"seats, {trained['training_cost']:,.0f} CNY) by solver {trained['solver']!r}: {trained['status']}"
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


def _on_files(args: argparse.Namespace) -> int:
    """``match``, ``explain``, ``validate`` and ``policy`` (module notes); returns the exit status."""
    from .data.files import listed
    from .exceptions import ValidationError
    from .policy import TEMPLATE

    if args.command == "policy":
        print(TEMPLATE, end="")
        return 0
    if args.command == "validate":
        found, frames = listed(args.workers, args.jobs, args.programs)  # each file read once
        if not found:
            try:
                market = Market.from_frames(*frames)  # the checks across records, as reading does
            except ValidationError as err:
                found = [str(err)]
            else:
                print(f"ok: {market.n_workers:,} workers, {market.n_jobs:,} jobs, {market.n_programs:,} programmes")
                return 0
        for line in found:
            print(line, file=sys.stderr)
        print(f"{len(found):,} problem{'s' * (len(found) != 1)}", file=sys.stderr)
        return 2
    try:
        return _solve_files(args)
    except ValidationError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


def _solve_files(args: argparse.Namespace) -> int:
    """``match`` and ``explain`` on the user's files."""
    from pathlib import Path

    from .data.schema import fail
    from .pipeline.match import match

    out = None
    if args.command == "match":
        out = Path(args.out)
        if out.suffix.lower() not in (".csv", ".parquet"):
            raise fail("jobmatch match", "--out", "a file ending in .csv or .parquet", args.out)
    market = Market.from_files(args.workers, args.jobs, args.programs)
    policy = None if args.policy is None else Policy.from_json(Path(args.policy).read_bytes())
    progress = importlib.util.find_spec("tqdm") is not None if args.progress is None else args.progress
    placed = match(market, policy, solver=args.solver, k=args.k, time_limit=args.time_limit, progress=progress)
    print(placed)
    if placed.status.name in ("INFEASIBLE", "UNKNOWN"):
        print(f"no placements: {placed.diagnosis}", file=sys.stderr)
        return 1
    if out is None:
        for worker in args.worker:
            print(placed.explain(worker))
        return 0
    frame = placed.to_frame(backend="pandas")
    if out.suffix.lower() == ".csv":
        frame.to_csv(out, index=False)
    else:
        frame.to_parquet(out, index=False)
    print(f"wrote {out} ({len(frame):,} rows)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m jobmatch``; returns the exit status."""
    args = _parser().parse_args(argv)
    if args.command != "demo":
        return _on_files(args)
    from .pipeline.match import match  # here, so that importing jobmatch.cli loads no numba
    from .pipeline.routes import more_seats
    from .results.effect import effect
    from .scoring.scores import candidates

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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
