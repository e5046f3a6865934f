"""``jobmatch match | explain | validate | policy`` on the user's files.

Every input is checked before any work (the files cell by cell, as
``validate`` does; the ids to explain; the output path), every problem is
printed as the library's own error, never a traceback, and the exit status
says what happened: 0 done, 1 the policy cannot be met, 2 bad input.
Outputs are written atomically (:mod:`jobmatch._atomic`).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Callable
from typing import Any

from ..data.catalogue import Catalogue
from ..data.layout import Layout
from ..data.market import Market
from ..policy import Policy

__all__ = ["on_files"]


def on_files(args: argparse.Namespace) -> int:
    """``match``, ``explain``, ``validate`` and ``policy`` (module notes); returns the exit status.

    Every problem with the user's files or arguments is printed as the
    library's own error (never a traceback) and exits 2.
    """
    from ..exceptions import JobmatchError
    from ..policy import TEMPLATE

    if args.command == "policy":
        print(TEMPLATE, end="")
        return 0
    try:
        if args.command == "validate":
            return _validate(args)
        return _solve_files(args)
    except JobmatchError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # an output that cannot be written (a full disk, a file removed under us)
        print(f"error: {err.strerror or err}: {err.filename or ''}".rstrip(": "), file=sys.stderr)
        return 2


def _problems(args: argparse.Namespace) -> tuple[list[str], Market | None]:
    """Every problem of the input files (each cell, then what spans records), and the market when there is none;
    the columns ignored are printed as notes."""
    import warnings

    from ..data.files import listed
    from ..exceptions import ColumnWarning, ValidationError

    catalogue = _read_json_file("--catalogue", args.catalogue, "catalogue JSON file", Catalogue.from_json)
    layout = _read_json_file("--columns", args.columns, "columns JSON file", Layout.from_json) or Layout()
    found, frames, notes = listed(args.workers, args.jobs, args.programs, encoding=args.encoding, layout=layout)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    if found:
        return found, None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ColumnWarning)  # the notes above
            market = Market.from_frames(*frames, catalogue=catalogue, columns=layout.columns,
                                        groups_from=layout.groups_from)  # fmt: skip
    except ValidationError as err:  # the checks across records, as reading does
        return [str(err)], None
    return [], market


def _print_problems(found: list[str]) -> int:
    for line in found:
        print(line, file=sys.stderr)
    print(f"{len(found):,} problem{'s' * (len(found) != 1)}", file=sys.stderr)
    return 2


def _print_notices(market: Market, policy: Policy | None, *, every: bool) -> None:
    """Names found on one side only: the likely mistakes as warnings, the others as notes (``every``) or counted
    (neither stops a run)."""
    from ..data.coverage import name_notices

    strict = Policy().strict_diets if policy is None else policy.strict_diets
    notices = name_notices(market, strict_diets=strict)
    for notice in notices:
        if every or notice.likely_mistake:
            print(f"{'warning' if notice.likely_mistake else 'note'}: {notice}", file=sys.stderr)
    notes = sum(not notice.likely_mistake for notice in notices)
    if notes and not every:
        print(f"note: {notes} name(s) found on one side of the market only (jobmatch validate lists them)",
              file=sys.stderr)  # fmt: skip


def _validate(args: argparse.Namespace) -> int:
    found, market = _problems(args)
    if market is None:
        return _print_problems(found)
    _print_notices(market, None, every=True)
    print(f"ok: {market.n_workers:,} workers, {market.n_jobs:,} jobs, {market.n_programs:,} programmes")
    return 0


def _read_json_file(where: str, path: str | None, what: str, read: Callable[[bytes], Any]) -> Any:
    """A ``--policy`` or ``--catalogue`` file read by ``read`` (None without one); a missing file or a folder is a
    ValidationError naming it, as is what ``read`` refuses."""
    from pathlib import Path

    from .._checks import fail

    if path is None:
        return None
    file = Path(path)
    if not file.is_file():
        got = "a folder" if file.is_dir() else "no such file"
        raise fail(where, "file", f"an existing {what}", f"{path!r}: {got}", described=True)
    return read(file.read_bytes())


def _explain_saved(args: argparse.Namespace) -> int:
    """``explain --placements``: each worker's row of a saved placements file, without solving again."""
    from .._checks import fail
    from ..data.files import read_placements

    frame = read_placements(args.placements, encoding=args.encoding)
    if "worker" not in frame.columns:
        raise fail("--placements", "columns", "a 'worker' column (a file that match wrote)", list(frame.columns))
    rows = {str(worker): at for at, worker in enumerate(frame["worker"].tolist())}
    _known_ids(args.worker, rows, "--placements")
    for worker in args.worker:
        row = frame.iloc[rows[worker]]
        if isinstance(row.get("job"), str):
            print(f"worker {worker}: placed at job {row['job']} (employer {row.get('employer')}, region "
                  f"{row.get('region')}), score {float(row.get('score', float('nan'))):.3f}")  # fmt: skip
        else:
            print(f"worker {worker}: not placed ({row.get('reason')}): {row.get('why')}")
    return 0


def _progress_wanted(asked: bool | None) -> bool:
    """A progress bar when asked (``--progress`` / ``--no-progress``), else only on a terminal with tqdm installed:
    a bar redrawn into a log file or a pipe fills it with lines."""
    if asked is not None:
        return asked
    return sys.stderr.isatty() and importlib.util.find_spec("tqdm") is not None


def _known_ids(asked: list[str], known: Any, where: str) -> None:
    """Every asked worker id is known, else one error naming all the unknown ones (with close ids)."""
    from .._checks import fail
    from ..data.names import close_names

    unknown = [worker for worker in asked if worker not in known]
    if unknown:
        close = close_names(unknown[0], list(known)[:100_000], cutoff=0.6)
        near = f" (close: {', '.join(map(repr, close))})" if close else ""
        raise fail(where, "--worker", f"ids of workers in the files{near}", unknown)


def _solve_files(args: argparse.Namespace) -> int:
    """``match`` and ``explain`` on the user's files: every input checked before the solve."""
    import warnings

    from .._atomic import check_output
    from ..data.files import WRITABLE, write_frame
    from ..exceptions import NameWarning
    from ..pipeline.match import match

    if args.command == "explain" and args.placements is not None:
        return _explain_saved(args)
    if args.workers is None or args.jobs is None:
        from .._checks import fail

        raise fail(f"jobmatch {args.command}", "files", "a workers file and a jobs file (or --placements FILE)",
                   [args.workers, args.jobs])  # fmt: skip
    out = None
    if args.command == "match":
        inputs = (args.workers, args.jobs, args.programs, args.policy, args.catalogue, args.columns)
        out = check_output("jobmatch match", "--out", args.out, suffixes=WRITABLE, inputs=inputs)
    policy = _read_json_file("--policy", args.policy, "policy JSON file", Policy.from_json)
    found, market = _problems(args)
    if market is None:
        return _print_problems(found)
    if out is None:
        _known_ids(args.worker, set(market.workers.ids.tolist()), "jobmatch explain")
    _print_notices(market, policy, every=False)
    progress = _progress_wanted(args.progress)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NameWarning)  # printed above, in full
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
    write_frame(frame, out)
    print(f"wrote {out} ({len(frame):,} rows)")
    return 0
