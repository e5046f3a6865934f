"""Compiling a market under a policy into the :class:`~jobmatch.Problem` every solver takes."""

from __future__ import annotations

import numpy as np

from .._arrays import row_ids
from ..data.market import Market
from ..data.schema import fail
from ..policy import Policy
from ..scoring.blend import Blend, blend_candidates
from ..scoring.scores import candidates
from ..solvers.problem import Cap, GroupBound, Problem

__all__ = ["compile"]


def compile(market: Market, policy: Policy | None = None, *, k: int = 20, blend: Blend | None = None) -> Problem:
    """The Problem of a market under a policy: top-k candidates, headcounts, quotas, caps.

    Each arc is a feasible (worker, job) pair among the worker's ``k`` best;
    its value is the composite score (blended with outside scores when a
    :class:`~jobmatch.blend.Blend` is given); it uses the worker's ``size``
    of the job's capacity.  Policy quotas become :class:`GroupBound` over
    people placed; employer and region caps become :class:`Cap`.

    Examples
    --------
    >>> from jobmatch import GroupQuota, Policy, compile, synth
    >>> market = synth.scenario(500, 30, seed=2)
    >>> problem = compile(market, Policy(quotas=[GroupQuota("poverty_alleviated", min_share=0.75)]), k=5)
    >>> problem.n_workers, problem.quotas[0].name, problem.quotas[0].min_share
    (500, 'poverty_alleviated', 0.75)
    """
    policy = Policy() if policy is None else policy
    if blend is None:
        graph = candidates(market, policy, k)
    else:
        if not isinstance(blend, Blend):
            raise fail("compile", "blend", "a jobmatch.blend.Blend or None", type(blend).__name__)
        graph = blend_candidates(market, policy, k, blend)
    workers = market.workers
    size = workers.size
    rows = row_ids(graph.indptr)
    quotas = []
    for quota in policy.quotas:
        if quota.group in market.vocab.group:
            members = workers.groups.rows_with(market.vocab.group.code(quota.group))
        else:
            members = np.zeros(market.n_workers, dtype=bool)
        quotas.append(GroupBound(quota.group, members, quota.min_count, quota.min_share, quota.max_share))
    caps = []
    for kind, limits, codes, vocab in (
        ("employer", policy.employer_caps, market.jobs.employer, market.vocab.employer),
        ("region", policy.region_caps, market.jobs.region, market.vocab.place),
    ):
        for name, limit in limits.items():
            mask = codes == vocab.code(name) if name in vocab else np.zeros(market.n_jobs, dtype=bool)
            caps.append(Cap(f"{kind} {name}", mask, limit))
    return Problem.from_graph(
        graph,
        capacity=market.jobs.capacity,
        use=size[rows],
        people=size,
        quotas=quotas,
        caps=caps,
    )
