"""Issue 15, solver inputs: what a Problem, its quotas and caps, and ``solve`` accept, and the numeric ranges.

Each numbered case of the issue that lives here is a regression test; the
hostile-input fuzz suites are ``tests/fuzz/fuzz_problem.py`` and
``tests/fuzz/fuzz_solve.py``.
"""

from __future__ import annotations

import itertools
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobmatch import Problem, Status, solve
from jobmatch.exceptions import ValidationError
from jobmatch.solvers import unsupported
from jobmatch.solvers._scale import integer_values, scaled_values
from jobmatch.solvers.problem import Cap, GroupBound

RANGE = r"integers from 0 to 2147483647"


def best_by_brute_force(matrix: np.ndarray, maximize: bool = True) -> float:
    """Best total over every 1-to-1 assignment of a small matrix (capacity 1, placing optional)."""
    n, m = matrix.shape
    best = 0.0
    for combo in itertools.product(range(-1, m), repeat=n):
        taken = [j for j in combo if j >= 0]
        if len(taken) == len(set(taken)):
            total = sum(float(matrix[i, j]) for i, j in enumerate(combo) if j >= 0)
            best = max(best, total) if maximize else min(best, total)
    return best


# ------------------------------------------------------------------ case 1: unsigned indptr
def test_case_1_unsigned_indptr_is_refused_before_any_kernel_reads_it():
    code = (
        "import numpy as np\n"
        "from jobmatch import Problem\n"
        "from jobmatch.exceptions import ValidationError\n"
        "try:\n"
        "    Problem(np.array([0, 1000, 3], dtype=np.uint64), np.arange(3), [1., 2, 3], capacity=1, n_jobs=3)\n"
        "except ValidationError as error:\n"
        "    print(error)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr  # a segfault is a negative return code
    assert done.stdout.strip() == "Problem: indptr must be non-decreasing offsets from 0, got [0, 1000, 3]"


@pytest.mark.parametrize(
    ("indptr", "message"),
    [
        (np.array([0, 2**64 - 1], dtype=np.uint64), r"indptr must be offsets from 0 to 2147483647"),
        (np.array([0, -1, 0]), r"indptr must be offsets from 0 to 2147483647, got \(-1, 0\)"),
        (np.array([0.0, 1.0]), r"indptr must be a 1-d integer array of row offsets"),
        (np.array([True]), r"indptr must be a 1-d integer array of row offsets"),
        ([[0]], r"indptr must be a 1-d integer array of row offsets"),
    ],
)
def test_bad_indptr(indptr, message):
    with pytest.raises(ValidationError, match=message):
        Problem(indptr, [0], [1.0], capacity=1, n_jobs=1)


def test_unsigned_arrays_that_fit_are_fine():
    p = Problem(
        np.array([0, 1, 2], dtype=np.uint64), np.array([1, 0], dtype=np.uint64), [1.0, 2.0], capacity=1, n_jobs=2
    )
    assert p.indptr.dtype == np.int64 and p.jobs.tolist() == [1, 0]
    assert solve(p).objective == 3.0


# ------------------------------------------------------------------ case 5: values whose totals do not fit
def test_case_5_values_beyond_the_usable_range_are_refused():
    message = (
        r"Problem: values must be numbers of magnitude below 4\.5036e\+15 \(2\*\*53 / 2 workers, so that every "
        r"total stays exact and fits the solvers' integers\), got 1e\+20"
    )
    with pytest.raises(ValidationError, match=message):
        solve(Problem.from_dense([[1e20, 1.0], [1.0, 1e20]]))
    with pytest.raises(ValidationError, match=r"magnitude below 4\.5036e\+15 .*got 4\.6116\d*e\+18"):
        solve(Problem.from_dense(np.array([[2**62, 1], [1, 2**62]])), solver="assignment")
    with pytest.raises(ValidationError, match=r"values must be numbers of magnitude below 9\.0072e\+15 \(2\*\*53 / 1"):
        Problem.from_arcs([0], [0], [-(2.0**53)], n_workers=1, n_jobs=1)
    p = Problem.from_dense(np.ones((2, 2)))
    with pytest.raises(ValidationError, match=r"magnitude below 4\.5036e\+15"):
        p.replace(values=[1e16, 1.0, 1.0, 1.0])


@pytest.mark.parametrize("solver", ["auto", "flow", "cpsat", "assignment", "lagrangian"])
@pytest.mark.parametrize("maximize", [True, False])
def test_case_5_values_at_the_edge_of_the_range_solve_correctly(solver, maximize):
    sign = 1.0 if maximize else -1.0
    top = 2.0**53 / 3 - 2  # just inside the range for 3 workers
    matrix = sign * np.array([[top, 1.0, top - 7], [2.0, top - 1, 3.0], [top - 5, 5.0, 4.0]])
    problem = Problem.from_dense(matrix, maximize=maximize)
    result = solve(problem, solver=solver)
    best = best_by_brute_force(matrix, maximize)
    scaled = integer_values(problem)
    assert result.status is Status.OPTIMAL
    assert abs(result.objective - best) <= 2 * scaled.slack + 1e-12 * abs(best)
    if result.bound is not None:
        assert (result.bound >= best) if maximize else (result.bound <= best)


def test_case_5_scaled_values_never_overflow():
    for values in (np.array([1e300, -1e300, 1.0]), np.array([2.0**62, 1.0]), np.full(10, 1e17)):
        scaled = scaled_values(values, 3, nodes=1000)
        assert np.abs(scaled.ints).max() < 2**53 and np.abs(scaled.ints).sum() < 2**53
        # the scale never flips a sign or loses the order of the large values
        assert np.all(np.sign(scaled.ints[np.abs(values) > 1e10]) == np.sign(values[np.abs(values) > 1e10]))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e15, 1e15, allow_nan=False), min_size=1, max_size=6), st.integers(1, 10**6))
