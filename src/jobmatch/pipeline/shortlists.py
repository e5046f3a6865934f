"""Shortlists for the pre-matching video calls: the partners each side can realistically get.

A plain score ranking sends every worker to the same few attractive jobs,
although a job that 500 better-ranked people want is no use to the 501st.
:func:`shortlist` ranks instead by what is *attainable* given congestion.
It scores the market and solves stable matchings on it, so it is a pipeline
step (public name ``jobmatch.shortlist``; until this release it was
``jobmatch.results.shortlists``, which still works with a deprecation warning).

Method: cutoffs of a stable matching
------------------------------------
Azevedo & Leshno (2016, "A supply and demand framework for two-sided matching
markets", *Journal of Political Economy* 124(5)) show that a stable matching
is described by one cutoff per job: the job takes any worker who ranks above
its cutoff, and each worker's stable job is its favourite job whose cutoff it
clears.  Here:

1. **Arcs.**  Each worker's ``depth`` best feasible jobs
   (:func:`~jobmatch.candidates`), scored with the policy's weights and hard
   filters.  The policy's quotas and caps are ignored: they shape the final
   match, not who competes with whom.
2. **Stable matching.**  Worker-proposing deferred acceptance on those arcs
   (:func:`jobmatch.solvers.stable.solve_stable`); jobs rank workers by score,
   ties to the lower worker index.
3. **Deepening rounds.**  Those lists overlap heavily (everyone wants the same
   well-paid jobs), so round 1 leaves many workers unplaced and many places
   empty.  While some workers are unplaced and some jobs have room (in
   people), at most ``rounds - 1`` more times: each unplaced worker is scored
   against the jobs with room for its people only (its ``depth`` best such
   jobs, same weights and filters, on a :meth:`~jobmatch.Market.subset`), and
   deferred acceptance runs again among them with each job's capacity the room
   it has left.  Placements are merged (nobody placed earlier moves); the
   rounds stop early when one places nobody.
4. **Cutoffs**, on the arcs of all rounds.  A job is *full* when it has no
   room for one more person; its cutoff is then the score of the
   lowest-ranked worker it holds over all rounds (``+inf`` if it holds
   nobody), else it is *open* (``-inf``: anyone feasible gets in).
5. **Worker side.**  A worker's rows are its round-1 arcs, then its arcs of
   later rounds.  These score no higher and, at equal score, have higher job
   indices: the jobs that rejected it are full and left out of later rounds,
   and each round's jobs are among the previous round's, so the rows stay in
   plain-ranking order.  Job ``j`` is attainable for worker ``i`` iff it is
   ``i``'s stable job, or it has room for ``i``'s people, or ``i`` outranks
   its lowest holder (a higher score, ties to the lower worker index).  For a
   worker placed in round 1 the stable job is its best attainable job, so
   its first row: every job above it rejected it in round 1, so was full of
   better-ranked workers and got nobody later.  With ``rounds=1`` that is
   every placed worker, and an unplaced worker has no attainable job and no
   rows.  A worker reaching a later round may also clear the cutoff of a job
   above its stable job (or, if still unplaced, of any job on its later
   lists): one that filled its room with better-ranked workers in that round
   but holds a lower-ranked one from an earlier round.  ``plain_rank`` is
   known for round-1 arcs only; later arcs lie beyond the worker's ``depth``
   best jobs, where the plain ranking was not computed, so it is ``<NA>``
   (pandas nullable ``Int64``).
6. **Job side.**  Rows are each job's ``depth`` best workers
   (``candidates(..., side="job")``); worker ``i`` is realistic for job ``j``
   iff ``j`` is ``i``'s stable job (after all rounds), or ``i`` is unplaced,
   or ``i`` scores ``j`` above its stable job (ties to the lower job index):
   ``i`` would leave its stable job for ``j``.

**Later rounds approximate deferred acceptance on longer lists.**  On longer
lists a full job further down an unplaced worker's list could still take it,
displacing its lowest holder and setting off a chain of rejections; later
rounds leave full jobs out, so that never happens, and the merged matching is
stable within each round but not always across rounds (the case in step 5).
That is acceptable for a shortlist: running deferred acceptance again at a
larger ``depth`` rescores every worker and still leaves places empty (below),
whereas a later round scores only the unplaced workers against the jobs with
room, and every place it fills would otherwise stay empty.

**Couples** (``size`` 2).  Deferred acceptance in ``stable`` places one unit
per worker (with sizes a stable matching need not exist at all), so it runs on
a copy of the arcs where every worker uses one unit of the job's headcount: an
approximation in which a couple counts as one person *while proposing*.  A
job can then end holding more people than its headcount (5% of synthetic
workers are couples).  Later rounds give each job its room left in people as
units, and score a couple only against jobs with room for both.  What holds:
every job holds at most ``capacity`` *workers* over all rounds (a later round
adds at most its room, which is at most ``capacity`` minus the workers held),
so its people exceed its headcount by at most the extra members of the
couples it holds, and a job without room after a round gets nobody later.
Room and fullness in steps 4-5 are measured in people from the merged
matching, so a couple needs two free places.  Every job that rejected someone
in a round filled all its room in units then, hence is full in people.

**Coverage.**  On ``synth.scenario(100_000, 2_000, seed=0)`` (105k people,
94.6k places) round 1 alone (``rounds=1``) places 46% of workers with
``depth=20`` (56% with 50, 67% with 100, 77% with 200) and leaves 48.7k
places empty.  The default four rounds at ``depth=20`` place 82% (rounds 2,
3 and 4 place 27%, 9% and 0.5% of workers; a fifth would place nobody) and
leave 11.7k places empty, which no unplaced worker can take (no feasible
pair with room for its people).  Workers with at least one row rise from 46% to 97.5%: the
placed ones, and 15k of the 17.7k still unplaced, through step 5's case.
The rest have no congestion rows (see ``attrs["no_suggestion"]``).

**Cost.**  One top-``depth`` scoring pass (two for ``side="job"``) and one
deferred acceptance, plus per later round one deferred acceptance and one
scoring pass of the unplaced workers against the jobs with room for each
distinct worker size; then a few passes of numpy over the arcs.  No Python
loop over workers or jobs except to build the data frame.  Measured times
are in ``docs/benchmarks.md`` ("Results for people").

Why one long module: the method above is one algorithm (rounds, cutoffs,
both sides' rows) whose steps share their arrays; its description is a
third of the file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, NamedTuple

import numpy as np

from .._arrays import indptr_from_counts
from .._checks import FLAG, POSITIVE, fail, param
from ..data.market import Market
from ..exceptions import optional_import
from ..policy import Policy, policy_for
from ..scoring.scores import candidates
from ..solvers.problem import Problem
from ..solvers.stable import solve_stable
from ..solvers.usage import Usage

if TYPE_CHECKING:
    import pandas

__all__ = ["shortlist"]

_WHERE = "shortlist"


def _rank_within_rows(rows: np.ndarray) -> np.ndarray:
    """1-based position of each entry within its run of equal values (``rows`` sorted ascending)."""
    return np.arange(1, len(rows) + 1) - np.searchsorted(rows, rows, side="left")


class _Rounds(NamedTuple):
    """The arcs of every round and the merged matching.

    Arcs are grouped by worker in market order; a worker's round-1 arcs come
    first, then those of each later round, each round's best first.
    """

    workers: np.ndarray  # int64, worker of each arc
    jobs: np.ndarray  # int64, job of each arc
    scores: np.ndarray  # float64
    round: np.ndarray  # int64, the round (from 1) that scored the arc
    indptr: np.ndarray  # int64, worker i's arcs at indptr[i]:indptr[i + 1]
    job_of: np.ndarray  # int64, the merged matching (-1: unplaced)
    placed_in: np.ndarray  # int64, the round that placed each worker (0: unplaced)


def _stable_rounds(market: Market, policy: Policy, depth: int, rounds: int) -> _Rounds:
    """Steps 1-3 of the module docstring: deferred acceptance on ``depth`` best jobs, deepened for the unplaced."""
    n, m = market.n_workers, market.n_jobs
    size = market.workers.size.astype(np.int64)
    capacity = market.jobs.capacity.astype(np.int64)

    graph = candidates(market, policy, depth)
    parts = [
        (
            np.repeat(np.arange(n, dtype=np.int64), np.diff(graph.indptr)),
            graph.indices.astype(np.int64),
            graph.scores.astype(np.float64),
        )
    ]
    job_of = np.array(solve_stable(Problem.from_graph(graph, capacity=capacity)).job_of, dtype=np.int64)
    placed_in = np.where(job_of >= 0, 1, 0).astype(np.int64)
    for number in range(2, rounds + 1):
        placed = job_of >= 0
        room = capacity - np.bincount(job_of[placed], weights=size[placed], minlength=m).astype(np.int64)
        todo = np.flatnonzero(~placed)
        if not len(todo) or not (room >= 1).any():
            break
        # Each unplaced worker's depth best jobs with room for its people: a scoring pass per distinct size.
        found = []
        for people in np.unique(size[todo]):
            group = todo[size[todo] == people]
            fits = np.flatnonzero(room >= people)
            if not len(fits):
                continue
            sub = candidates(market.subset(workers=group, jobs=fits), policy, depth)
            found.append(
                (
                    group[np.repeat(np.arange(len(group)), np.diff(sub.indptr))],
                    fits[sub.indices],
                    sub.scores.astype(np.float64),
                )
            )
        if not found:
            break
        workers, jobs, scores = (np.concatenate(column) for column in zip(*found))
        # Deferred acceptance among them, each job's capacity its room left (one unit per worker, as in round 1).
        # Local indices keep market order, so ties still go to the lower worker index.
        open_jobs = np.flatnonzero(room >= 1)
        problem = Problem.from_arcs(
            np.searchsorted(todo, workers),
            np.searchsorted(open_jobs, jobs),
            scores,
            n_workers=len(todo),
            n_jobs=len(open_jobs),
            capacity=room[open_jobs],
        )
        got = np.asarray(solve_stable(problem).job_of, dtype=np.int64)
        hit = got >= 0
        if not hit.any():  # only when nobody had an arc: a proposal to a job with room is always held
            break
        job_of[todo[hit]] = open_jobs[got[hit]]
        placed_in[todo[hit]] = number
        parts.append((workers, jobs, scores))

    workers = np.concatenate([part[0] for part in parts])
    rounds_of = np.concatenate([np.full(len(part[0]), r, dtype=np.int64) for r, part in enumerate(parts, start=1)])
    order = np.argsort(workers, kind="stable")  # by worker, then round, each round best first
    indptr = indptr_from_counts(np.bincount(workers, minlength=n))
    return _Rounds(
        workers[order],
        np.concatenate([part[1] for part in parts])[order],
        np.concatenate([part[2] for part in parts])[order],
        rounds_of[order],
        indptr,
        job_of,
        placed_in,
    )


def shortlist(
    market: Market,
    policy: Policy | None = None,
    k: int = 5,
    *,
    side: Literal["worker", "job"] = "worker",
    depth: int = 20,
    congestion: bool = True,
    rounds: int = 4,
) -> pandas.DataFrame:
    """Each worker's ``k`` best attainable jobs, or each job's ``k`` best realistic workers.

    The method (cutoffs of a stable matching, Azevedo & Leshno 2016, with
    deepening rounds) is in the module docstring of :mod:`jobmatch.pipeline.shortlists`.

    Parameters
    ----------
    market : Market
    policy : Policy, optional
        Scoring weights and hard filters (``Policy()`` when None); its quotas
        and caps are ignored (their names are still checked against the
        market, :meth:`~jobmatch.Policy.check_names`).
    k : int, optional
        Rows per worker (or per job), at most.
    side : {"worker", "job"}, optional
        ``"worker"``: jobs for each worker; ``"job"``: workers for each job.
    depth : int, optional
        Candidates per worker each round of the stable matching is computed
        on, and per job considered for ``side="job"`` (``depth >= k``).
    congestion : bool, optional
        True: keep only attainable (realistic) partners.  False: the plain
        score ranking, in the same columns, for comparison; its
        ``attainable`` column says which of those suggestions are realistic.
    rounds : int, optional
        Rounds of deferred acceptance, at most (``>= 1``): round 1 on every
        worker's ``depth`` best jobs, each later one for the workers still
        unplaced on the jobs still with room.  ``1`` is the stable matching
        on the ``depth`` best jobs alone.  Rounds stop early once every
        worker is placed, every job is full or a round places nobody, so a
        large value costs little more than enough rounds.

    Returns
    -------
    pandas.DataFrame
        One row per suggestion, ordered by worker (or job) in market order,
        then by ``rank``.  ``side="worker"`` columns: ``worker`` (id),
        ``rank`` (1..k), ``job`` (id), ``employer``, ``region``, ``score``,
        ``cutoff`` (the job's cutoff; NaN when the job is open, ``inf`` when
        full with nobody in it), ``applicants`` (workers listing the job
        among their candidates, in any round), ``plain_rank`` (the job's
        position in the worker's plain score ranking, from 1, as a nullable
        ``Int64``: ``<NA>`` for jobs from a later round, which lie beyond the
        worker's ``depth`` best) and ``attainable``.  ``side="job"`` columns:
        ``job``, ``rank``, ``worker``, ``origin``, ``score``, ``plain_rank``
        (the worker's position in the job's plain ranking), ``attainable``
        (realistic) and ``stable_score`` (the worker's score at its stable
        job; NaN if unplaced).

        A worker (job) with no suggestion has no rows: with congestion that
        is mostly the workers unplaced after every round, and any worker with
        no feasible job.  Their ids, in market order, are in
        ``frame.attrs["no_suggestion"]``, so that every id of the market is
        either in the frame or in that list (never both).

    Raises
    ------
    ValidationError
        A bad argument; the error's ``field`` names it.

    Examples
    --------
    >>> from jobmatch import synth
    >>> from jobmatch import shortlist
    >>> market = synth.scenario(2000, 100, seed=1)
    >>> table = shortlist(market, k=3)
    >>> list(table.columns)
    ['worker', 'rank', 'job', 'employer', 'region', 'score', 'cutoff', 'applicants', 'plain_rank', 'attainable']
    >>> bool((table["score"] >= table["cutoff"].fillna(-1)).all())  # attainable: every cutoff cleared
    True
    >>> plain = shortlist(market, k=3, congestion=False)  # the same columns, ranked by score alone
    >>> bool(plain["attainable"].all()), bool(table["attainable"].all())
    (False, True)
    >>> listed = table["worker"].nunique()
    >>> listed + len(table.attrs["no_suggestion"]) == market.n_workers
    True
    >>> deep = shortlist(market, k=3, depth=5)  # short lists: the later rounds reach more workers
    >>> once = shortlist(market, k=3, depth=5, rounds=1)
    >>> bool(once["worker"].nunique() < deep["worker"].nunique()), bool(once["plain_rank"].notna().all())
    (True, True)
    >>> jobs = shortlist(market, k=3, side="job")
    >>> list(jobs.columns)
    ['job', 'rank', 'worker', 'origin', 'score', 'plain_rank', 'attainable', 'stable_score']
    """
    policy = policy_for(_WHERE, market, policy)
    k = param(_WHERE, "k", k, POSITIVE)
    depth = param(_WHERE, "depth", depth, POSITIVE)
    if depth < k:
        raise fail(_WHERE, "depth", f"an integer >= k ({k})", depth)
    if not isinstance(side, str) or side not in ("worker", "job"):
        raise fail(_WHERE, "side", "'worker' or 'job'", side)
    congestion = param(_WHERE, "congestion", congestion, FLAG)
    rounds = param(_WHERE, "rounds", rounds, POSITIVE)
    pd = optional_import("pandas", "pandas", "jobmatch.shortlist")

    n, m = market.n_workers, market.n_jobs
    size = market.workers.size.astype(np.int64)
    capacity = market.jobs.capacity.astype(np.int64)

    # Stable matching on each worker's depth best jobs, deepened for the unplaced; cutoffs on all the arcs.
    arcs = _stable_rounds(market, policy, depth, rounds)
    workers, jobs, scores, job_of = arcs.workers, arcs.jobs, arcs.scores, arcs.job_of
    # Room (in people) and each job's lowest holder, as the placements module reads them from any solution.
    held = Usage(
        Problem.from_arcs(workers, jobs, scores, n_workers=n, n_jobs=m, capacity=capacity, use=size[workers]),
        job_of,
    )
    room = held.room  # negative when couples overfill a job
    worst_score, worst_worker = held.lowest  # inf, -1 for a job holding nobody: full and empty, nobody gets in
    chosen = jobs == job_of[workers]
    own_score = np.full(n, np.nan)
    own_score[workers[chosen]] = scores[chosen]
    cutoff = np.where(room >= 1, -np.inf, worst_score)

    if side == "worker":
        rows, partners, row_ptr = workers, jobs, arcs.indptr
        outranks = (scores > worst_score[jobs]) | ((scores == worst_score[jobs]) & (workers < worst_worker[jobs]))
        ok = chosen | (room[jobs] >= size[workers]) | outranks
        unknown = arcs.round > 1  # beyond the worker's depth best jobs: plain rank not computed
    else:
        by_job = candidates(market, policy, depth, side="job")
        rows = np.repeat(np.arange(m, dtype=np.int64), np.diff(by_job.indptr))
        partners = by_job.indices.astype(np.int64)
        row_ptr = by_job.indptr
        scores = by_job.scores.astype(np.float64)
        mine = own_score[partners]
        stable_job = job_of[partners]
        ok = (stable_job == rows) | (stable_job < 0) | (scores > mine) | ((scores == mine) & (rows < stable_job))

    plain_rank = np.arange(len(rows), dtype=np.int64) - row_ptr[rows] + 1
    keep = np.flatnonzero(ok) if congestion else np.arange(len(rows))
    rank = _rank_within_rows(rows[keep])
    top = rank <= k
    keep, rank = keep[top], rank[top]
    row, partner = rows[keep], partners[keep]

    places = market.vocab.place.as_array()
    if side == "worker":
        frame = pd.DataFrame(
            {
                "worker": market.workers.ids[row],
                "rank": rank.astype(np.int64),
                "job": market.jobs.ids[partner],
                "employer": market.vocab.employer.as_array()[market.jobs.employer[partner]],
                "region": places[market.jobs.region[partner]],
                "score": scores[keep],
                "cutoff": np.where(np.isneginf(cutoff[partner]), np.nan, cutoff[partner]),
                "applicants": np.bincount(jobs, minlength=m).astype(np.int64)[partner],
                "plain_rank": pd.arrays.IntegerArray(plain_rank[keep], unknown[keep]),
                "attainable": ok[keep],
            }
        )
        ids, count = market.workers.ids, n
    else:
        frame = pd.DataFrame(
            {
                "job": market.jobs.ids[row],
                "rank": rank.astype(np.int64),
                "worker": market.workers.ids[partner],
                "origin": places[market.workers.origin[partner]],
                "score": scores[keep],
                "plain_rank": plain_rank[keep],
                "attainable": ok[keep],
                "stable_score": own_score[partner],
            }
        )
        ids, count = market.jobs.ids, m
    listed = np.zeros(count, dtype=bool)
    listed[row] = True
    frame.attrs["no_suggestion"] = ids[~listed].tolist()
    return frame
