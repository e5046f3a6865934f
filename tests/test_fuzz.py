"""Hostile input, each public entry point fuzzed in a subprocess of its own.

A fuzz suite (``tests/fuzz/fuzz_*.py``) calls an entry point with
generated inputs, valid and not: bad input must raise ``ValidationError``
and nothing else, and every accepted input must solve with all invariants.
Each suite runs in a fresh interpreter, so that a segfault or an abort
fails this test (with the signal named) instead of killing the test run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

FUZZ = Path(__file__).parent / "fuzz"
SUITES = sorted(path.name for path in FUZZ.glob("fuzz_*.py"))


@pytest.mark.parametrize("suite", SUITES)
def test_fuzz_suite(suite: str, tmp_path: Path) -> None:
    tally = tmp_path / "tally.json"
    env = {**os.environ, "JOBMATCH_FUZZ_TALLY": str(tally)}
    command = [sys.executable, "-m", "pytest", str(FUZZ / suite), "-q", "-p", "no:cacheprovider", "-o", "addopts="]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=900, cwd=FUZZ.parent.parent)
    if done.returncode < 0:
        name = signal.Signals(-done.returncode).name
        pytest.fail(f"{suite} crashed the interpreter with {name}:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    assert done.returncode == 0, f"{suite} failed:\n{done.stdout[-6000:]}\n{done.stderr[-2000:]}"
    counts = json.loads(tally.read_text(encoding="utf-8"))
    assert counts, f"{suite} called no entry point through _tally.attempt"
    for entry, seen in counts.items():
        assert seen.get("other", 0) == 0 and seen.get("invalid_accepted", 0) == 0, (entry, seen)
        assert seen.get("tried", 0) > 0, (entry, seen)


def test_fuzz_runner_sees_a_crash(tmp_path: Path) -> None:
    """The runner itself: a suite that kills its interpreter is reported as a crash, not a pass."""
    suite = tmp_path / "fuzz_crash.py"
    suite.write_text("import os, signal\n\ndef test_dies():\n    os.kill(os.getpid(), signal.SIGSEGV)\n")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", str(suite), "-q", "-p", "no:cacheprovider"], capture_output=True
    )
    assert done.returncode == -signal.SIGSEGV