def test_scaled_bounds_stay_valid(values, nodes):
    array = np.array(values)
    scaled = scaled_values(array, len(values), nodes=nodes)
    assert np.abs(scaled.ints).max() * max(len(values), nodes) < 2**53 * 1.0001
    error = np.abs(scaled.ints / scaled.scale - array).sum()
    assert error <= scaled.slack * 2 + 1e-9 * np.abs(array).sum()


# ------------------------------------------------------------------ case 6: capacities, use and people
@pytest.mark.parametrize("bad", [2**63, 1e19, np.uint64(2**64 - 1), 2**31, -1, 1.5, True, "2", float("nan")])
@pytest.mark.parametrize("field", ["capacity", "use", "people"])
def test_case_6_counts_beyond_int32_or_not_integers_are_refused(field, bad):
    with pytest.raises(ValidationError, match=rf"Problem: {field} must be {RANGE}, got "):
        Problem.from_dense([[1.0]], **{field: bad})
    with pytest.raises(ValidationError, match=rf"Problem: {field} must be {RANGE}, got "):
        Problem.from_dense([[1.0]], **{field: np.array([bad]) if not isinstance(bad, str) else [bad]})


def test_case_6_exact_messages():
    with pytest.raises(ValidationError, match=rf"capacity must be {RANGE}, got 9223372036854775808$"):
        Problem.from_dense([[1.0]], capacity=2**63)
    with pytest.raises(ValidationError, match=rf"capacity must be {RANGE}, got 1e\+19$"):
        Problem.from_dense([[1.0]], capacity=1e19)
    with pytest.raises(ValidationError, match=rf"capacity must be {RANGE}, got 18446744073709551615$"):
        Problem.from_dense([[1.0]], capacity=np.array([2**64 - 1], dtype=np.uint64))
    largest = Problem.from_dense([[1.0]], capacity=2**31 - 1, people=2**31 - 1, use=2**31 - 1)
    assert largest.capacity.tolist() == [2**31 - 1] and solve(largest).n_placed == 1
    assert Problem.from_dense([[1.0]], capacity=2.0).capacity.tolist() == [2]  # whole floats are counts


# ------------------------------------------------------------------ accepted input that should be refused
def test_flags_are_bools_only():
    with pytest.raises(ValidationError, match=r"Problem: maximize must be True or False, got 'False'"):
        Problem.from_dense([[1.0]], maximize="False")
    with pytest.raises(ValidationError, match=r"Problem: must_place must be True or False, got 'no'"):
        Problem.from_dense([[1.0]], must_place="no")
    with pytest.raises(ValidationError, match=r"maximize must be True or False, got 1"):
        Problem([0, 1], [0], [1.0], capacity=1, n_jobs=1, maximize=1)
    p = Problem.from_dense([[1.0]], maximize=np.bool_(False), must_place=np.bool_(True))
    assert p.maximize is False and p.must_place is True


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(min_share=1.5), r"GroupBound 'g': min_share must be a share from 0 to 1 or None, got 1\.5"),
        (dict(min_share=float("nan")), r"GroupBound 'g': min_share must be a share from 0 to 1 or None, got nan"),
        (dict(max_share=-0.1), r"GroupBound 'g': max_share must be a share from 0 to 1 or None, got -0\.1"),
        (dict(min_count=-3), r"GroupBound 'g': min_count must be an integer from 0 to 2147483647 or None, got -3"),
        (dict(max_count=-1), r"GroupBound 'g': max_count must be an integer from 0 to 2147483647 or None, got -1"),
        (dict(max_count=2**63), r"max_count must be an integer from 0 to 2147483647 or None, got 9223372036854775808"),
        (dict(min_count=True), r"min_count must be an integer from 0 to 2147483647 or None, got True"),
        (dict(min_count=1.0), r"min_count must be an integer from 0 to 2147483647 or None, got 1\.0"),
    ],
)
def test_group_bounds_are_checked_when_made(kwargs, message):
    with pytest.raises(ValidationError, match=message):
        GroupBound("g", np.array([True]), **kwargs)


