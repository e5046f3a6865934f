"""``solve`` with every built-in solver name and its options, on valid and hostile arguments.

Accepted results are checked by ``solve`` itself (``solvers/check.py``)
and again here: every constraint from scratch, and the status and
objective against ``scipy.optimize.milp`` on these tiny problems (with
values near the top of the usable range, against brute force, which adds
them exactly).  An OPTIMAL result may differ from the optimum only by the
rounding slack of ``_scale`` (values scaled to integers for OR-Tools).
"""

from __future__ import annotations

import itertools
import resource
import warnings

import numpy as np
from _tally import REFUSED, attempt, refused
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import LinearConstraint, milp

from jobmatch import Problem, Status, WarmStart, solve
from jobmatch._checks import MAX_TOTAL
from jobmatch.exceptions import OptionWarning
from jobmatch.solvers import available, unsupported
from jobmatch.solvers._scale import integer_values
from jobmatch.solvers.problem import Cap, GroupBound

resource.setrlimit(resource.RLIMIT_AS, (6 * 2**30, resource.getrlimit(resource.RLIMIT_AS)[1]))

#: Exact solvers: OPTIMAL or INFEASIBLE without a time limit (flow: FEASIBLE when it splits a worker of several people).
EXACT = ("auto", "flow", "auction", "assignment", "cpsat", "lagrangian")
NAMES = tuple(name for name in available())
SHARES = [0.0, 0.25, 0.5, 1 / 3, 0.75, 1.0]


@st.composite
def problems(draw: st.DrawFn, big: bool = False) -> Problem:
    """A tiny valid problem with any mix of side constraints; ``big``: values near the top of the range."""
    n, m = draw(st.integers(0, 4)), draw(st.integers(1, 3))
    pairs = sorted(draw(st.sets(st.tuples(st.integers(0, max(n - 1, 0)), st.integers(0, m - 1)), max_size=n * m)))
    pairs = pairs if n else []
    size = len(pairs)
    if big:
        top = MAX_TOTAL / max(n, 1)
        values = [draw(st.sampled_from([top * 0.99, top * 0.5, -top * 0.9, 1.0, 0.5, 3.0])) for _ in pairs]
    else:
        values = draw(
            st.lists(
                st.one_of(st.integers(-5, 10), st.floats(-10, 10).map(lambda v: round(v, 3))),
                min_size=size,
                max_size=size,
            )
        )
    uniform = draw(st.booleans())
    units = draw(st.lists(st.integers(1, 2), min_size=n, max_size=n))
    use = [units[w] for w, _ in pairs] if uniform else draw(st.lists(st.integers(0, 2), min_size=size, max_size=size))
    kwargs: dict = dict(
        capacity=draw(st.lists(st.integers(0, 3), min_size=m, max_size=m)),
        maximize=draw(st.booleans()),
        must_place=draw(st.booleans()),
        use=use,
        people=units if uniform and draw(st.booleans()) else draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)),
    )
    if n and draw(st.booleans()):
        count = st.one_of(st.none(), st.integers(0, 4))
        share = st.one_of(st.none(), st.sampled_from(SHARES))
        kwargs["quotas"] = [
            GroupBound(
                f"g{g}",
                np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n))),
                min_count=draw(count),
                min_share=draw(share),
                max_share=draw(share),
                max_count=draw(count),
            )
            for g in range(draw(st.integers(1, 2)))
        ]
    if draw(st.booleans()):
        kwargs["caps"] = [
            Cap(f"c{c}", np.array(draw(st.lists(st.booleans(), min_size=m, max_size=m))), draw(st.integers(0, 3)))
            for c in range(draw(st.integers(1, 2)))
        ]
    workers = np.array([w for w, _ in pairs], dtype=np.int64)
    jobs = np.array([j for _, j in pairs], dtype=np.int64)
    return Problem.from_arcs(workers, jobs, np.array(values, dtype=np.float64), n_workers=n, n_jobs=m, **kwargs)


def rows(p: Problem) -> list[tuple[np.ndarray, float, float]]:
    """Every constraint as (coefficients per arc, lower, upper), written from the problem's definition."""
    w, j = p.workers, p.jobs.astype(np.int64)
    people = p.people[w].astype(float)
    out = [((w == i).astype(float), 1.0 if p.must_place else 0.0, 1.0) for i in range(p.n_workers)]
    out += [(np.where(j == job, p.use, 0).astype(float), -np.inf, float(p.capacity[job])) for job in range(p.n_jobs)]
    for q in p.quotas:
        member = q.members[w].astype(float)
        low = -np.inf if q.min_count is None else q.min_count
        high = np.inf if q.max_count is None else q.max_count
        out.append((people * member, low, high))
        if q.min_share is not None:
            out.append((people * (member - q.min_share), 0.0, np.inf))
        if q.max_share is not None:
            out.append((people * (member - q.max_share), -np.inf, 0.0))
    for c in p.caps:
        out.append((people * c.jobs[j], -np.inf, float(c.limit)))
    return out


