"""Solvers: one registry, one signature, one entry point.

Every solver is a function ``fn(problem, /, *, time_limit=None, seed=0,
**options) -> Result``.  :func:`solve` dispatches by name (or takes such a
function directly); ``"auto"`` picks the fastest exact solver that can
express the problem, and the result's ``solver`` says which one ran.

Solver-specific tuning travels in one dict, as SciPy's ``minimize`` and
``linprog`` take theirs: ``solve(problem, solver="lagrangian",
options={"finish": False})``; a warm start is a typed object of its own,
``solve(problem, warm=WarmStart.of(previous))``.  Each registry entry
declares the option names its solver takes and whether it takes a warm
start; what it does not take is dropped with an :class:`OptionWarning`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .._checks import SEED, fail, is_real, param
from ..exceptions import OptionWarning
from . import assignment, auction, cpsat, flow, greedy, lagrangian, stable
from .check import check
from .problem import Problem
from .result import Result
from .warm import WarmStart

__all__ = [
    "AUTO_ORDER",
    "Capabilities",
    "OptionWarning",
    "auto_solver",
    "available",
    "capabilities",
    "checked_options",
    "known_options",
    "register",
    "resolve",
    "solve",
    "unsupported",
]

SolverFn = Callable[..., Result]


@dataclass(frozen=True)
class Capabilities:
    """What a solver can do, declared in the registry; the pipeline asks for a capability, never for a name.

    ``"auto"`` takes the first solver of :data:`AUTO_ORDER` (fastest first,
    measured) whose capabilities cover the problem's quotas, caps,
    must-place and sense, and that can express its details
    (:func:`unsupported`).  A registered solver is refused a problem that
    needs what it does not declare.

    Attributes
    ----------
    prices : bool
        Its results carry :class:`~jobmatch.solvers.result.Duals` (job
        prices, worker surpluses) that prove its bound: the pricing passes
        of :func:`jobmatch.match` and :func:`jobmatch.rematch` can extend
        its answer to the whole market.
    warm : bool
        It takes ``warm=`` (a :class:`~jobmatch.solvers.warm.WarmStart`).
    quotas : bool
        It holds group quotas (:class:`~jobmatch.solvers.problem.GroupBound`).
    caps : bool
        It holds caps on sets of jobs (:class:`~jobmatch.solvers.problem.Cap`).
    must_place : bool
        It places every worker when asked to (and proves it when it cannot).
    minimise : bool
        It takes minimisation problems (costs).
    couples : bool
        It places a worker of several people (a couple) exactly; otherwise
        couples are solved as a relaxation and one it splits is placed
        greedily, the result FEASIBLE.  ``"auto"`` does not ask for it (only
        ``cpsat`` has it, and it is the slowest): pass ``solver="cpsat"``.
    proven : bool
        Its answers come with a proof: OPTIMAL, or a proven bound.
    """

    prices: bool = False
    warm: bool = False
    quotas: bool = False
    caps: bool = False
    must_place: bool = False
    minimise: bool = False
    couples: bool = False
    proven: bool = False

    def missing(self, problem: Problem) -> str | None:
        """What ``problem`` needs that these capabilities lack, in words (None: nothing)."""
        needs = {"quotas": bool(problem.quotas), "caps": bool(problem.caps), "must_place": problem.must_place,
                 "minimise": not problem.maximize}  # fmt: skip
        lacking = [name.replace("_", "-") for name, needed in needs.items() if needed and not getattr(self, name)]
        return f"it does not declare {', '.join(lacking)}" if lacking else None


@dataclass(frozen=True)
class _Entry:
    fn: SolverFn
    unsupported: Callable[[Problem], str | None]
    options: tuple[str, ...] = ()  # the keyword options ``fn`` takes beyond time_limit and seed
    can: Capabilities = Capabilities()


_HEURISTIC = Capabilities(must_place=True, minimise=True)  # greedy rules: no side constraints, no proof
_STABLE = Capabilities(minimise=True)
_EXACT = Capabilities(must_place=True, minimise=True, proven=True)
_SIDE = Capabilities(quotas=True, caps=True, must_place=True, minimise=True, proven=True)
# The auction takes must-place problems when named, by raising every value; that can cost it the scale that makes
# its last phase a proof, so it does not declare must-place and "auto" sends them to flow.
_PRICED = Capabilities(prices=True, warm=True, minimise=True, proven=True)
_EVERYTHING = Capabilities(warm=True, quotas=True, caps=True, must_place=True, minimise=True, couples=True, proven=True)

_REGISTRY: dict[str, _Entry] = {
    "assignment": _Entry(assignment.solve_assignment, assignment.unsupported, can=_EXACT),
    "auction": _Entry(auction.solve_auction, auction.unsupported, can=_PRICED),
    "cpsat": _Entry(cpsat.solve_cpsat, cpsat.unsupported, can=_EVERYTHING),
    "flow": _Entry(flow.solve_flow, flow.unsupported, can=_SIDE),
    "first_come": _Entry(greedy.solve_first_come, greedy.unsupported, can=_HEURISTIC),
    "greedy": _Entry(greedy.solve_greedy, greedy.unsupported, can=_HEURISTIC),
    "random": _Entry(greedy.solve_random, greedy.unsupported, can=_HEURISTIC),
    "lagrangian": _Entry(lagrangian.solve_lagrangian, lagrangian.unsupported, ("finish",), _SIDE),
    "stable": _Entry(stable.solve_stable, stable.unsupported, can=_STABLE),
    "stable_jobs": _Entry(stable.solve_stable_jobs, stable.unsupported, can=_STABLE),
}

#: The solvers ``"auto"`` considers, fastest first (docs/benchmarks.md): the auction is faster than flow at every
#: size measured; lagrangian holds quotas and caps at scale with a proven gap; CP-SAT expresses everything.
AUTO_ORDER = ("auction", "flow", "lagrangian", "cpsat")


def available() -> list[str]:
    """Names :func:`solve` accepts, sorted."""
    return sorted([*_REGISTRY, "auto"])


def register(name: str, fn: SolverFn, *, options: Iterable[str] = (), capabilities: Capabilities | None = None) -> None:
    """Add a solver under ``name`` (replacing none of the built-in ones).

    Parameters
    ----------
    name : str
        Any name but ``"auto"`` and the built-in solvers' names.
    fn : callable
        ``fn(problem, /, *, time_limit=None, seed=0, **options)``, returning
        a :class:`~jobmatch.Result`.
    options : iterable of str, optional
        The names of the keyword options ``fn`` takes: :func:`solve` passes
        these keys of its ``options`` on and warns about (and drops) others.
    capabilities : Capabilities, optional
        What ``fn`` can do (None: nothing beyond a plain maximisation
        without quotas or caps).  :func:`solve` refuses it a problem that
        needs what it does not declare; with ``prices=True``, ``match`` and
        ``rematch`` extend its answer over the whole market by pricing
        passes, as the auction's; with ``warm=True`` it is given ``warm=``.

    Examples
    --------
    >>> import numpy as np
    >>> from jobmatch import Problem, Status, solve
    >>> from jobmatch.solvers import registry
    >>> from jobmatch.solvers._pack import pack
    >>> def nobody(problem, /, *, time_limit=None, seed=0, note="none"):
    ...     return pack(problem, Status.FEASIBLE, np.full(problem.n_workers, -1), f"nobody ({note})", 0.0)
    >>> registry.register("nobody", nobody, options=("note",), capabilities=Capabilities(must_place=True))
    >>> solve(Problem.from_dense(np.ones((1, 1))), solver="nobody", options={"note": "kept"}).solver
    'nobody (kept)'
    >>> solve(Problem.from_dense(np.ones((1, 1)), maximize=False), solver="nobody")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    jobmatch.exceptions.ValidationError: solve: solver must be ... ('nobody' cannot: it does not declare minimise)...
    >>> del registry._REGISTRY["nobody"]
    """
    if not isinstance(name, str) or not name.strip() or name == "auto":
        raise fail("solvers.register", "name", "non-empty text other than 'auto'", name)
    if name in _REGISTRY and _REGISTRY[name].fn.__module__.startswith("jobmatch."):
        raise fail("solvers.register", "name", "a name not taken by a built-in solver", name)
    if not callable(fn):
        raise fail("solvers.register", "fn", "a callable", fn)
    if isinstance(options, str) or not isinstance(options, Iterable):
        raise fail("solvers.register", "options", "option names (an iterable of text)", options)
    names = tuple(options)
    if not all(isinstance(o, str) and o.isidentifier() and o not in ("time_limit", "seed", "warm") for o in names):
        raise fail("solvers.register", "options", "option names (keyword names other than time_limit, seed, warm)",
                   names)  # fmt: skip
    if capabilities is not None and not isinstance(capabilities, Capabilities):
        raise fail("solvers.register", "capabilities", "a registry.Capabilities or None", type(capabilities).__name__)
    can = capabilities or Capabilities()
    for flag, value in vars(can).items():
        if not isinstance(value, bool):
            raise fail("solvers.register", f"capabilities.{flag}", "True or False", value)
    _REGISTRY[name] = _Entry(fn, can.missing, names, can)


def capabilities(solver: object) -> Capabilities:
    """What the named solver can do (:class:`Capabilities`); a callable, or a name not registered, can do none
    of it.

    Examples
    --------
    >>> capabilities("auction").prices, capabilities("flow").prices, capabilities("cpsat").couples
    (True, False, True)
    """
    entry = _REGISTRY.get(solver) if isinstance(solver, str) else None
    return entry.can if entry is not None else Capabilities()


def checked_options(where: str, options: Any) -> dict[str, Any]:
    """``options`` as a dict (empty for None), checked to be a mapping with text keys (else ValidationError)."""
    if options is not None and (not isinstance(options, Mapping) or not all(isinstance(k, str) for k in options)):
        got = "keys that are not text" if isinstance(options, Mapping) else type(options).__name__
        raise fail(where, "options", "a dict of option names to values, or None", got, described=True)
    return dict(options or {})


def known_options(who: str, options: Any, known: Iterable[str], *, where: str = "solve") -> dict[str, Any]:
    """The keys of ``options`` in ``known`` (those the solver ``who`` names takes), as keyword arguments.

    ``options`` must be a mapping with text keys, or None (no options).
    Other keys are dropped with an :class:`OptionWarning` naming ``who``
    (``"solver 'flow'"``), the keys and the options it does take.

    Raises
    ------
    ValidationError
        ``options`` is not a mapping with text keys (named as ``where``'s).
    """
    options = checked_options(where, options)
    known = tuple(known)
    unknown = [key for key in options if key not in known]
    if unknown:
        takes = ", ".join(repr(k) for k in known) if known else "none"
        warnings.warn(
            f"{who} takes no option {', '.join(repr(k) for k in unknown)}: ignored (its options: {takes})",
            OptionWarning,
            stacklevel=3,
        )
    return {key: value for key, value in options.items() if key in known}


def unsupported(name: str, problem: Problem) -> str | None:
    """Why the named solver cannot express ``problem`` (None if it can)."""
    if not isinstance(problem, Problem):
        raise fail("solvers.unsupported", "problem", "a jobmatch.Problem", type(problem).__name__)
    if isinstance(name, str) and name == "auto":
        return None
    entry = _REGISTRY.get(name) if isinstance(name, str) else None
    if entry is None:
        raise fail("solvers.unsupported", "name", f"one of {available()}", name)
    return entry.unsupported(problem)


def auto_solver(problem: Problem) -> str:
    """The fastest solver that can express the problem and prove how good its answer is.

    The first of :data:`AUTO_ORDER` whose :class:`Capabilities` cover the
    problem and that can express its details (:func:`unsupported`):
    ``auction`` when placing is optional and there are no quotas or caps
    (exact, and faster than ``flow`` at every size measured:
    docs/benchmarks.md); else ``flow`` when it can (exact); else
    ``lagrangian`` for quotas and caps (exact on small problems, a proven
    gap at scale); else ``cpsat`` (arcs of one worker using different
    capacity).  Must-place goes to ``flow``: the auction does not declare
    it (it raises every value, which can cost it the scale that makes its
    last phase a proof).
    """
    for name in AUTO_ORDER:
        entry = _REGISTRY[name]
        if entry.can.missing(problem) is None and entry.unsupported(problem) is None:
            return name
    return "cpsat"  # unreachable: CP-SAT declares and expresses everything


def resolve(solver: str | SolverFn, problem: Problem) -> str | SolverFn:
    """The solver that will run for ``problem``: ``"auto"``'s choice (:func:`auto_solver`), else ``solver``."""
    return auto_solver(problem) if isinstance(solver, str) and solver == "auto" else solver


def solve(
    problem: Problem,
    *,
    solver: str | SolverFn = "auto",
    time_limit: float | None = None,
    seed: int = 0,
    options: Mapping[str, Any] | None = None,
    warm: WarmStart | None = None,
) -> Result:
    """Solve a :class:`~jobmatch.Problem`.

    Parameters
    ----------
    problem : Problem
    solver : str or callable, optional
        A name from :func:`available` or a function with the solver
        signature.  ``"auto"`` (default) picks ``auction`` when it can
        express the problem and placing is optional (exact, with prices);
        else ``flow`` when it can (exact); else ``lagrangian`` when every
        arc of a worker uses the same capacity (quotas and caps: exact on
        small problems, a proven bound beyond); else ``cpsat``.
    time_limit : float, optional
        Seconds, a finite number above 0 (None: no limit); solvers that
        search (``cpsat``) return their best incumbent as FEASIBLE, or
        UNKNOWN, when it runs out.
    seed : int, optional
        From 0 to 2**31 - 1 (CP-SAT's seed is 32-bit).  Same problem and
        seed, same result.
    options : dict, optional
        Solver-specific tuning, passed to the solver that runs (for
        ``"auto"``, to the one it picks).  A key that solver does not take
        is dropped with an :class:`OptionWarning`; a callable ``solver`` is
        given every key.  The built-in solvers' options:

        ``lagrangian``
            ``finish`` : bool -- close a gap the relaxation leaves open by
            CP-SAT on small problems (default True; False returns the
            relaxation's best answer and bound as they are).

        The other built-in solvers take none; :func:`register` declares a
        user solver's.
    warm : WarmStart, optional
        An earlier answer to start from (:class:`~jobmatch.solvers.warm.WarmStart`,
        e.g. ``WarmStart.of(previous)``): ``auction`` starts from its prices
        and assignment, ``cpsat`` from its assignment; another solver
        ignores it with an :class:`OptionWarning` (a callable ``solver`` is
        given it as ``warm=``).

    Returns
    -------
    Result

    Raises
    ------
    ValidationError
        Unknown solver, bad arguments (``time_limit``, ``seed`` out of
        range, ``options`` not a dict with text keys), or a solver that
        cannot express the problem's constraints.
        An infeasible problem is not an error: it comes back with status
        INFEASIBLE and a diagnosis.

    Warns
    -----
    OptionWarning
        An option the solver that runs does not take (it is dropped).

    Examples
    --------
    >>> import numpy as np
    >>> from jobmatch import Problem
    >>> problem = Problem.from_dense(np.array([[4.0, 1.0], [3.0, 2.0]]), capacity=1)
    >>> solve(problem, solver="cpsat", warm=WarmStart(hint=[0, 1])).job_of.tolist()
    [0, 1]
    """
    if not isinstance(problem, Problem):
        raise fail("solve", "problem", "a jobmatch.Problem", type(problem).__name__)
    if time_limit is not None and not (is_real(time_limit) and math.isfinite(time_limit) and time_limit > 0):
        raise fail("solve", "time_limit", "a finite number of seconds above 0, or None", time_limit)
    seed = param("solve", "seed", seed, SEED)
    given = checked_options("solve", options)
    if warm is not None and not isinstance(warm, WarmStart):
        raise fail("solve", "warm", "a jobmatch.solvers.WarmStart or None", type(warm).__name__)
    if callable(solver):
        name = getattr(solver, "__name__", repr(solver))
        started = {"warm": warm} if warm is not None else {}
        return check(problem, solver(problem, time_limit=time_limit, seed=seed, **given, **started), solver=name)
    if isinstance(solver, str) and solver == "auto":
        solver = auto_solver(problem)
    entry = _REGISTRY.get(solver) if isinstance(solver, str) else None
    if entry is None:
        raise fail("solve", "solver", f"one of {available()} or a callable", solver)
    reason = entry.unsupported(problem)  # a registered solver's: what it does not declare
    if reason is not None:
        raise fail("solve", "solver", f"a solver that can express this problem ({solver!r} cannot: {reason})", solver)
    given = known_options(f"solver {solver!r}", given, entry.options)
    if warm is not None:
        if entry.can.warm:
            given["warm"] = warm
        else:
            warnings.warn(f"solver {solver!r} takes no warm start: ignored", OptionWarning, stacklevel=2)
    return check(problem, entry.fn(problem, time_limit=time_limit, seed=seed, **given), solver=solver)
