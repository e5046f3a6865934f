"""Solvers: one registry, one signature, one entry point.

Every solver is a function ``fn(problem, /, *, time_limit=None, seed=0) ->
Result``.  :func:`solve` dispatches by name (or takes such a function
directly); ``"auto"`` picks the fastest exact solver that can express the
problem, and the result's ``solver`` says which one ran.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass

from ..data.schema import fail
from . import assignment, cpsat, flow, greedy, lagrangian, stable
from .problem import Problem
from .result import Result

__all__ = ["available", "register", "solve", "unsupported"]

SolverFn = Callable[..., Result]


@dataclass(frozen=True)
class _Entry:
    fn: SolverFn
    unsupported: Callable[[Problem], str | None]


def _anything(problem: Problem) -> str | None:
    return None


_REGISTRY: dict[str, _Entry] = {
    "assignment": _Entry(assignment.solve_assignment, assignment.unsupported),
    "cpsat": _Entry(cpsat.solve_cpsat, cpsat.unsupported),
    "flow": _Entry(flow.solve_flow, flow.unsupported),
    "first_come": _Entry(greedy.solve_first_come, greedy.unsupported),
    "greedy": _Entry(greedy.solve_greedy, greedy.unsupported),
    "random": _Entry(greedy.solve_random, greedy.unsupported),
    "lagrangian": _Entry(lagrangian.solve_lagrangian, lagrangian.unsupported),
    "stable": _Entry(stable.solve_stable, stable.unsupported),
    "stable_jobs": _Entry(stable.solve_stable_jobs, stable.unsupported),
}


def available() -> list[str]:
    """Names :func:`solve` accepts, sorted."""
    return sorted([*_REGISTRY, "auto"])


def register(name: str, fn: SolverFn) -> None:
    """Add a solver under ``name`` (replacing none of the built-in ones).

    ``fn`` takes ``(problem, /, *, time_limit=None, seed=0)`` and returns a
    :class:`~jobmatch.Result`.
    """
    if not isinstance(name, str) or not name.strip() or name == "auto":
        raise fail("solvers.register", "name", "non-empty text other than 'auto'", name)
    if name in _REGISTRY and _REGISTRY[name].fn.__module__.startswith("jobmatch."):
        raise fail("solvers.register", "name", "a name not taken by a built-in solver", name)
    if not callable(fn):
        raise fail("solvers.register", "fn", "a callable", fn)
    _REGISTRY[name] = _Entry(fn, _anything)


def unsupported(name: str, problem: Problem) -> str | None:
    """Why the named solver cannot express ``problem`` (None if it can)."""
    if name == "auto":
        return None
    entry = _REGISTRY.get(name)
    if entry is None:
        raise fail("solvers.unsupported", "name", f"one of {available()}", name)
    return entry.unsupported(problem)


def _auto(problem: Problem) -> str:
    """The fastest solver that can express the problem and prove how good its answer is.

    ``flow`` when it can express the problem (exact); else ``lagrangian``
    for quotas and caps (exact on small problems, a proven gap at scale);
    else ``cpsat`` (arcs of one worker using different capacity).
    """
    if flow.unsupported(problem) is None:
        return "flow"
    if lagrangian.unsupported(problem) is None:
        return "lagrangian"
    return "cpsat"


def solve(
    problem: Problem, *, solver: str | SolverFn = "auto", time_limit: float | None = None, seed: int = 0
) -> Result:
    """Solve a :class:`~jobmatch.Problem`.

    Parameters
    ----------
    problem : Problem
    solver : str or callable, optional
        A name from :func:`available` or a function with the solver
        signature.  ``"auto"`` (default) picks ``flow`` when it can express
        the problem, else ``cpsat``.
    time_limit : float, optional
        Seconds; solvers that search (``cpsat``) return their best incumbent
        as FEASIBLE, or UNKNOWN, when it runs out.
    seed : int, optional
        Same problem and seed, same result.

    Returns
    -------
    Result

    Raises
    ------
    ValidationError
        Unknown solver, bad options, or a solver that cannot express the
        problem's constraints.  An infeasible problem is not an error: it
        comes back with status INFEASIBLE and a diagnosis.
    """
    if not isinstance(problem, Problem):
        raise fail("solve", "problem", "a jobmatch.Problem", type(problem).__name__)
    if time_limit is not None and (not isinstance(time_limit, numbers.Real) or not time_limit > 0):
        raise fail("solve", "time_limit", "a positive number of seconds or None", time_limit)
    if not isinstance(seed, numbers.Integral) or isinstance(seed, bool) or seed < 0:
        raise fail("solve", "seed", "an integer >= 0", seed)
    if callable(solver):
        return solver(problem, time_limit=time_limit, seed=seed)
    if solver == "auto":
        solver = _auto(problem)
    entry = _REGISTRY.get(solver) if isinstance(solver, str) else None
    if entry is None:
        raise fail("solve", "solver", f"one of {available()} or a callable", solver)
    reason = entry.unsupported(problem)
    if reason is not None:
        raise fail("solve", "solver", f"a solver that can express this problem ({solver!r} cannot: {reason})", solver)
    return entry.fn(problem, time_limit=time_limit, seed=seed)
