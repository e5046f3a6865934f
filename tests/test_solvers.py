"""Solvers: brute force on tiny problems, published optima, diagnoses, registry."""

from __future__ import annotations

import csv
import itertools
import math
import pathlib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobmatch import Policy, Problem, Status, ValidationError, WarmStart, build_problem, datasets, solve, solvers, synth
from jobmatch.solvers.problem import Cap, GroupBound

ORLIB = pathlib.Path(__file__).resolve().parents[2] / "shared" / "data" / "orlib"
needs_orlib = pytest.mark.skipif(not ORLIB.is_dir(), reason=f"OR-Library data not found at {ORLIB}")
EXACT = ("flow", "auction", "assignment", "cpsat", "lagrangian")


@st.composite
def tiny_problems(draw, side_constraints=True):
    n, m = draw(st.integers(0, 5)), draw(st.integers(1, 3))
    pairs = (
        draw(st.lists(st.tuples(st.integers(0, max(n - 1, 0)), st.integers(0, m - 1)), unique=True, max_size=n * m))
        if n
        else []
    )
    values = draw(st.lists(st.integers(-5, 10), min_size=len(pairs), max_size=len(pairs)))
    use = draw(st.lists(st.integers(1, 2), min_size=len(pairs), max_size=len(pairs)))
    options = dict(
        capacity=draw(st.lists(st.integers(0, 3), min_size=m, max_size=m)),
        maximize=draw(st.booleans()),
        must_place=draw(st.booleans()),
        use=np.array(use if draw(st.booleans()) else [1] * len(pairs), dtype=np.int64),
    )
    if side_constraints and n and draw(st.booleans()):
        members = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
        before = draw(st.integers(0, 3))  # people placed outside the problem (an earlier batch), counted too
        options["quotas"] = [
            GroupBound(
                "g",
                members,
                min_count=draw(st.one_of(st.none(), st.integers(0, 3))),
                min_share=draw(st.one_of(st.none(), st.sampled_from([0.5, 0.75]))),
                max_count=draw(st.one_of(st.none(), st.integers(1, 4))),
                placed_before=before,
                members_before=draw(st.integers(0, before)),
            )
        ]
    if side_constraints and draw(st.booleans()):
        options["caps"] = [
            Cap("c", np.array(draw(st.lists(st.booleans(), min_size=m, max_size=m))), draw(st.integers(0, 3)))
        ]
    workers = np.array([p[0] for p in pairs], dtype=np.int64)
    jobs = np.array([p[1] for p in pairs], dtype=np.int64)
    return Problem.from_arcs(workers, jobs, np.array(values, dtype=np.float64), n_workers=n, n_jobs=m, **options)


def satisfies(problem: Problem, job_of: np.ndarray) -> bool:
    """Every constraint of the problem, checked from scratch."""
    rows, jobs = problem.workers, problem.jobs
    chosen = jobs == job_of[rows]
    if np.any(job_of >= 0) and chosen.sum() != np.count_nonzero(job_of >= 0):
        return False  # a placement along no arc
    if problem.must_place and np.any(job_of < 0):
        return False
    load = np.bincount(jobs[chosen], weights=problem.use[chosen], minlength=problem.n_jobs)
    if np.any(load > problem.capacity):
        return False
    placed = problem.people[job_of >= 0].sum()
    for q in problem.quotas:
        mine = problem.people[(job_of >= 0) & q.members].sum() + q.members_before
        placed = problem.people[job_of >= 0].sum() + q.placed_before
        if q.min_count is not None and mine < q.min_count:
            return False
        if q.max_count is not None and mine > q.max_count:
            return False
        if q.min_share is not None and mine < q.min_share * placed - 1e-9:
            return False
        if q.max_share is not None and mine > q.max_share * placed + 1e-9:
            return False
    for c in problem.caps:
        if problem.people[(job_of >= 0) & np.isin(job_of, np.flatnonzero(c.jobs))].sum() > c.limit:
            return False
    return True


