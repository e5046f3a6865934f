"""Hostile input for ``jobmatch.stable``: ``deferred_acceptance``, ``blocking_pairs``, ``rank_lookup``.

Valid games in every accepted form must be accepted and give the stable
matching the textbook reference gives (checked stable by brute force); one
bad value anywhere (a float, a bool, an index out of range, a repeat, a
huge or unsigned number, a wrong length, a wrong container) must raise
``ValidationError``; random junk may be refused or accepted, and whatever
is accepted is checked.
"""

from __future__ import annotations

import numpy as np
from _tally import REFUSED, attempt, refused
from hypothesis import given
from hypothesis import strategies as st

import reference
from jobmatch.stable import blocking_pairs, deferred_acceptance, rank_lookup
from test_reliability_stable import as_form, assert_stable, blocking, games, valid

MAX_INDEX = 2**31 - 1
FORMS = ["lists", "tuples", "arrays", "2d", "object"]

#: Values that are never a preference-list entry, a capacity or a job index: floats (whole ones too), bools,
#: integers beyond any bound (or below -1), unsigned 64-bit numbers past int64, text, bytes, None, containers.
bad_values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, 1.0, -0.0, 0.7, float("nan"), float("inf")]),
    st.booleans(),
    st.builds(np.bool_, st.booleans()),
    st.integers(MAX_INDEX + 1, 2**70),
    st.integers(-(2**70), -2),
    st.builds(np.uint64, st.integers(2**63, 2**64 - 1)),
    st.builds(np.float32, st.floats(0, 3, width=32)),
    st.builds(np.float64, st.integers(0, 3)),
    st.none(),
    st.text(max_size=3),
    st.just(b"\xff\xfe"),
    st.lists(st.integers(0, 2), max_size=2),
    st.just({}),
    st.just(1 + 0j),
)

#: Containers that are never preference lists, capacities or ``job_of``.
bad_containers = st.sampled_from(
    [None, 5, 2.5, "abc", b"\xff", {0: [0]}, {0, 1}, object(), np.zeros((1, 1, 1), dtype=int), np.float64(1.0)]
)


def normalised(prefs) -> list[list[int]]:
    """Accepted preference lists as plain Python lists (to check against the reference)."""
    return [[int(x) for x in row] for row in prefs]


def in_form(lists, form: str, n_other: int):
    if form == "object" and lists:
        out = np.empty(len(lists), dtype=object)
        out[:] = [np.array(p, dtype=np.int64) for p in lists]
        return out
    return as_form(lists, form, n_other)


def capacities_in(capacities: list[int], form: str):
    if form == "array":
        return np.array(capacities, dtype=np.int64)
    if form == "uint":
        return np.array(capacities, dtype=np.uint64)
    if form == "tuple":
        return tuple(capacities)
    return capacities


def check_matching(worker_prefs, job_prefs, capacities, proposing, out) -> None:
    """An accepted call: a stable matching, the one the textbook reference gives."""
    wp, jp, cap = normalised(worker_prefs), normalised(job_prefs), [int(c) for c in capacities]
    assert out.dtype == np.int64 and out.shape == (len(wp),)
    assert out.tolist() == reference.deferred_acceptance(wp, jp, cap, proposing=proposing)
    assert_stable(wp, jp, cap, out.tolist())


# ------------------------------------------------------------------ deferred_acceptance


@given(
    games(max_workers=8, max_jobs=5),
    st.sampled_from(FORMS),
    st.sampled_from(["list", "array", "uint", "tuple"]),
    st.sampled_from(["worker", "job"]),
)
def test_valid_games_in_every_form_are_accepted_and_stable(game, form, cap_form, proposing):
    worker_prefs, job_prefs, capacities = game
    args = (in_form(worker_prefs, form, len(job_prefs)), in_form(job_prefs, form, len(worker_prefs)))
    out = attempt(
        "deferred_acceptance", deferred_acceptance, *args, capacities_in(capacities, cap_form), proposing=proposing
    )
    assert out is not REFUSED
    check_matching(worker_prefs, job_prefs, capacities, proposing, out)


