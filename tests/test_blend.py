"""Outside per-pair scores blended into the composite (jobmatch.blend) against a plain-numpy reference.

The reference never touches jobmatch.blend: it takes the built-in composite from ``score_matrix`` and applies
the documented formula ``(W * composite + sum_e w_e * s_e) / (W + sum_e w_e)`` to whole matrices, with
``-inf`` for infeasible pairs and for pairs a graph source leaves out when its ``missing`` is None.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from jobmatch import (
    CandidateGraph,
    Job,
    Market,
    Policy,
    Status,
    ValidationError,
    Worker,
    build_problem,
    candidates,
    match,
    score_matrix,
    synth,
)
from jobmatch.blend import Blend, PairScores, blend_candidates, blended
from jobmatch.policy import COMPONENTS
from strategies import markets, names, policies

FAST = settings(max_examples=40, deadline=None)
SOURCE_NAMES = names.filter(lambda s: s not in COMPONENTS)
UNIT = st.floats(0, 1, allow_nan=False)
WEIGHTS = st.floats(0, 5, allow_nan=False)


def tol(n_workers: int) -> float:
    """CP-SAT and flow solve on values rounded to 1e-6: totals may be off by that much per placement."""
    return 1e-6 * max(n_workers, 1) + 1e-9


# ----------------------------------------------------------------------------- the reference


def reference(market: Market, policy: Policy, sources: list[tuple[float, np.ndarray]]) -> np.ndarray:
    """Blended score of every pair (float64, -inf where infeasible): the formula over whole matrices.

    ``sources`` holds (weight, scores) with scores of shape (n_workers, n_jobs); NaN marks a pair the source
    leaves out (the pair becomes infeasible).
    """
    total = float(sum(policy.weights.values()))
    numerator = total * score_matrix(market, policy).astype(np.float64)
    denominator = total
    for weight, scores in sources:
        numerator = numerator + np.where(np.isnan(scores), -np.inf, weight * scores)
        denominator += weight
    return numerator / denominator


def top_k(dense: np.ndarray, k: int) -> CandidateGraph:
    """Each worker's k best finite entries, as the blend keeps them (float32, ties to the lower job)."""
    return CandidateGraph.from_dense(dense.astype(np.float32), k=k)


def pair_score(workers: np.ndarray, jobs: np.ndarray) -> np.ndarray:
    """A deterministic 'model' of positions: a score in [0, 1] per pair."""
    return ((workers * 7 + jobs * 13) % 17) / 16.0


def all_pairs(market: Market) -> tuple[np.ndarray, np.ndarray]:
    rows, cols = np.indices((market.n_workers, market.n_jobs))
    return rows.ravel(), cols.ravel()


def rows_of(graph: CandidateGraph) -> np.ndarray:
    return np.repeat(np.arange(graph.n_rows), np.diff(graph.indptr))


def _error(call) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        call()
    return info.value


@st.composite
def dense_sources(draw, market: Market, min_size: int = 1, max_size: int = 2):
    """(name, weight, matrix) of 1-2 dense sources with values in [0, 1] and weights in [0, 5]."""
    count = draw(st.integers(min_size, max_size))
    chosen = draw(st.lists(SOURCE_NAMES, min_size=count, max_size=count, unique=True))
    shape = (market.n_workers, market.n_jobs)
    return [(name, draw(WEIGHTS), draw(arrays(np.float64, shape, elements=UNIT))) for name in chosen]


def as_blend(sources, depth=None) -> Blend:
    return Blend({name: PairScores.dense(matrix, weight=weight) for name, weight, matrix in sources}, depth=depth)


# ----------------------------------------------------------------------------- 1. the formula


@FAST
@given(markets(max_workers=8, max_jobs=6, max_programs=0), policies(), st.integers(1, 6), st.data())
def test_blended_scores_equal_the_weighted_mean_in_numpy(market, policy, k, data):
    sources = data.draw(dense_sources(market))
    blend = as_blend(sources)
    want = reference(market, policy, [(weight, matrix) for _, weight, matrix in sources])

    assert blend_candidates(market, policy, k, blend) == top_k(want, k)

    workers, jobs = all_pairs(market)
    composite = score_matrix(market, policy)[workers, jobs]
    got = blended(market, policy, blend, workers, jobs, composite)
    assert got.dtype == np.float64 and got.shape == workers.shape
    expected = want[workers, jobs]
    assert np.array_equal(np.isfinite(got), np.isfinite(expected)), "feasibility differs from the composite's"
    assert np.all(got[~np.isfinite(expected)] == -np.inf)
    finite = np.isfinite(expected)
    np.testing.assert_allclose(got[finite], expected[finite], rtol=0, atol=1e-12)


