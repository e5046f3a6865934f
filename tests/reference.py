"""Plain-numpy reference implementations of the numba kernels.

Deliberately different in shape from the kernels: the market is decoded into
dense boolean / level matrices and every component is computed for all pairs
at once with broadcasting, straight from the formulas in docs/scoring.md.
Slow and memory-hungry (n x m x n_skills), for tests and the benchmark
baseline only.
"""

from __future__ import annotations

import numpy as np

from jobmatch import Market, Policy
from jobmatch.data.ragged import Ragged
from jobmatch.policy import COMPONENTS


def _dense(column: Ragged, width: int, values=None) -> np.ndarray:
    out = np.zeros((len(column), width), dtype=np.int64 if values is not None else bool)
    rows = np.repeat(np.arange(len(column)), column.lengths())
    out[rows, column.codes] = values if values is not None else True
    return out


def components(market: Market, policy: Policy) -> dict:
    """Every component for every pair, the unmet masks and the fail mask."""
    w, j, vocab = market.workers, market.jobs, market.vocab
    n_skills, n_foods, n_places, n_brands = (len(vocab.skill), len(vocab.food), len(vocab.place), len(vocab.brand))
    have = _dense(w.skills, n_skills, w.skills.levels)[:, None, :]  # (n, 1, S)
    need = _dense(j.requires, n_skills, j.requires.levels)[None, :, :]  # (1, m, S)
    required = need > 0
    n_req = required.sum(axis=2)
    cover = np.where(required, np.minimum(have / np.where(required, need, 1), 1.0), 0.0).sum(axis=2)
    skill = np.where(n_req > 0, cover / np.maximum(n_req, 1), 1.0)
    skill_unmet = (required & (have < need)).any(axis=2)

    needs = _dense(w.diet, n_foods)
    serves = _dense(j.canteen, n_foods)
    n_needs = needs.sum(axis=1)[:, None]
    served = needs.astype(np.int64) @ serves.T.astype(np.int64)
    diet = np.where(n_needs > 0, served / np.maximum(n_needs, 1), 1.0)
    diet_unmet = served < n_needs
    strict = np.array([name in policy.strict_diets for name in vocab.food], dtype=bool)
    strict_unserved = ((needs & strict).astype(np.int64) @ (~serves).T.astype(np.int64)) > 0

    climate = np.where(w.needs_heating[:, None] & ~j.heated_dorm[None, :], 0.0, 1.0)

    pay = (j.wage + j.subsidy)[None, :]
    floor = w.min_wage[:, None]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(floor > 0, pay / np.where(floor > 0, floor, 1.0), 2.0)
    below = pay < floor
    wage = np.where(below, 0.5 * ratio, np.minimum(1.0, ratio - 0.5))

    partners = _dense(j.brands, n_brands)  # (m, B)
    own = w.brand
    brand = np.zeros((len(own), len(partners)))
    has = own >= 0
    brand[has] = partners[:, own[has]].T
    prefers = _dense(w.preferred_regions, n_places)
    anywhere = prefers.sum(axis=1) == 0
    region = np.where(anywhere[:, None], 1.0, prefers[:, j.region].astype(float))

    values = {"skill": skill, "diet": diet, "climate": climate, "wage": wage, "brand": brand, "region": region}
    unmet = {
        "skill": skill_unmet, "diet": diet_unmet, "climate": climate == 0.0, "wage": below,
        "brand": brand == 0.0, "region": region == 0.0,
    }  # fmt: skip
    failed = {name: unmet[name] & (name in policy.hard) for name in COMPONENTS}
    failed["strict_diet"] = strict_unserved
    failed["capacity"] = w.size[:, None] > j.capacity[None, :]
    return {"values": values, "unmet": unmet, "failed": failed}


def score_matrix(market: Market, policy: Policy, custom: dict | None = None) -> np.ndarray:
    """The composite (weighted mean) or -inf, float32, for every pair.

    ``custom`` maps custom component names to their (workers, jobs) values,
    weighted by the policy like the built-in ones.
    """
    parts = components(market, policy)
    custom = custom or {}
    names = [*COMPONENTS, *custom]
    values = {**parts["values"], **custom}
    weights = np.array([policy.weights[c] for c in names], dtype=np.float64)
    weights /= weights.sum()
    total = sum(weight * values[name] for weight, name in zip(weights, names))
    infeasible = np.zeros_like(total, dtype=bool)
    for mask in parts["failed"].values():
        infeasible |= mask
    return np.where(infeasible, -np.inf, total).astype(np.float32)