def feasible(p: Problem, x: np.ndarray) -> bool:
    return all(low - 1e-9 <= a @ x <= high + 1e-9 for a, low, high in rows(p))


def by_milp(p: Problem) -> float | None:
    """The optimum by scipy's MILP (HiGHS), None when infeasible."""
    if p.n_arcs == 0:
        return 0.0 if feasible(p, np.zeros(0)) else None
    a = rows(p)
    sign = -1.0 if p.maximize else 1.0
    res = milp(
        sign * p.values,
        constraints=LinearConstraint(np.array([r[0] for r in a]), [r[1] for r in a], [r[2] for r in a]),
        integrality=np.ones(p.n_arcs),
        bounds=(0, 1),
        options={"mip_rel_gap": 0.0},
    )
    if res.status == 2:
        return None
    assert res.status == 0, res.message
    x = np.round(res.x)
    assert feasible(p, x)
    return float(p.values @ x)


def by_brute_force(p: Problem) -> float | None:
    """The optimum over every assignment (values added exactly in float64), None when infeasible."""
    best = None
    options = [[-1, *range(p.indptr[i], p.indptr[i + 1])] for i in range(p.n_workers)]
    for combo in itertools.product(*options):
        x = np.zeros(p.n_arcs)
        x[[t for t in combo if t >= 0]] = 1
        if feasible(p, x):
            value = float(sum(p.values[t] for t in combo if t >= 0))
            if best is None or (value > best if p.maximize else value < best):
                best = value
    return best


def agrees(p: Problem, name: str, result, best: float | None, limited: bool) -> None:
    """The result against the optimum ``best`` (None: infeasible)."""
    status = result.status
    if status in (Status.OPTIMAL, Status.FEASIBLE):
        x = p.chosen(result.job_of).astype(float)
        assert feasible(p, x), (name, "breaks a constraint")
        assert best is not None, (name, "a solution to an infeasible problem")
    tolerance = 2 * integer_values(p).slack + 1e-9 * max(1.0, abs(best or 0.0))
    better = (lambda a, b: a > b + tolerance) if p.maximize else (lambda a, b: a < b - tolerance)
    if best is None:
        assert status in (Status.INFEASIBLE, Status.UNKNOWN), (name, status)
        if name in EXACT and not limited:
            assert status is Status.INFEASIBLE and result.diagnosis, (name, result)
        return
    if status is Status.OPTIMAL:
        assert abs(result.objective - best) <= tolerance, (name, result.objective, best)
    elif status is Status.FEASIBLE:
        assert not better(result.objective, best), (name, result.objective, best)
        if name in EXACT and not limited:
            assert name in ("flow", "auction", "auto") and "split" in (result.diagnosis or ""), (name, result)
    else:
        assert status is Status.UNKNOWN and (limited or name not in EXACT), (name, result)
    if result.bound is not None:
        assert not better(best, result.bound), (name, "bound", result.bound, best)


def run_all(p: Problem, best: float | None, time_limit: float | None, seed: int) -> None:
    for name in NAMES:
        result = attempt(f"solve:{name}", solve, p, solver=name, time_limit=time_limit, seed=seed)
        if result is REFUSED:
            assert name != "auto" and unsupported(name, p), name
            continue
        assert name == "auto" or unsupported(name, p) is None
        agrees(p, name, result, best, limited=time_limit is not None)


@given(problems(), st.sampled_from([None, None, None, 30.0]), st.sampled_from([0, 1, 2**31 - 1]))
def test_every_solver_against_milp(p, time_limit, seed):
    run_all(p, by_milp(p), time_limit, seed)


@settings(max_examples=60)
@given(problems(big=True))
def test_values_near_the_top_of_the_range_against_brute_force(p):
    run_all(p, by_brute_force(p), None, 0)


@settings(max_examples=40)
@given(problems())
def test_milp_oracle_is_brute_force(p):
    """The oracle itself: MILP and brute force agree on these tiny problems."""
    a, b = by_milp(p), by_brute_force(p)
    assert (a is None) == (b is None) and (a is None or abs(a - b) <= 1e-6 * max(1.0, abs(b)))