def test_blended_score_is_a_weighted_mean_of_its_parts():
    # Composite 0.4 and one source scoring 1.0 with weight W (the policy's weight total): the mean is 0.7.
    market = synth.scenario(3, 2, seed=1)
    total = float(sum(Policy().weights.values()))
    blend = Blend({"满分": PairScores.function(lambda w, j: np.ones(len(w)), weight=total)})
    got = blended(market, Policy(), blend, np.array([0, 1, 2]), np.array([0, 1, 0]), np.array([0.4, -np.inf, 1.0]))
    assert got[0] == pytest.approx(0.7, abs=1e-12)
    assert got[1] == -np.inf
    assert got[2] == pytest.approx(1.0, abs=1e-12)


# ----------------------------------------------------------------------------- 2. two-stage re-ranking


@FAST
@given(markets(max_workers=8, max_jobs=6, max_programs=0), policies(), st.integers(1, 6), st.data())
def test_two_stage_deep_enough_equals_full_scoring(market, policy, k, data):
    sources = data.draw(dense_sources(market, max_size=1))
    feasible = np.isfinite(score_matrix(market, policy))
    most = int(feasible.sum(axis=1).max()) if market.n_workers and market.n_jobs else 0
    floor = min(k, market.n_jobs)  # a shallower first stage than the k kept is refused
    depth = data.draw(st.sampled_from(sorted({max(most, 1, floor), max(market.n_jobs, 1), market.n_jobs + 3})))
    name, weight, matrix = sources[0]
    dense = PairScores.dense(matrix, weight=weight)
    model = PairScores.function(pair_score, weight=data.draw(WEIGHTS))
    full = blend_candidates(market, policy, k, Blend({name: dense, "模型": model}))
    assert blend_candidates(market, policy, k, Blend({name: dense, "模型": model}, depth=depth)) == full


@FAST
@given(markets(max_workers=8, max_jobs=8, max_programs=0), policies(), st.data())
def test_two_stage_keeps_only_the_first_stages_best(market, policy, data):
    depth = data.draw(st.integers(1, max(market.n_jobs, 1)))
    k = data.draw(st.integers(1, depth))
    sources = data.draw(dense_sources(market))
    graph = blend_candidates(market, policy, k, as_blend(sources, depth=depth))
    check_two_stage(market, policy, k, depth, sources, graph)


@pytest.mark.parametrize(("k", "depth"), [(3, 3), (3, 6), (5, 12)])
def test_two_stage_on_a_synthetic_market(k, depth):
    market = synth.scenario(150, 30, seed=11)
    policy = Policy(hard=frozenset({"wage"}))  # soft skills: most workers have more than `depth` feasible jobs
    rng = np.random.default_rng(7)
    sources = [("留任", 4.0, rng.random((market.n_workers, market.n_jobs)))]
    graph = blend_candidates(market, policy, k, as_blend(sources, depth=depth))
    check_two_stage(market, policy, k, depth, sources, graph)
    # Scoring every pair would keep some job the first stage never sees: the depth does cut here.
    full = blend_candidates(market, policy, k, as_blend(sources))
    first = candidates(market, policy, depth)
    first_pairs = set(zip(rows_of(first).tolist(), first.indices.tolist()))
    assert any(pair not in first_pairs for pair in zip(rows_of(full).tolist(), full.indices.tolist()))


def check_two_stage(market, policy, k, depth, sources, graph):
    composite = score_matrix(market, policy)
    want = reference(market, policy, [(weight, matrix) for _, weight, matrix in sources])
    first = candidates(market, policy, depth)
    for i in range(market.n_workers):
        jobs, scores = graph.row(i)
        first_jobs = first.row(i)[0]
        assert set(jobs.tolist()) <= set(first_jobs.tolist()), f"worker {i} keeps a job outside the first stage"
        # Independently of the kernels: no kept job is beaten on the composite by `depth` other jobs.
        ranked = np.sort(composite[i][np.isfinite(composite[i])])[::-1]
        if len(ranked) >= depth:
            assert np.all(composite[i, jobs] >= ranked[depth - 1])
        assert len(jobs) == min(k, len(first_jobs))
        # Best first by the blended score, ties to the lower job; the scores are the blended ones.
        assert all((a > b) or (a == b and x < y) for a, b, x, y in zip(scores, scores[1:], jobs, jobs[1:]))
        np.testing.assert_array_equal(scores, want[i, jobs].astype(np.float32))
    # And they are the k best of the first stage's pairs by the blended score.
    staged = np.full_like(want, -np.inf)
    staged[rows_of(first), first.indices] = want[rows_of(first), first.indices]
    assert graph == top_k(staged, k)