def brute_force(problem: Problem) -> float | None:
    """Best objective over every assignment (None if none is feasible)."""
    options = [
        [-1, *problem.jobs[problem.indptr[i] : problem.indptr[i + 1]].tolist()] for i in range(problem.n_workers)
    ]
    best = None
    for combo in itertools.product(*options):
        job_of = np.array(combo, dtype=np.int64)
        if satisfies(problem, job_of):
            value = problem.objective_of(job_of)
            if best is None or (value > best if problem.maximize else value < best):
                best = value
    return best


@given(tiny_problems())
def test_every_solver_against_brute_force(problem):
    best = brute_force(problem)
    for name in [*EXACT, "greedy"]:
        if solvers.unsupported(name, problem):
            with pytest.raises(ValidationError, match="cannot"):
                solve(problem, solver=name)
            continue
        result = solve(problem, solver=name)
        assert result.solver == name
        if result.status in (Status.OPTIMAL, Status.FEASIBLE):
            assert satisfies(problem, result.job_of), name
            assert result.objective == problem.objective_of(result.job_of)
        if name in EXACT:
            if best is None:
                assert result.status is Status.INFEASIBLE and result.diagnosis, name
            elif name in ("flow", "auction") and result.status is Status.FEASIBLE:  # it split a group of several people
                assert result.stats["split"] > 0 and "split" in result.diagnosis
                low, high = sorted((result.objective, result.bound))
                assert low - 1e-9 <= best <= high + 1e-9
            else:
                assert result.status is Status.OPTIMAL, (name, result)
                assert result.objective == pytest.approx(best), name
        elif best is None:
            assert result.status is not Status.OPTIMAL


@given(tiny_problems(), st.data())
def test_rounded_values_keep_bounds_valid_and_objectives_close(problem, data):
    """Values finer than the 1e-6 integer scale: bounds stay proven, objectives within n / 1e6."""
    fine = st.sampled_from([0.0, 3e-7, 7e-7, 0.1234567])
    offsets = np.array(data.draw(st.lists(fine, min_size=problem.n_arcs, max_size=problem.n_arcs)))
    problem = problem.replace(values=problem.values + offsets)
    best = brute_force(problem)
    sign = 1.0 if problem.maximize else -1.0
    for name in ("flow", "cpsat", "lagrangian"):
        if best is None or solvers.unsupported(name, problem):
            continue
        result = solve(problem, solver=name)
        if result.status is Status.OPTIMAL:  # optimal up to the rounding (flow may split couples: FEASIBLE)
            assert sign * result.objective >= sign * best - problem.n_workers * 1e-6, name
        if result.bound is not None:
            assert sign * result.bound >= sign * best, name


@given(tiny_problems(side_constraints=False))
def test_auto_picks_an_exact_solver_and_says_which(problem):
    result = solve(problem)
    expected = next(
        name
        for name in ("auction", "flow", "lagrangian", "cpsat")
        if solvers.unsupported(name, problem) is None and not (name == "auction" and problem.must_place)
    )
    assert result.solver == expected
    best = brute_force(problem)
    assert (result.status is Status.INFEASIBLE) == (best is None)


@given(tiny_problems())
def test_declared_capabilities_hold(problem):
    """What each built-in solver declares in the registry is what it does: a side constraint it does not declare
    is refused, a proof it declares comes with every answer, prices come as duals, couples exactly when declared."""
    from jobmatch.solvers.registry import AUTO_ORDER, capabilities

    best = brute_force(problem)
    for name in solvers.available():
        if name == "auto":
            continue
        can = capabilities(name)
        lacking = can.missing(problem)
        if lacking is not None and not (name == "auction" and lacking == "it does not declare must-place"):
            assert solvers.unsupported(name, problem) is not None, (name, lacking)  # never taken silently
            continue
        if solvers.unsupported(name, problem) is not None:
            continue
        result = solve(problem, solver=name)
        solved = result.status in (Status.OPTIMAL, Status.FEASIBLE)
        if can.proven and best is not None and name in AUTO_ORDER:
            assert result.status is Status.OPTIMAL or result.bound is not None, name
        if can.prices and solved:
            assert result.duals is not None and result.duals.prices.shape == (problem.n_jobs,), name
        if not can.prices:
            assert result.duals is None, name
        if can.couples and best is not None:
            assert result.status is Status.OPTIMAL and result.objective == pytest.approx(best), name


