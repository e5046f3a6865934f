"""Hostile files and arguments for the command line (``jobmatch validate | match | explain``).

Random files (other encodings, truncated, empty, binary, folders), the
same path in and out, missing folders and unknown ids: every run must end
with exit 0 (done), 1 (the policy cannot be met) or 2 (bad input, with an
``error:`` or problem line), never a traceback; the input files are never
changed, and the output is either the whole placements file or the file
that was there before, also when Ctrl-C or a full disk interrupts the
write.  Each run is counted in the tally under ``cli <command>``: exit 2
as a refusal, 0 and 1 as accepted, 130 as interrupted.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from _tally import TALLY
from hypothesis import given, settings
from hypothesis import strategies as st

pd = pytest.importorskip("pandas")

from jobmatch import Market, synth  # noqa: E402
from jobmatch.cli import main  # noqa: E402
from jobmatch.data.files import read_placements  # noqa: E402

FOLDER = Path(tempfile.mkdtemp(prefix="jobmatch-fuzz-cli-"))
MARKET = synth.scenario(12, 3, 2, seed=4)
PATHS = MARKET.to_files(FOLDER)
TEXT = PATHS["workers"].read_text(encoding="utf-8")
BEFORE = b"the file that was here before\n"


def _digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def _run(command: str, argv: list[str]) -> tuple[int, str, str]:
    """``main(argv)`` with its output captured; the exit status (argparse's SystemExit too), stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    counts = TALLY.setdefault(f"cli {command}", Counter())
    counts["tried"] += 1
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as stop:  # argparse: a usage error
            code = stop.code if isinstance(stop.code, int) else 2
        except BaseException:
            counts["other"] += 1
            raise
    counts[{2: "validation_error", 130: "interrupted"}.get(code, "accepted")] += 1
    assert code in (0, 1, 2, 130), (argv, code, err.getvalue()[-2000:])
    assert "Traceback" not in err.getvalue() + out.getvalue(), err.getvalue()[-2000:]
    if code == 2:
        assert err.getvalue().strip(), f"exit 2 without a word: {argv}"
    return code, out.getvalue(), err.getvalue()


@st.composite
def hostile_files(draw: st.DrawFn) -> Path:
    """A workers file: the good one re-encoded, truncated, emptied, made binary, a folder, or missing."""
    kind = draw(st.sampled_from(["good", "gbk", "utf16", "bom", "truncated", "empty", "binary", "folder", "missing",
                                 "header", "parquet", "xlsx", "latin"]))  # fmt: skip
    suffix = {"parquet": ".parquet", "xlsx": ".xlsx"}.get(kind, draw(st.sampled_from([".csv", ".csv", ".txt"])))
    path = FOLDER / f"w-{kind}-{draw(st.integers(0, 3))}{suffix}"
    if path.is_dir():
        return path
    if kind == "folder":
        path.mkdir(exist_ok=True)
        return path
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    if kind == "missing":
        return path
    data = {
        "good": TEXT.encode("utf-8"),
        "gbk": TEXT.encode("gbk"),
        "utf16": TEXT.encode("utf-16"),
        "bom": TEXT.encode("utf-8-sig"),
        "truncated": TEXT.encode("utf-8")[: draw(st.integers(1, len(TEXT.encode("utf-8")) - 1))],
        "empty": b"",
        "binary": draw(st.binary(min_size=1, max_size=200)),
        "header": TEXT.splitlines()[0].encode("utf-8"),
        "parquet": draw(st.sampled_from([b"PAR1", b"PAR1\x00\x00PAR1", PATHS["jobs"].read_bytes()])),
        "xlsx": draw(st.sampled_from([b"PK\x03\x04", b"not a zip", b""])),
        "latin": TEXT.replace("巫溪", "Müller").encode("latin-1", errors="replace"),
    }[kind]
    path.write_bytes(data)
    return path


@settings(max_examples=80, deadline=None)
@given(hostile_files(), st.sampled_from([None, "utf-8", "gbk", "utf-16", "no-such-codec"]))
def test_validate_never_crashes(workers, encoding):
    argv = ["validate", str(workers), str(PATHS["jobs"])] + (["--encoding", encoding] if encoding else [])
    before = _digest(workers)
    code, out, _ = _run("validate", argv)
    assert _digest(workers) == before
    if code == 0:
        assert out.startswith("ok:")


@settings(max_examples=200, deadline=None)
@given(hostile_files(), st.sampled_from(["fresh", "existing", "input", "jobs", "folder", "no-folder", "suffix"]),
       st.sampled_from([None, "missing.json", "folder", "bad.json", "good.json"]))  # fmt: skip
def test_match_never_loses_a_file(workers, out_kind, policy_kind):
    out = {
        "fresh": FOLDER / "out" / "p.csv",
        "existing": FOLDER / "out" / "kept.csv",
        "input": workers,
        "jobs": PATHS["jobs"],
        "folder": FOLDER / "out",
        "no-folder": FOLDER / "nowhere" / "p.csv",
        "suffix": FOLDER / "out" / "p.json",
    }[out_kind]
    (FOLDER / "out").mkdir(exist_ok=True)
    if out_kind == "fresh":
        with contextlib.suppress(FileNotFoundError):
            out.unlink()
    if out_kind == "existing":
        out.write_bytes(BEFORE)
    policies = {"bad.json": b"{not json", "good.json": b'{"weights": {"skill": 2.0}}'}
    argv = ["match", str(workers), str(PATHS["jobs"]), "--out", str(out), "--no-progress", "--k", "2"]
    if policy_kind is not None:
        policy = FOLDER / "out" if policy_kind == "folder" else FOLDER / policy_kind
        if policy_kind in policies:
            policy.write_bytes(policies[policy_kind])
        argv += ["--policy", str(policy)]
    inputs = {path: _digest(path) for path in (workers, PATHS["jobs"])}
    code, _, _ = _run("match", argv)
    for path, digest in inputs.items():
        assert _digest(path) == digest, f"{path} changed"
    if code == 0:
        written = read_placements(out)  # a row per worker of the file read (a truncated file may hold fewer)
        assert written["worker"].tolist() == Market.from_files(workers, PATHS["jobs"]).workers.ids.tolist()
    elif out.is_file() and out_kind == "existing":
        assert out.read_bytes() == BEFORE
    assert not list((FOLDER / "out").glob(".*.part")), "a temporary file was left behind"


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([*MARKET.workers.ids[:3].tolist(), "nobody", "", "０01", " " + MARKET.workers.ids[0]]),
                min_size=1, max_size=3),
       st.booleans())  # fmt: skip