def top_k(dense: np.ndarray, k: int, side: str = "worker") -> list[list[tuple[int, float]]]:
    """Each row's k best finite entries as (index, score), best first, ties to the lower index."""
    rows = dense if side == "worker" else dense.T
    out = []
    for row in rows:
        order = np.argsort(-row, kind="stable")
        out.append([(int(t), float(row[t])) for t in order[:k] if np.isfinite(row[t])])
    return out


def deferred_acceptance(worker_prefs, job_prefs, capacities, proposing="worker"):
    """Textbook deferred acceptance over Python lists (the kernels' reference)."""
    n, m = len(worker_prefs), len(job_prefs)
    job_rank = [{w: r for r, w in enumerate(p)} for p in job_prefs]
    worker_rank = [{j: r for r, j in enumerate(p)} for p in worker_prefs]
    job_of = [-1] * n
    if proposing == "worker":
        held = [[] for _ in range(m)]
        nxt = [0] * n
        free = list(range(n))
        while free:
            i = free.pop()
            while nxt[i] < len(worker_prefs[i]):
                j = worker_prefs[i][nxt[i]]
                nxt[i] += 1
                if i not in job_rank[j] or capacities[j] == 0:
                    continue
                held[j].append(i)
                if len(held[j]) <= capacities[j]:
                    break
                worst = max(held[j], key=lambda w: job_rank[j][w])
                held[j].remove(worst)
                if worst != i:
                    free.append(worst)
                    break
        for j, ws in enumerate(held):
            for w in ws:
                job_of[w] = j
        return job_of
    free_places = list(capacities)
    nxt = [0] * m
    changed = True
    while changed:
        changed = False
        for j in range(m):
            while free_places[j] > 0 and nxt[j] < len(job_prefs[j]):
                i = job_prefs[j][nxt[j]]
                nxt[j] += 1
                if j not in worker_rank[i]:
                    continue
                old = job_of[i]
                if old == -1 or worker_rank[i][j] < worker_rank[i][old]:
                    job_of[i] = j
                    free_places[j] -= 1
                    if old != -1:
                        free_places[old] += 1
                    changed = True
    return job_of


def blocking_pairs(worker_prefs, job_prefs, capacities, job_of):
    """Every blocking pair, by checking each mutually acceptable pair in turn."""
    out = []
    for i, prefs in enumerate(worker_prefs):
        for j in prefs:
            if i not in job_prefs[j]:
                continue
            if job_of[i] == j:
                continue
            if job_of[i] != -1 and prefs.index(job_of[i]) < prefs.index(j):
                continue
            holders = [w for w, jj in enumerate(job_of) if jj == j]
            if len(holders) < capacities[j] or any(job_prefs[j].index(i) < job_prefs[j].index(w) for w in holders):
                out.append([i, j])
    return out


def greedy_assign(order, workers, jobs, use, capacity, n_workers):
    """Greedy by the given arc order (the kernel's reference)."""
    left = list(capacity)
    job_of = [-1] * n_workers
    for t in order:
        i, j = workers[t], jobs[t]
        if job_of[i] < 0 and use[t] <= left[j]:
            job_of[i] = j
            left[j] -= use[t]
    return job_of


def bucket_order(keys, n_buckets):
    """Counting sort by key (the kernel's reference): numpy's stable argsort."""
    ptr = np.concatenate([[0], np.cumsum(np.bincount(keys, minlength=n_buckets))])
    return ptr, np.argsort(keys, kind="stable")


def segment_order(ptr, order, value, tie):
    """Each segment sorted by value descending, then tie ascending, with Python's sort; and ranks."""
    out = []
    rank = np.full(len(value), -1)
    for s in range(len(ptr) - 1):
        part = sorted(order[ptr[s] : ptr[s + 1]], key=lambda t: (-value[t], tie[t]))
        rank[part] = np.arange(len(part))
        out += part
    return out, rank


