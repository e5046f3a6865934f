"""The command line on the user's files: every bad file a clear error (exit 2), no output ever lost."""

from __future__ import annotations

import pandas as pd
import pytest

from jobmatch import Market, match, synth
from jobmatch.cli import main
from jobmatch.data.files import read_placements, write_frame


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("files")
    market = synth.scenario(30, 4, seed=2)
    return market, market.to_files(folder)


def _args(paths, *more):
    return [str(paths["workers"]), str(paths["jobs"]), *more]


def test_out_equal_to_an_input_is_refused_before_any_work(files, capsys):
    _, paths = files
    before = paths["workers"].read_bytes()
    assert main(["match", *_args(paths, "--out", str(paths["workers"]))]) == 2
    out, err = capsys.readouterr()
    assert "--out must be another file than the inputs" in err and "<Assignment" not in out
    assert paths["workers"].read_bytes() == before


def test_a_missing_output_folder_is_found_before_solving(files, tmp_path, capsys):
    _, paths = files
    assert main(["match", *_args(paths, "--out", str(tmp_path / "no" / "p.csv"))]) == 2
    out, err = capsys.readouterr()
    assert "an existing folder" in err and "<Assignment" not in out


def test_ctrl_c_while_writing_keeps_the_earlier_file(files, tmp_path, capsys, monkeypatch):
    _, paths = files
    out = tmp_path / "p.csv"
    out.write_text("the earlier placements\n", encoding="utf-8")

    def interrupted(self, path, *args, **kwargs):
        with open(path, "w", encoding="utf-8") as half:
            half.write("worker,job\nW1,")
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_csv", interrupted)
    assert main(["match", *_args(paths, "--out", str(out), "--no-progress")]) == 130
    assert "interrupted" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "the earlier placements\n"
    assert [p.name for p in tmp_path.iterdir()] == ["p.csv"]  # no temporary file left


def test_a_failed_write_keeps_the_earlier_file(files, tmp_path, capsys, monkeypatch):
    _, paths = files
    out = tmp_path / "p.parquet"
    out.write_bytes(b"earlier")

    def full_disk(self, path, *args, **kwargs):
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(pd.DataFrame, "to_parquet", full_disk)
    assert main(["match", *_args(paths, "--out", str(out), "--no-progress")]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert out.read_bytes() == b"earlier"


def test_match_lists_every_problem_as_validate_does(files, tmp_path, capsys):
    _, paths = files
    frame = pd.read_csv(paths["workers"], dtype=str)
    frame.loc[0, "min_wage"] = "-5"
    frame.loc[2, "origin"] = ""
    frame.to_csv(tmp_path / "w.csv", index=False)
    argv = [str(tmp_path / "w.csv"), str(paths["jobs"])]
    assert main(["validate", *argv]) == 2
    said_by_validate = capsys.readouterr().err
    assert main(["match", *argv, "--out", str(tmp_path / "p.csv")]) == 2
    said_by_match = capsys.readouterr().err
    assert said_by_match == said_by_validate and "2 problems" in said_by_match
    assert not (tmp_path / "p.csv").exists()


@pytest.mark.parametrize("encoding", ["gbk", "utf-16", "utf-8-sig"])
def test_encodings(files, tmp_path, capsys, encoding):
    market, paths = files
    (tmp_path / "w.csv").write_bytes(paths["workers"].read_text(encoding="utf-8").encode(encoding))
    argv = [str(tmp_path / "w.csv"), str(paths["jobs"])]
    if encoding == "gbk":  # told what to do, then done with the option
        assert main(["validate", *argv]) == 2
        assert "--encoding gbk" in capsys.readouterr().err
        argv += ["--encoding", "gbk"]
        assert Market.from_files(tmp_path / "w.csv", paths["jobs"], encoding="gbk") == Market.from_files(
            paths["workers"], paths["jobs"]
        )
    assert main(["validate", *argv]) == 0  # UTF-16 and UTF-8 with a byte-order mark are recognised
    assert capsys.readouterr().out.startswith(f"ok: {market.n_workers} workers")


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("w.csv", b"", "an empty file"),
        ("w.parquet", b"PAR1 not really", "must be a Parquet file"),
        ("w.xlsx", b"not a workbook", "must be an Excel workbook"),
        ("w.csv", b'id,origin\n"unclosed,x\n', "must be"),
    ],
)
def test_broken_files_are_named_errors(files, tmp_path, capsys, name, data, said):
    _, paths = files
    (tmp_path / name).write_bytes(data)
    assert main(["validate", str(tmp_path / name), str(paths["jobs"])]) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err


