"""Building the :class:`~jobmatch.Problem` every solver takes from a market under a policy.

:func:`build_problem` was ``compile`` before (it shadowed the builtin);
``jobmatch.compile`` stays a deprecated alias for one release.
"""

from __future__ import annotations

import sys
import warnings

import numpy as np

from .._arrays import row_ids
from .._checks import POSITIVE, fail, is_real, param
from ..data.market import Market
from ..policy import Policy, policy_for
from ..scoring.blend import Blend, blend_candidates
from ..scoring.graph import CandidateGraph
from ..scoring.scores import candidates
from ..solvers.problem import Cap, GroupBound, Problem

__all__ = ["build_problem", "compile", "problem_of"]


def build_problem(market: Market, policy: Policy | None = None, *, k: int = 20, blend: Blend | None = None) -> Problem:
    """The Problem of a market under a policy: top-k candidates, headcounts, quotas, caps.

    Each arc is a feasible (worker, job) pair among the worker's ``k`` best;
    its value is the composite score (blended with outside scores when a
    :class:`~jobmatch.blend.Blend` is given); it uses the worker's ``size``
    of the job's capacity.  Policy quotas become :class:`GroupBound` over
    people placed; employer and region caps become :class:`Cap`.

    Raises
    ------
    ValidationError
        ``market`` not a Market, ``policy`` not a Policy or None, a name the
        policy caps or counts that the market does not use
        (:meth:`~jobmatch.Policy.check_names`), ``k`` not an integer from 1
        to 2**31 - 1, or ``blend`` not a Blend.

    Examples
    --------
    >>> from jobmatch import GroupQuota, Policy, build_problem, synth
    >>> market = synth.scenario(500, 30, seed=2)
    >>> problem = build_problem(market, Policy(quotas=[GroupQuota("poverty_alleviated", min_share=0.75)]), k=5)
    >>> problem.n_workers, problem.quotas[0].name, problem.quotas[0].min_share
    (500, 'poverty_alleviated', 0.75)
    """
    policy = policy_for("build_problem", market, policy)
    k = param("build_problem", "k", k, POSITIVE)
    if blend is None:
        graph = candidates(market, policy, k)
    else:
        if not isinstance(blend, Blend):
            raise fail("build_problem", "blend", "a jobmatch.blend.Blend or None", type(blend).__name__)
        graph = blend_candidates(market, policy, k, blend)
    return problem_of(market, policy, graph)


def compile(market: Market, policy: Policy | None = None, *, k: int = 20, blend: Blend | None = None) -> Problem:
    """Deprecated alias of :func:`build_problem` (renamed: ``compile`` shadowed the builtin), for one release."""
    warnings.warn("jobmatch.compile is deprecated: use jobmatch.build_problem (the same function, renamed)",
                  DeprecationWarning, stacklevel=2)  # fmt: skip
    return build_problem(market, policy, k=k, blend=blend)


def problem_of(market: Market, policy: Policy, graph: CandidateGraph, *, capacity: np.ndarray | None = None) -> Problem:
    """The Problem of a market's candidate ``graph`` (a row per worker) under a checked policy: :func:`build_problem`
    once the candidates are chosen.  ``capacity``: one per job instead of the market's (a sample's, scaled)."""
    workers = market.workers
    size = workers.size
    rows = row_ids(graph.indptr)
    quotas = []
    for quota in policy.quotas:
        members = workers.groups.rows_with(market.vocab.group.code(quota.group))  # a known group: policy_for
        quotas.append(GroupBound(quota.group, members, quota.min_count, quota.min_share, quota.max_share))
    caps = []
    for kind, limits, codes, vocab in (
        ("employer", policy.employer_caps, market.jobs.employer, market.vocab.employer),
        ("region", policy.region_caps, market.jobs.region, market.vocab.place),
    ):
        for name, limit in limits.items():
            mask = codes == vocab.code(name)  # a name of the market's jobs: policy_for
            caps.append(Cap(f"{kind} {name}", mask, limit))
    return Problem.from_graph(
        graph,
        capacity=market.jobs.capacity if capacity is None else capacity,
        use=size[rows],
        people=size,
        quotas=quotas,
        caps=caps,
    )


def time_limit_arg(where: str, time_limit: object) -> float | None:
    """``time_limit`` as :func:`~jobmatch.solve` takes it (None, or a finite number of seconds above 0), checked.

    ``match`` and ``compare`` check it before any work: the training
    methods take it unchecked, and ``compare`` would otherwise fail only at
    its first solve.

    Examples
    --------
    >>> time_limit_arg("match", 2), time_limit_arg("match", None)
    (2.0, None)
    >>> time_limit_arg("match", float("nan"))
    Traceback (most recent call last):
    ...
    jobmatch.exceptions.ValidationError: match: time_limit must be a finite number of seconds above 0, or None, got nan
    """
    if time_limit is None:
        return None
    if not (is_real(time_limit) and 0 < time_limit <= sys.float_info.max):  # compared exactly: no overflow
        raise fail(where, "time_limit", "a finite number of seconds above 0, or None", time_limit)
    return float(time_limit)
