"""Progress bars for long runs: one bar per call, a step per stage, the solver's rounds as its status.

:func:`shown` opens a bar (tqdm, the optional ``progress`` extra) for a
call with named stages; inside it, :func:`stage` moves to the next stage
and :func:`note` puts a status on the bar (a solver round's bound and gap,
a training round).  Both are cheap no-ops with no bar open, so the
solvers call them freely.  The bar lives in a context variable: a call in
another thread or task does not write to it.

``enabled``: True shows a bar (tqdm must be installed), False never, None
shows one when tqdm is installed, the run is expected to take more than a
few seconds (``expected`` worker-job pairs at least :data:`AUTO_PAIRS`),
and someone watches: stderr is a terminal, or a notebook's (an IPython
kernel).  A batch job's log is not filled with redrawn bars.

Examples
--------
>>> with shown("match", ["score", "solve"], enabled=False):
...     stage("score")
...     note("nothing shown: no bar is open")
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from .exceptions import optional_import

__all__ = ["AUTO_PAIRS", "note", "shown", "stage"]

#: Worker-job pairs from which a run shows a bar by default (scoring alone is then about a second or more).
AUTO_PAIRS = 10**9


class _Run:
    """The open bar, the call it belongs to, and whether a stage has begun."""

    def __init__(self, bar: Any, where: str) -> None:
        self.bar, self.where, self.staged = bar, where, False


_BAR: ContextVar[_Run | None] = ContextVar("jobmatch_progress_bar", default=None)


def wanted(enabled: bool | None, expected: int) -> bool:
    """Whether to show a bar: ``enabled``, or for None a large run with tqdm installed."""
    if enabled is None:
        return expected >= AUTO_PAIRS and importlib.util.find_spec("tqdm") is not None and _watched()
    return bool(enabled)


def _watched() -> bool:
    """Whether stderr is a terminal or a notebook's (whose stream is no terminal, but shows a bar)."""
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty is not None and isatty()) or "ipykernel" in sys.modules


@contextmanager
def shown(where: str, stages: Sequence[str], *, enabled: bool | None, expected: int = 0) -> Iterator[None]:
    """A bar over ``stages`` for the duration of the block (module notes)."""
    if not wanted(enabled, expected) or _BAR.get() is not None:  # a nested call writes to the outer bar
        yield
        return
    tqdm = optional_import("tqdm", "progress", f"{where}(progress=True)").tqdm
    bar = tqdm(total=len(stages), desc=where, unit="stage", file=sys.stderr, leave=True, dynamic_ncols=True)
    token = _BAR.set(_Run(bar, where))
    try:
        yield
        bar.update(bar.total - bar.n)
    finally:
        _BAR.reset(token)
        bar.close()


def stage(name: str) -> None:
    """Move to stage ``name`` (the previous one is done)."""
    run = _BAR.get()
    if run is not None:
        if run.staged:  # the stage before is done
            run.bar.update(1)
        run.staged = True
        run.bar.set_description(f"{run.where} ({name})")


def note(text: str) -> None:
    """Show ``text`` as the bar's status (a round's bound and gap)."""
    run = _BAR.get()
    if run is not None:
        run.bar.set_postfix_str(text, refresh=True)
