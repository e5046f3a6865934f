"""Numba kernels of the price-directed solver (:mod:`jobmatch.solvers.auction`): arrays in, arrays out, no checks.

The problem, on integers (maximise; a worker holds at most one job, job
``j`` at most ``cap[j]`` workers, each worker may stay unplaced at 0)::

    primal  max sum V_it x_it          dual  min D(p) = sum_j cap_j p_j + sum_i max(0, max_t V_it - p_j(t))
                                                 over prices p >= 0

with ``V_it = (w[t] - off[i]) * S``: ``w`` the arc values as integers,
``off`` a per-worker offset (a Lagrangian multiplier times membership) and
``S`` the scale that makes the last epsilon phase a proof (the wrapper's
notes).  Any p >= 0 gives a bound D(p) >= the optimum; the solver ends
when D(p) - P falls below one unit of ``w``.

State shared by the kernels:

``p[j]``
    Job prices (int64).  A full job's price is the lowest bid among its
    holders.
``a_job[i]``, ``a_val[i]``
    Worker ``i``'s job (-1: unplaced) and its scaled value there.
``key``, ``who``, ``pos``, ``hoff``, ``cnt``
    Per job, an indexed min-heap of its holders keyed by the bid each
    paid, laid out flat: job ``j`` owns slots ``hoff[j] .. hoff[j+1]``, of
    which ``cnt[j]`` are used; ``pos[i]`` is worker ``i``'s slot in its job.

Each has a plain-Python reference in ``tests/reference.py`` and a test
comparing them (the phase kernels are compared through the optimum and the
certificate they reach).

Why one long module: the kernels share one data layout (the flat per-job
heaps and the worker state); split across files, each would restate it.
"""

from __future__ import annotations

import numpy as np

from .._config import JIT, njit

#: Below any profit the kernels meet (values and prices stay within 2**61, see the wrapper's scale).
NEG = -(2**62)


# ----------------------------------------------------------------------------- indexed min-heaps, one per job
@njit(**JIT)
def _up(key: np.ndarray, who: np.ndarray, pos: np.ndarray, base: int, k: int) -> None:
    kk, ww = key[base + k], who[base + k]
    while k > 0:
        parent = (k - 1) >> 1
        if key[base + parent] <= kk:
            break
        key[base + k] = key[base + parent]
        who[base + k] = who[base + parent]
        pos[who[base + k]] = k
        k = parent
    key[base + k] = kk
    who[base + k] = ww
    pos[ww] = k


@njit(**JIT)
def _down(key: np.ndarray, who: np.ndarray, pos: np.ndarray, base: int, k: int, size: int) -> None:
    kk, ww = key[base + k], who[base + k]
    while True:
        c = 2 * k + 1
        if c >= size:
            break
        if c + 1 < size and key[base + c + 1] < key[base + c]:
            c += 1
        if key[base + c] >= kk:
            break
        key[base + k] = key[base + c]
        who[base + k] = who[base + c]
        pos[who[base + k]] = k
        k = c
    key[base + k] = kk
    who[base + k] = ww
    pos[ww] = k


@njit(**JIT)
def _push(
    j: int, bid: int, i: int, key: np.ndarray, who: np.ndarray, pos: np.ndarray, hoff: np.ndarray, cnt: np.ndarray
) -> None:
    k = cnt[j]
    key[hoff[j] + k] = bid
    who[hoff[j] + k] = i
    cnt[j] = k + 1
    _up(key, who, pos, hoff[j], k)


@njit(**JIT)
def _remove(
    j: int, i: int, key: np.ndarray, who: np.ndarray, pos: np.ndarray, hoff: np.ndarray, cnt: np.ndarray
) -> None:
    base, k, last = hoff[j], pos[i], cnt[j] - 1
    cnt[j] = last
    if k != last:
        key[base + k] = key[base + last]
        who[base + k] = who[base + last]
        pos[who[base + k]] = k
        if k > 0 and key[base + k] < key[base + ((k - 1) >> 1)]:
            _up(key, who, pos, base, k)
        else:
            _down(key, who, pos, base, k, last)


