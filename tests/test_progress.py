"""Progress bars (jobmatch._progress) on match, rematch and compare, and the log lines of each stage and solve."""

from __future__ import annotations

import logging
import sys

import pytest

from jobmatch import GroupQuota, Policy, ValidationError, _progress, compare, match, rematch, synth
from jobmatch.exceptions import MissingDependency


@pytest.fixture(scope="module")
def market():
    return synth.scenario(400, 20, seed=3)


def test_a_bar_steps_through_the_stages_with_the_solver_rounds(market, capsys):
    match(market, k=5, progress=True)
    err = capsys.readouterr().err
    assert "match (solve)" in err and "2/2" in err and "auction phase" in err
    quota = Policy(quotas=[GroupQuota("poverty_alleviated", min_share=0.8)])
    match(market, quota, k=5, solver="lagrangian", progress=True, options={"finish": False})
    assert "round 1: bound" in capsys.readouterr().err


def test_a_rematch_bar_steps_through_scoring_solving_and_its_pricing_passes(market, capsys):
    before = match(market, k=5)
    capsys.readouterr()
    rematch(before, market.subset(jobs=range(1, 20)), k=3, progress=True)
    err = capsys.readouterr().err
    assert "rematch (solve)" in err and "2/2" in err and "auction phase" in err
    with pytest.raises(ValidationError, match="progress"):
        rematch(before, market, progress="yes")


def test_no_bar_unless_asked_or_the_run_is_large(market, capsys):
    match(market, k=5, progress=False)
    match(market, k=5)  # None: 400 x 20 pairs is far below AUTO_PAIRS
    assert capsys.readouterr().err == ""
    assert not _progress.wanted(None, _progress.AUTO_PAIRS)  # under pytest stderr is no terminal: nobody watches


def test_a_large_run_shows_a_bar_by_default_only_where_someone_watches(monkeypatch):
    """None shows a bar for a large run on a terminal or in a notebook, never in a batch job's log."""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert _progress.wanted(None, _progress.AUTO_PAIRS) and not _progress.wanted(None, _progress.AUTO_PAIRS - 1)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert not _progress.wanted(None, _progress.AUTO_PAIRS)
    monkeypatch.setitem(sys.modules, "ipykernel", object())  # a notebook's stream is no terminal
    assert _progress.wanted(None, _progress.AUTO_PAIRS)
    assert _progress.wanted(True, 0) and not _progress.wanted(False, 10 * _progress.AUTO_PAIRS)


def test_compare_steps_per_solve_and_logs_each(market, capsys, caplog):
    with caplog.at_level(logging.INFO, logger="jobmatch"):
        compare(market, solvers=["auto", "greedy"], seeds=[0, 1], k=5, progress=True)
    err = capsys.readouterr().err
    assert "compare (greedy seed 1)" in err and "5/5" in err
    solves = [
        r.getMessage() for r in caplog.records if r.getMessage().startswith("compare: ") and " seed " in r.getMessage()
    ]
    assert len(solves) == 4 and all("objective" in line for line in solves)


def test_bad_progress_and_missing_tqdm(market, monkeypatch, capsys):
    with pytest.raises(ValidationError, match="progress"):
        match(market, k=5, progress="yes")
    monkeypatch.setitem(sys.modules, "tqdm", None)  # as if not installed
    monkeypatch.setattr(_progress.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(MissingDependency, match="progress"):
        match(market, k=5, progress=True)
    assert not _progress.wanted(None, 10 * _progress.AUTO_PAIRS)  # no tqdm: no bar by default, and no error
    assert capsys.readouterr().err == ""


def test_notes_and_stages_outside_a_bar_do_nothing():
    _progress.stage("score")
    _progress.note("round 1")  # no bar open: nothing to write to, nothing raised
