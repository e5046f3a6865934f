"""Issue 15, cases 4 and 9-12: many worker sizes, time limits, Ctrl-C, threads and the numba cache.

The interrupt, thread and cache tests run a script in a subprocess of their
own, so that an abort or a killed interpreter fails the test instead of the
run.  No test asserts on how fast this machine is: time limits are checked
by the solvers' own account of where they stopped (diagnosis, rounds), and
elapsed times only against generous bounds.
"""

from __future__ import annotations

import importlib
import inspect
import os
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from jobmatch import Job, Market, Problem, Status, ValidationError, Worker, match, solve
from jobmatch.exceptions import SolverError
from jobmatch.solvers import GroupBound, flow, lagrangian
from jobmatch.solvers._pack import Deadline
from jobmatch.solvers._subgradient import DualSearch

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "jobmatch"


def hard_gap(n: int = 200, m: int = 20, seed: int = 0) -> Problem:
    """A generalised assignment problem of type D (costs falling with the capacity used): CP-SAT needs minutes."""
    rng = np.random.default_rng(seed)
    use = rng.integers(1, 101, (n, m))
    cost = 111 - use + rng.integers(-10, 11, (n, m))
    capacity = (0.8 * use.sum(axis=0) / m).astype(int)
    return Problem(
        np.arange(0, n * m + 1, m),
        np.tile(np.arange(m), n),
        cost.ravel().astype(float),
        capacity=capacity,
        n_jobs=m,
        use=use.ravel(),
        must_place=True,
        maximize=False,
    )


def milp_optimum(problem: Problem) -> float | None:
    """The optimum by scipy's MILP (None: infeasible): capacities in use, quotas by count, caps."""
    n_arcs = problem.n_arcs
    sign = -1.0 if problem.maximize else 1.0
    rows, lower, upper = [], [], []
    for i in range(problem.n_workers):
        row = np.zeros(n_arcs)
        row[problem.indptr[i] : problem.indptr[i + 1]] = 1
        rows.append(row)
        lower.append(1 if problem.must_place else 0)
        upper.append(1)
    for j in range(problem.n_jobs):
        rows.append(np.where(problem.jobs == j, problem.use, 0))
        lower.append(0)
        upper.append(problem.capacity[j])
    people = problem.people[problem.workers]
    for quota in problem.quotas:
        rows.append(np.where(quota.members[problem.workers], people, 0))
        lower.append(quota.min_count or 0)
        upper.append(quota.max_count if quota.max_count is not None else np.inf)
    out = milp(
        sign * problem.values,
        constraints=LinearConstraint(np.array(rows), lower, upper),
        integrality=np.ones(n_arcs),
        bounds=Bounds(0, 1),
    )
    return None if out.status == 2 else sign * out.fun


def sized(sizes: list[int], capacities: list[int], seed: int) -> Problem:
    """Every worker may take every job; worker ``i`` is ``sizes[i]`` people using that much capacity."""
    rng = np.random.default_rng(seed)
    n, m = len(sizes), len(capacities)
    values = rng.integers(1, 100, n * m).astype(float)
    return Problem(
        np.arange(0, n * m + 1, m),
        np.tile(np.arange(m), n),
        values,
        capacity=capacities,
        n_jobs=m,
        use=np.repeat(sizes, m),
        people=sizes,
    )


# --- case 4: many sizes ------------------------------------------------------------------------------------------


def test_sizes_1_to_30_are_placed_not_infeasible():
    workers = [Worker(id=f"W{s}", origin="a", min_wage=1, size=s) for s in range(1, 31)]
    market = Market(workers, [Job(id="J", employer="E", region="R", capacity=500, wage=2)])
    result = match(market).result
    assert result.status is Status.OPTIMAL
    assert result.solver == "cpsat"  # flow (and lagrangian over it) cannot scale lcm(1..30) costs
    assert np.all(result.job_of == 0)  # 465 people fit in 500 seats


def test_flow_says_why_it_cannot_take_many_sizes():
    problem = sized(list(range(1, 31)), [500], seed=0)
    assert "least common multiple" in flow.unsupported(problem)
    assert "least common multiple" in lagrangian.unsupported(problem)
    with pytest.raises(
        ValidationError,
        match=r"solve: solver must be a solver that can express this problem .*"
        r"least common multiple",
    ):
        solve(problem, solver="flow")
    with pytest.raises(ValidationError, match=r"'lagrangian' cannot: workers of 30 different sizes"):
        solve(problem, solver="lagrangian")