@pytest.mark.parametrize("solver", ["flow", "cpsat", "greedy"])
def test_markets_capacities_filters_and_determinism(solver):
    market = synth.scenario(400, 25, seed=5)
    policy = Policy()
    problem = build_problem(market, policy, k=8)
    assert np.any(problem.use == 2)  # couples take two places
    a, b = solve(problem, solver=solver, seed=3), solve(problem, solver=solver, seed=3)
    assert np.array_equal(a.job_of, b.job_of) and a.objective == b.objective
    assert satisfies(problem, a.job_of)
    from jobmatch import score_matrix

    dense = score_matrix(market, policy)
    placed = np.flatnonzero(a.job_of >= 0)
    assert np.isfinite(dense[placed, a.job_of[placed]]).all()  # no hard filter violated
    if a.bound is not None:
        assert a.bound >= a.objective - 1e-9


def test_flow_with_couples_brackets_the_cpsat_optimum():
    market = synth.scenario(300, 15, seed=11)
    problem = build_problem(market, k=6)
    exact = solve(problem, solver="cpsat", seed=0)
    relaxed = solve(problem, solver="flow")
    assert exact.status is Status.OPTIMAL
    if relaxed.status is Status.OPTIMAL:
        assert relaxed.objective == pytest.approx(exact.objective)
    else:
        assert relaxed.objective <= exact.objective + 1e-9 <= relaxed.bound + 2e-9


def test_flow_group_floors_and_ceilings():
    values = np.array([[5.0, 4.0], [5.0, 4.0], [1.0, 1.0], [1.0, 1.0]])
    members = np.array([False, False, True, True])
    plain = solve(Problem.from_dense(values, capacity=1), solver="flow")
    assert plain.job_of[2:].tolist() == [-1, -1]
    floor = Problem.from_dense(values, capacity=1, quotas=[GroupBound("poor", members, min_count=2)])
    for name in ("flow", "cpsat"):
        result = solve(floor, solver=name)
        assert result.status is Status.OPTIMAL and (result.job_of[2:] >= 0).all(), name
        assert result.objective == 2.0
    ceiling = Problem.from_dense(values, capacity=2, quotas=[GroupBound("others", ~members, max_count=1)])
    assert solve(ceiling, solver="flow").objective == solve(ceiling, solver="cpsat").objective == 7.0


def test_infeasible_is_a_status_with_words():
    lonely = Problem.from_arcs(np.array([0]), np.array([0]), np.array([1.0]), n_workers=2, n_jobs=1, must_place=True)
    for name in ("flow", "cpsat", "assignment"):
        result = solve(lonely, solver=name)
        assert result.status is Status.INFEASIBLE and result.job_of.tolist() == [-1, -1], name
        assert math.isnan(result.objective)
        assert "every worker" in result.diagnosis, (name, result.diagnosis)
    members = np.array([True, False])
    quota = Problem.from_arcs(
        np.array([1]),
        np.array([0]),
        np.array([1.0]),
        n_workers=2,
        n_jobs=1,
        quotas=[GroupBound("poverty_alleviated", members, min_count=1)],
    )
    result = solve(quota, solver="cpsat")
    assert result.status is Status.INFEASIBLE
    assert "quota 'poverty_alleviated' min_count" in result.diagnosis and "only 0 members" in result.diagnosis
    capped = Problem.from_arcs(
        np.array([0]),
        np.array([0]),
        np.array([1.0]),
        n_workers=1,
        n_jobs=1,
        must_place=True,
        caps=[Cap("region 泰安", np.array([True]), 0)],
    )
    diagnosis = solve(capped, solver="cpsat").diagnosis
    assert "cap region 泰安" in diagnosis and "every worker placed" in diagnosis


def test_time_limited_cpsat_reports_feasible_or_optimal_with_bound():
    market = synth.scenario(1500, 80, seed=2)
    problem = build_problem(market, k=10)
    result = solve(problem, solver="cpsat", time_limit=0.5)
    assert result.status in (Status.OPTIMAL, Status.FEASIBLE, Status.UNKNOWN)
    if result.status is not Status.UNKNOWN:
        assert result.bound >= result.objective - 1e-6
        assert satisfies(problem, result.job_of)


