"""The demo command and the cost of importing the package."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from jobmatch import GroupQuota, Policy, candidates, match, synth
from jobmatch.cli import busiest_program, main, summarise, summarise_assignment, summarise_candidates
from jobmatch.pipeline.routes import more_seats
from jobmatch.results.effect import effect


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
    cands = summarise_candidates(candidates(synth.scenario(3000, 120, 6, seed=4), k=20))
    assert f"{cands['arcs']:,} feasible worker-job arcs" in out
    assert f"{cands['workers_without_candidate']:,} workers have no feasible job" in out
    assert "score top-20" in out and "load kernels" in out and "match (auto)" in out
    placed = summarise_assignment(match(synth.scenario(3000, 120, 6, seed=4), k=20, training=False))
    assert placed["proven_over"] == "market"
    assert f"{placed['people']:,} people placed ({placed['workers']:,} workers) over the whole market by solver" in out
    assert f"fill rate {placed['fill_rate']:.1%}" in out
    # The quota and training lines stand on the top 20 per worker; their differences are against that footing.
    top = summarise_assignment(match(synth.scenario(3000, 120, 6, seed=4), k=20, training=False, scope="candidates"))
    assert f"{top['people']:,} people placed when each worker's 20 best jobs alone are solved" in out
    policy = Policy(quotas=[GroupQuota("poverty_alleviated", min_share=0.75)])
    shared = summarise_assignment(match(synth.scenario(3000, 120, 6, seed=4), policy, k=20, training=False))
    assert shared["priority_share"] >= 0.75 and shared["status"] in ("OPTIMAL", "FEASIBLE")
    assert (
        f"at least 75% poverty-alleviated: {shared['people']:,} people placed ({shared['people'] - top['people']:+,}"
        in out
    )
    trained = match(synth.scenario(3000, 120, 6, seed=4), k=20)
    figures = summarise_assignment(trained)
    assert f"{figures['people']:,} people placed ({figures['people'] - top['people']:+,} against no training on" in out
    assert f"{figures['trainees']:,} of them trained" in out
    target = trained.market.programs.ids[busiest_program(trained)]
    what_if = match(more_seats(synth.scenario(3000, 120, 6, seed=4), target, 100), k=20)
    found = effect(trained, what_if)
    assert f"100 more seats in {target} (" in out
    assert str(found) in out  # the effect, or "no effect within the solver's precision"
    assert ("people placed, " in out.split("what-if")[1]) == found.proven  # counts only for a proven effect


def test_summarise_assignment_counts_people():
    market = synth.scenario(500, 30, seed=6)
    assignment = match(market, k=5)
    facts = summarise_assignment(assignment)
    workers = [market.worker(i) for i in range(market.n_workers)]
    placed = [w for w, j in zip(workers, assignment.job_of) if j >= 0]
    assert facts["people"] == sum(w.size for w in placed) == assignment.people_placed
    poor = sum(w.size for w in placed if "poverty_alleviated" in w.groups)
    assert facts["priority_share"] == poor / facts["people"]
    load = {}
    for w, j in zip(workers, assignment.job_of):
        if j >= 0:
            load[j] = load.get(j, 0) + w.size
    assert all(load[j] <= market.job(int(j)).capacity for j in load)


def test_summarise_candidates_agrees_with_the_graph():
    market = synth.scenario(800, 40, seed=2)
    graph = candidates(market, k=3)
    facts = summarise_candidates(graph)
    rows = [graph.row(i) for i in range(graph.n_rows)]
    assert facts["arcs"] == sum(len(idx) for idx, _ in rows)
    assert facts["workers_without_candidate"] == sum(len(idx) == 0 for idx, _ in rows)
    assert facts["jobs_reached"] == len({int(j) for idx, _ in rows for j in idx})
    best = [float(sc[0]) for _, sc in rows if len(sc)]
    assert abs(facts["mean_best_score"] - sum(best) / len(best)) < 1e-6


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
    done = subprocess.run(
        [sys.executable, "-m", "jobmatch", "demo", "--k", "0"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2 and "must be >= 1" in done.stderr


def test_import_loads_no_compiler_solver_or_frames():
    heavy = "('numba', 'ortools', 'pandas', 'pyarrow')"
    code = f"import sys, jobmatch; print(sorted(m for m in {heavy} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_scoring_names_load_lazily_from_the_package():
    code = (
        "import sys, jobmatch; before = 'numba' in sys.modules; f = jobmatch.candidates; "
        "import jobmatch.scoring as s; print(before, 'numba' in sys.modules, f is s.candidates, "
        "set(jobmatch.__all__) >= {'candidates', 'score_matrix', 'breakdown', 'CandidateGraph'})"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True", "True", "True"]


def _files(tmp_path, fmt="csv"):
    market = synth.scenario(200, 12, 2, seed=3)
    return market, market.to_files(tmp_path, format=fmt)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_match_on_files_writes_every_worker(tmp_path, capsys, fmt):
    market, paths = _files(tmp_path, fmt)
    out = tmp_path / f"placed.{fmt}"
    code = main(["match", str(paths["workers"]), str(paths["jobs"]), "--programs", str(paths["programs"]),
                 "--out", str(out), "--k", "5"])  # fmt: skip
    assert code == 0
    placed = pd.read_csv(out) if fmt == "csv" else pd.read_parquet(out)
    assert len(placed) == market.n_workers and set(placed.worker) == set(market.workers.ids)
    assert f"wrote {out}" in capsys.readouterr().out


def test_validate_lists_every_mistake_with_row_and_column(tmp_path, capsys):
    _, paths = _files(tmp_path)
    workers = pd.read_csv(paths["workers"], dtype=str)
    workers.loc[0, "min_wage"] = "-5"  # 1: a negative wage
    workers.loc[1, "size"] = "two"  # 2: not a number
    workers.loc[2, "skills"] = "welding=3"  # 3: not the skill:level form
    workers.loc[3, "needs_heating"] = "perhaps"  # 4: not a flag
    workers.loc[4, "origin"] = ""  # 5: an empty place
    workers.loc[7, "id"] = workers.loc[5, "id"]  # 6: an id twice
    workers.to_csv(paths["workers"], index=False)
    assert main(["validate", str(paths["workers"]), str(paths["jobs"])]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == "6 problems"
    for row, column in ((1, "min_wage"), (2, "size"), (3, "skills"), (4, "needs_heating"), (5, "origin")):
        assert any(line.startswith(f"workers.csv row {row}, column {column}:") for line in err), (row, column)
    assert any(line.startswith("workers.csv rows 6, 8, column id: each worker id once") for line in err), err
    assert main(["validate", str(tmp_path / "nothing.csv"), str(paths["jobs"])]) == 2


def test_exit_codes_for_infeasible_and_bad_input(tmp_path, capsys):
    _, paths = _files(tmp_path)
    impossible = tmp_path / "policy.json"
    impossible.write_text('{"quotas": [{"group": "poverty_alleviated", "min_count": 100000}]}', encoding="utf-8")
    code = main(["match", str(paths["workers"]), str(paths["jobs"]), "--policy", str(impossible),
                 "--out", str(tmp_path / "p.csv"), "--solver", "cpsat"])  # fmt: skip
    assert code == 1 and "no placements:" in capsys.readouterr().err
    assert main(["match", str(paths["workers"]), str(paths["jobs"]), "--out", str(tmp_path / "p.txt")]) == 2
    assert "--out must be a file ending in one of .csv, .parquet, .xlsx" in capsys.readouterr().err


def test_policy_template_is_a_valid_policy(capsys):
    assert main(["policy", "--template"]) == 0
    policy = Policy.from_json(capsys.readouterr().out)
    assert policy.quotas[0].group == "poverty_alleviated"


def test_explain_on_files(tmp_path, capsys):
    market, paths = _files(tmp_path)
    worker = market.workers.ids[0]
    assert main(["explain", str(paths["workers"]), str(paths["jobs"]), "--worker", worker, "--k", "5"]) == 0
    assert worker in capsys.readouterr().out
