"""Every solution checked after solving, whatever solver produced it (as SciPy's ``_check_result`` after ``linprog``).

:func:`jobmatch.solve` passes each :class:`~jobmatch.Result` through
:func:`check` before returning it: built-in solvers, registered ones and
callables alike.  A result that breaks its problem is a bug in the solver
and raises :class:`~jobmatch.exceptions.SolverError` naming the solver and
the rule; it is never returned as a silently wrong answer.  A result that
passes gets its :class:`~jobmatch.solvers.result.Slack` (room left per job,
cap and quota row).

What is checked
---------------
- the status is a :class:`~jobmatch.Status`; INFEASIBLE and UNKNOWN results
  place nobody and report a NaN objective;
- ``job_of`` holds one integer per worker, -1 or a job index, and every
  placed worker's job is one of its arcs;
- no job's capacity is exceeded (in the capacity each arc uses);
- every cap and every quota bound holds (within ``TOLERANCE`` people);
- with ``must_place``, every worker is placed;
- the objective is the total value of the chosen arcs;
- a bound, when given, is on the right side of the objective;
- for training (:func:`check_routes`): every trainee takes a route that
  exists, no programme's seats and not the budget are exceeded, and all the
  above holds on the problem settled by the routes taken.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from ..exceptions import SolverError
from .problem import Problem
from .result import Result, Slack, Status
from .training_problem import Routes
from .usage import Usage

__all__ = ["TOLERANCE", "check", "check_routes"]

#: Rows (caps, quotas) may be over by at most this many people: float rounding, never a real breach.
TOLERANCE = 1e-6


def _broken(solver: str, rule: str) -> SolverError:
    return SolverError(f"solver {solver!r} returned a solution that breaks its problem: {rule}")


def check(problem: Problem, result: object, *, solver: str) -> Result:
    """Verify a solver's result against its problem; return it with its slack filled in.

    Parameters
    ----------
    problem : Problem
        The problem the solver was given.
    result : Result
        What it returned.
    solver : str
        Its name, for the error.

    Returns
    -------
    Result
        The same result with ``slack`` set (None without a solution).

    Raises
    ------
    SolverError
        The result breaks a rule of the problem (see the module notes).

    Examples
    --------
    >>> import numpy as np
    >>> from jobmatch import Problem, Result, Status
    >>> p = Problem.from_dense(np.array([[3.0, 1.0], [2.0, 5.0]]), capacity=1)
    >>> ok = check(p, Result(Status.FEASIBLE, 8.0, np.array([0, 1]), "mine"), solver="mine")
    >>> ok.slack.jobs.tolist()
    [0, 0]
    >>> check(p, Result(Status.FEASIBLE, 5.0, np.array([1, 1]), "mine"), solver="mine")
    Traceback (most recent call last):
    ...
    jobmatch.exceptions.SolverError: solver 'mine' returned a solution that breaks its problem: job 1 holds 2 \