def test_registry_and_bad_arguments(monkeypatch):
    from jobmatch.solvers import registry

    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))  # registrations end with the test
    problem = Problem.from_dense(np.array([[1.0]]))
    assert set(solvers.available()) >= {"auto", "flow", "cpsat", "assignment", "greedy"}

    def nobody(p, /, *, time_limit=None, seed=0):
        from jobmatch.solvers._pack import pack

        return pack(p, Status.FEASIBLE, np.full(p.n_workers, -1), "nobody", 0.0)

    assert solve(problem, solver=nobody).solver == "nobody"
    solvers.register("nobody", nobody)
    assert "nobody" in solvers.available() and solve(problem, solver="nobody").n_placed == 0
    for bad, field in (
        ({"solver": "simplex"}, "solver"),
        ({"time_limit": 0}, "time_limit"),
        ({"time_limit": "1"}, "time_limit"),
        ({"seed": -1}, "seed"),
    ):
        with pytest.raises(ValidationError) as caught:
            solve(problem, **bad)
        assert caught.value.field == field
    with pytest.raises(ValidationError):
        solvers.register("flow", nobody)
    with pytest.raises(ValidationError):
        solve("problem")
    with pytest.raises(ValidationError, match="greedy' cannot: quotas or caps"):
        solve(Problem.from_dense(np.array([[1.0]]), caps=[Cap("c", np.array([True]), 1)]), solver="greedy")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        (dict(matrix=np.array([[np.nan]])), "matrix"),
        (dict(matrix=np.zeros(3)), "matrix"),
        (dict(matrix=[["a", "b"]]), "matrix"),
        (dict(matrix=np.zeros((2, 2)), capacity=-1), "capacity"),
        (dict(matrix=np.zeros((2, 2)), capacity=[1, 2, 3]), "capacity"),
        (dict(matrix=np.zeros((2, 2)), capacity=1.5), "capacity"),
        (dict(matrix=np.zeros((2, 2)), people=-1), "people"),
    ],
)
def test_bad_problem_arrays(kwargs, field):
    matrix = kwargs.pop("matrix")
    with pytest.raises(ValidationError) as caught:
        Problem.from_dense(matrix, **kwargs)
    assert caught.value.field == field


def test_bad_arcs():
    with pytest.raises(ValidationError, match="jobs of worker 0 must be each job at most once per worker"):
        Problem.from_arcs(np.array([0, 0]), np.array([1, 1]), np.array([1.0, 2.0]), n_workers=1, n_jobs=2)
    with pytest.raises(ValidationError, match="job indices"):
        Problem.from_arcs(np.array([0]), np.array([5]), np.array([1.0]), n_workers=1, n_jobs=2)
    with pytest.raises(ValidationError, match="worker indices"):
        Problem.from_arcs(np.array([3]), np.array([0]), np.array([1.0]), n_workers=1, n_jobs=2)
    with pytest.raises(ValidationError, match="finite"):
        Problem.from_arcs(np.array([0]), np.array([0]), np.array([np.inf]), n_workers=1, n_jobs=1)


# ---------------------------------------------------------------------- published optima
def _assign_optima() -> dict[str, int]:
    lines = (ORLIB / "assign" / "assignopt.txt").read_text().split("\n")[1:]
    return {name: int(value) for name, value in (line.split() for line in lines if line.strip())}


@needs_orlib
@pytest.mark.parametrize(
    "name",
    [
        "assign100",
        "assign200",
        "assign300",
        "assign400",
        "assign500",
        "assign600",
        "assign700",
        "assign800",
        "assignp800",
        "assignp1500",
        "assignp3000",
        "assignp5000",
    ],
)
def test_orlib_assignment_optima(name):
    problem = datasets.load_orlib_assign(ORLIB / "assign" / f"{name}.txt")
    optimum = _assign_optima()[name]
    names = ["flow", "auction"] + (["assignment"] if "assignp" not in name else [])
    for solver in names:
        result = solve(problem, solver=solver)
        assert result.status is Status.OPTIMAL and result.objective == optimum, (solver, result)
        assert satisfies(problem, result.job_of)


