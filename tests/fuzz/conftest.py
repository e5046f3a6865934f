"""Fuzz suites: run one file per subprocess by ``tests/test_fuzz.py`` (never collected by the main run).

Hypothesis runs derandomised (the same examples on every run, so CI is
repeatable); ``JOBMATCH_FUZZ_EXAMPLES`` sets how many per test.
"""

from __future__ import annotations

import json
import os
import sys

from hypothesis import HealthCheck, settings

sys.path.insert(0, os.path.dirname(__file__))  # _tally
sys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))  # tests/: strategies, reference

settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("JOBMATCH_FUZZ_EXAMPLES", "150")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
settings.load_profile("fuzz")


def pytest_sessionfinish(session: object, exitstatus: int) -> None:
    path = os.environ.get("JOBMATCH_FUZZ_TALLY")
    if path:
        from _tally import TALLY

        with open(path, "w", encoding="utf-8") as out:
            json.dump({entry: dict(counts) for entry, counts in sorted(TALLY.items())}, out, indent=1)