# ----------------------------------------------------------------------------- 3. function sources


@pytest.mark.parametrize("depth", [None, 6])
def test_function_source_in_blocks(depth):
    market = synth.scenario(120, 15, seed=3)
    policy = Policy()
    k, m = 4, market.n_jobs
    feasible = np.isfinite(score_matrix(market, policy))
    if depth is None:
        expected_pairs = np.flatnonzero(feasible.ravel())
    else:
        first = candidates(market, policy, depth)
        expected_pairs = np.sort(rows_of(first) * m + first.indices)
    graphs = []
    for block in (1, 3, 10**6):
        calls = []

        def fn(workers, jobs, calls=calls):
            calls.append((workers.copy(), jobs.copy()))
            return pair_score(workers, jobs)

        source = PairScores.function(fn, weight=2.5, block=block)
        graphs.append(blend_candidates(market, policy, k, Blend({"模型": source}, depth=depth)))
        sizes = [len(w) for w, _ in calls]
        assert min(sizes) >= 1 and max(sizes) <= block
        workers = np.concatenate([w for w, _ in calls])
        jobs = np.concatenate([j for _, j in calls])
        assert workers.dtype == np.int64 and jobs.dtype == np.int64
        assert feasible[workers, jobs].all(), "the function was asked about an infeasible pair"
        # Each pair the blend needs, exactly once.
        np.testing.assert_array_equal(np.sort(workers * m + jobs), expected_pairs)
    assert graphs[0] == graphs[1] == graphs[2]
    # The same scores given as a dense matrix give the same graph.
    rows, cols = np.indices((market.n_workers, m))
    dense = PairScores.dense(pair_score(rows, cols), weight=2.5)
    assert graphs[0] == blend_candidates(market, policy, k, Blend({"矩阵": dense}, depth=depth))


def test_function_source_on_a_market_without_feasible_pairs_is_never_called():
    worker = Worker(id="巫溪-甲", origin="巫溪", min_wage=9000)
    market = Market([worker], [Job(id="泰安-01", employer="泰安机械", region="泰安", capacity=1, wage=3000)])
    calls = []
    source = PairScores.function(lambda w, j: calls.append(len(w)) or np.zeros(len(w)), block=1)
    for depth in (None, 3):
        assert blend_candidates(market, Policy(), 2, Blend({"模型": source}, depth=depth)).nnz == 0
    assert calls == []


# ----------------------------------------------------------------------------- 4. graph sources


@FAST
@given(markets(max_workers=8, max_jobs=6, max_programs=0), policies(), st.integers(1, 6), st.data())
def test_graph_source_drops_or_fills_absent_pairs(market, policy, k, data):
    shape = (market.n_workers, market.n_jobs)
    values = data.draw(arrays(np.float32, shape, elements=st.floats(0, 1, width=32)))
    present = data.draw(arrays(np.bool_, shape))
    weight = data.draw(WEIGHTS)
    source_graph = CandidateGraph.from_dense(np.where(present, values, -np.inf))
    known = values.astype(np.float64)

    dropped = blend_candidates(market, policy, k, Blend({"门户": PairScores.graph(source_graph, weight=weight)}))
    want = reference(market, policy, [(weight, np.where(present, known, np.nan))])
    assert dropped == top_k(want, k)
    assert present[rows_of(dropped), dropped.indices].all(), "a pair absent from the source was kept"

    filled = PairScores.graph(source_graph, weight=weight, missing=0.3)
    got = blend_candidates(market, policy, k, Blend({"门户": filled}))
    assert got == top_k(reference(market, policy, [(weight, np.where(present, known, 0.3))]), k)
    # ... the same as a dense source holding 0.3 where the graph has no arc.
    same = PairScores.dense(np.where(present, known, 0.3), weight=weight)
    assert got == blend_candidates(market, policy, k, Blend({"门户": same}))

    # A graph with every pair is the dense source of the same scores.
    whole = PairScores.graph(CandidateGraph.from_dense(values), weight=weight)
    dense = PairScores.dense(values, weight=weight)
    for depth in (None, max(market.n_jobs, 1)):
        assert blend_candidates(market, policy, k, Blend({"门户": whole}, depth=depth)) == blend_candidates(
            market, policy, k, Blend({"门户": dense}, depth=depth)
        )