def _gap_optima() -> dict[str, tuple[str, str, str]]:
    with open(ORLIB / "gap" / "optima.csv") as handle:
        return {
            row["Path"]: (row["Best known bound"], row["Optimum"], row["Best known solution value"])
            for row in csv.DictReader(handle)
        }


MAX_FORM = {  # shared/data/orlib/README.md: maximisation optima, problems 1..5 of each file
    1: (336, 327, 339, 341, 326),
    2: (434, 436, 420, 419, 428),
    3: (580, 564, 573, 570, 564),
    4: (656, 644, 673, 647, 664),
    5: (563, 558, 564, 568, 559),
    6: (761, 759, 758, 752, 747),
    7: (942, 949, 968, 945, 951),
    8: (1133, 1134, 1141, 1117, 1127),
    9: (709, 717, 712, 723, 706),
    10: (958, 963, 960, 947, 947),
    11: (1139, 1178, 1195, 1171, 1171),
    12: (1451, 1449, 1433, 1447, 1446),
}


@needs_orlib
@pytest.mark.parametrize("number", range(1, 13))
def test_orlib_gap_min_and_max_optima(number):
    optima = _gap_optima()
    path = ORLIB / "gap" / f"gap{number}.txt"
    for index, problem in enumerate(datasets.load_orlib_gap(path)):
        result = solve(problem, solver="cpsat", seed=1)
        assert result.status is Status.OPTIMAL
        assert result.objective == int(optima[f"cattrysse1994/gap{number}-{index}"][1])
        assert satisfies(problem, result.job_of)
    for index, problem in enumerate(datasets.load_orlib_gap(path, maximize=True)):
        result = solve(problem, solver="cpsat", seed=1)
        assert result.status is Status.OPTIMAL and result.objective == MAX_FORM[number][index]


def _chu_names(letter: str) -> list[str]:
    return [f"chu1997/{letter}{m:02d}{n}" for m, n in ((5, 100), (5, 200), (10, 100), (10, 200), (20, 100), (20, 200))]


@needs_orlib
@pytest.mark.parametrize("letter", ["a", "b", "c"])
def test_orlib_gap_chu_optima(letter):
    optima = _gap_optima()
    for name, problem in zip(_chu_names(letter), datasets.load_orlib_gap(ORLIB / "gap" / f"gap{letter}.txt")):
        result = solve(problem, solver="cpsat", seed=1, time_limit=120)
        assert result.status is Status.OPTIMAL and result.objective == int(optima[name][1]), (name, result)


@needs_orlib
def test_orlib_gapd_within_published_bounds():
    """gapd is hard: with 5 s each, CP-SAT's solution and bound bracket the published values."""
    optima = _gap_optima()
    for name, problem in zip(_chu_names("d"), datasets.load_orlib_gap(ORLIB / "gap" / "gapd.txt")):
        lower, optimum, best_known = (float(v) if v else None for v in optima[name])
        result = solve(problem, solver="cpsat", seed=1, time_limit=5)
        assert result.status in (Status.OPTIMAL, Status.FEASIBLE), name
        assert satisfies(problem, result.job_of)
        assert lower <= result.objective <= 1.03 * best_known, name  # measured: within 2.4% of the best known
        assert result.bound <= (optimum or best_known), name  # a valid lower bound never exceeds the optimum
        if optimum is not None:
            assert result.bound <= optimum <= result.objective, name


def test_loaders_reject_bad_files(tmp_path):
    bad = tmp_path / "assign3.txt"
    bad.write_text("3\n1 2\n")
    with pytest.raises(ValidationError, match="dense costs or 'i j c' triples"):
        datasets.load_orlib_assign(bad)
    with pytest.raises(ValidationError, match="readable"):
        datasets.load_orlib_assign(tmp_path / "missing.txt")
    text = tmp_path / "gapx.txt"
    text.write_text("1\n2 2\n1 2\n")
    with pytest.raises(ValidationError, match="problem 0"):
        datasets.load_orlib_gap(text)
    words = tmp_path / "words.txt"
    words.write_text("one two")
    with pytest.raises(ValidationError, match="integers"):
        datasets.load_orlib_gap(words)