# ----------------------------------------------------------------------------- set-up
@njit(**JIT)
def columns(
    indptr: np.ndarray, jobs: np.ndarray, w: np.ndarray, off: np.ndarray, m: int, cval: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Job-side CSR of the arcs: ``(cptr, cwho)`` and, filled in, ``cval``: each job's workers and their values
    ``w - off`` there, in worker order (the offsets folded in, so a reverse step reads no per-worker array)."""
    n = len(indptr) - 1
    cptr = np.zeros(m + 1, np.int64)
    for t in range(len(jobs)):
        cptr[jobs[t] + 1] += 1
    for j in range(m):
        cptr[j + 1] += cptr[j]
    fill = cptr[:-1].copy()
    cwho = np.empty(len(jobs), np.int32)
    for i in range(n):
        for t in range(indptr[i], indptr[i + 1]):
            j = jobs[t]
            cwho[fill[j]] = i
            cval[fill[j]] = w[t] - off[i]
            fill[j] += 1
    return cptr, cwho


@njit(**JIT)
def seed(
    indptr: np.ndarray,
    jobs: np.ndarray,
    w: np.ndarray,
    off: np.ndarray,
    S: int,
    cap: np.ndarray,
    p: np.ndarray,
    job_of: np.ndarray,
    a_job: np.ndarray,
    a_val: np.ndarray,
    key: np.ndarray,
    who: np.ndarray,
    pos: np.ndarray,
    hoff: np.ndarray,
    cnt: np.ndarray,
) -> int:
    """Start from a previous assignment: each worker whose job is still among its arcs holds it at the job's price
    (in worker order, up to the job's capacity; the rest start unplaced).  Returns how many were seeded."""
    n = len(indptr) - 1
    seeded = 0
    for i in range(n):
        j = job_of[i]
        if j < 0 or cnt[j] >= cap[j]:
            continue
        for t in range(indptr[i], indptr[i + 1]):
            if jobs[t] == j:
                _push(j, p[j], i, key, who, pos, hoff, cnt)
                a_job[i] = j
                a_val[i] = (w[t] - off[i]) * S
                seeded += 1
                break
    return seeded


# ----------------------------------------------------------------------------- one phase
@njit(**JIT)
def best_profits(
    indptr: np.ndarray,
    jobs: np.ndarray,
    w: np.ndarray,
    off: np.ndarray,
    S: int,
    cap: np.ndarray,
    p: np.ndarray,
    a_job: np.ndarray,
    a_val: np.ndarray,
    best: np.ndarray,
) -> tuple[int, int]:
    """The arc pass: ``best[i] = max(0, max_t V_it - p_j(t))``; returns ``(D(p), P)``, the dual bound and the primal."""
    n = len(indptr) - 1
    d = 0
    for j in range(len(cap)):
        if cap[j] > 0:
            d += cap[j] * p[j]
    primal = 0
    for i in range(n):
        b = 0
        o = off[i]
        for t in range(indptr[i], indptr[i + 1]):
            j = jobs[t]
            if cap[j] > 0:
                v = (w[t] - o) * S - p[j]
                if v > b:
                    b = v
        best[i] = b
        d += b
        if a_job[i] >= 0:
            primal += a_val[i]
    return d, primal


@njit(**JIT)
def rebase(
    cap: np.ndarray,
    p: np.ndarray,
    a_job: np.ndarray,
    a_val: np.ndarray,
    key: np.ndarray,
    who: np.ndarray,
    pos: np.ndarray,
    hoff: np.ndarray,
    cnt: np.ndarray,
    eps: int,
    queue: np.ndarray,
    best: np.ndarray,
) -> int:
    """Start a phase at ``eps`` from ``best`` (no arc read): holders' keys become their job's price, a holder
    whose profit falls more than ``eps`` short of its best is unplaced, and every unplaced worker with a positive
    best profit is queued.  Returns the queue's length."""
    for j in range(len(cap)):
        for k in range(hoff[j], hoff[j] + cnt[j]):
            key[k] = p[j]
    qt = 0
    for i in range(len(a_job)):
        j = a_job[i]
        if j >= 0 and a_val[i] - p[j] + eps < best[i]:
            _remove(j, i, key, who, pos, hoff, cnt)
            a_job[i] = -1
        if a_job[i] < 0 and best[i] > 0:
            queue[qt] = i
            qt += 1
    return qt


@njit(**JIT)
def forward(
    indptr: np.ndarray,
    jobs: np.ndarray,
    w: np.ndarray,
    off: np.ndarray,
    S: int,
    cap: np.ndarray,
    p: np.ndarray,
    a_job: np.ndarray,
    a_val: np.ndarray,
    key: np.ndarray,
    who: np.ndarray,
    pos: np.ndarray,
    hoff: np.ndarray,
    cnt: np.ndarray,
    eps: int,
    queue: np.ndarray,
    qh: int,
    qt: int,
    budget: int,
) -> tuple[int, int, int, int]:
    """Forward bids (Gauss-Seidel) from the circular ``queue[qh:qt]`` of unplaced workers, at most ``budget``.

    A worker finds its best job (profit w1) and second best w2 (at least
    0, the outside option); with w1 > 0 it bids ``V - w2 + eps``.  A job
    with room takes it; a full job evicts its lowest bidder (queued) and
    its price becomes its new lowest bid.  Returns ``(qh, qt, bids,
    evictions)``: done when ``qh == qt``.
    """
    qn = len(queue)
    bids = 0
    evictions = 0
    while qh != qt and bids < budget:
        i = queue[qh]
        qh += 1
        if qh == qn:
            qh = 0
        w1 = NEG
        w2 = NEG
        t1 = -1
        o = off[i]
        for t in range(indptr[i], indptr[i + 1]):
            j = jobs[t]
            if cap[j] == 0:
                continue
            v = (w[t] - o) * S - p[j]
            if v > w1:
                w2 = w1
                w1 = v
                t1 = t
            elif v > w2:
                w2 = v
        if w1 <= 0:
            continue
        if w2 < 0:
            w2 = 0
        j1 = jobs[t1]
        vt = (w[t1] - o) * S
        bid = vt - w2 + eps
        bids += 1
        a_job[i] = j1
        a_val[i] = vt
        if cnt[j1] < cap[j1]:
            _push(j1, bid, i, key, who, pos, hoff, cnt)
            if cnt[j1] == cap[j1]:
                p[j1] = key[hoff[j1]]
        else:
            base = hoff[j1]
            e = who[base]
            key[base] = bid
            who[base] = i
            _down(key, who, pos, base, 0, cnt[j1])
            p[j1] = key[base]
            a_job[e] = -1
            evictions += 1
            queue[qt] = e
            qt += 1
            if qt == qn:
                qt = 0
    return qh, qt, bids, evictions


@njit(**JIT)
def reverse_queue(cap: np.ndarray, p: np.ndarray, cnt: np.ndarray, jq: np.ndarray, inq: np.ndarray) -> int:
    """Queue every job with room and a positive price for :func:`reverse`; returns the queue's length."""
    jt = 0
    for j in range(len(cap)):
        inq[j] = cnt[j] < cap[j] and p[j] > 0
        if inq[j]:
            jq[jt] = j
            jt += 1
    return jt


@njit(**JIT)
def reverse(
    S: int,
    cap: np.ndarray,
    cptr: np.ndarray,
    cwho: np.ndarray,
    cval: np.ndarray,
    p: np.ndarray,
    a_job: np.ndarray,
    a_val: np.ndarray,
    key: np.ndarray,
    who: np.ndarray,
    pos: np.ndarray,
    hoff: np.ndarray,
    cnt: np.ndarray,
    eps: int,
    jq: np.ndarray,
    inq: np.ndarray,
    jh: int,
    jt: int,
    budget: int,
) -> tuple[int, int, int, int]:
    """Reverse steps for the queued jobs with room and a positive price, at most ``budget``.

    Job ``j`` with ``r`` free places takes its ``r`` best
    ``beta_i = V_ij - profit_i`` (at least ``eps``, among non-holders) at
    price ``max(0, beta_(r+1) - eps)``.  A worker it takes from job ``k``
    leaves room there (``k`` is queued if priced).  Reverse steps never
    unplace anyone, so a phase ends with every job with room at price 0
    (without them, jobs stay under-filled at positive prices and the gap
    stalls).  Returns ``(jh, jt, steps, moves)``: done when ``jh == jt``.
    """
    m = len(cap)
    tb = np.empty(16, np.int64)
    ts = np.empty(16, np.int64)
    steps = 0
    moves = 0
    while jh != jt and steps < budget:
        j = jq[jh]
        jh += 1
        if jh == m + 1:
            jh = 0
        inq[j] = False
        if cnt[j] >= cap[j] or p[j] <= 0:
            continue
        steps += 1
        r = cap[j] - cnt[j]
        if len(tb) < r + 1:
            tb = np.empty(2 * (r + 1), np.int64)
            ts = np.empty(2 * (r + 1), np.int64)
        h = 0  # a min-heap of the r + 1 best betas (>= eps) among non-holders
        for s in range(cptr[j], cptr[j + 1]):
            i = cwho[s]
            vs = cval[s] * S
            if vs < 0 or (h == r + 1 and vs + eps <= tb[0]):  # profits are >= -eps: beta <= vs + eps
                continue
            k = a_job[i]
            if k == j:
                continue
            beta = vs - (a_val[i] - p[k] if k >= 0 else 0)
            if beta < eps:
                continue
            if h < r + 1:
                c = h
                h += 1
                while c > 0:
                    par = (c - 1) >> 1
                    if tb[par] <= beta:
                        break
                    tb[c] = tb[par]
                    ts[c] = ts[par]
                    c = par
                tb[c] = beta
                ts[c] = s
            elif beta > tb[0]:
                c = 0
                while True:
                    ch = 2 * c + 1
                    if ch >= h:
                        break
                    if ch + 1 < h and tb[ch + 1] < tb[ch]:
                        ch += 1
                    if tb[ch] >= beta:
                        break
                    tb[c] = tb[ch]
                    ts[c] = ts[ch]
                    c = ch
                tb[c] = beta
                ts[c] = s
        if h == r + 1:
            price = tb[0] - eps
            first = 1  # the heap's top is the (r + 1)-th best: it stays where it is
        else:
            price = 0
            first = 0
        for q in range(first, h):
            s = ts[q]
            i = cwho[s]
            k = a_job[i]
            if k >= 0:
                _remove(k, i, key, who, pos, hoff, cnt)
                if p[k] > 0 and not inq[k]:
                    inq[k] = True
                    jq[jt] = k
                    jt += 1
                    if jt == m + 1:
                        jt = 0
            _push(j, price, i, key, who, pos, hoff, cnt)
            a_job[i] = j
            a_val[i] = cval[s] * S
            moves += 1
        p[j] = price
    return jh, jt, steps, moves


# ----------------------------------------------------------------------------- exact prices
@njit(**JIT)
def _floors(
    i: int,
    j: int,
    base: int,
    indptr: np.ndarray,
    jobs: np.ndarray,
    w: np.ndarray,
    off: np.ndarray,
    cap: np.ndarray,
    q: np.ndarray,
    cnt: np.ndarray,
    low: np.ndarray,
    jq: np.ndarray,
    inq: np.ndarray,
    tail: np.ndarray,
    budget: int,
) -> int:
    """Raise the prices of worker ``i``'s other jobs to ``base + v_ik`` (``j``: its job, or -1), queueing each job
    raised.  ``tail`` holds the queue's tail and the rises so far.  Returns 1, or :func:`tighten`'s 0 or -1."""
    m = len(cap)
    for t in range(indptr[i], indptr[i + 1]):
        k = jobs[t]
        if k == j or cap[k] == 0:
            continue
        c = base + w[t] - off[i]
        if c > q[k]:
            q[k] = c
            tail[1] += 1
            if cnt[k] < cap[k] or c > low[k]:
                return 0
            if tail[1] > budget:
                return -1
            if not inq[k]:
                inq[k] = True
                jq[tail[0]] = k
                tail[0] = tail[0] + 1 if tail[0] < m else 0
    return 1


@njit(**JIT)
def tighten(
    indptr: np.ndarray,
    jobs: np.ndarray,
    w: np.ndarray,
    off: np.ndarray,
    cap: np.ndarray,
    a_job: np.ndarray,
    q: np.ndarray,
    budget: int,
) -> int:
    """Exact integer prices for the assignment ``a_job`` on the integer values ``w - off``, or why not.

    Raises ``q`` (in place) to the least fixpoint ``>= q`` of the
    complementary-slackness floors ``q_k >= q_j + v_ik - v_ij`` (``i``
    holds ``j``; ``k`` another job of ``i``) and ``q_k >= v_ik`` (``i``
    unplaced), label-correcting over jobs.  Returns 1 when the fixpoint
    also meets the ceilings (``q_j = 0`` on every job with room,
    ``q_j <= v_ij`` for each holder): then assignment and prices satisfy
    complementary slackness, D(q) = P and the assignment is optimal.
    Returns 0 at the first ceiling broken (prices only rise, so it stays
    broken) and -1 after ``budget`` price rises.
    """
    n = len(indptr) - 1
    m = len(cap)
    cnt = np.zeros(m, np.int64)
    for i in range(n):
        if a_job[i] >= 0:
            cnt[a_job[i]] += 1
    hptr = np.zeros(m + 1, np.int64)
    for j in range(m):
        hptr[j + 1] = hptr[j] + cnt[j]
    fill = hptr[:-1].copy()
    holders = np.empty(hptr[-1], np.int64)
    own = np.zeros(n, np.int64)  # each holder's value at its own job
    low = np.full(m, 2**62, np.int64)  # the lowest of those per job: the ceiling q_j <= min v_ij
    for i in range(n):
        j = a_job[i]
        if j >= 0:
            holders[fill[j]] = i
            fill[j] += 1
            for t in range(indptr[i], indptr[i + 1]):
                if jobs[t] == j:
                    own[i] = w[t] - off[i]
            low[j] = min(low[j], own[i])
    for j in range(m):
        if (cnt[j] < cap[j] and q[j] > 0) or q[j] > low[j]:
            return 0
    jq = np.empty(m + 1, np.int64)
    inq = np.zeros(m, np.bool_)
    tail = np.zeros(2, np.int64)
    for i in range(n):  # every worker once ...
        j = a_job[i]
        done = _floors(
            i, j, q[j] - own[i] if j >= 0 else 0, indptr, jobs, w, off, cap, q, cnt, low, jq, inq, tail, budget
        )
        if done != 1:
            return done
    jh = 0
    while jh != tail[0]:  # ... then the holders of every job whose price rose, until none rises
        j = jq[jh]
        jh = jh + 1 if jh < m else 0
        inq[j] = False
        for h in range(hptr[j], hptr[j + 1]):
            i = holders[h]
            done = _floors(i, j, q[j] - own[i], indptr, jobs, w, off, cap, q, cnt, low, jq, inq, tail, budget)
            if done != 1:
                return done
    return 1