@pytest.mark.parametrize("seed", range(12))
def test_random_sizes_up_to_1000_match_milp(seed):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 1001, 8).tolist()
    capacities = rng.integers(1, 3000, 3).tolist()
    problem = sized(sizes, capacities, seed)
    want = milp_optimum(problem)
    for solver in ("auto", "cpsat"):
        got = solve(problem, solver=solver)
        assert got.status is Status.OPTIMAL
        assert got.objective == pytest.approx(want, abs=1e-6)


@pytest.mark.parametrize("seed", range(8))
def test_sizes_1_to_10_stay_with_flow_and_match_milp(seed):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 11, 12).tolist()
    problem = sized(sizes, rng.integers(5, 30, 3).tolist(), seed)
    assert flow.unsupported(problem) is None  # lcm(1..10) = 2,520
    want = milp_optimum(problem)
    got = solve(problem, solver="flow")
    if got.status is Status.OPTIMAL:
        assert got.objective == pytest.approx(want, abs=1e-6)
    else:  # the flow split a group: placed greedily, bound proven
        assert got.status is Status.FEASIBLE
        assert got.objective <= want + 1e-6 <= got.bound + 2e-6


def test_sizes_with_a_large_lcm_within_reach_are_answered_by_flow():
    problem = sized([7, 11, 13, 17, 19, 23], [60, 40], seed=3)  # lcm 7,436,429 x 12 nodes: within reach
    assert flow.unsupported(problem) is None
    got = solve(problem, solver="flow")
    want = milp_optimum(problem)
    assert got.status in (Status.OPTIMAL, Status.FEASIBLE)
    assert got.objective <= want + 1e-6 <= got.bound + 2e-6


def test_a_flow_status_other_than_optimal_or_infeasible_is_an_error_not_infeasible(monkeypatch):
    real = flow.min_cost_flow.SimpleMinCostFlow

    class Overflowing(real):
        def solve(self):
            return self.BAD_COST_RANGE

    monkeypatch.setattr(flow.min_cost_flow, "SimpleMinCostFlow", Overflowing)
    with pytest.raises(SolverError, match=r"solver 'flow': OR-Tools' min-cost flow returned BAD_COST_RANGE"):
        solve(Problem.from_dense(np.ones((2, 2))), solver="flow")


# --- case 9: time limits -----------------------------------------------------------------------------------------


