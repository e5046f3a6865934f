"""Stable matching: kernels against a textbook reference and the `matching` package."""

from __future__ import annotations

import sys
import threading

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matching.games import HospitalResident

import reference
from jobmatch import Problem, Status, ValidationError, solve
from jobmatch.solvers import _kernels
from jobmatch.stable import blocking_pairs, deferred_acceptance


@st.composite
def instances(draw, max_workers=9, max_jobs=4, min_capacity=0):
    n, m = draw(st.integers(0, max_workers)), draw(st.integers(1, max_jobs))
    worker_prefs = [draw(st.permutations(range(m)).map(lambda p: p[: draw(st.integers(0, m))])) for _ in range(n)]
    job_prefs = [draw(st.permutations(range(n)).map(lambda p: p[: draw(st.integers(0, n))])) for _ in range(m)]
    capacities = draw(st.lists(st.integers(min_capacity, 3), min_size=m, max_size=m))
    return worker_prefs, job_prefs, capacities


def matching_package(worker_prefs, job_prefs, capacities, optimal):
    """The `matching` package's hospital-resident solution, as a job index per worker."""
    residents = {f"w{i}": [f"j{j}" for j in p] for i, p in enumerate(worker_prefs)}
    hospitals = {f"j{j}": [f"w{i}" for i in p] for j, p in enumerate(job_prefs)}
    game = HospitalResident.create_from_dictionaries(
        residents, hospitals, {f"j{j}": c for j, c in enumerate(capacities)}, clean=True
    )
    job_of = [-1] * len(worker_prefs)
    for hospital, matched in game.solve(optimal=optimal).items():
        for resident in matched:
            job_of[int(resident.name[1:])] = int(hospital.name[1:])
    return job_of


@given(instances(), st.sampled_from(["worker", "job"]))
def test_kernels_equal_the_textbook_reference(instance, proposing):
    got = deferred_acceptance(*instance, proposing=proposing)
    assert got.tolist() == reference.deferred_acceptance(*instance, proposing=proposing)
    assert blocking_pairs(*instance, got).tolist() == []


# The package raises IndexError on a zero-capacity hospital, so it is compared from capacity 1 up;
# it also warns when it drops one-sided preferences (clean=True), which is the intended semantics here.
@pytest.mark.filterwarnings("ignore::UserWarning")
@given(instances(min_capacity=1), st.sampled_from(["worker", "job"]))
def test_equal_to_the_matching_package(instance, proposing):
    optimal = "resident" if proposing == "worker" else "hospital"
    assert deferred_acceptance(*instance, proposing=proposing).tolist() == matching_package(*instance, optimal)


@given(instances(), st.data())
def test_blocking_pairs_equal_the_reference(instance, data):
    worker_prefs, job_prefs, capacities = instance
    left = list(capacities)
    job_of = []
    for i, prefs in enumerate(worker_prefs):  # any valid matching, stable or not
        j = data.draw(st.sampled_from([-1, *[j for j in prefs if i in job_prefs[j] and left[j] > 0]]))
        if j >= 0:
            left[j] -= 1
        job_of.append(j)
    got = blocking_pairs(worker_prefs, job_prefs, capacities, job_of).tolist()
    assert sorted(got) == sorted(reference.blocking_pairs(worker_prefs, job_prefs, capacities, job_of))


def test_matching_package_documented_example():
    # The hospital-resident example of the `matching` package's documentation.
    residents = {"A": ["C"], "S": ["C", "M"], "D": ["C", "M", "G"], "J": ["C", "G", "M"], "L": ["M", "C", "G"]}
    hospitals = {"M": ["D", "L", "S", "J"], "C": ["D", "A", "S", "L", "J"], "G": ["D", "J", "L"]}
    capacities = {"M": 2, "C": 2, "G": 2}
    r_names, h_names = list(residents), list(hospitals)
    worker_prefs = [[h_names.index(h) for h in residents[r]] for r in r_names]
    job_prefs = [[r_names.index(r) for r in hospitals[h]] for h in h_names]
    got = deferred_acceptance(worker_prefs, job_prefs, [capacities[h] for h in h_names])
    assert {r: h_names[j] for r, j in zip(r_names, got.tolist())} == {"A": "C", "S": "M", "D": "C", "J": "G", "L": "M"}
    game = HospitalResident.create_from_dictionaries(residents, hospitals, capacities)
    theirs = {r.name: h.name for h, rs in game.solve().items() for r in rs}
    assert theirs == {"A": "C", "S": "M", "D": "C", "J": "G", "L": "M"}


