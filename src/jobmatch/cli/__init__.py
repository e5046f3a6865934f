"""Command line: ``jobmatch`` (or ``python -m jobmatch``) ``demo | match | explain | validate | policy``.

``demo`` runs the library's main job end to end on a synthetic
Shandong–Chongqing scenario (market, scoring, matching with the programme's
share, training and a more-seats what-if) and prints a short report with
the time of each stage.  The others work on the user's own files (CSV,
Parquet or Excel; see docs/cli.md): ``match`` writes the placements,
``explain`` says why a worker got its job or none, ``validate`` lists
every problem in the files, ``policy --template`` prints a starting
policy.  Exit status: 0 done, 1 infeasible (the diagnosis is printed), 2
bad input (every problem is printed), 130 interrupted.  The demo is
:mod:`jobmatch.cli.demo`; the commands on files :mod:`jobmatch.cli.files`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from .demo import busiest_program, run_demo, summarise, summarise_assignment, summarise_candidates
from .files import on_files

__all__ = ["busiest_program", "main", "summarise", "summarise_assignment", "summarise_candidates"]


def _at_least(low: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = int(text)
        if value < low:
            raise argparse.ArgumentTypeError(f"must be >= {low}, got {value}")
        return value

    return parse


_positive = _at_least(0)


#: What ``--help`` says the program does, in plain text.
DESCRIPTION = (
    "Match workers to jobs across regions: skills, diet, climate, wage, training, priority groups and headcounts. "
    "Commands: demo (the main job on a synthetic Shandong-Chongqing scenario); match, explain and validate (on "
    "your CSV, Parquet or Excel files); policy (a starting policy file). Exit status: 0 done, 1 the policy "
    "cannot be met, 2 bad input, 130 interrupted."
)


def prog_name(argv0: str | None = None) -> str:
    """How the program was called, for usage lines: ``jobmatch`` from the script, ``python -m jobmatch`` from
    ``-m`` (whose ``argv[0]`` is the path of ``__main__.py``).

    Examples
    --------
    >>> prog_name("/usr/bin/jobmatch"), prog_name("/src/jobmatch/__main__.py"), prog_name("")
    ('jobmatch', 'python -m jobmatch', 'jobmatch')
    """
    import os

    argv0 = sys.argv[0] if argv0 is None else argv0
    name = os.path.basename(argv0)
    if name == "__main__.py":
        return "python -m jobmatch"
    return name if name and name != "-c" else "jobmatch"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog_name(), description=DESCRIPTION)
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
        _file_arguments(command, optional=name == "explain")
        command.add_argument("--policy", help="a policy JSON file (see: policy --template)")
        command.add_argument("--solver", default="auto", help="a solver name (default auto)")
        command.add_argument("--k", type=_at_least(1), default=20, help="candidate jobs per worker (default 20)")
        command.add_argument("--time-limit", type=float, default=None, help="seconds for the solve")
        command.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                             help="a progress bar on stderr (default: on when stderr is a terminal and tqdm is "
                                  "installed; --progress forces it, --no-progress turns it off)")  # fmt: skip
        if name == "match":
            command.add_argument("--out", required=True, help="placements file to write (.csv, .parquet or .xlsx)")
        else:
            command.add_argument("--worker", action="append", required=True, help="a worker id (repeatable)")
            command.add_argument(
                "--placements", default=None, help="explain from a placements file match wrote, without solving again"
            )
    validate = commands.add_parser("validate", help="list every problem in your files, with row and column")
    _file_arguments(validate)
    policy = commands.add_parser("policy", help="print a starting policy file")
    policy.add_argument("--template", action="store_true", required=True, help="a commented, valid policy JSON")
    return parser


def _file_arguments(command: argparse.ArgumentParser, *, optional: bool = False) -> None:
    nargs = "?" if optional else None  # explain --placements needs neither file
    command.add_argument("workers", nargs=nargs, default=None, help="workers file (.csv, .parquet, .xlsx)")
    command.add_argument("jobs", nargs=nargs, default=None, help="jobs file")
    command.add_argument("--programs", default=None, help="training programmes file")
    command.add_argument("--encoding", default=None,
                         help="text encoding of CSV files that are not UTF-8, such as gbk")  # fmt: skip
    command.add_argument("--columns", default=None,
                         help="a JSON file mapping your columns onto fields, and flag columns onto groups")  # fmt: skip
    command.add_argument("--catalogue", default=None,
                         help="a JSON file of the allowed names per kind, with aliases (see docs/data.md)")  # fmt: skip


def _share(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"a share in 0..1, got {text}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m jobmatch``; returns the exit status (130 when interrupted by Ctrl-C)."""
    args = _parser().parse_args(argv)
    if args.command != "demo":
        try:
            return on_files(args)
        except KeyboardInterrupt:
            print("interrupted: no file was written or changed", file=sys.stderr)
            return 130
    return run_demo(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
