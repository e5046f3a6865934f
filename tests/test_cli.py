"""The demo command and the cost of importing the package."""

from __future__ import annotations

import subprocess
import sys

from jobmatch import synth
from jobmatch.cli import main, summarise


def test_demo_reports_the_market_it_built(capsys):
    assert main(["demo", "--workers", "3000", "--jobs", "120", "--programs", "6", "--seed", "4"]) == 0
    out = capsys.readouterr().out
    facts = summarise(synth.scenario(3000, 120, 6, seed=4))
    assert "seed 4" in out
    assert f"{facts['workers']:,}" in out and f"headcount {facts['headcount']:,}" in out
    assert f"{facts['poverty_alleviated']:,} poverty-alleviated" in out
    assert "stage times: build market" in out
    for skill, (holders, demand) in facts["skill_supply"].items():
        assert f"{holders:,} / {demand:,}" in out, skill


def test_summarise_counts_agree_with_records():
    market = synth.scenario(600, 30, 3, seed=8)
    facts = summarise(market)
    workers = [market.worker(i) for i in range(market.n_workers)]
    assert facts["people"] == sum(w.size for w in workers)
    assert facts["poverty_alleviated"] == sum(w.size for w in workers if "poverty_alleviated" in w.groups)
    assert facts["brand_members"] == sum(w.brand is not None for w in workers)
    jobs = [market.job(i) for i in range(market.n_jobs)]
    assert facts["skill_supply"]["welding"] == (
        sum("welding" in w.skills for w in workers),
        sum(j.capacity for j in jobs if "welding" in j.requires),
    )
    assert facts["serves_sichuan"] == sum("sichuan" in j.canteen for j in jobs) / len(jobs)


def test_module_entry_point_runs():
    done = subprocess.run(
        [sys.executable, "-m", "jobmatch", "demo", "--workers", "200", "--jobs", "10"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "jobmatch demo" in done.stdout


def test_bad_cli_arguments_exit_with_usage():
    done = subprocess.run(
        [sys.executable, "-m", "jobmatch", "demo", "--workers", "-5"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2 and "must be >= 0" in done.stderr


def test_import_loads_no_compiler_solver_or_frames():
    heavy = "('numba', 'ortools', 'pandas', 'pyarrow')"
    code = f"import sys, jobmatch; print(sorted(m for m in {heavy} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