@given(st.lists(st.lists(st.booleans(), min_size=5, max_size=5), max_size=5))
def test_cap_tree_exactly_when_caps_are_laminar(masks):
    from jobmatch.solvers.flow import cap_tree

    caps = [Cap(f"c{i}", np.array(mask), 1) for i, mask in enumerate(masks)]
    problem = Problem.from_dense(np.ones((1, 5)), caps=caps)
    sets = [set(np.flatnonzero(mask)) for mask in masks]
    laminar = all(not (a & b) or a <= b or b <= a for a in sets for b in sets)
    tree = cap_tree(problem)
    assert (tree is not None) == laminar
    if tree is not None:
        owner, parent = tree
        for j in range(5):  # a job's chain of caps, innermost first, is exactly the caps holding it
            chain, c = [], owner[j]
            while c >= 0:
                chain.append(c)
                c = parent[c]
            assert sorted(chain) == [i for i, s in enumerate(sets) if j in s]


def test_flow_takes_region_and_employer_caps_and_matches_cpsat():
    market = synth.scenario(300, 20, seed=4)
    jobs = market.jobs
    region = market.vocab.place[int(jobs.region[0])]
    employer = market.vocab.employer[int(jobs.employer[0])]
    policy = Policy(region_caps={region: 12}, employer_caps={employer: 3})
    problem = build_problem(market, policy, k=6)
    assert solvers.unsupported("flow", problem) is None
    exact = solve(problem, solver="cpsat")
    relaxed = solve(problem, solver="flow")
    assert exact.status is Status.OPTIMAL and satisfies(problem, relaxed.job_of)
    assert relaxed.objective <= exact.objective + 1e-9 <= relaxed.bound + 1e-6
    # Overlapping caps (part of the capped region with another city) are for cpsat.
    in_region = np.flatnonzero(jobs.region == jobs.region[0])
    mask = jobs.region == np.unique(jobs.region[jobs.region != jobs.region[0]])[0]
    mask[in_region[: len(in_region) // 2 + 1]] = True
    crossing = Cap("part of two cities", mask, 20)
    across = Problem(
        problem.indptr,
        problem.jobs,
        problem.values,
        capacity=problem.capacity,
        n_jobs=problem.n_jobs,
        use=problem.use,
        people=problem.people,
        caps=[*problem.caps, crossing],
    )
    assert "nested or apart" in solvers.unsupported("flow", across)


def test_flow_diagnoses_caps_that_leave_too_little_room():
    problem = Problem.from_dense(
        np.ones((3, 2)), capacity=2, must_place=True, caps=[Cap("region a", np.array([True, True]), 2)]
    )
    result = solve(problem, solver="flow")
    assert result.status is Status.INFEASIBLE
    assert "caps ('region a') leave room for at most 2 of 3" in result.diagnosis


def test_problem_from_graph_takes_worker_side_graphs_only():
    from jobmatch import CandidateGraph

    dense = np.array([[0.9, 0.5], [0.7, -np.inf]], dtype=np.float32)
    problem = Problem.from_graph(CandidateGraph.from_dense(dense), capacity=[1, 2])
    assert problem.values.tolist() == pytest.approx([0.9, 0.5, 0.7]) and problem.capacity.tolist() == [1, 2]
    with pytest.raises(ValidationError, match="worker-side CandidateGraph"):
        Problem.from_graph(CandidateGraph.from_dense(dense, side="job"), capacity=1)
    with pytest.raises(ValidationError, match="worker-side CandidateGraph"):
        Problem.from_graph(dense, capacity=1)


# ----------------------------------------------------------------------------- options


def _two_by_two():
    return Problem.from_dense(np.array([[4.0, 1.0], [3.0, 2.0]]), capacity=1)


def test_cpsat_hint_reaches_the_search(monkeypatch):
    from jobmatch.solvers import cpsat

    seen = []
    real = cpsat.solve_columns

    def spy(problem, columns, extra=(), **kwargs):
        seen.append(kwargs["hint"])
        return real(problem, columns, extra, **kwargs)

    monkeypatch.setattr(cpsat, "solve_columns", spy)
    problem = _two_by_two()
    result = solve(problem, solver="cpsat", warm=WarmStart(hint=[1, 0]))
    assert seen[-1].tolist() == [False, True, True, False]  # arcs of the hinted assignment, a mask over arcs
    assert result.status is Status.OPTIMAL and result.job_of.tolist() == [0, 1]
    solve(problem, solver="cpsat")
    assert seen[-1] is None
    with pytest.raises(ValidationError) as caught:
        solve(problem, solver="cpsat", warm=WarmStart(hint=[0, 1, 2]))
    assert caught.value.field == "warm.hint"


def test_unknown_options_warn_name_the_solver_and_are_dropped():
    from jobmatch.solvers import OptionWarning

    problem = _two_by_two()
    plain = solve(problem, solver="flow")
    with pytest.warns(OptionWarning, match=r"solver 'flow' takes no option 'hint', 'speed'.*its options: none"):
        result = solve(problem, solver="flow", options={"hint": [0, 1], "speed": 3})
    assert np.array_equal(result.job_of, plain.job_of)
    with pytest.warns(OptionWarning, match=r"solver 'flow' takes no warm start: ignored"):
        assert np.array_equal(solve(problem, solver="flow", warm=WarmStart(hint=[1, 0])).job_of, plain.job_of)
    with pytest.warns(OptionWarning, match=r"solver 'cpsat' takes no option 'finish'.*its options: none"):
        solve(problem, solver="cpsat", options={"finish": False}, warm=WarmStart(hint=[0, 1]))
    # "auto" hands the options to the solver it picks, and warns only for what that one does not take
    with pytest.warns(OptionWarning, match="solver 'auction' takes no option 'finish'"):
        assert solve(problem, options={"finish": False}).solver == "auction"
    shares = problem.replace(quotas=[GroupBound("g", np.array([True, False]), min_share=0.5)])
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert solve(shares, options={"finish": False}).solver == "lagrangian"
        solve(problem, options={})
        solve(problem, options=None)


@pytest.mark.parametrize("bad", [[("hint", [0, 1])], "hint", 3, {1: "x"}])
def test_options_must_be_a_dict_with_text_keys(bad):
    for call in (lambda: solve(_two_by_two(), options=bad), lambda: solve(_two_by_two(), solver="cpsat", options=bad)):
        with pytest.raises(ValidationError) as caught:
            call()
        assert caught.value.field == "options"


def test_registered_solvers_declare_their_options(monkeypatch):
    from jobmatch.solvers import OptionWarning, registry
    from jobmatch.solvers._pack import pack

    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))  # registrations end with the test
    got = []

    def mine(p, /, *, time_limit=None, seed=0, x=None):
        got.append(x)
        return pack(p, Status.FEASIBLE, np.full(p.n_workers, -1), "mine", 0.0)

    solvers.register("mine", mine, options=("x",))
    problem = _two_by_two()
    solve(problem, solver="mine", options={"x": 7})
    solve(problem, solver="mine")
    with pytest.warns(OptionWarning, match=r"solver 'mine' takes no option 'y'.*its options: 'x'"):
        solve(problem, solver="mine", options={"x": 8, "y": 9})
    assert got == [7, None, 8]
    solve(problem, solver=mine, options={"x": 10})  # a callable is given every key
    assert got[-1] == 10
    for bad in ("x", [1], ["time_limit"], ["not a name"]):
        with pytest.raises(ValidationError) as caught:
            solvers.register("other", mine, options=bad)
        assert caught.value.field == "options"