@st.composite
def one_bad_entry(draw):
    """A valid game with one plainly invalid entry put into one list (possibly a new one)."""
    worker_prefs, job_prefs, capacities = draw(games(max_workers=6, max_jobs=4))
    side = draw(st.sampled_from(["worker", "job"]))
    lists, n_other = (worker_prefs, len(job_prefs)) if side == "worker" else (job_prefs, len(worker_prefs))
    kind = draw(st.sampled_from(["value", "range", "repeat"]))
    full = [r for r, row in enumerate(lists) if row]
    if kind == "repeat" and full:
        r = draw(st.sampled_from(full))
        row = list(lists[r])
        row.insert(draw(st.integers(1, len(row))), draw(st.sampled_from(row)))
    else:
        if not lists:  # nowhere to put it: give the game a worker (job lists stay in range)
            worker_prefs, side, lists, n_other = [[]], "worker", [*worker_prefs, []], len(job_prefs)
        r = draw(st.integers(0, len(lists) - 1))
        bad = draw(bad_values if kind == "value" else st.integers(n_other, n_other + 3) | st.integers(-5, -1))
        row = list(lists[r])
        row.insert(draw(st.integers(0, len(row))), bad)
    lists = [*lists[:r], row, *lists[r + 1 :]]
    if side == "worker":
        worker_prefs = lists
    else:
        job_prefs = lists
    return worker_prefs, job_prefs, capacities


def as_array(row: list):
    """``row`` as numpy makes it, unless numpy would lose the bad value (a bool among ints becomes 1)."""
    if any(isinstance(x, (bool, np.bool_)) for x in row):
        return row
    try:
        return np.array(row)
    except (ValueError, TypeError, OverflowError):
        return row


@given(one_bad_entry(), st.sampled_from(["lists", "tuples", "arrays"]))
def test_one_bad_entry_is_refused(game, form):
    worker_prefs, job_prefs, capacities = game
    if form == "tuples":
        worker_prefs, job_prefs = (tuple(tuple(p) for p in lists) for lists in (worker_prefs, job_prefs))
    elif form == "arrays":  # numpy picks each list's dtype: float, object, text, int with a repeat...
        worker_prefs, job_prefs = ([as_array(p) for p in lists] for lists in (worker_prefs, job_prefs))
    message = refused("deferred_acceptance", deferred_acceptance, worker_prefs, job_prefs, capacities)
    assert message.startswith("deferred_acceptance: ") and "_prefs" in message
    refused("blocking_pairs", blocking_pairs, worker_prefs, job_prefs, capacities, [-1] * len(worker_prefs))


@given(games(max_workers=5, max_jobs=4), st.data())
def test_bad_capacities_are_refused(game, data):
    worker_prefs, job_prefs, capacities = game
    how = data.draw(st.sampled_from(["value", "longer", "shorter", "container", "float array", "2d"]))
    if how == "value" and capacities:
        bad = list(capacities)
        bad[data.draw(st.integers(0, len(bad) - 1))] = data.draw(bad_values | st.integers(-5, -1))
    elif how in ("longer", "value"):
        bad = [*capacities, 1]
    elif how == "shorter" and capacities:
        bad = capacities[:-1]
    elif how == "float array":
        bad = np.array([*capacities, 1], dtype=np.float64)
    elif how == "2d":
        bad = np.array([capacities, capacities]).reshape(2, len(capacities))
    else:
        bad = data.draw(bad_containers)
    refused("deferred_acceptance", deferred_acceptance, worker_prefs, job_prefs, bad)


@given(games(max_workers=4, max_jobs=3), st.data())
def test_bad_containers_and_options_are_refused(game, data):
    worker_prefs, job_prefs, capacities = game
    which = data.draw(st.sampled_from(["worker_prefs", "job_prefs", "proposing", "row"]))
    args = {"worker_prefs": worker_prefs, "job_prefs": job_prefs, "capacities": capacities}
    kwargs = {}
    if which == "proposing":
        kwargs["proposing"] = data.draw(st.sampled_from(["workers", "", None, 1, np.array(["job"]), b"job"]))
    elif which == "row":
        target = "worker_prefs" if worker_prefs else "job_prefs"
        if not args[target]:
            args["worker_prefs"], target = [[]], "worker_prefs"  # a worker whose list is then made bad
        rows = list(args[target])
        rows[data.draw(st.integers(0, len(rows) - 1))] = data.draw(
            st.sampled_from([None, 3, "01", b"\x00", {0: 1}, np.zeros((1, 1), dtype=int), 1.5])
        )
        args[target] = rows
    else:
        args[which] = data.draw(bad_containers)
    refused("deferred_acceptance", deferred_acceptance, *args.values(), **kwargs)