@pytest.mark.filterwarnings("ignore::UserWarning")  # the package warns as it drops one-sided preferences
def test_against_the_package_at_a_few_thousand_players():
    rng = np.random.default_rng(4)
    n, m = 3000, 60
    worker_prefs = [rng.permutation(m)[: rng.integers(1, 8)].tolist() for _ in range(n)]
    job_prefs = [rng.permutation(n)[: rng.integers(50, 400)].tolist() for _ in range(m)]
    capacities = rng.integers(1, 40, m).tolist()
    ours = deferred_acceptance(worker_prefs, job_prefs, capacities).tolist()
    theirs: list = []
    # The package recurses through its player graph: give it a deep stack in its own thread.
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(100_000)
    threading.stack_size(512 * 1024 * 1024)
    try:
        thread = threading.Thread(
            target=lambda: theirs.append(matching_package(worker_prefs, job_prefs, capacities, "resident"))
        )
        thread.start()
        thread.join()
    finally:
        threading.stack_size(0)
        sys.setrecursionlimit(old)
    assert theirs and ours == theirs[0]


@st.composite
def arc_sets(draw, max_arcs=60):
    """Random arcs (worker, job, use, value, tie) with capacities, for the kernels."""
    n, m = draw(st.integers(1, 30)), draw(st.integers(1, 6))
    arcs = draw(st.integers(0, max_arcs))
    ints = st.lists
    workers = np.array(draw(ints(st.integers(0, n - 1), min_size=arcs, max_size=arcs)), dtype=np.int64)
    jobs = np.array(draw(ints(st.integers(0, m - 1), min_size=arcs, max_size=arcs)), dtype=np.int64)
    use = np.array(draw(ints(st.integers(1, 2), min_size=arcs, max_size=arcs)), dtype=np.int64)
    # Few distinct values, so ties are common and the tie-break is exercised.
    value = np.array(draw(ints(st.sampled_from([-1.0, 0.0, 0.5, 2.0]), min_size=arcs, max_size=arcs)))
    capacity = np.array(draw(ints(st.integers(0, 4), min_size=m, max_size=m)), dtype=np.int64)
    order = np.array(draw(st.permutations(range(arcs))), dtype=np.int64)
    return n, m, workers, jobs, use, value, capacity, order


@given(arc_sets())
def test_greedy_kernel_equals_reference(arcs):
    n, _, workers, jobs, use, _, capacity, order = arcs
    got = _kernels.greedy_assign(order, workers, jobs, use, capacity, n)
    assert got.tolist() == reference.greedy_assign(order, workers, jobs, use, capacity, n)


def test_stable_solvers_on_problems():
    values = np.array([[3.0, 1.0], [2.0, 2.5], [1.0, -np.inf]])
    problem = Problem.from_dense(values, capacity=1)
    for name, proposing in (("stable", "worker"), ("stable_jobs", "job")):
        result = solve(problem, solver=name)
        assert result.status is Status.FEASIBLE and result.solver == name
        from jobmatch.solvers.stable import preferences

        w_ptr, w_list, j_ptr, j_list = preferences(problem)
        worker_prefs = [w_list[w_ptr[i] : w_ptr[i + 1]].tolist() for i in range(3)]
        job_prefs = [j_list[j_ptr[j] : j_ptr[j + 1]].tolist() for j in range(2)]
        assert worker_prefs == [[0, 1], [1, 0], [0]] and job_prefs == [[0, 1, 2], [1, 0]]
        assert blocking_pairs(worker_prefs, job_prefs, [1, 1], result.job_of).tolist() == []
        assert (
            result.job_of.tolist() == deferred_acceptance(worker_prefs, job_prefs, [1, 1], proposing=proposing).tolist()
        )


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (([[0]], [[0]], [-1]), "capacities"),
        (([[0]], [[0]], [1.5]), "capacities"),
        (([[1]], [[0]], [1]), "worker_prefs[0][0]"),
        (([[0, 0]], [[0]], [1]), "worker_prefs[0][1]"),
        (([[0]], [[0], [0]], [1]), "job_prefs"),
        (("abc", [[0]], [1]), "worker_prefs"),
    ],
)
def test_bad_preferences(args, field):
    with pytest.raises(ValidationError) as caught:
        deferred_acceptance(*args)
    assert caught.value.field == field
    with pytest.raises(ValidationError):
        deferred_acceptance([[0]], [[0]], [1], proposing="both")