def test_a_folder_or_a_missing_policy_is_an_error_not_a_traceback(files, tmp_path, capsys):
    _, paths = files
    for policy, said in ((tmp_path, "a folder"), (tmp_path / "none.json", "no such file")):
        assert main(["match", *_args(paths, "--out", str(tmp_path / "p.csv"), "--policy", str(policy))]) == 2
        assert said in capsys.readouterr().err


def test_explain_refuses_unknown_ids_before_solving(files, capsys):
    _, paths = files
    assert main(["explain", *_args(paths, "--worker", "nobody", "--worker", "nor-me")]) == 2
    out, err = capsys.readouterr()
    assert "['nobody', 'nor-me']" in err and "<Assignment" not in out


def test_explain_from_a_saved_placements_file(files, tmp_path, capsys):
    _, paths = files
    out = tmp_path / "p.csv"
    assert main(["match", *_args(paths, "--out", str(out), "--no-progress")]) == 0
    placed = read_placements(out)
    unplaced = placed.loc[placed["job"].isna(), "worker"].iloc[0]
    done = placed.loc[placed["job"].notna()].iloc[0]
    capsys.readouterr()
    assert main(["explain", "--placements", str(out), "--worker", done["worker"], "--worker", unplaced]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"worker {done['worker']}: placed at job {done['job']}")
    assert lines[1].startswith(f"worker {unplaced}: not placed (")


def test_placement_ids_round_trip_as_text(tmp_path):
    market = synth.scenario(20, 3, seed=1)
    workers, jobs, _ = market.to_frames(backend="pandas")
    workers["id"] = [f"{i:03d}" for i in range(len(workers))]
    placed = match(Market.from_frames(workers, jobs), k=3)
    for suffix in (".csv", ".parquet", ".xlsx"):
        back = read_placements(write_frame(placed.to_frame(backend="pandas"), tmp_path / f"p{suffix}"))
        assert back["worker"].tolist()[:3] == ["000", "001", "002"], suffix
        assert back["job"].isna().sum() == (placed.job_of < 0).sum()


# ----------------------------------------------------------------------------- conventions (issue 33, item 2)
def test_help_names_the_program_as_called_in_plain_text():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "jobmatch", "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("usage: python -m jobmatch ")
    assert "``" not in done.stdout and "Exit status: 0 done" in done.stdout
    from jobmatch.cli import prog_name

    assert prog_name("/usr/local/bin/jobmatch") == "jobmatch"


def test_no_progress_bar_when_stderr_is_not_a_terminal(files, tmp_path):
    import subprocess
    import sys

    _, paths = files
    command = [sys.executable, "-m", "jobmatch", "match", *_args(paths, "--out", str(tmp_path / "p.csv"))]
    quiet = subprocess.run(command, capture_output=True, text=True, timeout=300)  # stderr is a pipe
    assert quiet.returncode == 0 and "stage/s" not in quiet.stderr and "\r" not in quiet.stderr
    forced = subprocess.run([*command, "--progress"], capture_output=True, text=True, timeout=300)
    assert forced.returncode == 0 and "stage/s" in forced.stderr  # asked for: shown anyway


def test_the_same_mistake_on_many_rows_is_one_line(files, tmp_path, capsys):
    _, paths = files
    frame = pd.read_csv(paths["workers"], dtype=str)
    frame.loc[2:20, "needs_heating"] = "maybe"
    frame.loc[24, "needs_heating"] = "maybe"
    frame.loc[5, "min_wage"] = "-1"
    frame.to_csv(tmp_path / "w.csv", index=False)
    assert main(["validate", str(tmp_path / "w.csv"), str(paths["jobs"])]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "w.csv rows 3-21, 25, column needs_heating: True or False, got 'maybe'",
        "w.csv row 6, column min_wage: a finite number from 0 to 1e+07, got -1.0",
        "2 problems",
    ]
    frame.loc[2:20, "needs_heating"] = "yes"  # the usual spellings of yes and no are read
    frame.loc[24, "needs_heating"] = "否"
    frame.loc[5, "min_wage"] = "3000"
    frame.to_csv(tmp_path / "w.csv", index=False)
    assert main(["validate", str(tmp_path / "w.csv"), str(paths["jobs"])]) == 0


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_each_output_format_round_trips(files, tmp_path, suffix):
    market, paths = files
    out = tmp_path / f"p{suffix}"
    assert main(["match", *_args(paths, "--out", str(out), "--no-progress")]) == 0
    placed = read_placements(out)
    assert placed["worker"].tolist() == market.workers.ids.tolist()
    assert {"job", "score", "reason", "why"} <= set(placed.columns)
