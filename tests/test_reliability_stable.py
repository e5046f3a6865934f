"""Issue 15, stable matching and the candidate graph: no crash, no silent wrong answer.

Regression tests for the cases of the issue (``rank_lookup`` without
checks, float preference lists truncated, numpy lists refused, huge
capacities, bad ``job_of``, ``CandidateGraph`` truncating floats and taking
unsorted rows), and hypothesis tests of ``deferred_acceptance`` on accepted
inputs in every accepted form against the ``matching`` package and a brute
force over all matchings.  The brute-force helpers here serve the fuzz suite
``tests/fuzz/fuzz_preferences.py`` too.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matching.games import HospitalResident

import reference
from jobmatch import CandidateGraph, Problem, ValidationError, solve
from jobmatch.stable import blocking_pairs, deferred_acceptance, lists_to_csr, rank_lookup

# ------------------------------------------------------------------ brute force


def blocking(worker_prefs, job_prefs, capacities, job_of) -> list[tuple[int, int]]:
    """Every blocking pair of a valid matching, pair by pair in plain Python (nothing from the library)."""
    holders = [[i for i, j in enumerate(job_of) if j == job] for job in range(len(job_prefs))]
    out = []
    for i, prefs in enumerate(worker_prefs):
        for j in prefs:  # best first: stop at the worker's own job
            if job_of[i] == j:
                break
            if i not in job_prefs[j]:
                continue
            rank = job_prefs[j].index
            if len(holders[j]) < capacities[j] or any(rank(i) < rank(w) for w in holders[j]):
                out.append((i, j))
    return out


def valid(worker_prefs, job_prefs, capacities, job_of) -> bool:
    """Each match lists each other both ways, no job over its capacity."""
    m = len(job_prefs)
    if len(job_of) != len(worker_prefs) or any(not -1 <= j < m for j in job_of):
        return False
    if any(j >= 0 and (j not in worker_prefs[i] or i not in job_prefs[j]) for i, j in enumerate(job_of)):
        return False
    return all(list(job_of).count(j) <= capacities[j] for j in range(m))


def assert_stable(worker_prefs, job_prefs, capacities, job_of) -> None:
    assert valid(worker_prefs, job_prefs, capacities, job_of), job_of
    assert blocking(worker_prefs, job_prefs, capacities, job_of) == [], job_of


def all_stable(worker_prefs, job_prefs, capacities) -> list[tuple[int, ...]]:
    """Every stable matching, by enumerating all (jobs + 1) ** workers assignments."""
    out = []
    for job_of in itertools.product(range(-1, len(job_prefs)), repeat=len(worker_prefs)):
        if valid(worker_prefs, job_prefs, capacities, job_of) and not blocking(
            worker_prefs, job_prefs, capacities, job_of
        ):
            out.append(job_of)
    return out


def matching_package(worker_prefs, job_prefs, capacities, optimal: str) -> list[int]:
    """The `matching` package's solution as a job per worker.

    The package raises on a job without places, so such jobs are left out
    (nobody can hold them: the same game).
    """
    open_jobs = [j for j, c in enumerate(capacities) if c > 0]
    residents = {f"w{i}": [f"j{j}" for j in p if capacities[j] > 0] for i, p in enumerate(worker_prefs)}
    hospitals = {f"j{j}": [f"w{i}" for i in job_prefs[j]] for j in open_jobs}
    game = HospitalResident.create_from_dictionaries(
        residents, hospitals, {f"j{j}": capacities[j] for j in open_jobs}, clean=True
    )
    job_of = [-1] * len(worker_prefs)
    for hospital, matched in game.solve(optimal=optimal).items():
        for resident in matched:
            job_of[int(resident.name[1:])] = int(hospital.name[1:])
    return job_of


@st.composite
def games(draw, max_workers=6, max_jobs=4, max_capacity=3):
    """Random incomplete preference lists on both sides and capacities (0 allowed), as Python lists."""
    n, m = draw(st.integers(0, max_workers)), draw(st.integers(0, max_jobs))
    worker_prefs = [draw(st.permutations(range(m)))[: draw(st.integers(0, m))] for _ in range(n)]
    job_prefs = [draw(st.permutations(range(n)))[: draw(st.integers(0, n))] for _ in range(m)]
    capacities = draw(st.lists(st.integers(0, max_capacity), min_size=m, max_size=m))
    return worker_prefs, job_prefs, capacities


def as_form(lists, form: str, n_other: int):
    """The same lists in another accepted form: tuples, 1-d arrays of some integer dtype, or a 2-d array."""
    if form == "tuples":
        return tuple(tuple(p) for p in lists)
    if form == "arrays":
        return [np.array(p, dtype=np.uint16 if n_other < 2**16 else np.int64) for p in lists]
    if form == "2d" and lists and len({len(p) for p in lists}) == 1:
        return np.array(lists, dtype=np.int32).reshape(len(lists), len(lists[0]))
    return lists


# ------------------------------------------------------------------ deferred acceptance, accepted inputs


@pytest.mark.filterwarnings("ignore::UserWarning")  # the package warns as it drops one-sided preferences
@settings(max_examples=150)
@given(games(), st.sampled_from(["lists", "tuples", "arrays", "2d"]), st.sampled_from(["worker", "job"]))
def test_deferred_acceptance_equals_the_matching_package_in_every_form(game, form, proposing):
    worker_prefs, job_prefs, capacities = game
    n, m = len(worker_prefs), len(job_prefs)
    got = deferred_acceptance(
        as_form(worker_prefs, form, m), as_form(job_prefs, form, n), np.array(capacities), proposing=proposing
    ).tolist()
    assert got == deferred_acceptance(worker_prefs, job_prefs, capacities, proposing=proposing).tolist()
    assert_stable(worker_prefs, job_prefs, capacities, got)
    optimal = "resident" if proposing == "worker" else "hospital"
    assert got == matching_package(worker_prefs, job_prefs, capacities, optimal)
    assert blocking_pairs(worker_prefs, job_prefs, capacities, got).tolist() == []


@settings(max_examples=150)
@given(games(max_workers=4, max_jobs=3, max_capacity=2))
def test_proposing_side_gets_its_best_stable_matching_by_brute_force(game):
    """Worker-proposing: each worker's best job over all stable matchings; job-proposing: each worker's worst."""
    worker_prefs = game[0]
    stable = all_stable(*game)
    assert stable  # a stable matching always exists

    def rank(i, j):
        return worker_prefs[i].index(j) if j >= 0 else len(worker_prefs[i])

    best = deferred_acceptance(*game).tolist()
    worst = deferred_acceptance(*game, proposing="job").tolist()
    assert tuple(best) in stable and tuple(worst) in stable
    for i in range(len(worker_prefs)):
        assert rank(i, best[i]) == min(rank(i, s[i]) for s in stable)
        assert rank(i, worst[i]) == max(rank(i, s[i]) for s in stable)


@given(games(), st.data())
def test_blocking_pairs_equal_the_brute_force(game, data):
    worker_prefs, job_prefs, capacities = game
    left = list(capacities)
    job_of = []
    for i, prefs in enumerate(worker_prefs):  # any valid matching, stable or not
        j = data.draw(st.sampled_from([-1, *[j for j in prefs if i in job_prefs[j] and left[j] > 0]]))
        if j >= 0:
            left[j] -= 1
        job_of.append(j)
    got = sorted(map(tuple, blocking_pairs(worker_prefs, job_prefs, capacities, np.array(job_of)).tolist()))
    assert got == sorted(blocking(worker_prefs, job_prefs, capacities, job_of))


# ------------------------------------------------------------------ issue 15: rank_lookup without checks


def test_rank_lookup_of_the_issue_is_refused_not_a_segfault():
    with pytest.raises(ValidationError, match=r"rank_lookup: lst must be of length 1000000 \(ptr\[-1\]\), got 1"):
        rank_lookup(np.array([0, 10**6]), np.array([0]), np.array([0, 1]), np.array([0]))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            (np.array([0.0, 1.0]), [0], [0, 1], [0]),
            r"ptr must be an integer array \(values from 0 to .*\), got float64",
        ),
        (([0, 1.0], [0], [0, 1], [0]), r"ptr must be an integer from 0 to 9223372036854775807, got 1.0 \(ptr\[1\]\)"),
        (
            (np.array([0, 2**64 - 1], dtype=np.uint64), [0], [0, 1], [0]),
            r"ptr must be an integer from 0 to 9223372036854775807, got 18446744073709551615 \(ptr\[1\]\)",
        ),
        (([1, 1], [0], [0, 1], [0]), r"ptr must be non-decreasing offsets from 0, got \[1, 1\]"),
        (([0, 2, 1], [0, 0], [0, 1], [0]), r"ptr must be non-decreasing offsets from 0, got \[0, 2, 1\]"),
        (([], [], [0], []), r"ptr must be one or more offsets"),
        (([0, 1], [1], [0, 1], [0]), r"lst must be an integer from 0 to 0, got 1 \(lst\[0\]\)"),
        (([0, 1], [-1], [0, 1], [0]), r"lst must be an integer from 0 to 0, got -1 \(lst\[0\]\)"),
        (([0, 1], [True], [0, 1], [0]), r"lst must be an integer from 0 to 0, got True \(lst\[0\]\)"),
        (([0, 1], np.array([0.0]), [0, 1], [0]), r"lst must be an integer array \(values from 0 to 0\), got float64"),
        (([0, 1], [0], [0, 1], [5]), r"other_lst must be an integer from 0 to 0, got 5 \(other_lst\[0\]\)"),
        (([0, 1], [0], [0, 2], [0]), r"other_lst must be of length 2 \(other_ptr\[-1\]\), got 1"),
        (([0, 2], [0, 0], [0, 1], [0]), r"lst must be lists without repeated entries, got a repeat in list 0"),
        (([0, 1], [0], [0, 1], np.zeros((1, 1), dtype=int)), r"other_lst must be a 1-d array, got \(1, 1\)"),
        (("01", [0], [0, 1], [0]), r"ptr must be a 1-d array or sequence of integers"),
    ],
)
def test_rank_lookup_checks_every_array(args, message):
    with pytest.raises(ValidationError, match=r"rank_lookup: " + message):
        rank_lookup(*args)


def test_rank_lookup_takes_any_integer_dtype():
    got = rank_lookup(
        np.array([0, 1, 2], dtype=np.uint8), [0, 0], np.array([0, 1], dtype=np.int32), np.array([1], dtype=np.uint64)
    )
    assert (
        got.tolist()
        == reference.rank_lookup(np.array([0, 1, 2]), np.array([0, 0]), np.array([0, 1]), np.array([1])).tolist()
    )


# ------------------------------------------------------------------ issue 15: preference lists and capacities


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # floats are refused, not truncated (deferred_acceptance([[0.7]], ...) used to mean job 0)
        (([[0.7]], [[0]], [1]), r"worker_prefs\[0\]\[0\] must be an integer from 0 to 0, got 0.7"),
        (([[0], [1.0]], [[0, 1], [1]], [1, 1]), r"worker_prefs\[1\]\[0\] must be an integer from 0 to 1, got 1.0"),
        (
            ([np.array([0.0])], [[0]], [1]),
            r"worker_prefs\[0\]\[0\] must be an integer from 0 to 0, got np.float64\(0.0\)",
        ),
        (
            (np.array([[0.5]]), [[0]], [1]),
            r"worker_prefs must be a 2-d integer array or a sequence of index lists, got a 2-d array of float64",
        ),
        # bools, negatives, out of range, huge, repeats: named with their position
        (([[0], [True]], [[0, 1]], [1]), r"worker_prefs\[1\]\[0\] must be an integer from 0 to 0, got True"),
        (([[0]], [[0, -1]], [1]), r"job_prefs\[0\]\[1\] must be an integer from 0 to 0, got -1"),
        (([[0, 1, 3]], [[0], [0]], [1, 1]), r"worker_prefs\[0\]\[2\] must be an integer from 0 to 1, got 3"),
        (([[2**70]], [[0]], [1]), r"worker_prefs\[0\]\[0\] must be an integer from 0 to 0, got 1180591620717411303424"),
        (
            ([[0], [0], [0], [0, 1, 0]], [[0], [3]], [1, 1]),
            r"worker_prefs\[3\]\[2\] must be an index not earlier in worker_prefs\[3\] \(no repeats\), got 0",
        ),
        (
            ([[0]], [np.array([0, 0], dtype=np.uint8)], [1]),
            r"job_prefs\[0\]\[1\] must be an index not earlier in job_prefs\[0\]",
        ),
        (
            (
                [[0]],
                [[0]],
                [1],
            ),
            None,
        ),  # control: valid
        (([[0]], ["0"], [1]), r"job_prefs\[0\] must be a list of indices, got '0'"),
        (([0], [[0]], [1]), r"worker_prefs\[0\] must be a list of indices, got 0"),
        (([[[0]]], [[0]], [1]), r"worker_prefs\[0\]\[0\] must be an integer from 0 to 0, got \[0\]"),
        (("abc", [[0]], [1]), r"worker_prefs must be a sequence of index lists or a 2-d integer array, got 'str'"),
        ((None, [[0]], [1]), r"worker_prefs must be a sequence of index lists or a 2-d integer array, got 'NoneType'"),
        (
            (np.zeros((1, 1, 1), dtype=int), [[0]], [1]),
            r"worker_prefs must be a sequence of index lists or a 2-d integer array, got \(1, 1, 1\)",
        ),
        (([[0]], [[0], [0]], [1]), r"job_prefs must be one list per job \(1, as capacities\), got 2"),
        # capacities: a range, no floats or bools (capacities=[10**15] used to raise another exception)
        (
            ([[0]], [[0]], [10**15]),
            r"capacities must be an integer from 0 to 2147483647, got 1000000000000000 \(capacities\[0\]\)",
        ),
        (([[0]], [[0]], [-1]), r"capacities must be an integer from 0 to 2147483647, got -1 \(capacities\[0\]\)"),
        (([[0]], [[0]], [1.5]), r"capacities must be an integer from 0 to 2147483647, got 1.5 \(capacities\[0\]\)"),
        (([[0]], [[0]], [True]), r"capacities must be an integer from 0 to 2147483647, got True \(capacities\[0\]\)"),
        (
            ([[0]], [[0]], np.array([2**63], dtype=np.uint64)),
            r"capacities must be an integer from 0 to 2147483647, got 9223372036854775808 \(capacities\[0\]\)",
        ),
        (
            ([[0]], [[0]], np.array([1.0])),
            r"capacities must be an integer array \(values from 0 to 2147483647\), got float64",
        ),
        (([[0]], [[0]], 1), r"capacities must be a 1-d array or sequence of integers from 0 to 2147483647, got 'int'"),
    ],
)
def test_bad_preferences_name_the_argument_and_position(args, message):
    if message is None:
        assert deferred_acceptance(*args).tolist() == [0]
        return
    with pytest.raises(ValidationError, match=r"deferred_acceptance: " + message):
        deferred_acceptance(*args)
    with pytest.raises(ValidationError, match=r"blocking_pairs: " + message):
        blocking_pairs(*args, [-1] * (len(args[0]) if isinstance(args[0], list) else 1))


def test_proposing_is_checked():
    for bad in ("both", None, np.array(["worker"]), 1):
        with pytest.raises(ValidationError, match=r"deferred_acceptance: proposing must be 'worker' or 'job'"):
            deferred_acceptance([[0]], [[0]], [1], proposing=bad)


def test_numpy_preference_arrays_are_accepted():
    """The issue: a numpy preference array was wrongly refused.  2-d arrays and lists of 1-d arrays work."""
    worker_prefs = [[0, 1], [0, 1], [1, 0]]
    job_prefs = [[2, 0, 1], [0, 2, 1]]
    want = deferred_acceptance(worker_prefs, job_prefs, [1, 1]).tolist()
    assert deferred_acceptance(np.array(worker_prefs), np.array(job_prefs), np.array([1, 1])).tolist() == want
    assert deferred_acceptance([np.array(p) for p in worker_prefs], job_prefs, (1, 1)).tolist() == want
    assert deferred_acceptance(np.array(worker_prefs, dtype=np.uint8), job_prefs, [1, 1]).tolist() == want
    ragged = np.empty(2, dtype=object)
    ragged[:] = [np.array([2, 0]), np.array([0, 2, 1])]
    assert (
        deferred_acceptance(worker_prefs, ragged, [1, 1]).tolist()
        == deferred_acceptance(worker_prefs, [[2, 0], [0, 2, 1]], [1, 1]).tolist()
    )
    assert deferred_acceptance(np.zeros((0, 3), dtype=int), np.zeros((3, 0), dtype=int), [1, 1, 1]).tolist() == []


def test_capacities_up_to_the_limit_need_no_memory_of_their_size():
    """A heap per job is as large as the workers it accepts, not its capacity (2**31 - 1 x 100 jobs used to fail)."""
    rng = np.random.default_rng(0)
    n, m = 50, 100
    worker_prefs = [rng.permutation(m)[:5].tolist() for _ in range(n)]
    job_prefs = [rng.permutation(n)[:20].tolist() for _ in range(m)]
    huge, enough = [2**31 - 1] * m, [n] * m
    for proposing in ("worker", "job"):
        got = deferred_acceptance(worker_prefs, job_prefs, huge, proposing=proposing).tolist()
        assert got == deferred_acceptance(worker_prefs, job_prefs, enough, proposing=proposing).tolist()
    problem = Problem.from_dense(np.ones((3, 100)), capacity=2**31 - 1)
    for solver in ("stable", "stable_jobs"):
        assert (solve(problem, solver=solver).job_of >= 0).all()


@pytest.mark.parametrize(
    ("job_of", "message"),
    [
        ([0], r"job_of must be 2 job indices, one per worker \(-1 for unmatched\), got 1"),
        ([0, -1, -1], r"job_of must be 2 job indices, one per worker \(-1 for unmatched\), got 3"),
        ([0, 1], r"job_of must be an integer from -1 to 0, got 1 \(job_of\[1\]\)"),
        ([0, -2], r"job_of must be an integer from -1 to 0, got -2 \(job_of\[1\]\)"),
        ([0, 0.0], r"job_of must be an integer from -1 to 0, got 0.0 \(job_of\[1\]\)"),
        ([False, -1], r"job_of must be an integer from -1 to 0, got False \(job_of\[0\]\)"),
        (np.array([0, 2**63], dtype=np.uint64), r"job_of must be an integer from -1 to 0, got 9223372036854775808"),
        (np.array([[0, -1]]), r"job_of must be a 1-d array, got \(1, 2\)"),
        (None, r"job_of must be a 1-d array or sequence of integers from -1 to 0, got 'NoneType'"),
        ([-1, 0], r"job_of\[1\] must be a job that worker and job both list, got 0"),
    ],
)
def test_blocking_pairs_checks_job_of(job_of, message):
    with pytest.raises(ValidationError, match=r"blocking_pairs: " + message):
        blocking_pairs([[0], [0]], [[0]], [1], job_of)


def test_blocking_pairs_checks_capacities_of_job_of():
    with pytest.raises(ValidationError, match=r"blocking_pairs: job_of must be at most 1 workers at job 0, got 2"):
        blocking_pairs([[0], [0]], [[0, 1]], [1], [0, 0])


def test_lists_to_csr_checks_its_bound():
    with pytest.raises(ValidationError, match=r"f: n_other must be an integer from 0 to 2147483647, got -1"):
        lists_to_csr([[0]], -1, "f")
    indptr, indices = lists_to_csr([[5]], 2**31 - 1, "f")  # scratch sized by the largest index, not the bound
    assert indptr.tolist() == [0, 1] and indices.tolist() == [5]


# ------------------------------------------------------------------ issue 15: CandidateGraph


def graph(indptr, indices, scores, **kwargs):
    return CandidateGraph(indptr, indices, scores, **{"n_workers": 1, "n_jobs": 3, **kwargs})


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        # floats are refused, not truncated (indices 0.7 used to become job 0)
        ((np.array([0.0, 1.0]), [0], [0.5]), {}, r"indptr must be an integer array \(values .*\), got float64"),
        (
            ([0.0, 1.0], [0], [0.5]),
            {},
            r"indptr must be an integer from 0 to 9223372036854775807, got 0.0 \(indptr\[0\]\)",
        ),
        (([0, 1], np.array([0.7]), [0.5]), {}, r"indices must be an integer array \(values from 0 to 2\), got float64"),
        (([0, 1], [1.0], [0.5]), {}, r"indices must be an integer from 0 to 2, got 1.0 \(indices\[0\]\)"),
        (([0, 1], [True], [0.5]), {}, r"indices must be an integer from 0 to 2, got True \(indices\[0\]\)"),
        # unsorted rows are refused: best first, ties by increasing index
        (
            ([0, 2], [0, 1], [0.2, 0.9]),
            {},
            r"row 0 must be sorted best first \(scores never increasing, equal scores by increasing index, "
            r"compared in float32\), got index 0 \(score 0.2\) before index 1 \(score 0.9\)",
        ),
        (
            ([0, 2], [2, 1], [0.5, 0.5]),
            {},
            r"row 0 must be sorted best first .*, got index 2 \(score 0.5\) before index 1 \(score 0.5\)",
        ),
        (
            ([0, 1, 3], [0, 2, 0], [1.0, 0.5, 0.5]),
            {"n_workers": 2},
            r"row 1 must be sorted best first .*, got index 2 \(score 0.5\) before index 0",
        ),
        (([0, 2], [1, 1], [0.9, 0.5]), {}, r"row 0 must be free of repeated indices, got index 1 twice"),
        # float32 is what is stored and compared: 1 + 1e-9 and 1 are one score, so index 2 may not come first
        (([0, 2], [2, 1], np.array([1 + 1e-9, 1.0])), {}, r"row 0 must be sorted best first"),
        # lengths, ranges, offsets that would wrap
        (([0, 2], [0], [0.5, 0.4]), {}, r"indices/scores must be 2 entries each \(indptr\[-1\]\), got \(1, 2\)"),
        (([0, 1], [3], [0.5]), {}, r"indices must be an integer from 0 to 2, got 3 \(indices\[0\]\)"),
        (([0, 1], [-1], [0.5]), {}, r"indices must be an integer from 0 to 2, got -1 \(indices\[0\]\)"),
        (
            (np.array([0, 2**64 - 1], dtype=np.uint64), [0], [0.5]),
            {},
            r"indptr must be an integer from 0 to 9223372036854775807, got 18446744073709551615",
        ),
        (([0, 1], [0], [0.5]), {"n_workers": 2}, r"indptr must be 3 offsets \(one per row and one more"),
        (([0, 1], [0], [0.5]), {"n_workers": 1.0}, r"n_workers must be an integer from 0 to 2147483647, got 1.0"),
        (([0, 1], [0], [0.5]), {"n_jobs": True}, r"n_jobs must be an integer from 0 to 2147483647, got True"),
        (([0, 1], [0], [0.5]), {"n_jobs": 2**31}, r"n_jobs must be an integer from 0 to 2147483647, got 2147483648"),
        # scores: finite where present, within float32
        (
            ([0, 1], [0], [np.nan]),
            {},
            r"scores must be finite numbers of magnitude at most 3.403e\+38 \(absent pairs are left out\), "
            r"got nan \(scores\[0\]\)",
        ),
        (([0, 1], [0], [-np.inf]), {}, r"scores must be finite numbers .*, got -inf \(scores\[0\]\)"),
        (([0, 1], [0], [1e39]), {}, r"scores must be finite numbers .*, got 1e\+39 \(scores\[0\]\)"),
        (([0, 1], [0], [True]), {}, r"scores must be a 1-d array of finite numbers, got \(\(1,\), 'bool'\)"),
        (([0, 1], [0], ["0.5"]), {}, r"scores must be a 1-d array of finite numbers"),
        (([0, 1], [0], [0.5]), {"side": ["job"]}, r"side must be 'worker' or 'job', got \['job'\]"),
    ],
)
def test_candidate_graph_refuses_what_it_would_truncate_or_misread(args, kwargs, message):
    with pytest.raises(ValidationError, match=r"CandidateGraph: " + message):
        graph(*args, **kwargs)


def test_candidate_graph_keeps_well_formed_input():
    g = graph(np.array([0, 3], dtype=np.uint32), [1, 0, 2], [0.9, 0.5, 0.5])
    assert g.indptr.dtype == np.int64 and g.indices.dtype == np.int32 and g.scores.dtype == np.float32
    assert g.indices.tolist() == [1, 0, 2]
    assert graph([0, 0], [], []).nnz == 0
    job_side = CandidateGraph([0, 1, 1, 1], [0], [0.3], n_workers=1, n_jobs=3, side="job")
    assert job_side.to_dense().tolist() == [[0.30000001192092896, -np.inf, -np.inf]]


def test_candidate_graph_methods_check_their_arguments():
    g = CandidateGraph.from_dense(np.array([[0.2, 0.9], [0.5, -np.inf]]))
    for bad in (-1, 2, 1.0, True, "0"):
        with pytest.raises(ValidationError, match=r"CandidateGraph.row: r must be an integer from 0 to 1"):
            g.row(bad)
    with pytest.raises(
        ValidationError, match=r"CandidateGraph.concat: graphs item must be a CandidateGraph, got 'int'"
    ):
        CandidateGraph.concat([g, 1])
    with pytest.raises(ValidationError, match=r"CandidateGraph.concat: graphs must be a sequence of CandidateGraph"):
        CandidateGraph.concat(g)
    empty_but_wide = CandidateGraph([0, 0, 0], [], [], n_workers=2, n_jobs=2**31 - 1)
    with pytest.raises(ValidationError, match=r"CandidateGraph.to_dense: graph must be at most 2147483647 cells"):
        empty_but_wide.to_dense()


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        (
            np.array([[-1e39, 0.0]]),
            r"matrix must be finite scores of magnitude at most 3.403e\+38, or -inf for infeasible, "
            r"got -1e\+39 \(matrix\[0, 0\]\)",
        ),
        (np.array([[0.0, 1e39]]), r"matrix must be .*, got 1e\+39 \(matrix\[0, 1\]\)"),
        (np.array([[0.0], [np.nan]]), r"matrix must be .*, got nan \(matrix\[1, 0\]\)"),
        (np.array([[np.inf]]), r"matrix must be .*, got inf \(matrix\[0, 0\]\)"),
        (np.array([[True]]), r"matrix must be a 2-d array of numbers, got bool"),
        ([[1, "a"]], r"matrix must be a 2-d array of numbers"),
        ([[1], [1, 2]], r"matrix must be a 2-d array of numbers, got 'list'"),
    ],
)
def test_from_dense_refuses_what_float32_would_change(matrix, message):
    """A finite -1e39 used to become -inf, an infeasible pair, without a word."""
    with pytest.raises(ValidationError, match=r"CandidateGraph.from_dense: " + message):
        CandidateGraph.from_dense(matrix)


def test_every_producer_of_graphs_meets_the_row_order():
    """``candidates`` and the blend re-ranking build graphs through the checked constructor."""
    from jobmatch import Policy, candidates, synth
    from jobmatch.blend import Blend, PairScores, blend_candidates

    market = synth.scenario(300, 20, seed=5)
    for side in ("worker", "job"):
        g = candidates(market, Policy(), k=6, side=side)
        assert g == CandidateGraph(g.indptr, g.indices, g.scores, n_workers=g.n_workers, n_jobs=g.n_jobs, side=side)
    ties = Blend({"flat": PairScores.function(lambda w, j: np.full(len(w), 0.5), weight=1.0)}, depth=10)
    assert blend_candidates(market, Policy(), 5, ties).nnz > 0
