"""Numba kernels for scoring: arrays and scalars in, arrays out, no checks.

Every kernel here has a plain-numpy reference in ``tests/reference.py`` and a
hypothesis test comparing the two.  The wrappers that build the inputs and
check arguments live in :mod:`jobmatch.scoring`.

Inputs are three named tuples, built by :func:`jobmatch.scoring._inputs.kernel_inputs`
and read by field name (each field is described there):

``W`` (:class:`~jobmatch.scoring._inputs.WorkerArrays`)
    The workers' skills, food needs and preferred places (CSR), need of
    heating, wage floor, brand and group size.
``J`` (:class:`~jobmatch.scoring._inputs.JobArrays`)
    The distinct requirement sets (*requirement profiles*, ``req_*``) in CSR
    form; the jobs grouped by requirement profile (profile p's jobs are
    ``job_of[run_ptr[p]:run_ptr[p + 1]]``, in increasing job index) and, in
    that grouped order, each job's amenity class, pay (wage + subsidy) and
    capacity (``*_run``); per *amenity class* (a distinct canteen,
    partner-brand set, city and heating), its canteen profile, brand
    profile, place code and heating (``amen_*``); the canteen and brand
    profiles in CSR form; each job's profile and position in grouped order.
``P`` (:class:`~jobmatch.scoring._inputs.PolicyArrays`)
    The 6 weights (normalised so that they and the policy's custom
    components' weights sum to 1), the hard filters as a bitmask over the 6
    components, the strict diets (bool per food code), the vocabulary sizes,
    and the custom components' worker attributes, job attributes, data
    tables and weights (``custom_*``; see :mod:`jobmatch.components`).

The component order is :data:`jobmatch.policy.COMPONENTS`: skill, diet,
climate, wage, brand, region.  ``unmet`` bit c means component c's
condition is not met; ``fail`` bits 0-5 mean "component c is a hard filter
and the pair misses it"; bit 6 a strict diet need is not served; bit 7 the
worker's group is larger than the job's headcount.

How it is fast
--------------
Jobs share few requirement profiles and amenity classes (a 10k-job synthetic
market has about 200 and 450).  For each worker, :func:`score_row` first
scores every profile and class into small tables holding the weighted part,
or ``-inf`` where a hard filter fails.  It then walks the jobs profile by
profile: a whole run of jobs whose requirements the worker fails is skipped
(with skills a hard filter that is most jobs), and each remaining job costs
one table look-up, the wage arithmetic and a sum.  The composite is summed as
``(skill_part + amenity_part) + wage_part`` with
``amenity_part = ((w_diet*diet + w_climate*climate) + w_brand*brand) + w_region*region``;
:func:`pair_parts` reports the parts it was summed from.  A per-pair function
call with the ~25 input arrays cost about 250 ns (numba reference-counts
every array argument), so there is none.

Why one long module
-------------------
:func:`jobmatch.scoring.custom.kernels` compiles copies of these kernels in
this module's namespace with ``extra_row`` rebound, so the kernels and the
helpers they call live together; and :func:`score_row` and
:func:`pair_parts` must compute each component alike, best checked side by side.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .._config import (  # numba's, with jobmatch's cache directory set first
    FASTMATH_JIT,
    INLINE,
    JIT,
    PARALLEL,
    njit,
    prange,
)

if TYPE_CHECKING:
    from ._inputs import JobArrays, PolicyArrays, WorkerArrays

STRICT_DIET_BIT = 6
CAPACITY_BIT = 7
SKILL, DIET, CLIMATE, WAGE, BRAND, REGION = 1, 2, 4, 8, 16, 32
BLOCK = 64  # entries per block of a row, for the top-k pre-filter
_CHUNK = 64  # workers per parallel task


@njit(**INLINE)
def wage_fit(pay: float, floor: float, inv_floor: float, offset: float) -> tuple[bool, float]:
    """(pay below the floor?, wage component) for one pair.

    r = pay / floor; the component is r / 2 below the floor and r - 0.5 from
    it, capped at 1.  ``pay < floor`` is tested exactly; r is computed as
    ``pay * inv_floor + offset`` (within one rounding of ``pay / floor``: a
    multiply is far cheaper than a divide).  A zero floor means any pay will
    do: ``inv_floor`` 0 and ``offset`` 2 give r = 2.  Selects, not branches:
    whether pay is below the floor is unpredictable.
    """
    ratio = pay * inv_floor + offset
    below = pay < floor
    return below, 0.5 * ratio if below else min(1.0, ratio - 0.5)


@njit(**INLINE)
def wage_terms(floor: float) -> tuple[float, float]:
    """``(inv_floor, offset)`` for :func:`wage_fit`."""
    if floor > 0.0:
        return min(1.0 / floor, 1e300), 0.0  # 1/subnormal would be inf, and 0 * inf NaN
    return 0.0, 2.0


@njit(**INLINE)
def no_extra(i: int, row: np.ndarray, P: PolicyArrays, status: np.ndarray) -> None:
    """Custom components' part of worker ``i``'s row: none (``P.custom_*`` hold their inputs).

    ``status`` is ``P.custom_status``, read by the kernels before their
    ``prange`` loops and passed in: inside a ``prange`` loop numba loses a
    write through a named tuple's field (``P.custom_status[i] = ...``).
    """
    return None


#: What every kernel adds to a scored row.  :func:`jobmatch.components.kernels`
#: compiles copies of the kernels with this name bound to the custom
#: components' weighted sum; these cached originals add nothing.
extra_row = no_extra


@njit(**JIT)
def make_scratch(J: JobArrays, P: PolicyArrays) -> tuple[np.ndarray, ...]:
    """Per-thread work arrays for :func:`score_row`."""
    n_req, n_amen = len(J.req_ptr) - 1, len(J.amen_canteen)
    n_can, n_br = len(J.canteen_ptr) - 1, len(J.brands_ptr) - 1
    n_skills, n_foods, n_places = P.n_skills, P.n_foods, P.n_places
    return (
        np.zeros(n_skills, dtype=np.int64),  # the worker's level per skill
        np.zeros(n_foods, dtype=np.bool_),  # the worker's food needs
        np.zeros(n_places, dtype=np.bool_),  # the worker's preferred places
        np.empty((n_req, 2), dtype=np.float64),  # per requirement profile: skill, unmet
        np.empty((n_can, 3), dtype=np.float64),  # per canteen profile: diet, unmet, strict need unserved
        np.empty(n_br, dtype=np.float64),  # per brand profile: brand
        np.empty(n_req, dtype=np.float64),  # weighted skill part (or -inf) per requirement profile
        np.empty(n_amen, dtype=np.float64),  # weighted amenity part (or -inf) per amenity class
        np.empty(n_can, dtype=np.float64),  # weighted diet part (or -inf) per canteen profile
        np.empty(n_br, dtype=np.float64),  # weighted brand part (or -inf) per brand profile
        np.empty(n_places, dtype=np.float64),  # weighted region part (or -inf) per place
    )


@njit(**JIT)
def score_row(
    i: int, W: WorkerArrays, J: JobArrays, P: PolicyArrays, scratch: tuple[np.ndarray, ...], out: np.ndarray
) -> None:
    """Score worker ``i`` against every job: ``out[j]`` is the composite (float32) or ``-inf``.

    Leaves the per-profile tables in ``scratch`` for :func:`pair_parts`.
    """
    w_sk_ptr, w_sk_code, w_sk_lvl = W.skill_ptr, W.skill_code, W.skill_level
    w_diet_ptr, w_diet_code = W.diet_ptr, W.diet_code
    w_pref_ptr, w_pref_code = W.pref_ptr, W.pref_code
    w_heat, w_floor, w_brand, w_size = W.needs_heating, W.min_wage, W.brand, W.size
    req_ptr, req_code, req_lvl = J.req_ptr, J.req_code, J.req_level
    run_ptr, job_of, amen_run, pay_run, cap_run = J.run_ptr, J.job_of, J.amen_run, J.pay_run, J.capacity_run
    amen_can, amen_br, amen_place, amen_heated = J.amen_canteen, J.amen_brands, J.amen_region, J.amen_heated
    can_ptr, can_code, br_ptr, br_code = J.canteen_ptr, J.canteen_code, J.brands_ptr, J.brands_code
    weights, hard, strict = P.weights, P.hard, P.strict
    level, needs, prefers, t_req, t_can, t_br, v_req, v_amen, v_can, v_br, v_place = scratch
    w0, w1, w2, w3, w4, w5 = weights[0], weights[1], weights[2], weights[3], weights[4], weights[5]
    neg = -np.inf

    # The worker, as dense look-ups.
    for t in range(w_sk_ptr[i], w_sk_ptr[i + 1]):
        level[w_sk_code[t]] = w_sk_lvl[t]
    n_needs = w_diet_ptr[i + 1] - w_diet_ptr[i]
    for t in range(w_diet_ptr[i], w_diet_ptr[i + 1]):
        needs[w_diet_code[t]] = True
    any_place = w_pref_ptr[i + 1] == w_pref_ptr[i]
    for t in range(w_pref_ptr[i], w_pref_ptr[i + 1]):
        prefers[w_pref_code[t]] = True
    cold = w_heat[i]
    own = w_brand[i]

    # skill, per requirement profile: mean of min(level held / level required, 1)
    for p in range(len(req_ptr) - 1):
        lo, hi = req_ptr[p], req_ptr[p + 1]
        raw, bad = 1.0, 0.0
        if hi > lo:
            acc = 0.0
            for r in range(lo, hi):
                have, need = level[req_code[r]], req_lvl[r]
                acc += min(have / need, 1.0)
                bad = max(bad, 1.0 if have < need else 0.0)
            raw = acc / (hi - lo)
        t_req[p, 0], t_req[p, 1] = raw, bad
        v_req[p] = neg if (bad and hard & SKILL) else w0 * raw

    # diet, per canteen profile: share of the worker's needs it serves
    for p in range(len(can_ptr) - 1):
        raw, bad, strict_fail = 1.0, 0.0, 0.0
        if n_needs > 0:
            served = 0
            for c in range(can_ptr[p], can_ptr[p + 1]):
                if needs[can_code[c]]:
                    served += 1
            raw = served / n_needs
            if served < n_needs:
                bad = 1.0
                for t in range(w_diet_ptr[i], w_diet_ptr[i + 1]):
                    food = w_diet_code[t]
                    if strict[food]:
                        hit = False
                        for c in range(can_ptr[p], can_ptr[p + 1]):
                            if can_code[c] == food:
                                hit = True
                        if not hit:
                            strict_fail = 1.0
        t_can[p, 0], t_can[p, 1], t_can[p, 2] = raw, bad, strict_fail
        v_can[p] = neg if (strict_fail != 0.0 or (hard & DIET and bad != 0.0)) else w1 * raw

    # brand, per partner-brand profile: the worker's brand is among them
    for p in range(len(br_ptr) - 1):
        raw = 0.0
        if own >= 0:
            for c in range(br_ptr[p], br_ptr[p + 1]):
                if br_code[c] == own:
                    raw = 1.0
        t_br[p] = raw
        v_br[p] = neg if (hard & BRAND and raw == 0.0) else w4 * raw

    # region, per place: preferred, or any place will do
    for q in range(len(prefers)):
        raw = 1.0 if (any_place or prefers[q]) else 0.0
        v_place[q] = neg if (hard & REGION and raw == 0.0) else w5 * raw

    # climate: a worker who needs heating gets a heated dormitory
    v_heated = w2 * 1.0
    v_unheated = neg if (cold and hard & CLIMATE) else w2 * (0.0 if cold else 1.0)

    # diet, climate, brand and region together, per amenity class (a -inf part makes the sum -inf)
    for a in range(len(amen_can)):
        climate_part = v_heated if amen_heated[a] else v_unheated
        v_amen[a] = v_can[amen_can[a]] + climate_part + v_br[amen_br[a]] + v_place[amen_place[a]]

    # The jobs, run by run of one requirement profile; a failed profile skips its run.
    for j in range(len(out)):
        out[j] = neg
    floor = w_floor[i]
    inv_floor, offset = wage_terms(floor)
    wage_hard = (hard & WAGE) != 0
    size = w_size[i]
    for p in range(len(req_ptr) - 1):
        skill_part = v_req[p]
        if skill_part == neg:
            continue
        for q in range(run_ptr[p], run_ptr[p + 1]):
            below, wage = wage_fit(pay_run[q], floor, inv_floor, offset)
            part = neg if (below & wage_hard) else w3 * wage
            part = neg if size > cap_run[q] else part
            out[job_of[q]] = np.float32(skill_part + v_amen[amen_run[q]] + part)

    # Leave the look-ups clean for the next worker.
    for t in range(w_sk_ptr[i], w_sk_ptr[i + 1]):
        level[w_sk_code[t]] = 0
    for t in range(w_diet_ptr[i], w_diet_ptr[i + 1]):
        needs[w_diet_code[t]] = False
    for t in range(w_pref_ptr[i], w_pref_ptr[i + 1]):
        prefers[w_pref_code[t]] = False


@njit(**JIT)
def pair_parts(
    i: int, j: int, W: WorkerArrays, J: JobArrays, P: PolicyArrays, scratch: tuple[np.ndarray, ...], parts: np.ndarray
) -> None:
    """The six raw components, the unmet mask and the fail mask of pair (i, j).

    Reads the tables :func:`score_row` left in ``scratch`` for worker ``i``.
    """
    w_heat, w_floor, w_size = W.needs_heating, W.min_wage, W.size
    w_pref_ptr, w_pref_code = W.pref_ptr, W.pref_code
    amen_run, pay_run, cap_run, req_of, position_of = J.amen_run, J.pay_run, J.capacity_run, J.req_of, J.position_of
    amen_can, amen_br, amen_place, amen_heated = J.amen_canteen, J.amen_brands, J.amen_region, J.amen_heated
    hard = P.hard
    t_req, t_can, t_br = scratch[3], scratch[4], scratch[5]
    q = position_of[j]
    a = amen_run[q]
    c = amen_can[a]
    floor = w_floor[i]
    inv_floor, offset = wage_terms(floor)
    below, wage = wage_fit(pay_run[q], floor, inv_floor, offset)
    region = 1.0 if w_pref_ptr[i + 1] == w_pref_ptr[i] else 0.0
    for t in range(w_pref_ptr[i], w_pref_ptr[i + 1]):
        if w_pref_code[t] == amen_place[a]:
            region = 1.0
    parts[0] = t_req[req_of[j], 0]
    parts[1] = t_can[c, 0]
    parts[2] = 1.0 if (amen_heated[a] or not w_heat[i]) else 0.0
    parts[3] = wage
    parts[4] = t_br[amen_br[a]]
    parts[5] = region
    unmet = 0
    if t_req[req_of[j], 1]:
        unmet |= SKILL
    if t_can[c, 1]:
        unmet |= DIET
    if parts[2] == 0.0:
        unmet |= CLIMATE
    if below:
        unmet |= WAGE
    if parts[4] == 0.0:
        unmet |= BRAND
    if parts[5] == 0.0:
        unmet |= REGION
    fail = unmet & hard
    if t_can[c, 2]:
        fail |= 1 << STRICT_DIET_BIT
    if w_size[i] > cap_run[q]:
        fail |= 1 << CAPACITY_BIT
    parts[6] = unmet
    parts[7] = fail


@njit(**INLINE)
def offer(score: float, index: int, row_scores: np.ndarray, row_index: np.ndarray, count: int, k: int) -> int:
    """Insert (score, index) into a row kept best first; return the new count.

    Candidates arrive in increasing index order, so an equal score never
    displaces an earlier (lower) index: ties go to the lower index.
    """
    if count == k:
        if score <= row_scores[k - 1]:
            return count
        pos = k - 1
    else:
        pos = count
        count += 1
    while pos > 0 and row_scores[pos - 1] < score:
        row_scores[pos] = row_scores[pos - 1]
        row_index[pos] = row_index[pos - 1]
        pos -= 1
    row_scores[pos] = score
    row_index[pos] = index
    return count


@njit(**FASTMATH_JIT)
def block_maxima(row: np.ndarray, out: np.ndarray) -> None:
    """``out[b]`` = the best entry of ``row[BLOCK b : BLOCK (b + 1)]`` (scores hold no NaN)."""
    n = row.shape[0]
    full = n // BLOCK
    for b in range(full):
        top = np.float32(-np.inf)
        for t in range(BLOCK):
            top = max(top, row[b * BLOCK + t])
        out[b] = top
    if full * BLOCK < n:
        top = np.float32(-np.inf)
        for t in range(full * BLOCK, n):
            top = max(top, row[t])
        out[full] = top


@njit(**INLINE)
def select(row: np.ndarray, maxima: np.ndarray, out_scores: np.ndarray, out_index: np.ndarray, k: int) -> int:
    """Keep the ``k`` best finite entries of ``row``; return how many.

    Exact, in two steps.  The k-th largest block maximum is a lower bound on
    the k-th best entry (the k largest maxima are k distinct entries), so
    only blocks whose maximum reaches it, and beats the running k-th best,
    are scanned entry by entry.  Blocks and entries are visited in increasing
    position, so ties go to the lower position.  ``maxima`` is scratch.
    """
    n_blocks = (row.shape[0] + BLOCK - 1) // BLOCK
    block_maxima(row, maxima[:n_blocks])
    count = 0
    threshold = np.float32(-np.inf)
    for b in range(n_blocks):  # the k-th largest block maximum (out_* as scratch)
        s = maxima[b]
        if s > threshold:
            count = offer(s, b, out_scores, out_index, count, k)
            if count == k:
                threshold = out_scores[k - 1]
    bound = threshold
    count = 0
    threshold = np.float32(-np.inf)
    for b in range(n_blocks):
        top = maxima[b]
        if top >= bound and top > threshold:
            for t in range(b * BLOCK, min((b + 1) * BLOCK, row.shape[0])):
                s = row[t]
                if s > threshold:
                    count = offer(s, t, out_scores, out_index, count, k)
                    if count == k:
                        threshold = out_scores[k - 1]
    return count


@njit(**PARALLEL)
def dense_scores(W: WorkerArrays, J: JobArrays, P: PolicyArrays, out: np.ndarray) -> None:
    """Fill ``out[i, j]`` with the composite score (or -inf) of every pair."""
    n = out.shape[0]
    status = P.custom_status
    for c in prange((n + _CHUNK - 1) // _CHUNK):
        scratch = make_scratch(J, P)
        for i in range(c * _CHUNK, min((c + 1) * _CHUNK, n)):
            score_row(i, W, J, P, scratch, out[i])
            extra_row(i, out[i], P, status)


@njit(**PARALLEL)
def worker_top_k(
    W: WorkerArrays,
    J: JobArrays,
    P: PolicyArrays,
    n_jobs: int,
    out_index: np.ndarray,
    out_scores: np.ndarray,
    out_count: np.ndarray,
) -> None:
    """Each worker's k best feasible jobs, best first, ties to the lower job."""
    n, k = out_index.shape
    status = P.custom_status
    for c in prange((n + _CHUNK - 1) // _CHUNK):
        scratch = make_scratch(J, P)
        row = np.empty(n_jobs, dtype=np.float32)
        maxima = np.empty((n_jobs + BLOCK - 1) // BLOCK, dtype=np.float32)
        for i in range(c * _CHUNK, min((c + 1) * _CHUNK, n)):
            score_row(i, W, J, P, scratch, row)
            extra_row(i, row, P, status)
            out_count[i] = select(row, maxima, out_scores[i], out_index[i], k)


@njit(**PARALLEL)
def worker_top_k_priced(
    W: WorkerArrays,
    J: JobArrays,
    P: PolicyArrays,
    n_jobs: int,
    prices: np.ndarray,
    size: np.ndarray,
    floor: np.ndarray,
    out_index: np.ndarray,
    out_scores: np.ndarray,
    out_count: np.ndarray,
) -> None:
    """Each worker's ``k`` best feasible jobs by reduced score ``score - size_i x prices_j``, among those whose reduced
    score beats ``floor[i]`` (float64 arithmetic), listed by score as a candidate row (best first, ties to the lower
    job).

    With ``floor`` the workers' surplus at the prices, these are the pairs
    that break the prices' dual feasibility: the only ones that could
    improve an assignment the prices prove optimal on fewer pairs.
    """
    n, k = out_index.shape
    status = P.custom_status
    for c in prange((n + _CHUNK - 1) // _CHUNK):
        scratch = make_scratch(J, P)
        row = np.empty(n_jobs, dtype=np.float32)
        reduced = np.empty(n_jobs, dtype=np.float32)
        maxima = np.empty((n_jobs + BLOCK - 1) // BLOCK, dtype=np.float32)
        for i in range(c * _CHUNK, min((c + 1) * _CHUNK, n)):
            score_row(i, W, J, P, scratch, row)
            extra_row(i, row, P, status)
            f = floor[i]
            for j in range(n_jobs):
                r = np.float64(row[j]) - size[i] * prices[j]
                reduced[j] = r if r > f else -np.inf
            count = select(reduced, maxima, out_scores[i], out_index[i], k)
            for q in range(count):  # the chosen pairs, as a candidate row: best score first, ties to the lower job
                j = out_index[i, q]
                p = q
                while p > 0 and (
                    row[out_index[i, p - 1]] < row[j]
                    or (row[out_index[i, p - 1]] == row[j] and out_index[i, p - 1] > j)
                ):
                    out_index[i, p] = out_index[i, p - 1]
                    p -= 1
                out_index[i, p] = j
            for q in range(count):
                out_scores[i, q] = row[out_index[i, q]]
            out_count[i] = count


@njit(**PARALLEL)
def job_top_k(
    W: WorkerArrays,
    J: JobArrays,
    P: PolicyArrays,
    n_workers: int,
    block: int,
    out_index: np.ndarray,
    out_scores: np.ndarray,
    out_count: np.ndarray,
) -> None:
    """Each job's k best feasible workers, best first, ties to the lower worker.

    Workers are scored a block at a time (in parallel over workers), then
    every job (in parallel over jobs) takes its best from the block, so
    memory stays O(n_jobs x (k + block)).
    """
    m, k = out_index.shape
    scores = np.empty((block, m), dtype=np.float32)
    status = P.custom_status
    for start in range(0, n_workers, block):
        stop = min(start + block, n_workers)
        for c in prange((stop - start + _CHUNK - 1) // _CHUNK):
            scratch = make_scratch(J, P)
            for i in range(start + c * _CHUNK, min(start + (c + 1) * _CHUNK, stop)):
                score_row(i, W, J, P, scratch, scores[i - start])
                extra_row(i, scores[i - start], P, status)
        for j in prange(m):
            count = out_count[j]
            row_s = out_scores[j]
            row_i = out_index[j]
            for i in range(start, stop):
                s = scores[i - start, j]
                if s != -np.inf and (count < k or s > row_s[k - 1]):
                    count = offer(s, i, row_s, row_i, count, k)
            out_count[j] = count


@njit(**JIT)
def one_pair(i: int, j: int, W: WorkerArrays, J: JobArrays, P: PolicyArrays, n_jobs: int) -> tuple[float, np.ndarray]:
    """Score and parts (6 components, unmet mask, fail mask) of one pair."""
    scratch = make_scratch(J, P)
    row = np.empty(n_jobs, dtype=np.float32)
    score_row(i, W, J, P, scratch, row)
    extra_row(i, row, P, P.custom_status)
    parts = np.empty(8, dtype=np.float64)
    pair_parts(i, j, W, J, P, scratch, parts)
    return row[j], parts


@njit(**PARALLEL)
def many_pairs(
    workers: np.ndarray, jobs: np.ndarray, W: WorkerArrays, J: JobArrays, P: PolicyArrays, n_jobs: int
) -> tuple[np.ndarray, np.ndarray]:
    """Score and parts of many (worker, job) pairs: ``one_pair`` for each, in parallel.

    Each pair needs its worker's row scored (the per-worker tables
    ``pair_parts`` reads, which it only reads); consecutive pairs of one
    worker share it, so pairs grouped by worker cost one row per worker.
    """
    n = len(workers)
    scores = np.empty(n, dtype=np.float32)
    parts = np.empty((n, 8), dtype=np.float64)
    status = P.custom_status
    for c in prange((n + _CHUNK - 1) // _CHUNK):
        scratch = make_scratch(J, P)
        row = np.empty(n_jobs, dtype=np.float32)
        last = -1
        for t in range(c * _CHUNK, min((c + 1) * _CHUNK, n)):
            if workers[t] != last:
                score_row(workers[t], W, J, P, scratch, row)
                extra_row(workers[t], row, P, status)
                last = workers[t]
            scores[t] = row[jobs[t]]
            pair_parts(workers[t], jobs[t], W, J, P, scratch, parts[t])
    return scores, parts