def big(n: int = 3_000, m: int = 60, k: int = 20, seed: int = 0) -> Problem:
    """``n`` workers with ``k`` random jobs each, and a quota by share (lagrangian's and cpsat's work)."""
    rng = np.random.default_rng(seed)
    jobs = np.concatenate([np.sort(rng.choice(m, k, replace=False)) for _ in range(n)])
    quota = GroupBound("poor", rng.random(n) < 0.3, min_share=0.5)
    return Problem(np.arange(0, n * k + 1, k), jobs, rng.random(n * k), capacity=n // m // 2, n_jobs=m, quotas=(quota,))


def test_cpsat_stops_building_its_model_at_the_time_limit():
    problem = big()
    started = time.perf_counter()
    result = solve(problem, solver="cpsat", time_limit=1e-3)
    assert result.status is Status.UNKNOWN
    assert result.diagnosis == "time limit (0.001 s) reached while building the CP-SAT model"
    assert time.perf_counter() - started < 30  # the model alone takes seconds; it was abandoned


def test_cpsat_within_its_time_limit_returns_feasible_or_unknown():
    problem = hard_gap()
    started = time.perf_counter()
    result = solve(problem, solver="cpsat", time_limit=1.0)
    elapsed = time.perf_counter() - started
    assert result.status in (Status.FEASIBLE, Status.UNKNOWN)  # not proven in a second (minutes, measured)
    if result.status is Status.FEASIBLE:
        assert result.bound <= result.objective  # minimising: a proven lower bound
    assert elapsed <= 1.5 * 1.0 + 10  # generous: this machine may be busy


def test_flow_does_not_start_a_solve_past_its_time_limit():
    problem = big().replace(quotas=())
    result = solve(problem, solver="flow", time_limit=1e-6)
    assert result.status is Status.UNKNOWN
    assert result.diagnosis == "time limit (1e-06 s) reached before the min-cost flow was solved"
    assert solve(problem, solver="flow", time_limit=60).status is Status.OPTIMAL


def test_lagrangian_out_of_time_is_unknown_and_says_so():
    result = solve(big(), solver="lagrangian", time_limit=1e-6)
    assert result.status is Status.UNKNOWN
    assert result.diagnosis.endswith("before the time limit (1e-06 s)")
    assert result.stats["rounds"] <= 1


def test_lagrangian_does_not_finish_by_cpsat_without_time_left(monkeypatch):
    from jobmatch.solvers import cpsat

    def refuse(*args, **kwargs):
        raise AssertionError("CP-SAT started with no time left")

    monkeypatch.setattr(cpsat, "solve_cpsat", refuse)
    result = solve(big(300, 20, 10), solver="lagrangian", time_limit=1e-6)
    assert result.status in (Status.UNKNOWN, Status.FEASIBLE)


class FakeClock:
    """``time.perf_counter`` under the test's control."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_round_starts_only_when_the_time_left_exceeds_the_last_one(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(time, "perf_counter", clock)
    search = DualSearch(max_rounds=100, stall=100, gap=0.0, time_limit=10.0)
    lengths = [3.0, 3.0, 3.0, 3.0]
    ran = []
    for length in lengths:
        if not search.more():
            break
        ran.append(clock.now - 1000.0)
        clock.now += length
    # rounds at 0, 3 and 6 s; at 9 s one second is left, less than the 3 s a round took
    assert ran == [0.0, 3.0, 6.0]
    assert search.out_of_time and search.rounds == 3
    assert Deadline(10.0, 1000.0).left() == pytest.approx(1.0)


# --- case 10: Ctrl-C --------------------------------------------------------------------------------------------


def run_script(body: str, *, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    script = textwrap.dedent(body)
    return subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
    )


def test_ctrl_c_during_a_cpsat_search_raises_keyboard_interrupt_at_once():
    out = run_script(
        "import os, signal, threading, time\nimport numpy as np\nfrom jobmatch import Problem, solve\n"
        + inspect.getsource(hard_gap)
        + """
problem = hard_gap()
solve(problem, solver="cpsat", time_limit=0.5)  # warmed up: the next model is built at once
threading.Timer(3.0, os.kill, (os.getpid(), signal.SIGINT)).start()
started = time.perf_counter()
try:
    solve(problem, solver="cpsat", time_limit=120)
    print("not interrupted")
except KeyboardInterrupt:
    print("KeyboardInterrupt after", round(time.perf_counter() - started, 1))
finally:
    print("finally ran")
"""
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[-1] == "finally ran"
    assert lines[0].startswith("KeyboardInterrupt after")
    assert float(lines[0].split()[-1]) < 60  # the search would take minutes; it stopped at the interrupt


def test_ctrl_c_after_a_cpsat_solve_raises_keyboard_interrupt_not_exit_130():
    out = run_script(
        """
        import os, signal, time
        import numpy as np
        from jobmatch import Problem, solve
        print(solve(Problem.from_dense(np.ones((3, 3))), solver="cpsat").status)
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(30)
            print("not interrupted")
        except KeyboardInterrupt:
            print("KeyboardInterrupt")
        finally:
            print("finally ran")
        """
    )
    assert out.returncode == 0, (out.returncode, out.stderr)
    assert out.stdout.splitlines() == ["Status.OPTIMAL", "KeyboardInterrupt", "finally ran"]


def test_cpsat_in_a_worker_thread_solves_as_in_the_main_thread():
    import threading

    problem = hard_gap(20, 4)  # proven optimal in well under a second
    here = solve(problem, solver="cpsat", time_limit=30)
    there = []
    worker = threading.Thread(target=lambda: there.append(solve(problem, solver="cpsat", time_limit=30)))
    worker.start()
    worker.join()
    assert here.status is Status.OPTIMAL
    assert there[0].status is here.status
    assert there[0].objective == here.objective


# --- case 11: threads --------------------------------------------------------------------------------------------


def layers() -> list[str]:
    """The numba threading layers this machine can load."""
    found = []
    for layer, module in (("tbb", "tbbpool"), ("omp", "omppool"), ("workqueue", "workqueue")):
        try:
            importlib.import_module(f"numba.np.ufunc.{module}")
        except ImportError:
            continue
        found.append(layer)
    return found


LAYERS = layers()


@pytest.mark.parametrize("layer", LAYERS)
def test_two_threads_call_the_parallel_kernels_at_once(layer):
    out = run_script(
        """
        import threading
        import numba
        import numpy as np
        from jobmatch import candidates, synth, _sparse
        market = synth.scenario(3_000, 200, seed=1)
        want = candidates(market)
        rng = np.random.default_rng(0)
        ptr = np.arange(0, 200_001, 50)
        value, tie = rng.random(200_000), rng.permutation(200_000)
        order = _sparse.segment_order(ptr, np.arange(200_000), value, tie)
        bad = []

        def work():
            for _ in range(10):
                got = candidates(market)
                if not np.array_equal(got.indices, want.indices):
                    bad.append("candidates")
                if not np.array_equal(_sparse.segment_order(ptr, np.arange(200_000), value, tie)[0], order[0]):
                    bad.append("segment_order")

        threads = [threading.Thread(target=work) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        print(numba.threading_layer(), bad)
        """,
        env={"NUMBA_THREADING_LAYER": layer},
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == [layer, "[]"]


# --- case 12: the numba cache ------------------------------------------------------------------------------------

CACHED_KERNEL = """
import numpy as np
import numba
from jobmatch import _sparse
_sparse.segment_order(np.array([0, 2]), np.arange(2), np.array([1.0, 2.0]), np.arange(2))
print(numba.config.CACHE_DIR)
"""


def nbi_files(root: Path) -> set[Path]:
    return set(root.rglob("_sparse._segment_order-*.nbi"))


def clean_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    return {**env, **extra}


def run_clean(body: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", body], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)


def test_kernels_are_cached_in_a_private_per_user_directory(tmp_path):
    before = {p: p.stat().st_mtime for p in nbi_files(PACKAGE)}
    out = run_clean(CACHED_KERNEL, clean_env(XDG_CACHE_HOME=str(tmp_path)))
    assert out.returncode == 0, out.stderr
    where = tmp_path / "jobmatch" / "numba"
    assert out.stdout.split() == [str(where)]
    assert nbi_files(where)  # the kernel's index landed there
    assert stat.S_IMODE(where.stat().st_mode) == 0o700
    assert stat.S_IMODE(where.parent.stat().st_mode) == 0o700
    assert {p: p.stat().st_mtime for p in nbi_files(PACKAGE)} == before  # nothing new in the package


def test_numba_cache_dir_takes_precedence(tmp_path):
    chosen = tmp_path / "mine"
    out = run_clean(CACHED_KERNEL, clean_env(XDG_CACHE_HOME=str(tmp_path / "xdg"), NUMBA_CACHE_DIR=str(chosen)))
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [str(chosen)]
    assert nbi_files(chosen)
    assert not (tmp_path / "xdg" / "jobmatch").exists()


def test_a_cache_directory_others_can_write_is_made_private(tmp_path):
    where = tmp_path / "jobmatch" / "numba"
    where.mkdir(parents=True)
    where.chmod(0o777)
    out = run_clean(CACHED_KERNEL, clean_env(XDG_CACHE_HOME=str(tmp_path)))
    assert out.returncode == 0, out.stderr
    assert stat.S_IMODE(where.stat().st_mode) == 0o700


def test_no_usable_cache_directory_caches_for_the_process_only_with_a_warning(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    out = run_clean(CACHED_KERNEL, clean_env(XDG_CACHE_HOME=str(blocker)))
    assert out.returncode == 0, out.stderr
    where = Path(out.stdout.strip())
    assert where.name.startswith("jobmatch-numba-")  # a private temporary directory ...
    assert not where.exists()  # ... removed at exit
    assert "RuntimeWarning: jobmatch:" in out.stderr and "for this process only" in out.stderr


def test_importing_the_flags_loads_no_numba():
    out = run_clean("import sys, jobmatch._config; print('numba' in sys.modules)", clean_env())
    assert out.stdout.split() == ["False"], out.stderr


def test_ctrl_c_during_an_auction_raises_keyboard_interrupt_between_slices():
    out = run_script(
        """
        import os, signal, threading, time
        from jobmatch import Policy, build_problem, solve, synth
        from jobmatch.solvers import auction
        auction.BIDS_PER_CALL = 1 << 14  # thinner slices: the interrupt is seen sooner
        solve(build_problem(synth.scenario(2_000, 100, seed=0), Policy(), k=20), solver="auction")  # kernels loaded
        problem = build_problem(synth.scenario(100_000, 2_000, seed=0), Policy(), k=20)
        started = time.perf_counter()
        solve(problem, solver="auction")
        took = time.perf_counter() - started
        threading.Timer(took / 5, os.kill, (os.getpid(), signal.SIGINT)).start()
        try:
            solve(problem, solver="auction")
            print("not interrupted")
        except KeyboardInterrupt:
            print("KeyboardInterrupt")
        finally:
            print("finally ran")
        """
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["KeyboardInterrupt", "finally ran"]


def test_a_ctrl_c_numba_wraps_in_a_system_error_comes_out_as_keyboard_interrupt():
    from jobmatch.solvers._pack import interruptible

    def wrapped(cause):
        try:
            raise cause
        except BaseException as inner:
            raise SystemError("CPUDispatcher(...) returned a result with an exception set") from inner

    with pytest.raises(KeyboardInterrupt):
        with interruptible():
            wrapped(KeyboardInterrupt())
    with pytest.raises(SystemError):  # any other SystemError stays what it is
        with interruptible():
            wrapped(ValueError("not a Ctrl-C"))