nested = st.recursive(
    st.one_of(st.integers(-2, 6), st.floats(), st.booleans(), st.none(), st.text(max_size=2)),
    lambda children: st.lists(children, max_size=4) | st.tuples(children, children),
    max_leaves=20,
)


@given(nested, nested, st.one_of(st.lists(st.integers(-1, 3), max_size=5), nested), st.sampled_from(["worker", "job"]))
def test_junk_is_refused_or_solved_correctly(worker_prefs, job_prefs, capacities, proposing):
    out = attempt("deferred_acceptance", deferred_acceptance, worker_prefs, job_prefs, capacities, proposing=proposing)
    if out is not REFUSED:
        check_matching(worker_prefs, job_prefs, capacities, proposing, out)


def test_deep_nesting_and_huge_inputs_are_refused():
    deep: list = [0]
    for _ in range(10_000):
        deep = [deep]
    refused("deferred_acceptance", deferred_acceptance, [deep], [[0]], [1])
    refused("deferred_acceptance", deferred_acceptance, deep, [[0]], [1])
    refused("deferred_acceptance", deferred_acceptance, [[0]], [[0]], [2**64])
    refused("deferred_acceptance", deferred_acceptance, np.array([[0]], dtype=np.uint64) + np.uint64(2**63), [[0]], [1])
    out = attempt("deferred_acceptance", deferred_acceptance, [[0]] * 3, [[2, 1, 0]], [MAX_INDEX])
    assert out.tolist() == [0, 0, 0]


# ------------------------------------------------------------------ blocking_pairs


@given(games(max_workers=6, max_jobs=4), st.data())
def test_blocking_pairs_of_any_job_of(game, data):
    """Refused exactly when ``job_of`` is no valid matching; otherwise the brute force's pairs."""
    worker_prefs, job_prefs, capacities = game
    n, m = len(worker_prefs), len(job_prefs)
    if data.draw(st.booleans()):  # each worker unmatched or at a job both list (capacities may be exceeded)
        mutual = [[-1, *[j for j in p if i in job_prefs[j]]] for i, p in enumerate(worker_prefs)]
        job_of = [data.draw(st.sampled_from(options)) for options in mutual]
    else:
        job_of = data.draw(
            st.one_of(
                st.lists(st.integers(-1, m - 1), min_size=n, max_size=n),
                st.lists(st.integers(-3, m + 2), min_size=max(n - 1, 0), max_size=n + 1),
            )
        )
    given_as = data.draw(st.sampled_from(["list", "array", "tuple"]))
    arg = np.array(job_of, dtype=np.int64) if given_as == "array" else tuple(job_of) if given_as == "tuple" else job_of
    out = attempt("blocking_pairs", blocking_pairs, worker_prefs, job_prefs, capacities, arg)
    if not valid(worker_prefs, job_prefs, capacities, job_of):
        assert out is REFUSED
        return
    assert out is not REFUSED
    assert sorted(map(tuple, out.tolist())) == sorted(blocking(worker_prefs, job_prefs, capacities, job_of))


@given(games(max_workers=5, max_jobs=3), st.data())
def test_bad_job_of_is_refused(game, data):
    worker_prefs, job_prefs, capacities = game
    job_of = deferred_acceptance(worker_prefs, job_prefs, capacities).tolist()
    how = data.draw(st.sampled_from(["value", "longer", "shorter", "container", "float array", "2d"]))
    if how == "value" and job_of:
        job_of[data.draw(st.integers(0, len(job_of) - 1))] = data.draw(bad_values)
    elif how in ("longer", "value"):
        job_of = [*job_of, -1]
    elif how == "shorter" and job_of:
        job_of = job_of[:-1]
    elif how == "float array":
        job_of = np.array([*job_of, -1], dtype=np.float64)
    elif how == "2d":
        job_of = np.array([job_of, job_of]).reshape(2, len(job_of))
    else:
        job_of = data.draw(bad_containers)
    refused("blocking_pairs", blocking_pairs, worker_prefs, job_prefs, capacities, job_of)