def test_group_bound_and_cap_fields():
    with pytest.raises(ValidationError, match=r"GroupBound: name must be non-empty text, got ''"):
        GroupBound("", np.array([True]))
    with pytest.raises(
        ValidationError, match=r"GroupBound 'g': members must be a 1-d bool mask, got shape \(1,\), int64"
    ):
        GroupBound("g", np.array([1]))
    with pytest.raises(ValidationError, match=r"Cap 'c': limit must be an integer from 0 to 2147483647, got -1"):
        Cap("c", np.array([True]), -1)
    with pytest.raises(
        ValidationError, match=r"Cap 'c': limit must be an integer from 0 to 2147483647, got 2147483648"
    ):
        Cap("c", np.array([True]), 2**31)
    with pytest.raises(ValidationError, match=r"Cap 'c': jobs must be a 1-d bool mask"):
        Cap("c", [[True]], 1)
    with pytest.raises(ValidationError, match=r"Cap: name must be non-empty text, got None"):
        Cap(None, np.array([True]), 1)  # type: ignore[arg-type]
    bound = GroupBound("g", [True, False], min_count=np.int64(1))
    assert bound.members.dtype == np.bool_ and not bound.members.flags.writeable and type(bound.min_count) is int
    with pytest.raises(ValidationError, match=r"Problem: quotas must be a sequence of GroupBound, got GroupBound"):
        Problem.from_dense([[1.0], [2.0]], quotas=bound)
    with pytest.raises(ValidationError, match=r"Problem: caps item must be a Cap, got 'c'"):
        Problem.from_dense([[1.0]], caps=["c"])
    with pytest.raises(ValidationError, match=r"Problem: quotas\['g'\]\.members must be a bool mask of 3 workers"):
        Problem.from_dense(np.ones((3, 1)), quotas=[bound])


@pytest.mark.parametrize("solver", ["auto", "cpsat", "lagrangian"])
def test_contradicting_group_bounds_are_infeasible_not_errors(solver):
    """``max_count=-1`` raised TypeError in the diagnosis; now refused, and a real contradiction is a status."""
    quota = GroupBound("g", np.array([True, True]), min_count=2, max_count=1)
    result = solve(Problem.from_dense(np.ones((2, 2)), quotas=[quota]), solver=solver)
    assert result.status is Status.INFEASIBLE and result.diagnosis


def test_from_arcs_use_must_have_one_entry_per_arc():
    with pytest.raises(ValidationError, match=r"Problem: use must be a scalar or 1 values, one per arc, got \(3,\)"):
        Problem.from_arcs([0], [0], [1.0], n_workers=1, n_jobs=1, use=[1, 2, 3])
    with pytest.raises(ValidationError, match=r"Problem: use must be a scalar or 2 values, one per arc, got \(1,\)"):
        Problem.from_arcs([0, 0], [0, 1], [1.0, 2.0], n_workers=1, n_jobs=2, use=[1])


def test_infinities_mean_forbidden_only_in_the_forbidding_direction():
    with pytest.raises(
        ValidationError, match=r"matrix must be finite numbers or -inf for forbidden pairs \(when maxim"
    ):
        Problem.from_dense([[np.inf, 1.0]])
    with pytest.raises(ValidationError, match=r"matrix must be finite numbers or \+inf for forbidden pairs \(when min"):
        Problem.from_dense([[-np.inf, 1.0]], maximize=False)
    with pytest.raises(ValidationError, match=r"matrix must be finite numbers or -inf .*got NaN"):
        Problem.from_dense([[np.nan, 1.0]])
    assert Problem.from_dense([[-np.inf, 1.0]]).jobs.tolist() == [1]
    assert Problem.from_dense([[np.inf, 1.0]], maximize=False).jobs.tolist() == [1]
    with pytest.raises(ValidationError, match=r"values must be finite numbers \(leave infeasible pairs out\)"):
        Problem([0, 1], [0], [-np.inf], capacity=1, n_jobs=1)