# ------------------------------------------------------------------ hostile arguments
ODD = [
    None,
    True,
    -1,
    1.5,
    float("nan"),
    float("inf"),
    "1",
    b"\xff",
    2**31,
    2**63,
    2**70,
    [1],
    {"a": 1},
    np.array([1, 2]),
]


@given(
    st.sampled_from(["problem", "solver", "time_limit", "seed", "options"]),
    st.one_of(st.sampled_from(ODD), st.text(max_size=4), st.integers(), st.floats()),
    st.sampled_from(NAMES),
)
def test_hostile_arguments(field, bad, name):
    kwargs: dict = dict(problem=Problem.from_dense(np.array([[1.0, 2.0], [3.0, -np.inf]])), solver=name)
    kwargs[field] = bad
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OptionWarning)
        result = attempt("solve(arguments)", solve, kwargs.pop("problem"), **kwargs)
    if result is not REFUSED:
        assert field in ("solver", "time_limit", "seed", "options"), field
        if field == "time_limit":
            assert bad is None or (
                isinstance(bad, (int, float)) and not isinstance(bad, bool) and 0 < bad < float("inf")
            )
        if field == "seed":
            assert isinstance(bad, int) and not isinstance(bad, bool) and 0 <= bad < 2**31
        assert result.status in (Status.OPTIMAL, Status.FEASIBLE, Status.UNKNOWN)


PLAINLY_INVALID = [
    dict(seed=2**70),
    dict(seed=-1),
    dict(seed=True),
    dict(seed=1.0),
    dict(time_limit=float("nan")),
    dict(time_limit=float("inf")),
    dict(time_limit=-1.0),
    dict(time_limit=0),
    dict(time_limit=True),
    dict(time_limit="5"),
    dict(options=[("hint", [0, 1])]),
    dict(options={1: 2}),
    dict(options="hint"),
    dict(solver="AUTO"),
    dict(solver=""),
    dict(solver=None),
    dict(solver=3),
    dict(solver=np.array(["auto", "flow"])),
    dict(solver="assignment", problem_kwargs=dict(use=[2, 1, 1])),
    dict(solver="greedy", problem_kwargs=dict(caps=[Cap("c", np.array([True, False]), 1)])),
    dict(solver="cpsat", warm=WarmStart(hint=["a", "b"])),
    dict(solver="cpsat", warm=WarmStart(hint=[0])),
    dict(solver="cpsat", warm=WarmStart(hint=[0.0, 1.0])),
    dict(solver="auction", warm=WarmStart(prices=[-1.0, 0.0])),
    dict(warm={"hint": [0, 1]}),
    dict(warm=[0, 1]),
]


@given(st.sampled_from(range(len(PLAINLY_INVALID))))
def test_plainly_invalid_arguments(index):
    kwargs = dict(PLAINLY_INVALID[index])
    problem = Problem.from_dense(np.array([[1.0, 2.0], [3.0, -np.inf]]), **kwargs.pop("problem_kwargs", {}))
    refused("solve(arguments)", solve, problem, **kwargs)
    refused("solve(arguments)", solve, None if index % 2 else problem.values, solver="auto")


@given(problems(), st.data())
def test_options(p, data):
    """Each solver's options, valid and not: the hint (any job per worker) of cpsat and the auction, the auction's
    start prices (any floats: refused unless one finite number >= 0 per job), lagrangian's finish."""
    hint = data.draw(st.lists(st.integers(-1, 3), min_size=p.n_workers, max_size=p.n_workers))
    size = data.draw(st.sampled_from([p.n_jobs, p.n_jobs, p.n_jobs + 1]))
    prices = data.draw(
        st.lists(st.one_of(st.floats(), st.sampled_from([0.0, 1.0, 1e300])), min_size=size, max_size=size)
    )
    sound = size == p.n_jobs and all(np.isfinite(prices)) and min(prices, default=0.0) >= 0
    name, options, warm = data.draw(
        st.sampled_from(
            [
                ("cpsat", {}, WarmStart(hint=hint)),
                ("lagrangian", {"finish": False}, None),
                ("lagrangian", {"finish": True}, None),
                ("auto", {"finish": True}, WarmStart(hint=hint)),
                ("flow", {"nonsense": 1}, WarmStart(hint=hint)),
                ("auction", {}, WarmStart(prices=prices, hint=hint)),
                ("auction", {}, WarmStart(prices=prices)),
            ]
        )
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OptionWarning)
        result = attempt(f"solve:{name}", solve, p, solver=name, options=options, warm=warm)
    if result is REFUSED:
        assert unsupported(name, p) or (name == "auction" and not sound), name
        return
    best = by_milp(p)
    agrees(p, "lagrangian (no finish)" if options.get("finish") is False else name, result, best, limited=False)