# ------------------------------------------------------------------ rank_lookup


def csr(lists) -> tuple[np.ndarray, np.ndarray]:
    indptr = np.concatenate([[0], np.cumsum([len(p) for p in lists])]).astype(np.int64)
    flat = np.array([x for p in lists for x in p], dtype=np.int64)
    return indptr, flat


INT_DTYPES = [np.int64, np.int32, np.uint8, np.uint64, np.int16, "list"]


def typed(array: np.ndarray, dtype):
    return array.tolist() if dtype == "list" else array.astype(dtype)


@given(games(max_workers=8, max_jobs=5), st.lists(st.sampled_from(INT_DTYPES), min_size=4, max_size=4))
def test_rank_lookup_on_valid_lists_in_any_integer_dtype(game, dtypes):
    worker_prefs, job_prefs, _ = game
    (ptr, lst), (other_ptr, other_lst) = csr(worker_prefs), csr(job_prefs)
    args = [typed(a, d) for a, d in zip((ptr, lst, other_ptr, other_lst), dtypes)]
    out = attempt("rank_lookup", rank_lookup, *args)
    assert out is not REFUSED
    assert out.tolist() == reference.rank_lookup(ptr, lst, other_ptr, other_lst).tolist()


@given(games(max_workers=6, max_jobs=4), st.data())
def test_bad_csr_arrays_are_refused(game, data):
    worker_prefs, job_prefs, _ = game
    arrays = [*csr(worker_prefs), *csr(job_prefs)]
    which = data.draw(st.integers(0, 3))
    a = arrays[which]
    is_ptr = which in (0, 2)
    n_other = (len(arrays[2]) - 1) if which == 1 else (len(arrays[0]) - 1)
    how = data.draw(st.sampled_from(["float", "bool", "huge", "uint", "2d", "container", "start", "longer", "entry"]))
    if how == "float":
        bad = a.astype(np.float64) if len(a) else np.array([0.5])
    elif how == "bool":
        bad = a.astype(bool) if len(a) else np.array([True])
    elif how == "huge":
        bad = [*a.tolist(), 2**64]
    elif how == "uint":
        bad = np.array([*a.tolist(), 2**64 - 1], dtype=np.uint64)
    elif how == "2d":
        bad = np.stack([a, a])
    elif how == "container":
        bad = data.draw(bad_containers)
    elif how == "start" and is_ptr:
        bad = a + 1  # offsets must start at 0
    elif how == "longer" or not len(a):  # one entry more than the offsets say (or an offset past the end)
        bad = np.append(a, a[-1] + 1) if is_ptr else np.append(a, 0)
    elif is_ptr:  # an offset below the one before it, or beyond the last
        bad = a.copy()
        if len(a) == 1:
            bad[0] = 1
        else:
            t = data.draw(st.integers(1, len(a) - 1))
            bad[t] = data.draw(st.sampled_from([int(a[t - 1]) - 1, int(a[-1]) + 1 + t]))
    else:  # an entry out of range, or a repeat within a list
        bad = a.copy()
        t = data.draw(st.integers(0, len(a) - 1))
        ptr = arrays[which - 1]
        r = int(np.searchsorted(ptr, t, side="right")) - 1
        lo = int(ptr[r])
        bad[t] = data.draw(st.sampled_from([-1, n_other, n_other + 7] + ([int(bad[lo])] if t > lo else [])))
    args = list(arrays)
    args[which] = bad
    refused("rank_lookup", rank_lookup, *args)


@given(
    st.lists(st.integers(-1, 6), max_size=6),
    st.lists(st.integers(-1, 4), max_size=6),
    st.lists(st.integers(-1, 6), max_size=6),
    st.lists(st.integers(-1, 4), max_size=6),
)
def test_random_arrays_are_refused_or_looked_up_correctly(ptr, lst, other_ptr, other_lst):
    out = attempt("rank_lookup", rank_lookup, np.array(ptr), np.array(lst), np.array(other_ptr), np.array(other_lst))
    if out is not REFUSED:
        assert out.tolist() == reference.rank_lookup(*(np.array(a) for a in (ptr, lst, other_ptr, other_lst))).tolist()