# ----------------------------------------------------------------------------- trusted rebuilds


def test_replace_does_not_check_the_arcs_again(monkeypatch):
    import jobmatch._sparse

    problem = build_problem(synth.scenario(200, 12, seed=4), Policy(), k=5)
    members = np.arange(problem.n_workers) % 3 == 0
    checked = Problem(
        problem.indptr,
        problem.jobs,
        problem.values * 2,
        capacity=problem.capacity,
        n_jobs=problem.n_jobs,
        use=problem.use,
        people=problem.people,
    )
    before = solve(checked, solver="flow")
    workers = problem.workers  # computed once: replace hands it on

    def no_checks(*args):
        raise AssertionError("the arcs were checked again")

    monkeypatch.setattr(jobmatch._sparse, "first_repeat", no_checks)
    with pytest.raises(AssertionError, match="checked again"):  # the public constructor does check
        Problem(problem.indptr, problem.jobs, problem.values, capacity=problem.capacity, n_jobs=problem.n_jobs)
    doubled = problem.replace(values=problem.values * 2)
    assert doubled.workers is workers
    for name in ("indptr", "jobs", "capacity", "use", "people"):
        assert np.array_equal(getattr(doubled, name), getattr(problem, name))
        assert getattr(doubled, name).dtype == getattr(problem, name).dtype
        assert not getattr(doubled, name).flags.writeable
    assert doubled.values.dtype == np.float64 and not doubled.values.flags.writeable
    assert (doubled.maximize, doubled.must_place, doubled.n_workers) == (True, False, problem.n_workers)
    after = solve(doubled, solver="flow")
    assert np.array_equal(after.job_of, before.job_of) and after.objective == before.objective
    quota = problem.replace(quotas=[GroupBound("g", members, min_share=0.4)])
    assert solve(quota, solver="lagrangian", options={"finish": False}).status in (Status.OPTIMAL, Status.FEASIBLE)
    # what is new is still checked
    with pytest.raises(ValidationError, match="finite"):
        problem.replace(values=np.full(problem.n_arcs, np.nan))
    with pytest.raises(ValidationError, match="entries"):
        problem.replace(values=np.ones(3))
    with pytest.raises(ValidationError, match="GroupBound"):
        problem.replace(quotas=["g"])
    with pytest.raises(ValidationError, match="bool mask"):
        problem.replace(caps=[Cap("c", np.ones(2, dtype=bool), 1)])