def test_graph_source_with_missing_none_drops_pairs_even_at_weight_zero():
    market = synth.scenario(60, 10, seed=4)
    policy = Policy()
    base = candidates(market, policy, 10)
    # The source knows only each worker's first-listed job.
    first = np.zeros(market.n_workers + 1, dtype=np.int64)
    first[1:] = np.cumsum(np.diff(base.indptr) > 0)
    starts = base.indptr[:-1][np.diff(base.indptr) > 0]
    only = CandidateGraph(
        first, base.indices[starts], np.full(len(starts), 0.5), n_workers=market.n_workers, n_jobs=market.n_jobs
    )
    got = blend_candidates(market, policy, 5, Blend({"门户": PairScores.graph(only, weight=0.0)}))
    assert np.array_equal(np.diff(got.indptr), np.diff(only.indptr))
    assert np.array_equal(got.indices, only.indices)
    np.testing.assert_array_equal(got.scores, base.scores[starts])  # weight 0: the composite


# ----------------------------------------------------------------------------- 5. weight zero changes nothing


def zero_blend(market: Market, depth=None) -> Blend:
    rng = np.random.default_rng(5)
    graph = CandidateGraph.from_dense(rng.random((market.n_workers, market.n_jobs)).astype(np.float32), k=2)
    return Blend(
        {
            "矩阵": PairScores.dense(rng.random((market.n_workers, market.n_jobs)), weight=0.0),
            "模型": PairScores.function(pair_score, weight=0.0),
            "门户": PairScores.graph(graph, weight=0.0, missing=0.9),
        },
        depth=depth,
    )


@FAST
@given(markets(max_workers=8, max_jobs=6, max_programs=0), policies(), st.integers(1, 6), st.data())
def test_weight_zero_gives_the_built_in_candidates(market, policy, k, data):
    depth = data.draw(st.one_of(st.none(), st.integers(k, k + 4)))
    assert blend_candidates(market, policy, k, zero_blend(market, depth)) == candidates(market, policy, k)


@pytest.mark.parametrize(("solver", "size"), [("flow", 200), ("cpsat", 60)])
def test_weight_zero_match_equals_match_without_blend(solver, size):
    market = synth.scenario(size, 15, seed=6)
    plain = match(market, Policy(), k=5, solver=solver)
    for depth in (None, 8):
        blend = match(market, Policy(), k=5, solver=solver, blend=zero_blend(market, depth))
        assert blend.status is plain.status
        assert np.array_equal(blend.job_of, plain.job_of)
        assert blend.objective == plain.objective


def test_weight_zero_match_with_training_equals_match_without_blend():
    market = synth.scenario(300, 20, 4, seed=8)
    policy = Policy(training_budget=20_000)
    plain = match(market, policy)
    assert np.any(plain.program_of >= 0)  # the training path is taken
    blend = match(market, policy, blend=zero_blend(market))
    assert blend.status is plain.status
    assert np.array_equal(blend.job_of, plain.job_of)
    assert np.array_equal(blend.program_of, plain.program_of)
    assert blend.objective == plain.objective


# ----------------------------------------------------------------------------- 6. what the solvers optimise