def first_repeat(indptr, cols, n_cols):
    """First row listing a column twice (-1 if none), from unique (row, column) keys."""
    rows = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
    keys = rows * max(n_cols, 1) + np.asarray(cols, dtype=np.int64)
    _, first = np.unique(keys, return_index=True)
    repeated = np.setdiff1d(np.arange(len(keys)), first)
    return int(rows[repeated].min()) if len(repeated) else -1


def in_rows(indptr, cols, rows, queries):
    """Whether each (row, column) query is an entry: keys of the entries and of the queries, ``np.isin``."""
    width = int(max(cols.max(initial=0), queries.max(initial=0))) + 1
    entries = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr)) * width + cols
    return np.isin(np.asarray(rows) * width + queries, entries)


def rank_lookup(ptr, lst, other_ptr, other_lst):
    """For each entry (a, b), b's rank of a (-1 if absent): sort the other side's (b, a) keys and search."""
    n_a = len(ptr) - 1
    a_of = np.repeat(np.arange(n_a), np.diff(ptr))
    b_of = np.repeat(np.arange(len(other_ptr) - 1), np.diff(other_ptr))
    rank_in_b = np.arange(len(other_lst)) - np.repeat(other_ptr[:-1], np.diff(other_ptr))
    keys = b_of * max(n_a, 1) + other_lst
    order = np.argsort(keys, kind="stable")
    wanted = lst * max(n_a, 1) + a_of
    out = np.full(len(lst), -1, dtype=np.int64)
    if len(keys):
        pos = np.minimum(np.searchsorted(keys[order], wanted), len(keys) - 1)
        hit = keys[order][pos] == wanted
        out[hit] = rank_in_b[order][pos[hit]]
    return out


def fill_within_rows(order, workers, jobs, use, left, job_of, by_worker, by_job, activity, rhs):
    """Greedy placement keeping rows (the kernel's reference), one arc at a time in plain Python."""
    job_of, left, activity = list(job_of), list(left), list(activity)
    for t in order:
        i, j = workers[t], jobs[t]
        if job_of[i] >= 0 or use[t] > left[j]:
            continue
        coef = [by_worker[r][i] * by_job[r][j] for r in range(len(rhs))]
        if all(c <= 0 or a + c <= b + 1e-9 for c, a, b in zip(coef, activity, rhs)):
            job_of[i] = j
            left[j] -= use[t]
            activity = [a + c for a, c in zip(activity, coef)]
    return job_of


# ---------------------------------------------------------------------- the auction (solvers/_auction.py)
def auction_columns(indptr, jobs, w, off, m):
    """Job-side CSR: a stable sort of the arcs by job (so each job's workers stay in worker order), values w - off."""
    workers = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
    order = np.argsort(jobs, kind="stable")
    cptr = np.concatenate([[0], np.cumsum(np.bincount(jobs, minlength=m))])
    return cptr, workers[order], (w.astype(np.int64) - off[workers])[order]


def best_profits(indptr, jobs, w, off, S, cap, p, a_job, a_val):
    """Each worker's best profit max(0, max_t (w_t - off_i) S - p_j), the dual bound D(p) and the primal P."""
    workers = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
    profit = (w.astype(np.int64) - off[workers]) * S - p[jobs]
    profit[cap[jobs] == 0] = 0
    best = np.zeros(len(indptr) - 1, dtype=np.int64)
    np.maximum.at(best, workers, profit)
    d = int(np.sum(np.where(cap > 0, cap * p, 0))) + int(best.sum())
    return best, d, int(a_val[a_job >= 0].sum())


