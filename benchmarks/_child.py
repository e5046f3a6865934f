"""Run one case of a large benchmark in a fresh process (so peak memory is per case) and print its JSON line."""

from __future__ import annotations

import subprocess


def run_child(label: str, cmd: list[str]) -> None:
    """Run ``cmd``; print ``label: <its last stdout line>``, or its stderr tail if it failed."""
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode:
        print(f"{label}: failed\n{done.stderr[-3000:]}", flush=True)
        return
    print(f"{label}: {done.stdout.strip().splitlines()[-1]}", flush=True)
