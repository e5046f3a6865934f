"""Candidates and scenario sweeps on Dask: the single-machine functions, run per partition or per scenario.

Workers arrive as a dask DataFrame or Parquet files, partitioned as the
data is (by origin region, by registration month); jobs and training
programmes are small and go to every partition whole.  Each partition is
checked and scored exactly as :meth:`~jobmatch.Market.from_frames` and
:func:`~jobmatch.candidates` do on one machine, so the rows are the same;
a bad row raises :class:`~jobmatch.ValidationError` naming the partition
and the row (or the record's id) within it.

Names a policy keys on *workers* (quota groups, strict diets) cannot be
checked against the whole market by one partition: candidates ignore
quotas (they do not change scores) and a strict diet no worker or canteen
of a partition uses filters nothing there.  Caps name employers and
regions of the jobs, which every partition has, and are checked.

:func:`candidates` returns a lazy dask DataFrame; nothing runs until it is
computed or written.  :func:`sweep` runs whole scenarios (policies, seeds,
what-if markets), each a :func:`~jobmatch.compare` row, one task each.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._checks import POSITIVE, fail, param
from ..data.market import Market
from ..data.names import normalise
from ..exceptions import ValidationError, optional_import
from ..policy import Policy
from ._cluster import Cluster, column_kinds, frame_arg, in_partition, partitions, read_small, same_columns

__all__ = ["candidates", "partition_market", "sweep"]

#: The columns of :func:`candidates`' rows, with their dtypes.
COLUMNS = {"worker": "string", "job": "string", "score": "float32", "people": "int64"}


def _policy(where: str, policy: Any) -> Policy:
    if policy is None:
        return Policy()
    if not isinstance(policy, Policy):
        raise fail(where, "policy", "a jobmatch.Policy or None", type(policy).__name__)
    return policy


def partition_market(frame: Any, jobs: Any, programs: Any, index: int, label: str = "workers") -> Market:
    """Partition ``index``'s workers against every job and programme, as :meth:`Market.from_frames` builds it;
    an error names the partition."""
    try:
        return Market.from_frames(frame, jobs, programs)
    except ValidationError as err:
        raise in_partition(label, index, err, _STRINGIFIED if _stringified(err.got) else "") from None


#: Added to an error about a cell that reads like a Python container (``"{'welding': 3}"``).
_STRINGIFIED = (
    " (a cell that reads like a Python dict or list is what dask's string conversion makes of one: build the "
    "dask DataFrame under dask.config.set({'dataframe.convert-string': False}), or pass pandas frames or Parquet)"
)


def _stringified(got: object) -> bool:
    return isinstance(got, str) and got[:1] in ("{", "[", "(") and got[-1:] in ("}", "]", ")")


def _scoring_policy(policy: Policy, market: Market) -> Policy:
    """``policy`` for scoring one partition: quotas left out (they do not change scores), and strict diets only
    those the partition's workers or canteens use (any other filters nothing there)."""
    vocab = market.vocab
    used = vocab.food.used(np.r_[market.workers.diet.codes, market.jobs.canteen.codes])
    strict = frozenset(d for d in policy.strict_diets if (d in vocab.food and used[vocab.food.code(d)])
                       or normalise(d) == "halal")  # fmt: skip
    return dataclasses.replace(policy, quotas=(), strict_diets=strict)


def _candidate_rows(frame: Any, jobs: Any, programs: Any, policy: Policy, k: int, index: int,
                    expected: tuple[tuple[str, str], ...]) -> Any:  # fmt: skip
    """One partition's candidate rows (the task :func:`candidates` runs per partition); its columns must be the
    first partition's (``expected``)."""
    import pandas as pd

    from ..scoring.scores import candidates as top_k

    same_columns("workers", index, frame, expected)
    market = partition_market(frame, jobs, programs, index)
    graph = top_k(market, _scoring_policy(policy, market), k)
    counts = np.diff(graph.indptr)
    rows = np.repeat(np.arange(market.n_workers), counts)
    return pd.DataFrame(
        {
            "worker": pd.array(np.asarray(market.workers.id, dtype=object)[rows], dtype="string"),
            "job": pd.array(np.asarray(market.jobs.id, dtype=object)[graph.indices], dtype="string"),
            "score": graph.scores.astype(np.float32),
            "people": market.workers.size[rows].astype(np.int64),
        }
    )