def test_blocking_pairs_rejects_invalid_matchings():
    with pytest.raises(ValidationError, match=r"job_of\[0\] must be a job that worker and job both list"):
        blocking_pairs([[0]], [[]], [1], [0])
    with pytest.raises(ValidationError, match="at most 1 workers at job 0"):
        blocking_pairs([[0], [0]], [[0, 1]], [1], [0, 0])


@st.composite
def tiny_value_problems(draw):
    n, m = draw(st.integers(0, 7)), draw(st.integers(1, 4))
    pairs = (
        draw(st.lists(st.tuples(st.integers(0, max(n - 1, 0)), st.integers(0, m - 1)), unique=True, max_size=n * m))
        if n
        else []
    )
    values = draw(st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.0]), min_size=len(pairs), max_size=len(pairs)))
    capacity = np.array(draw(st.lists(st.integers(0, 2), min_size=m, max_size=m)))
    workers = np.array([p[0] for p in pairs], dtype=np.int64)
    jobs = np.array([p[1] for p in pairs], dtype=np.int64)
    return Problem.from_arcs(
        workers, jobs, np.array(values), n_workers=n, n_jobs=m, capacity=capacity, maximize=draw(st.booleans())
    )


@given(tiny_value_problems())
def test_stable_solvers_equal_the_reference_on_their_own_preferences(problem):
    from jobmatch.solvers.stable import preferences

    w_ptr, w_list, j_ptr, j_list = preferences(problem)
    worker_prefs = [w_list[w_ptr[i] : w_ptr[i + 1]].tolist() for i in range(problem.n_workers)]
    job_prefs = [j_list[j_ptr[j] : j_ptr[j + 1]].tolist() for j in range(problem.n_jobs)]
    # Best value first (in the problem's sense), ties to the lower index.
    value = problem.values if problem.maximize else -problem.values
    workers, jobs = problem.workers, problem.jobs
    assert w_list.tolist() == jobs[np.lexsort((jobs, -value, workers))].tolist()
    assert j_list.tolist() == workers[np.lexsort((workers, -value, jobs))].tolist()
    capacities = problem.capacity.tolist()
    for name, proposing in (("stable", "worker"), ("stable_jobs", "job")):
        got = solve(problem, solver=name).job_of.tolist()
        assert got == reference.deferred_acceptance(worker_prefs, job_prefs, capacities, proposing=proposing)
        assert blocking_pairs(worker_prefs, job_prefs, capacities, got).tolist() == []


@given(arc_sets(), st.data())
def test_fill_within_rows_kernel_equals_reference(arcs, data):
    n, m, workers, jobs, use, _, capacity, order = arcs
    rows = data.draw(st.integers(0, 3))
    small = st.sampled_from([-1.0, 0.0, 0.25, 1.0, 2.0])
    by_worker = np.array(data.draw(st.lists(st.lists(small, min_size=n, max_size=n), min_size=rows, max_size=rows)))
    by_job = np.array(data.draw(st.lists(st.lists(small, min_size=m, max_size=m), min_size=rows, max_size=rows)))
    by_worker, by_job = by_worker.reshape(rows, n), by_job.reshape(rows, m)
    rhs = np.array(data.draw(st.lists(st.sampled_from([-1.0, 0.0, 1.0, 3.0]), min_size=rows, max_size=rows)))
    start = np.full(n, -1, dtype=np.int64)
    activity = np.zeros(rows)
    got = _kernels.fill_within_rows(order, workers, jobs, use, capacity, start, by_worker, by_job, activity, rhs)
    want = reference.fill_within_rows(order, workers, jobs, use, capacity, start, by_worker, by_job, activity, rhs)
    assert got.tolist() == want