units of capacity 1
    """
    if not isinstance(result, Result):
        raise SolverError(f"solver {solver!r} returned {type(result).__name__}, not a jobmatch.Result")
    if not isinstance(result.status, Status):
        raise _broken(solver, f"status must be a jobmatch.Status, got {result.status!r}")
    job_of = result.job_of
    n, m = problem.n_workers, problem.n_jobs
    if not isinstance(job_of, np.ndarray):
        raise _broken(solver, f"job_of must be a numpy array of {n} job indices, got {type(job_of).__name__}")
    if job_of.shape != (n,) or job_of.dtype.kind != "i":
        raise _broken(
            solver, f"job_of must hold {n} signed integer job indices, got shape {job_of.shape}, {job_of.dtype}"
        )
    if n and (job_of.min() < -1 or job_of.max() >= m):
        raise _broken(solver, f"job_of must hold -1 or job indices below {m}, got {int(job_of.min())}..{job_of.max()}")
    if result.status in (Status.INFEASIBLE, Status.UNKNOWN):
        if np.any(job_of >= 0) or not math.isnan(result.objective):
            raise _broken(solver, f"a {result.status.name} result must place nobody and have a NaN objective")
        return result
    usage = Usage(problem, job_of)
    _check_placements(problem, usage, solver)
    slack = _check_rows(problem, usage, solver)
    _check_values(problem, result, usage, solver)
    return dataclasses.replace(result, slack=slack)


def _check_placements(problem: Problem, usage: Usage, solver: str) -> None:
    """Arcs, capacities and must-place."""
    placed = usage.job_of >= 0
    on_arcs = np.bincount(problem.workers[usage.chosen], minlength=problem.n_workers) > 0
    stray = np.flatnonzero(placed & ~on_arcs)
    if len(stray):
        i = int(stray[0])
        raise _broken(solver, f"worker {i} is placed at job {int(usage.job_of[i])}, which is not one of its arcs")
    over = np.flatnonzero(usage.room < 0)
    if len(over):
        j = int(over[0])
        used = int(problem.capacity[j] - usage.room[j])
        raise _broken(solver, f"job {j} holds {used} units of capacity {int(problem.capacity[j])}")
    if problem.must_place and not placed.all():
        raise _broken(solver, f"every worker must be placed, but {int(np.sum(~placed))} are not")


def _check_rows(problem: Problem, usage: Usage, solver: str) -> Slack:
    """Caps and quotas (rows ``activity <= rhs``), within ``TOLERANCE`` people."""
    rows, slack = usage.rows
    broken = np.flatnonzero(slack < -TOLERANCE)
    if len(broken):
        r = int(broken[0])
        raise _broken(solver, f"{rows.names[r]} is broken by {-float(slack[r]):.6g} people")
    n_quota_rows = usage.n_quota_rows
    return Slack(
        jobs=usage.room,
        caps=slack[n_quota_rows:],
        quotas=dict(zip(rows.names[:n_quota_rows], slack[:n_quota_rows].tolist())),
    )


def _check_values(problem: Problem, result: Result, usage: Usage, solver: str) -> None:
    """The objective is the chosen arcs' total; a bound lies on the right side of it."""
    total = float(problem.values[usage.chosen].sum())
    scale = max(1.0, abs(total))
    if not abs(result.objective - total) <= 1e-9 * scale:
        raise _broken(solver, f"its objective {result.objective!r} is not the chosen arcs' total {total!r}")
    if result.bound is not None:
        short = (total - result.bound) if problem.maximize else (result.bound - total)
        if not short <= 1e-6 * scale:  # NaN fails too
            side = "below" if problem.maximize else "above"
            raise _broken(solver, f"its bound {result.bound!r} lies {side} the objective {total!r}")


def check_routes(routes: Routes, result: Result, *, solver: str) -> Result:
    """:func:`check` for a training-aware result: trainees' routes, seats and budget, then the settled problem.

    Examples
    --------
    >>> from jobmatch import synth
    >>> from jobmatch.pipeline.routes import routes
    >>> from jobmatch.solvers.training import solve_training
    >>> r = routes(synth.scenario(200, 10, 3, seed=1), k=5)
    >>> checked = check_routes(r, solve_training(r), solver="training")
    >>> bool((checked.slack.jobs >= 0).all())
    True
    """
    if result.status not in (Status.OPTIMAL, Status.FEASIBLE):
        return check(routes.problem, result, solver=solver)
    n = routes.problem.n_workers
    program_of = np.full(n, -1, dtype=np.int64) if result.program_of is None else result.program_of
    if program_of.shape != (n,) or program_of.dtype.kind not in "iu":
        raise _broken(solver, f"program_of must hold {n} integer programme indices, got shape {program_of.shape}")
    if n and (program_of.min() < -1 or program_of.max() >= len(routes.seats)):
        raise _broken(solver, f"program_of must hold -1 or programme indices below {len(routes.seats)}")
    job_of = result.job_of
    trainee = np.flatnonzero(program_of >= 0)
    if np.any(job_of[trainee] < 0):
        raise _broken(solver, f"worker {int(trainee[job_of[trainee] < 0][0])} trains but takes no job")
    settled = routes.settled(job_of, program_of)
    chosen = np.flatnonzero(settled.chosen(job_of))
    by_worker = np.full(n, -1, dtype=np.int64)
    by_worker[settled.workers[chosen]] = chosen
    width = max(len(routes.seats), 1)
    taken = by_worker[trainee] * width + program_of[trainee]
    missing = ~np.isin(taken, routes.arc * width + routes.program)
    if missing.any():
        i = int(trainee[missing][0])
        raise _broken(solver, f"worker {i} trains in programme {int(program_of[i])} for job {int(job_of[i])}, no route")
    used, spent = routes.usage(job_of, program_of)
    over = np.flatnonzero(used > routes.seats)
    if len(over):
        p = int(over[0])
        raise _broken(solver, f"programme {p} trains {int(used[p])} people in {int(routes.seats[p])} seats")
    if routes.budget is not None and spent > routes.budget + 1e-6:
        raise _broken(solver, f"training costs {spent:,.2f} CNY, over the budget of {routes.budget:,.2f}")
    return check(settled, result, solver=solver)