def _meta() -> Any:
    import pandas as pd

    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in COLUMNS.items()})


def candidates(
    workers: Any,
    jobs: Any,
    policy: Policy | None = None,
    *,
    programs: Any = None,
    k: int = 20,
    client: Any = None,
) -> Any:
    """Each worker's ``k`` best feasible jobs, scored partition by partition on a Dask cluster.

    Parameters
    ----------
    workers : dask DataFrame, Parquet path(s), pandas DataFrame or pyarrow Table
        One row per worker, the columns of :meth:`jobmatch.Market.from_frames`.
        Each partition is checked and scored on its own.
    jobs : pandas DataFrame, pyarrow Table or Parquet path(s)
        Every job (read whole; one key in the graph, shipped to each
        worker once).
    policy : Policy, optional
    programs : pandas DataFrame, pyarrow Table or Parquet path(s), optional
    k : int, optional
        Candidates per worker.
    client : distributed.Client, optional
        Default: the current client, else dask's threaded scheduler.

    Returns
    -------
    dask.dataframe.DataFrame
        Lazy rows ``worker``, ``job``, ``score`` (float32) and
        ``people`` (the worker's size), each worker's rows best first, in
        the workers' order: row for row what
        :func:`jobmatch.candidates` gives on the whole market.

    Raises
    ------
    ValidationError
        When computed: a bad row, naming the partition and the row or id.

    Examples
    --------
    >>> from jobmatch import synth
    >>> from jobmatch.distributed import candidates
    >>> workers, jobs, _ = synth.scenario(300, 20, seed=1).to_frames()
    >>> rows = candidates(workers, jobs, k=3).compute()
    >>> list(rows.columns), rows.worker.nunique() <= 300
    (['worker', 'job', 'score', 'people'], True)
    """
    cluster = Cluster(client)
    policy = _policy("jobmatch.distributed.candidates", policy)
    k = param("jobmatch.distributed.candidates", "k", k, POSITIVE)
    dd = optional_import("dask.dataframe", "dask", "jobmatch.distributed")
    frame = frame_arg("jobmatch.distributed.candidates", "workers", workers, cluster.workers)
    jobs = read_small("jobmatch.distributed.candidates", "jobs", jobs)
    programs = read_small("jobmatch.distributed.candidates", "programs", programs)
    Market.from_frames(frame._meta, jobs, programs)  # the jobs and programmes, checked once here
    shared_jobs = cluster.share(jobs, "jobs")
    shared_programs = cluster.share(programs, "programs")
    cluster.warm()
    cluster.components([policy])
    expected = column_kinds(frame._meta)
    tasks = [
        cluster.task(_candidate_rows, f"candidates-{i}", part, shared_jobs, shared_programs, policy, k, i, expected)
        for i, part in enumerate(partitions(frame))
    ]
    return dd.from_delayed(tasks, meta=_meta(), verify_meta=False)


def _scenario_row(market: Any, scenario: dict[str, Any], solver: Any, k: int, options: Any, index: int) -> Any:
    """One scenario as a :func:`~jobmatch.compare` row (the task :func:`sweep` runs per scenario)."""
    from .comparison import compare

    if isinstance(market, tuple):  # Parquet paths: each task reads its market (shared storage on a cluster)
        import pandas as pd

        market = Market.from_frames(*(pd.read_parquet(path) for path in market))
    market = scenario.get("market", market)
    table = compare(
        market, scenario.get("policy"), solvers=(solver,), seeds=(scenario.get("seed", 0),), k=k, options=options
    )
    table.insert(0, "scenario", index)
    return table


