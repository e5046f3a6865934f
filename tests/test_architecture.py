"""The architecture is checked, not just drawn (docs/architecture.md).

Each check runs a tool in a subprocess, as a user would: import-linter's
contracts (layers, solvers apart from markets, public re-export paths,
no import cycle at any depth, lazy imports included), the type checker over
``src/``, and what ``import jobmatch`` loads.
"""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "jobmatch"


def run(*command: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def test_import_contracts_are_kept():
    command = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    done = run(sys.executable, "-c", command, "--no-cache")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_types_check():
    done = run(sys.executable, "-m", "mypy", "--no-incremental")
    assert done.returncode == 0, done.stdout + done.stderr


def test_importing_the_package_loads_no_numba_ortools_or_pandas():
    probe = (
        "import sys, jobmatch, jobmatch.solvers, jobmatch.scoring, jobmatch.results, jobmatch.pipeline, "
        "jobmatch.stable, jobmatch.datasets, jobmatch.synth, jobmatch.blend, jobmatch.outcomes, jobmatch.components;"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'numba', 'ortools', 'pandas', 'matplotlib'}))"
    )
    done = run(sys.executable, "-c", probe)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def _modules() -> list[pathlib.Path]:
    return sorted(p for p in SRC.rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_a_long_module_says_why(path):
    """No module over about 400 lines without a reason stated in its docstring."""
    lines = path.read_text(encoding="utf-8").count("\n")
    if lines <= 420:
        return
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    assert "Why one long module" in doc, f"{path.name}: {lines} lines and no 'Why one long module' paragraph"


def test_every_public_path_of_the_docs_still_works():
    """The documented module paths keep their names (the code moved into layers behind them)."""
    import importlib

    for path, names in {
        "jobmatch.stable": ["deferred_acceptance", "blocking_pairs", "rank_lookup"],
        "jobmatch.datasets": ["load_orlib_assign", "load_orlib_gap"],
        "jobmatch.blend": ["Blend", "PairScores", "blend_candidates", "blended"],
        "jobmatch.components": ["register", "unregister", "registered", "COMPONENTS"],
        "jobmatch.outcomes": ["retention", "COEFFICIENTS"],
        "jobmatch.comparison": ["compare", "uplift_summary", "STATUS_QUO"],
        "jobmatch.solvers": ["available", "register", "solve", "unsupported", "Problem", "Result", "Status"],
        "jobmatch.synth": ["scenario", "COUNTIES", "CITIES"],
        "jobmatch.plot": ["plot", "plot_uplift", "CJK_FONTS"],
    }.items():
        module = importlib.import_module(path)
        for name in names:
            assert hasattr(module, name), f"{path}.{name}"
    import jobmatch

    for name in jobmatch.__all__:
        assert getattr(jobmatch, name) is not None, name


def test_public_modules_are_attributes_listed_by_dir_and_load_on_use():
    """``jobmatch.simulate`` works as ``jobmatch.rematch`` does; ``dir(jobmatch)`` lists both; neither loads
    anything heavy until used.  (What a type checker sees of them: tests/check_types.py, run by mypy.)"""
    probe = (
        "import sys, jobmatch; heavy = ('numba', 'ortools', 'pandas'); names = dir(jobmatch); "
        "print(all(n in names for n in ('simulate', 'stable', 'distributed', 'match', 'rematch', 'Catalogue')), "
        "[m for m in heavy if m in sys.modules]); "
        "print(jobmatch.simulate.__name__, jobmatch.stable.__name__, callable(jobmatch.simulate.run))"
    )
    done = run(sys.executable, "-c", probe)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["True []", "jobmatch.simulate jobmatch.stable True"]


def test_renamed_names_keep_their_old_spelling_for_one_release():
    """``compile`` is ``build_problem`` now (it shadowed the builtin): the old name still works, warns, and is
    left out of ``__all__`` so that ``from jobmatch import *`` no longer shadows the builtin."""
    import warnings

    import jobmatch
    from jobmatch import build_problem, synth

    market = synth.scenario(60, 6, seed=2)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        old = jobmatch.compile(market, k=3)
    assert [w.category for w in seen] == [DeprecationWarning] and "build_problem" in str(seen[0].message)
    assert seen[0].filename == __file__  # the warning points at the caller's line
    new = build_problem(market, k=3)
    assert np.array_equal(old.jobs, new.jobs) and np.array_equal(old.values, new.values)
    assert "compile" not in jobmatch.__all__ and "build_problem" in jobmatch.__all__