def tighten(indptr, jobs, w, off, cap, a_job, q):
    """The least prices >= q meeting every complementary-slackness floor (Bellman-Ford over all arcs at once),
    then 1 if they meet the ceilings, else 0 (also when a floor grows past a ceiling on the way)."""
    q = q.astype(np.int64).copy()
    n = len(indptr) - 1
    workers = np.repeat(np.arange(n), np.diff(indptr))
    v = w.astype(np.int64) - off[workers]
    own = np.zeros(n, dtype=np.int64)
    mine = jobs == a_job[workers]
    own[workers[mine]] = v[mine]
    held = np.bincount(a_job[a_job >= 0], minlength=len(cap))
    low = np.full(len(cap), 2**62, dtype=np.int64)
    np.minimum.at(low, a_job[a_job >= 0], own[a_job >= 0])
    free = held < cap
    others = ~mine & (cap[jobs] > 0)

    def broken(q):
        return bool(np.any(free & (q > 0)) or np.any(q > low))

    while not broken(q):
        placed = a_job[workers] >= 0
        base = np.where(placed, q[np.maximum(a_job[workers], 0)] - own[workers], 0)
        floor = np.full(len(cap), np.iinfo(np.int64).min, dtype=np.int64)
        np.maximum.at(floor, jobs[others], (base + v)[others])
        raised = np.maximum(q, floor)
        if np.array_equal(raised, q):
            return 1, q
        q = raised
    return 0, q


def auction_dual_bound(problem, prices):
    """D(prices) = sum_j capacity_j p_j + sum_i max(0, max_j (v_ij - size_i p_j)) for a maximisation (values negated
    for a minimisation, the bound negated back); without the 0 when every worker must be placed."""
    sign = 1.0 if problem.maximize else -1.0
    workers = problem.workers
    reduced = sign * problem.values - problem.use * prices[problem.jobs]
    surplus = np.full(problem.n_workers, -np.inf if problem.must_place else 0.0)
    np.maximum.at(surplus, workers, reduced)
    return sign * (float(problem.capacity @ prices) + float(surplus.sum()))


def priced_top_k(dense, size, prices, floor, k):
    """Each worker's k best pairs by reduced score (score - size x price, float64) above its floor, ties to the lower
    job, then listed by score (best first, ties to the lower job): as (job, score)."""
    out = []
    for i, row in enumerate(dense):
        reduced = row.astype(np.float64) - size[i] * prices
        pay = np.flatnonzero(np.isfinite(row) & (reduced > floor[i]))
        chosen = pay[np.argsort(-reduced[pay].astype(np.float32), kind="stable")][:k]
        chosen = chosen[np.lexsort((chosen, -row[chosen]))]
        out.append([(int(j), float(row[j])) for j in chosen])
    return out


def merge_rows(old_row, a_ptr, a_idx, a_score, a_cut, a_cut_at, job_map, b_row, b_ptr, b_idx, b_score, b_cut,
               b_cut_at, k, depth):  # fmt: skip
    """``jobmatch.scoring._merge.merge_rows`` in plain Python: (rows of (index, score), cuts, cut indices, exact)."""

    def rank(score, index):  # sorts best first: higher score, then lower index
        return (-float(score), int(index))

    rows, cuts, ats, exact = [], [], [], []
    for i, o in enumerate(old_row):
        if o < 0:
            rows.append([])
            cuts.append(-np.inf)
            ats.append(-1)
            exact.append(False)
            continue
        entries = [(int(job_map[a_idx[t]]), np.float32(a_score[t])) for t in range(a_ptr[o], a_ptr[o + 1])]
        entries = [e for e in entries if e[0] >= 0]
        limits = [(np.float32(a_cut[o]), int(a_cut_at[o]))]
        r = b_row[i]
        if r >= 0:
            entries += [(int(b_idx[t]), np.float32(b_score[t])) for t in range(b_ptr[r], b_ptr[r + 1])]
            limits.append((np.float32(b_cut[r]), int(b_cut_at[r])))
        entries.sort(key=lambda e: rank(e[1], e[0]))
        kept, dropped = entries[:depth], entries[depth:]
        if dropped:
            limits.append((dropped[0][1], dropped[0][0] - 1))
        cut, at = min(limits, key=lambda c: rank(*c))  # the cut ranking first
        rows.append(kept)
        cuts.append(cut)
        ats.append(at)
        exact.append(bool(cut == -np.inf or (len(kept) >= k and rank(kept[k - 1][1], kept[k - 1][0]) <= rank(cut, at))))
    return rows, np.array(cuts, dtype=np.float32), np.array(ats, dtype=np.int64), np.array(exact)