@pytest.mark.parametrize("depth", [None, 8])
def test_match_objective_is_the_sum_of_blended_scores(depth):
    market = synth.scenario(80, 12, seed=5)
    policy = Policy(weights={"wage": 2.0})
    rng = np.random.default_rng(9)
    sources = [("留任", 3.0, rng.random((market.n_workers, market.n_jobs)))]
    blend = Blend(
        {"留任": PairScores.dense(sources[0][2], weight=3.0), "模型": PairScores.function(pair_score, weight=1.5)},
        depth=depth,
    )
    rows, cols = np.indices((market.n_workers, market.n_jobs))
    want = reference(market, policy, [(3.0, sources[0][2]), (1.5, pair_score(rows, cols))]).astype(np.float32)
    graph = blend_candidates(market, policy, 5, blend)
    found = {}
    for solver in ("flow", "cpsat"):
        a = match(market, policy, k=5, solver=solver, blend=blend)
        # flow may split a couple and then says FEASIBLE, with a bound; CP-SAT is exact.
        assert a.status is Status.OPTIMAL or (solver == "flow" and a.status is Status.FEASIBLE), solver
        placed = np.flatnonzero(a.job_of >= 0)
        assert len(placed) > 0
        total = float(want[placed, a.job_of[placed]].astype(np.float64).sum())
        assert a.objective == pytest.approx(total, abs=tol(market.n_workers)), solver
        for i in placed.tolist():
            assert a.job_of[i] in graph.row(i)[0], f"worker {i} placed outside its blended top k"
        found[solver] = a
    flow, exact = found["flow"], found["cpsat"]
    assert flow.objective <= exact.objective + tol(market.n_workers)
    assert flow.bound >= exact.objective - tol(market.n_workers)


def upgraded(worker: Worker, program) -> Worker:
    levels = dict(worker.skills)
    for skill, level in program.grants.items():
        levels[skill] = max(levels.get(skill, 0), level)
    return dataclasses.replace(worker, skills=levels)


def loss(policy: Policy, program) -> float:
    return policy.week_penalty * program.weeks + policy.cost_penalty * program.cost / 1000.0


def test_trained_placements_are_worth_the_blended_trained_score_less_the_penalty():
    market = synth.scenario(300, 20, 4, seed=8)
    policy = Policy(training_budget=20_000, week_penalty=0.005)
    matrix = np.random.default_rng(3).random((market.n_workers, market.n_jobs))
    blend = Blend({"留任": PairScores.dense(matrix, weight=2.0)})
    a = match(market, policy, blend=blend)
    assert a.status in (Status.OPTIMAL, Status.FEASIBLE)
    total = float(sum(policy.weights.values()))
    direct = score_matrix(market, policy).astype(np.float64)
    problem = a.problem
    placed = np.flatnonzero(a.job_of >= 0)
    trained = [i for i in placed.tolist() if a.program_of[i] >= 0]
    assert trained, "nobody trains: the check below would mean nothing"
    expected_total = 0.0
    for i in placed.tolist():
        j, p = int(a.job_of[i]), int(a.program_of[i])
        arc = np.flatnonzero((problem.workers == i) & (problem.jobs == j))
        assert len(arc) == 1
        got = float(problem.values[arc[0]])
        if p >= 0:
            program = market.program(p)
            alone = Market([upgraded(market.worker(i), program)], [market.job(j)])
            after = float(score_matrix(alone, policy)[0, 0])
            want = float(np.float32((total * after + 2.0 * matrix[i, j]) / (total + 2.0))) - loss(policy, program)
        else:
            want = float(np.float32((total * direct[i, j] + 2.0 * matrix[i, j]) / (total + 2.0)))
        assert got == pytest.approx(want, abs=1e-6), (market.workers.ids[i], market.jobs.ids[j], p)
        expected_total += want
    assert a.objective == pytest.approx(expected_total, abs=tol(market.n_workers))


# ----------------------------------------------------------------------------- 7. validation


def tiny_market() -> Market:
    workers = [Worker(id="巫溪-甲", origin="巫溪", min_wage=3000), Worker(id="城口-乙", origin="城口", min_wage=3000)]
    jobs = [
        Job(id="泰安-厨师", employer="泰安饭店", region="泰安", capacity=2, wage=4500),
        Job(id="济南-普工", employer="济南纺织", region="济南", capacity=2, wage=4000),
    ]
    market = Market(workers, jobs)
    assert np.isfinite(score_matrix(market)).all()  # every pair is scored, so every bad value is seen
    return market


def run(market: Market, source: PairScores, name: str = "模型", depth=None):
    return blend_candidates(market, Policy(), 2, Blend({name: source}, depth=depth))


@pytest.mark.parametrize("shape", [(3, 2), (2, 3), (4,)])
def test_dense_matrix_of_the_wrong_shape(shape):
    market = tiny_market()
    if len(shape) == 1:
        err = _error(lambda: PairScores.dense(np.zeros(shape)))
        assert err.record == "PairScores.dense" and err.field == "matrix"
        assert str(shape) in str(err)
        return
    err = _error(lambda: run(market, PairScores.dense(np.zeros(shape))))
    assert err.record == "PairScores '模型'" and err.field == "matrix shape"
    assert str(shape) in str(err) and "(2, 2)" in str(err)
    two_stage = _error(lambda: run(market, PairScores.dense(np.zeros(shape)), depth=1))  # checked there too
    assert two_stage.field == "matrix shape"