def _scenarios(given: Any) -> list[dict[str, Any]]:
    """Scenarios as dicts: a Policy, a seed (int) or a dict with ``policy``, ``seed`` and ``market`` keys."""
    if isinstance(given, (str, bytes)) or not isinstance(given, Sequence) or not len(given):
        raise fail("jobmatch.distributed.sweep", "scenarios", "a non-empty sequence of policies, seeds or dicts", given)
    out: list[dict[str, Any]] = []
    for item in given:
        if isinstance(item, Policy):
            out.append({"policy": item})
        elif isinstance(item, (int, np.integer)) and not isinstance(item, bool):
            out.append({"seed": int(item)})
        elif isinstance(item, dict) and set(item) <= {"policy", "seed", "market"}:
            if "market" in item and not isinstance(item["market"], Market):
                raise fail("jobmatch.distributed.sweep", "scenarios item market", "a jobmatch.Market", item["market"])
            out.append(dict(item))
        else:
            raise fail(
                "jobmatch.distributed.sweep",
                "scenarios item",
                "a Policy, a seed or a dict with keys 'policy', 'seed', 'market'",
                item,
            )
    return out


def sweep(
    market: Any,
    scenarios: Sequence[Any],
    *,
    solver: Any = "auto",
    k: int = 20,
    options: Any = None,
    client: Any = None,
) -> Any:
    """Many independent scenarios in parallel, one row of metrics each.

    Parameters
    ----------
    market : Market or tuple of paths
        The market every scenario starts from: a :class:`~jobmatch.Market`
        (shipped to each worker once), or ``(workers, jobs[, programs])``
        Parquet paths every task reads (storage the workers share).
    scenarios : sequence
        Each a :class:`~jobmatch.Policy`, a seed (int, the solver's), or a
        dict with any of ``policy``, ``seed`` and ``market`` (a what-if
        market, e.g. :func:`jobmatch.pipeline.routes.more_seats`).
    solver : str or callable, optional
    k : int, optional
    options : dict, optional
        As for :func:`jobmatch.compare`.
    client : distributed.Client, optional

    Returns
    -------
    pandas.DataFrame
        One row per scenario, in order: ``scenario`` (its position) and the
        columns of :func:`jobmatch.compare`; equal to ``compare`` run on
        each scenario on one machine (the timings aside).

    Examples
    --------
    >>> from jobmatch import GroupQuota, Policy, synth
    >>> from jobmatch.distributed import sweep
    >>> market = synth.scenario(300, 20, seed=2)
    >>> shares = [Policy(quotas=[GroupQuota("poverty_alleviated", min_share=s)]) for s in (0.5, 0.7)]
    >>> table = sweep(market, shares, solver="lagrangian", k=5)
    >>> table[["scenario", "solver", "status"]]
       scenario      solver   status
    0         0  lagrangian  OPTIMAL
    1         1  lagrangian  OPTIMAL
    """
    pd = optional_import("pandas", "pandas", "jobmatch.distributed.sweep")
    cluster = Cluster(client)
    items = _scenarios(scenarios)
    k = param("jobmatch.distributed.sweep", "k", k, POSITIVE)
    if isinstance(market, (tuple, list)) and 2 <= len(market) <= 3:
        shared = tuple(market)
    elif isinstance(market, Market):
        shared = cluster.share(market, "market")
    else:
        raise fail("jobmatch.distributed.sweep", "market", "a jobmatch.Market or (workers, jobs[, programs]) paths",
                   type(market).__name__)  # fmt: skip
    cluster.components([item.get("policy") for item in items])
    tasks = [
        cluster.task(_scenario_row, f"scenario-{i}", shared, item, solver, k, options, i)
        for i, item in enumerate(items)
    ]
    return pd.concat(cluster.compute(tasks), ignore_index=True)