def test_workers_without_arcs():
    problem = Problem.from_arcs([], [], [], n_workers=2, n_jobs=1)
    assert (problem.n_workers, problem.n_jobs, problem.n_arcs) == (2, 1, 0)
    result = solve(problem)
    assert result.status is Status.OPTIMAL and result.job_of.tolist() == [-1, -1]
    forced = solve(Problem.from_arcs([], [], [], n_workers=2, n_jobs=1, must_place=True))
    assert forced.status is Status.INFEASIBLE and "2 have no allowed job" in forced.diagnosis
    assert Problem([0, 0], [], [], capacity=1, n_jobs=1).n_arcs == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(n_workers=1.5), r"Problem: n_workers must be an integer from 0 to 2147483647, got 1\.5"),
        (dict(n_workers=True), r"Problem: n_workers must be an integer from 0 to 2147483647, got True"),
        (dict(n_jobs=2**31 + 2), r"Problem: n_jobs must be an integer from 0 to 2147483647, got 2147483650"),
        (dict(n_jobs=-1), r"Problem: n_jobs must be an integer from 0 to 2147483647, got -1"),
    ],
)
def test_sizes(kwargs, message):
    with pytest.raises(ValidationError, match=message):
        Problem.from_arcs([0], [0], [1.0], **{"n_workers": 1, "n_jobs": 1, **kwargs})


def test_arcs_arrays():
    with pytest.raises(ValidationError, match=r"Problem: workers must be worker indices in 0\.\.0, got 3"):
        Problem.from_arcs([3], [0], [1.0], n_workers=1, n_jobs=1)
    with pytest.raises(ValidationError, match=r"Problem: jobs must be integer job indices in 0\.\.0, got float64"):
        Problem.from_arcs([0], [0.0], [1.0], n_workers=1, n_jobs=1)
    with pytest.raises(ValidationError, match=r"Problem: jobs must be job indices in 0\.\.0, got 18446744073709551615"):
        Problem.from_arcs([0], np.array([2**64 - 1], dtype=np.uint64), [1.0], n_workers=1, n_jobs=1)
    with pytest.raises(ValidationError, match=r"Problem: values must be numbers, got bool"):
        Problem.from_arcs([0], [0], [True], n_workers=1, n_jobs=1)
    with pytest.raises(ValidationError, match=r"Problem: workers must be an array, got list"):
        Problem.from_arcs([[0], [0, 1]], [0], [1.0], n_workers=1, n_jobs=1)
    with pytest.raises(ValidationError, match=r"Problem: matrix must be a 2-d array of numbers, got bool"):
        Problem.from_dense([[True]])


def test_chosen_checks_the_assignment():
    p = Problem.from_dense(np.ones((2, 2)))
    with pytest.raises(ValidationError, match=r"Problem: job_of must be 2 integer job indices \(-1: unplaced\)"):
        p.chosen([0])
    with pytest.raises(ValidationError, match=r"job_of must be 2 integer job indices"):
        p.objective_of([0.0, 1.0])
    assert p.objective_of([1, -1]) == 1.0


# ------------------------------------------------------------------ solve's own arguments
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(seed=2**70), r"solve: seed must be an integer from 0 to 2147483647, got 1180591620717411303424"),
        (dict(seed=True), r"solve: seed must be an integer from 0 to 2147483647, got True"),
        (dict(seed=-1), r"solve: seed must be an integer from 0 to 2147483647, got -1"),
        (
            dict(time_limit=float("nan")),
            r"solve: time_limit must be a finite number of seconds above 0, or None, got nan",
        ),
        (dict(time_limit=float("inf")), r"time_limit must be a finite number of seconds above 0, or None, got inf"),
        (dict(time_limit=-1), r"time_limit must be a finite number of seconds above 0, or None, got -1"),
        (dict(time_limit=0), r"time_limit must be a finite number of seconds above 0, or None, got 0"),
        (dict(time_limit=True), r"time_limit must be a finite number of seconds above 0, or None, got True"),
        (dict(time_limit="1"), r"time_limit must be a finite number of seconds above 0, or None, got '1'"),
        (dict(options=[("hint", 1)]), r"solve: options must be a dict of option names to values, or None, got list"),
        (dict(options={1: 2}), r"options must be a dict of option names to values, or None, got keys that are not"),
        (dict(solver=np.array(["auto", "flow"])), r"solve: solver must be one of \["),
    ],
)
def test_solve_arguments(kwargs, message):
    with pytest.raises(ValidationError, match=message):
        solve(Problem.from_dense([[1.0]]), **kwargs)