@pytest.mark.parametrize("bad", [math.nan, -0.01, 1.5, math.inf])
@pytest.mark.parametrize("kind", ["dense", "function"])
def test_bad_score_names_the_source_worker_and_job(bad, kind):
    market = tiny_market()
    matrix = np.full((2, 2), 0.5)
    matrix[1, 0] = bad
    if kind == "dense":
        source = PairScores.dense(matrix)
    else:
        source = PairScores.function(lambda w, j: matrix[w, j], block=1)
    for depth in (None, 2):
        err = _error(lambda source=source, depth=depth: run(market, source, "留任", depth))
        assert err.record == "PairScores '留任'" and err.field == "score"
        message = str(err)
        assert "留任" in message and "城口-乙" in message and "泰安-厨师" in message
        assert repr(bad) in message or str(bad) in message
        assert "巫溪-甲" not in message and "济南-普工" not in message


def test_graph_source_scores_outside_the_unit_interval():
    market = tiny_market()
    graph = CandidateGraph.from_dense(np.array([[0.5, 0.5], [0.5, 2.0]], dtype=np.float32))
    err = _error(lambda: run(market, PairScores.graph(graph), "门户"))
    assert err.record == "PairScores '门户'" and err.field == "score"
    assert "城口-乙" in str(err) and "济南-普工" in str(err)


def test_graph_source_of_another_market():
    market = tiny_market()
    graph = CandidateGraph.from_dense(np.full((3, 2), 0.5, dtype=np.float32))
    err = _error(lambda: run(market, PairScores.graph(graph), "门户"))
    assert err.record == "PairScores '门户'" and err.field == "graph shape"
    assert "3 workers" in str(err) and "2 workers" in str(err)


@pytest.mark.parametrize("length", [1, 3])
def test_function_returning_the_wrong_length(length):
    market = tiny_market()
    source = PairScores.function(lambda w, j: np.zeros(len(w) + length - 2))
    err = _error(lambda: run(market, source))
    assert err.record == "PairScores '模型'" and err.field == "function result"
    assert "4 numbers" in str(err) and f"({4 + length - 2},)" in str(err)


@pytest.mark.parametrize(
    "result",
    [lambda n: np.array(["0.5"] * n), lambda n: np.array([None] * n), lambda n: np.zeros(n, dtype=complex)],
    ids=["str", "object", "complex"],
)
def test_function_returning_something_other_than_numbers(result):
    market = tiny_market()
    source = PairScores.function(lambda w, j: result(len(w)))
    err = _error(lambda: run(market, source))
    assert err.record == "PairScores '模型'" and err.field == "function result"
    # The message should say what arrived (its dtype), not only a shape of the right length.
    assert str(result(4).dtype) in str(err)


@pytest.mark.parametrize("make", ["dense", "graph", "function"])
@pytest.mark.parametrize("weight", [-1.0, math.nan, math.inf, True])
def test_bad_weight(make, weight):
    build = {
        "dense": lambda: PairScores.dense(np.zeros((2, 2)), weight=weight),
        "graph": lambda: PairScores.graph(CandidateGraph.from_dense(np.zeros((2, 2))), weight=weight),
        "function": lambda: PairScores.function(pair_score, weight=weight),
    }[make]
    err = _error(build)
    assert err.record == "PairScores" and err.field == "weight"
    assert str(weight) in str(err)


@pytest.mark.parametrize("missing", [-0.1, 1.5, math.nan])
def test_missing_outside_the_unit_interval(missing):
    graph = CandidateGraph.from_dense(np.zeros((2, 2)))
    err = _error(lambda: PairScores.graph(graph, missing=missing))
    assert err.record == "PairScores" and err.field == "missing"
    assert str(missing) in str(err)


@pytest.mark.parametrize("block", [0, -3, 2.5, True])
def test_bad_block(block):
    err = _error(lambda: PairScores.function(pair_score, block=block))
    assert err.record == "PairScores" and err.field == "block"
    assert str(block) in str(err)


def test_blend_needs_sources():
    for sources in ({}, [("模型", PairScores.function(pair_score))], None):
        err = _error(lambda sources=sources: Blend(sources))
        assert err.record == "Blend" and err.field == "sources"