def test_a_registered_solver_declares_whether_it_takes_a_warm_start():
    import warnings

    from jobmatch.solvers import OptionWarning, registry
    from jobmatch.solvers._pack import pack

    seen = []

    def keen(problem, /, *, time_limit=None, seed=0, warm=None):
        seen.append(warm)
        return pack(problem, Status.FEASIBLE, np.full(problem.n_workers, -1), "keen", 0.0)

    def plain(problem, /, *, time_limit=None, seed=0):
        return pack(problem, Status.FEASIBLE, np.full(problem.n_workers, -1), "plain", 0.0)

    registry.register("keen", keen, capabilities=registry.Capabilities(warm=True))
    registry.register("plain", plain)
    try:
        start = WarmStart(prices=[1.0, 0.0], hint=[0, -1])
        solve(_two_by_two(), solver="keen", warm=start)
        assert seen == [start]  # the same typed object, handed over as is
        with pytest.warns(OptionWarning, match="solver 'plain' takes no warm start"):
            solve(_two_by_two(), solver="plain", warm=start)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            solve(_two_by_two(), solver="plain")  # no warm start, no warning
        with pytest.raises(ValidationError, match=r"warm must be a jobmatch\.solvers\.WarmStart"):
            solve(_two_by_two(), solver="keen", warm={"prices": [1.0, 0.0]})
        with pytest.raises(ValidationError, match=r"capabilities\.warm must be True or False"):
            registry.register("odd", plain, capabilities=registry.Capabilities(warm="yes"))  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match=r"capabilities must be a registry\.Capabilities or None"):
            registry.register("odd", plain, capabilities={"warm": True})  # type: ignore[arg-type]
        assert "odd" not in registry.available()
    finally:
        del registry._REGISTRY["keen"], registry._REGISTRY["plain"]
    assert WarmStart.of(solve(_two_by_two(), solver="auction")).prices is not None
    with pytest.raises(ValidationError, match=r"WarmStart\.of: earlier must be"):
        WarmStart.of([0, 1])