def test_explain_checks_ids_first(workers, saved):
    argv = ["explain"]
    if saved:
        placements = FOLDER / "saved.csv"
        if not placements.is_file():
            assert main(["match", str(PATHS["workers"]), str(PATHS["jobs"]), "--out", str(placements),
                         "--no-progress", "--k", "2"]) == 0  # fmt: skip
        argv += ["--placements", str(placements)]
    else:
        argv += [str(PATHS["workers"]), str(PATHS["jobs"]), "--no-progress", "--k", "2"]
    for worker in workers:
        argv += ["--worker", worker]
    code, out, err = _run("explain", argv)
    known = set(MARKET.workers.ids.tolist())
    assert (code == 0) == all(worker in known for worker in workers), (workers, code, err)
    if code == 2:
        assert "<Assignment" not in out, "solved before refusing an unknown id"


@settings(max_examples=30, deadline=None)
@given(st.sampled_from([".csv", ".parquet"]), st.integers(0, 4000), st.sampled_from([KeyboardInterrupt, OSError]))
def test_an_interrupted_or_failed_write_keeps_the_earlier_file(suffix, written, error):
    """Ctrl-C (or a full disk) after ``written`` bytes of the placements file: exit 130 (or 2), the earlier file
    as it was, no temporary file left."""
    out = FOLDER / "kept" / f"p{suffix}"
    out.parent.mkdir(exist_ok=True)
    out.write_bytes(BEFORE)
    method = "to_csv" if suffix == ".csv" else "to_parquet"
    real = getattr(pd.DataFrame, method)

    def broken(self, path, *args, **kwargs):
        real(self, path, *args, **kwargs)
        with open(path, "r+b") as file:  # what was on disk when the signal or the error came
            file.truncate(min(written, file.seek(0, 2)))
        raise error(28, "No space left on device") if error is OSError else error()

    setattr(pd.DataFrame, method, broken)
    try:
        code, _, err = _run("match", ["match", str(PATHS["workers"]), str(PATHS["jobs"]), "--out", str(out),
                                      "--no-progress", "--k", "2"])  # fmt: skip
    finally:
        setattr(pd.DataFrame, method, real)
    assert code == (130 if error is KeyboardInterrupt else 2), err
    assert out.read_bytes() == BEFORE
    assert not list(out.parent.glob(".*.part"))