@pytest.mark.parametrize("name", ["skill", "wage", "", "  ", 3])
def test_blend_source_names(name):
    err = _error(lambda: Blend({name: PairScores.function(pair_score)}))
    assert err.record == "Blend" and err.field == "sources key"
    assert repr(name) in str(err)


def test_blend_source_that_is_not_pair_scores():
    err = _error(lambda: Blend({"模型": np.zeros((2, 2))}))
    assert err.record == "Blend" and err.field == "sources['模型']"
    assert "ndarray" in str(err)


@pytest.mark.parametrize("depth", [0, -1, True, 2.5, "5"])
def test_blend_depth(depth):
    err = _error(lambda: Blend({"模型": PairScores.function(pair_score)}, depth=depth))
    assert err.record == "Blend" and err.field == "depth"
    assert repr(depth) in str(err)


def test_compile_and_match_refuse_a_blend_that_is_not_one():
    market = tiny_market()
    err = _error(lambda: build_problem(market, blend="x"))
    assert err.record == "build_problem" and err.field == "blend" and "str" in str(err)
    err = _error(lambda: match(market, blend={"模型": PairScores.function(pair_score)}))
    assert err.field == "blend" and "dict" in str(err)
    trainable = synth.scenario(30, 5, 2, seed=1)  # the training path checks it too
    err = _error(lambda: match(trainable, blend="x"))
    assert err.field == "blend"


@pytest.mark.parametrize("k", [0, -1, True])
@pytest.mark.parametrize("depth", [None, 3])
def test_blend_checks_k_as_candidates_does(k, depth):
    market = tiny_market()
    field = _error(lambda: candidates(market, Policy(), k)).field
    blend = Blend({"模型": PairScores.function(pair_score)}, depth=depth)
    err = _error(lambda: build_problem(market, Policy(), k=k, blend=blend))
    assert err.field == field == "k"
    assert _error(lambda: blend_candidates(market, Policy(), k, blend)).field == "k"


def test_graph_source_must_be_worker_side():
    market = tiny_market()
    job_side = candidates(market, Policy(), 2, side="job")
    err = _error(lambda: PairScores.graph(job_side))
    assert err.record == "PairScores.graph" and err.field == "graph"
    assert "job" in str(err).split("got", 1)[1], "the message should say the graph given is job-side"
    err = _error(lambda: PairScores.graph(np.zeros((2, 2))))
    assert err.field == "graph" and "ndarray" in str(err)


@pytest.mark.parametrize("fn", [3, "pair_score", None])
def test_function_source_must_be_callable(fn):
    err = _error(lambda: PairScores.function(fn))
    assert err.record == "PairScores.function" and err.field == "fn"
    assert type(fn).__name__ in str(err)


# ----------------------------------------------------------------------------- 8. determinism


@pytest.mark.parametrize("depth", [None, 7])
def test_same_inputs_same_graph(depth):
    def build():
        market = synth.scenario(200, 25, seed=12)
        rng = np.random.default_rng(1)
        graph = CandidateGraph.from_dense(rng.random((200, 25)).astype(np.float32), k=10)
        return market, Blend(
            {
                "矩阵": PairScores.dense(rng.random((200, 25)), weight=1.5),
                "模型": PairScores.function(pair_score, weight=2.0, block=97),
                "门户": PairScores.graph(graph, weight=0.5, missing=0.1),
            },
            depth=depth,
        )

    first, again = build(), build()
    assert blend_candidates(first[0], Policy(), 5, first[1]) == blend_candidates(again[0], Policy(), 5, again[1])
    a, b = match(first[0], k=5, blend=first[1]), match(again[0], k=5, blend=again[1])
    assert np.array_equal(a.job_of, b.job_of) and a.objective == b.objective


def test_a_first_stage_shallower_than_k_is_refused():
    market = synth.scenario(40, 10, seed=2)
    source = PairScores.function(pair_score)
    err = _error(lambda: blend_candidates(market, Policy(), 5, Blend({"模型": source}, depth=4)))
    assert err.record == "blend_candidates" and err.field == "depth" and "got 4" in str(err)
    small = synth.scenario(40, 3, seed=2)  # fewer jobs than k: any depth reaching them all is as good as k
    assert blend_candidates(small, Policy(), 5, Blend({"模型": source}, depth=3)) == blend_candidates(
        small, Policy(), 5, Blend({"模型": source})
    )
