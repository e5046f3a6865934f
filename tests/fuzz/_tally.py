"""What each fuzzed entry point did with its inputs: refused with ``ValidationError``, or accepted.

Every call of a public entry point in a fuzz suite goes through
:func:`attempt`.  A ``ValidationError`` is the only allowed refusal; any
other exception propagates and fails the hypothesis test (and a segfault
fails the subprocess that runs the suite, see ``tests/test_fuzz.py``).
:func:`refused` is for inputs that are plainly invalid: accepting one fails.

The counts are written as JSON to ``$JOBMATCH_FUZZ_TALLY`` when the suite
ends (``tests/fuzz/conftest.py``), for the tally in ``docs/reliability.md``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from jobmatch.exceptions import ValidationError

TALLY: dict[str, Counter[str]] = {}

#: What :func:`attempt` returns for a refused call.
REFUSED = object()


def attempt(entry: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)``, or :data:`REFUSED` when it raised ``ValidationError`` (counted under ``entry``)."""
    counts = TALLY.setdefault(entry, Counter())
    counts["tried"] += 1
    try:
        out = fn(*args, **kwargs)
    except ValidationError as error:
        assert str(error), f"{entry}: a ValidationError without a message"
        counts["validation_error"] += 1
        return REFUSED
    except BaseException:
        counts["other"] += 1
        raise
    counts["accepted"] += 1
    return out


def refused(entry: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> str:
    """Call ``fn`` on a plainly invalid input: it must raise ``ValidationError``; its message is returned."""
    counts = TALLY.setdefault(entry, Counter())
    counts["tried"] += 1
    try:
        out = fn(*args, **kwargs)
    except ValidationError as error:
        counts["validation_error"] += 1
        return str(error)
    except BaseException:
        counts["other"] += 1
        raise
    counts["invalid_accepted"] += 1
    raise AssertionError(f"{entry} accepted a plainly invalid input and returned {out!r}")