def test_solve_argument_edges_accepted():
    problem = Problem.from_dense([[1.0]])
    assert solve(problem, seed=2**31 - 1, time_limit=1e-3, solver="cpsat").status in (Status.OPTIMAL, Status.UNKNOWN)
    assert solve(problem, seed=np.int64(3), time_limit=np.float64(5), options=None).status is Status.OPTIMAL
    with pytest.raises(ValidationError, match=r"solvers\.unsupported: name must be one of"):
        unsupported(["flow"], problem)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"solvers\.unsupported: problem must be a jobmatch\.Problem"):
        unsupported("flow", None)  # type: ignore[arg-type]


def test_assignment_without_workers_does_not_expand_huge_capacities():
    problem = Problem.from_arcs([], [], [], n_workers=0, n_jobs=2, capacity=2**31 - 1)
    assert "cells" in unsupported("assignment", problem)
    with pytest.raises(ValidationError, match=r"'assignment' cannot: the slot-expanded matrix would have"):
        solve(problem, solver="assignment")
    assert solve(problem).status is Status.OPTIMAL


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([0], [5], [1.0]), r"jobs must be job indices in 0\.\.1"),
        (([-1], [0], [1.0]), r"workers must be worker indices in 0\.\.1"),
        (([0.5], [0], [1.0]), "workers must be integer worker indices"),
        (([0, 1], [0], [1.0]), "jobs must be 2 entries"),
        (([1], [0], [float("nan")]), "values must be finite numbers"),
        (([1, 1], [0, 0], [1.0, 2.0]), "jobs must be each job at most once per worker"),
    ],
)
def test_with_arcs_checks_what_it_adds(args, message):
    """The public builder checks the new arcs as the constructor checks arcs, and names itself in the error."""
    p = Problem.from_arcs([0], [1], [3.0], n_workers=2, n_jobs=2)
    with pytest.raises(ValidationError, match=rf"Problem\.with_arcs: {message}"):
        p.with_arcs(*args)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_fixing_is_the_problem_of_the_others(data):
    """Fixing workers along arcs: the other workers' best total plus the fixed arcs' values is the best total
    over assignments that keep those workers there (brute force), caps and quotas counting the fixed people."""
    n, m = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 3))
    matrix = np.array(data.draw(st.lists(st.integers(0, 9), min_size=n * m, max_size=n * m)), float).reshape(n, m)
    capacity = np.array(data.draw(st.lists(st.integers(1, 2), min_size=m, max_size=m)))
    members = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    cap = Cap("some", np.arange(m) == 0, data.draw(st.integers(0, 2)))
    quota = GroupBound("group", members, max_count=data.draw(st.integers(0, 3)))
    problem = Problem.from_dense(matrix, capacity=capacity).replace(caps=[cap], quotas=[quota])
    fixed = sorted(data.draw(st.sets(st.integers(0, n - 1), max_size=n)))
    arcs = np.array([w * m + data.draw(st.integers(0, m - 1)) for w in fixed], dtype=np.int64)
    on = problem.jobs[arcs]
    if np.any(np.bincount(on, minlength=m) > capacity) or np.count_nonzero(on == 0) > cap.limit:
        with pytest.raises(ValidationError, match=r"Problem\.fixing: arcs must be (at most|places within cap 'some')"):
            problem.fixing(arcs)
        return
    rest = problem.fixing(arcs)
    assert rest.n_arcs == problem.n_arcs - len(arcs) * m
    pinned = np.full(n, -1)
    pinned[problem.workers[arcs]] = problem.jobs[arcs]
    best = -np.inf
    for choice in itertools.product(range(-1, m), repeat=n):
        job_of = np.array(choice)
        if np.any(job_of[fixed] != pinned[fixed]):
            continue
        placed = job_of >= 0
        if np.any(np.bincount(job_of[placed], minlength=m) > capacity) or np.count_nonzero(job_of == 0) > cap.limit:
            continue
        if np.count_nonzero(placed & members) > quota.max_count:
            continue
        best = max(best, problem.objective_of(job_of))
    result = solve(rest, solver="cpsat")
    if best == -np.inf:
        assert result.status is Status.INFEASIBLE
    else:
        assert result.status is Status.OPTIMAL
        assert result.objective + float(problem.values[arcs].sum()) == pytest.approx(best)
