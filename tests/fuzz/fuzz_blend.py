"""Hostile input for outside scores: ``PairScores`` (builders and ``at``), ``Blend``, ``blend_candidates``, ``blended``.

Valid inputs are checked against the documented formula applied to whole matrices, with exactly the
arithmetic of the blend (so the graphs are equal, not close):
``(W * composite + sum_e w_e * s_e) / (W + sum_e w_e)``, ``-inf`` where a pair is infeasible.
"""

from __future__ import annotations

import math

import numpy as np
from _tally import REFUSED, attempt, refused
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from jobmatch import CandidateGraph, Policy, candidates, score_matrix
from jobmatch.blend import Blend, PairScores, blend_candidates, blended
from jobmatch.policy import COMPONENTS, MAX_WEIGHTS
from strategies import markets

HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.binary(max_size=5),
    st.just(np.uint64(2**64 - 1)),
    st.just(np.float64("nan")),
    st.lists(st.integers(), max_size=3),
    st.recursive(st.just([]), lambda inner: st.lists(inner, max_size=2), max_leaves=30),
)
SCORES = st.one_of(st.floats(0, 1), st.sampled_from([np.nan, np.inf, -np.inf, -0.5, 1.0000001, 2.0, -0.0, 1e308]))
COMPARED: list[int] = []  # graphs compared with the formula (their sizes), for a look at the coverage
MARKETS = markets(max_workers=6, max_jobs=5, max_programs=0)


def sometimes(valid, hostile):
    """Mostly a valid value, else a hostile one (``one_of`` would flatten the hostile branches)."""
    return st.integers(0, 3).flatmap(lambda k: hostile if k == 0 else valid)


def is_weight(value) -> bool:
    real = isinstance(value, (int, float, np.floating, np.integer)) and not isinstance(value, (bool, np.bool_))
    return real and math.isfinite(value) and 0 <= value <= MAX_WEIGHTS


def is_share_or_none(value) -> bool:
    if value is None:
        return True
    real = isinstance(value, (int, float, np.floating, np.integer)) and not isinstance(value, (bool, np.bool_))
    return real and math.isfinite(value) and 0 <= value <= 1


def is_block(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)) and 1 <= value < 2**31


# ----------------------------------------------------------------------------- builders


@settings(max_examples=150)
@given(
    matrix=sometimes(
        arrays(
            st.sampled_from([np.float64, np.float32, np.int64, np.uint64]),
            st.tuples(st.integers(0, 3), st.integers(0, 3)),
        ),
        st.one_of(
            arrays(np.float64, st.integers(0, 3)),
            st.just(np.array([["a"]])),
            st.just(np.zeros((2, 2), dtype=complex)),
            st.just(np.zeros((2, 2), dtype=bool)),
            st.just([[0.5, 0.5], [0.5]]),
            st.just([[2**70]]),
            HOSTILE,
        ),
    ),
    weight=sometimes(st.floats(0, MAX_WEIGHTS), st.one_of(st.just(MAX_WEIGHTS * 2), st.just(1e308), HOSTILE)),
    missing=sometimes(st.one_of(st.none(), st.floats(0, 1)), HOSTILE),
    block=sometimes(st.integers(1, 2**31 - 1), st.one_of(st.just(2**31), st.just(2**63), st.just(0), HOSTILE)),
    fn=sometimes(st.just(lambda w, j: np.zeros(len(w))), HOSTILE),
    kind=sometimes(st.sampled_from(["dense", "graph", "function"]), HOSTILE),
)
def test_builders(matrix, weight, missing, block, fn, kind):
    dense = attempt("PairScores", PairScores.dense, matrix, weight=weight)
    try:
        array = np.asarray(matrix)
    except (ValueError, TypeError, OverflowError, RecursionError):
        array = None
    is_matrix = array is not None and array.ndim == 2 and array.dtype.kind in "iuf"
    if not (is_matrix and is_weight(weight)):
        refused("PairScores", PairScores.dense, matrix, weight=weight)
    if dense is not REFUSED:
        assert dense.weight == float(weight) and dense.kind == "dense"
    graph = CandidateGraph.from_dense(np.full((2, 2), 0.5, dtype=np.float32))
    made = attempt("PairScores", PairScores.graph, graph, weight=weight, missing=missing)
    if not (is_weight(weight) and is_share_or_none(missing)):
        refused("PairScores", PairScores.graph, graph, weight=weight, missing=missing)
    if made is not REFUSED:
        assert made.missing == (None if missing is None else float(missing))
    made = attempt("PairScores", PairScores.function, fn, weight=weight, block=block)
    if not (callable(fn) and is_weight(weight) and is_block(block)):
        refused("PairScores", PairScores.function, fn, weight=weight, block=block)
    made = attempt("PairScores", PairScores, kind, matrix if kind == "dense" else fn, weight)
    wrong_data = (kind == "dense" and not (is_matrix and isinstance(matrix, np.ndarray))) or (
        kind == "function" and not callable(fn)
    )
    if not (kind in ("dense", "function") and is_weight(weight)) or wrong_data:
        refused("PairScores", PairScores, kind, matrix if kind == "dense" else fn, weight)


