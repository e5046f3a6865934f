"""The library's exception types.

Every error raised for bad input is a :class:`ValidationError`; its message
names the record (kind and id), the field, what was expected and what arrived,
for example ``Job '泰安-07': capacity must be an integer from 0 to
1000000000, got -3``.  Infeasible problems are never an exception: solvers
return a status with a diagnosis instead.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = [
    "ColumnWarning",
    "JobmatchError",
    "MissingDependency",
    "NameWarning",
    "OptionWarning",
    "ScopeWarning",
    "SolverError",
    "ValidationError",
    "optional_import",
]


class JobmatchError(Exception):
    """Base class of every exception raised by jobmatch."""


class ValidationError(JobmatchError, ValueError):
    """Input that breaks a documented rule.

    Parameters
    ----------
    message : str
        The whole human-readable message.
    record : str, optional
        Where the bad value lives, e.g. ``"Worker 'CQ0000012'"`` or
        ``"workers frame"``.
    field : str, optional
        The field (or column, or policy entry) that holds it.
    expected : str, optional
        What the rule asks for, in words.
    got : object, optional
        The offending value.

    Examples
    --------
    >>> from jobmatch import Job, ValidationError
    >>> try:
    ...     Job(id="泰安-07", employer="E1", region="泰安", capacity=-3, wage=4200)
    ... except ValidationError as err:
    ...     print(err.field, "|", err)
    capacity | Job '泰安-07': capacity must be an integer from 0 to 1000000000, got -3
    """

    def __init__(
        self,
        message: str,
        *,
        record: str | None = None,
        field: str | None = None,
        expected: str | None = None,
        got: object = None,
    ) -> None:
        super().__init__(message)
        self.record = record
        self.field = field
        self.expected = expected
        self.got = got


class SolverError(JobmatchError, RuntimeError):
    """A solver returned a solution that breaks its own problem: a bug in the solver, never bad input.

    Raised by the check :func:`jobmatch.solve` runs after every solve
    (:mod:`jobmatch.solvers.check`), for built-in and registered solvers
    alike, so that a wrong answer is never returned silently.  The message
    names the solver and the rule broken.
    """


class OptionWarning(UserWarning):
    """A solver option the chosen solver does not take: it is dropped.

    Warned by :func:`jobmatch.solve`, :func:`jobmatch.match` and
    :func:`jobmatch.compare` for an ``options`` key the solver they run does
    not declare; the message names the key and the options it does take.
    """


class ColumnWarning(UserWarning):
    """Columns of a frame that are no field of its records, ignored (:mod:`jobmatch.data.layout`).

    Warned once per frame by :meth:`jobmatch.Market.from_frames` (and
    ``from_files``), naming the columns; map or drop them with ``columns=``
    to silence it.
    """


class NameWarning(UserWarning):
    """Names found on one side of the market only, or near duplicates (:mod:`jobmatch.data.coverage`).

    Warned by :func:`jobmatch.match` once per call, listing the likely
    mistakes (a strict diet no canteen serves, a name close to one on the
    other side, such as ``weldng`` beside ``welding``); never an error by
    itself.  ``jobmatch validate`` prints every notice.
    """


class ScopeWarning(UserWarning):
    """``scope="market"`` was asked for, and the answer is proven over the candidates only: the message says why.

    Warned by :func:`jobmatch.match` when the pricing passes cannot run
    (quotas or caps, whose multipliers the job prices do not carry; outside
    scores, known for the candidate pairs only; training; a solver without
    prices) or stopped before the proof (time limit, most passes).
    ``assignment.proven_over`` says the same.
    """


class MissingDependency(JobmatchError, ImportError):
    """An optional dependency a feature needs is not installed; the message names the extra."""


def optional_import(module: str, extra: str, feature: str) -> ModuleType:
    """Import an optional dependency, or raise :class:`MissingDependency` naming the extra.

    Examples
    --------
    >>> optional_import("numpy", "core", "tests").__name__
    'numpy'
    >>> optional_import("no_such_module", "plot", "jobmatch.plot")
    Traceback (most recent call last):
    ...
    jobmatch.exceptions.MissingDependency: jobmatch.plot needs no_such_module: pip install "jobmatch[plot]"
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependency(f'{feature} needs {module}: pip install "jobmatch[{extra}]"') from None
