"""Packing a solver's answer into a :class:`~jobmatch.Result` (the objective always recomputed from the arcs), and
the clock a solve runs against (:class:`Deadline`)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from .._checks import fail
from .problem import Problem
from .result import Result, Status

__all__ = [
    "Deadline",
    "OutOfTime",
    "hint_arg",
    "infeasible",
    "interruptible",
    "job_of_from_arcs",
    "out_of_time",
    "pack",
    "timed",
]


def pack(
    problem: Problem, status: Status, job_of: np.ndarray | None, solver: str, started: float, **extra: Any
) -> Result:
    """A Result whose objective is recomputed from the chosen arcs."""
    if job_of is None:
        job_of = np.full(problem.n_workers, -1, dtype=np.int64)
        objective = float("nan")
    else:
        objective = problem.objective_of(job_of)
    timings = dict(extra.pop("timings", {}))
    timings.setdefault("total", time.perf_counter() - started)
    return Result(status=status, objective=objective, job_of=job_of, solver=solver, timings=timings, **extra)


def infeasible(problem: Problem, solver: str, started: float, diagnosis: str, **extra: Any) -> Result:
    """An INFEASIBLE result with its diagnosis in words."""
    return pack(problem, Status.INFEASIBLE, None, solver, started, diagnosis=diagnosis, **extra)


def out_of_time(problem: Problem, solver: str, started: float, diagnosis: str, **extra: Any) -> Result:
    """An UNKNOWN result: the time limit passed before any solution was found."""
    return pack(problem, Status.UNKNOWN, None, solver, started, diagnosis=diagnosis, **extra)


class OutOfTime(Exception):
    """Raised by :meth:`Deadline.check` once the time limit has passed (caught by the solver, never escapes it)."""


class Deadline:
    """The clock of a solve: ``time_limit`` seconds (None: no limit) from ``started`` (a ``time.perf_counter()``).

    Examples
    --------
    >>> Deadline(None, time.perf_counter()).left()
    inf
    >>> clock = Deadline(10.0, time.perf_counter())
    >>> 9.0 < clock.left() <= 10.0, clock.passed()
    (True, False)
    """

    def __init__(self, time_limit: float | None, started: float) -> None:
        self.time_limit = time_limit
        self.started = started

    def left(self) -> float:
        """Seconds left (``inf`` without a limit; negative once passed)."""
        if self.time_limit is None:
            return math.inf
        return self.time_limit - (time.perf_counter() - self.started)

    def passed(self) -> bool:
        """Whether the time limit has passed."""
        return self.left() <= 0.0

    def check(self, doing: str) -> None:
        """Raise :class:`OutOfTime` (saying what was being done) once the time limit has passed."""
        if self.passed():
            raise OutOfTime(f"time limit ({self.time_limit:g} s) reached while {doing}")

    def remaining(self) -> float | None:
        """Seconds left as a solver's ``time_limit`` (None without a limit, at least a millisecond)."""
        return None if self.time_limit is None else max(self.left(), 1e-3)


def job_of_from_arcs(problem: Problem, chosen: np.ndarray) -> np.ndarray:
    """Job index per worker from a boolean mask over arcs."""
    job_of = np.full(problem.n_workers, -1, dtype=np.int64)
    job_of[problem.workers[chosen]] = problem.jobs[chosen]
    return job_of


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    """``fn()`` and the seconds it took."""
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def hint_arg(where: str, problem: Problem, hint: Any) -> np.ndarray:
    """A warm start's ``hint`` checked: one integer job index per worker (-1 unplaced; one not among the worker's arcs
    is taken as unplaced), as int64."""
    array = np.asarray(hint)
    if array.shape != (problem.n_workers,) or (array.size and array.dtype.kind not in "iu"):
        shape = f"shape {array.shape}, {array.dtype}"
        raise fail(where, "warm.hint", f"a job index per worker ({problem.n_workers} integers)", shape)
    return job_of_from_arcs(problem, problem.chosen(array))


@contextmanager
def interruptible() -> Iterator[None]:
    """Ctrl-C raised as :class:`KeyboardInterrupt` even when it lands inside numba's dispatcher.

    A signal handled while numba dispatches a call (loading a cached
    kernel's constants, say) comes out as ``SystemError: ... returned a
    result with an exception set`` with the KeyboardInterrupt as its cause.
    """
    try:
        yield
    except SystemError as error:
        cause = error.__cause__
        while cause is not None and not isinstance(cause, KeyboardInterrupt):
            cause = cause.__cause__
        if cause is None:
            raise
        raise KeyboardInterrupt from error