@settings(max_examples=150)
@given(
    names=st.lists(
        sometimes(
            st.text(min_size=1, max_size=4).filter(str.strip),
            st.one_of(st.sampled_from([*COMPONENTS, "", " "]), HOSTILE),
        ),
        max_size=3,
    ),
    weights=st.lists(st.sampled_from([0.0, 1.0, 3e5, MAX_WEIGHTS]), min_size=3, max_size=3),
    depth=sometimes(st.one_of(st.none(), st.integers(1, 50)), st.one_of(st.just(0), st.just(2**31), HOSTILE)),
    sources=sometimes(st.just(None), HOSTILE),
)
def test_blend(names, weights, depth, sources):
    if sources is None:  # a mapping of the names drawn to real sources
        try:
            sources = {name: PairScores.dense(np.zeros((1, 1)), weight=w) for name, w in zip(names, weights)}
        except TypeError:  # an unhashable name: a dict cannot even hold it
            return
    out = attempt("Blend", Blend, sources, depth)
    good_names = (
        isinstance(sources, dict)
        and sources
        and all(isinstance(n, str) and n.strip() and n not in COMPONENTS for n in sources)
    )
    good_sources = good_names and all(isinstance(s, PairScores) for s in sources.values())
    good_depth = depth is None or is_block(depth)
    if not (good_sources and good_depth and sum(s.weight for s in sources.values()) <= MAX_WEIGHTS):
        refused("Blend", Blend, sources, depth)
    if out is not REFUSED:
        assert out.depth == depth


# ----------------------------------------------------------------------------- blending against the formula


def formula(market, policy, k, sources, depth):
    """Each worker's k best by the documented formula (exactly the blend's arithmetic), or None if a score is bad.

    ``sources``: (weight, matrix, absent) triples; where ``absent`` (a graph source), NaN means no score (the pair
    is dropped), else NaN is a bad score.
    """
    composite = score_matrix(market, policy)
    if depth is not None:  # only the first stage's pairs are re-scored
        first = candidates(market, policy, depth)
        kept = np.full(composite.shape, -np.inf, dtype=np.float32)
        rows = np.repeat(np.arange(first.n_rows), np.diff(first.indptr))
        kept[rows, first.indices] = first.scores
        composite = kept
    feasible = np.isfinite(composite)
    total = float(sum(policy.weights.values()))
    out = total * composite.astype(np.float64)
    weight = total
    for w, matrix, absent in sources:
        seen = matrix[feasible]
        if not ((seen >= 0) & (seen <= 1) | (np.isnan(seen) & absent)).all():
            return None
        part = np.zeros(composite.shape)
        part[feasible] = np.where(np.isnan(seen), -np.inf, w * seen)
        out += part
        weight += w
    return CandidateGraph.from_dense((out / weight).astype(np.float32), k=k)


@settings(max_examples=150)
@given(sometimes(MARKETS.filter(lambda m: m.n_workers and m.n_jobs), MARKETS), st.integers(1, 4), st.data())
def test_blend_candidates(market, k, data):
    n, m = market.n_workers, market.n_jobs
    policy = Policy(hard=data.draw(sometimes(st.just(frozenset()), st.frozensets(st.sampled_from(COMPONENTS)))))
    shape = data.draw(sometimes(st.just((n, m)), st.tuples(st.integers(0, n + 1), st.integers(0, m + 1))))
    matrix = data.draw(arrays(np.float64, shape, elements=sometimes(st.floats(0, 1), SCORES)))
    matrix = data.draw(sometimes(st.just(np.clip(np.nan_to_num(matrix, nan=0.5), 0, 1)), st.just(matrix)))
    kind = data.draw(st.sampled_from(["dense", "function", "graph"]))
    weight = data.draw(st.sampled_from([0.0, 0.5, 2.0, 5e5, MAX_WEIGHTS]))
    depth = data.draw(st.one_of(st.none(), st.integers(1, m + 2)))
    right_shape = shape == (n, m)
    if kind == "dense":
        source = PairScores.dense(matrix, weight=weight)
    elif kind == "function":
        reply = data.draw(st.sampled_from(["lookup", "short", "text", "none"]))
        answers = {
            "lookup": lambda w, j: matrix[w, j] if right_shape else np.zeros(len(w) + 1),
            "short": lambda w, j: np.zeros(len(w) - 1),
            "text": lambda w, j: np.array(["0.5"] * len(w)),
            "none": lambda w, j: None,
        }
        source = PairScores.function(answers[reply], weight=weight, block=data.draw(st.integers(1, 5)))
        right_shape = right_shape and reply == "lookup"
    else:
        present = np.isfinite(matrix) & (matrix >= 0) & (matrix <= 1)
        graph = CandidateGraph.from_dense(np.where(present, matrix, -np.inf).astype(np.float32), k=max(m, 1))
        missing = data.draw(st.one_of(st.none(), st.floats(0, 1)))
        source = PairScores.graph(graph, weight=weight, missing=missing)
        with np.errstate(over="ignore"):  # values far outside [0, 1] are left out of the graph
            known = matrix.astype(np.float32).astype(np.float64)
        matrix = np.where(present, known, np.nan if missing is None else missing)
    blend = Blend({"模型": source}, depth=depth)
    got = attempt("blend_candidates", blend_candidates, market, policy, k, blend)
    shallow = depth is not None and depth < min(k, m)
    if kind == "dense" and right_shape:  # a dense source is checked whole
        bad = not ((matrix >= 0) & (matrix <= 1)).all()
        want = None if bad or shallow else formula(market, policy, k, [(weight, matrix, False)], depth)
    elif right_shape and not shallow:
        want = formula(market, policy, k, [(weight, matrix, kind == "graph")], depth)
    else:
        want = None
    nothing_asked = kind == "function" and not np.isfinite(score_matrix(market, policy)).any()
    if want is None and not nothing_asked:
        refused("blend_candidates", blend_candidates, market, policy, k, blend)
    elif want is not None:
        assert got == want
        COMPARED.append(got.nnz)
    # The same pairs through blended(): one score per pair, -inf where infeasible.
    if n and m and want is not None:
        w, j = np.repeat(np.arange(n), m), np.tile(np.arange(m), n)
        composite = score_matrix(market, policy)[w, j]
        out = attempt("blended", blended, market, policy, blend, w, j, composite)
        if out is not REFUSED:
            assert out.shape == w.shape and np.all(out[~np.isfinite(composite)] == -np.inf)


@settings(max_examples=150)
@given(
    MARKETS,
    st.one_of(arrays(st.sampled_from([np.int64, np.uint64, np.float64, np.bool_]), st.integers(0, 3)), HOSTILE),
    HOSTILE,
)
def test_hostile_pairs(market, workers, other):
    source = PairScores.dense(np.full((market.n_workers, market.n_jobs), 0.5))
    blend = Blend({"模型": source})
    jobs = np.zeros(np.size(workers) if isinstance(workers, np.ndarray) else 1, dtype=np.int64)
    array = workers if isinstance(workers, np.ndarray) else None
    fine = array is not None and (array.size == 0 or array.dtype.kind in "iu")
    if fine and array.size:
        fine = int(array.min()) >= 0 and int(array.max()) < market.n_workers and market.n_jobs > 0
    for entry, call in (
        ("PairScores.at", lambda: source.at(market, workers, jobs, name="模型")),
        ("blended", lambda: blended(market, Policy(), blend, workers, jobs, np.zeros(len(jobs)))),
    ):
        out = attempt(entry, call)
        if array is not None and not fine:
            refused(entry, call)
        if out is not REFUSED and fine:
            assert len(out) == len(jobs)
    # Hostile market, policy, blend, k and composite: refused.
    for entry, call in (
        ("blend_candidates", lambda: blend_candidates(other, None, 2, blend)),
        ("blend_candidates", lambda: blend_candidates(market, other if other is not None else "x", 2, blend)),
        ("blend_candidates", lambda: blend_candidates(market, None, 2, other)),
        ("blended", lambda: blended(market, other, blend, jobs, jobs, np.zeros(len(jobs)))),
        ("blended", lambda: blended(market, Policy(), blend, jobs, jobs, other)),
    ):
        if entry == "blended" and other is not None and isinstance(other, list) and len(other) == len(jobs):
            attempt(entry, call)  # a list of numbers of the right length is a composite
            continue
        refused(entry, call)
    k = other
    out = attempt("blend_candidates", blend_candidates, market, None, k, blend)
    if not is_block(k):
        refused("blend_candidates", blend_candidates, market, None, k, blend)
