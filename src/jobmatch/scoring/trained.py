"""Scores after training: a worker's levels once a programme is done, and what training costs a score.

A worker's levels after a :class:`~jobmatch.TrainingProgram` are the higher
of what they held and what it grants; a trained placement is scored on
those levels, less the policy's penalty for the programme's length and
cost (docs/scoring.md, "Trained placements")::

    value = score after training - week_penalty * weeks - cost_penalty * cost / 1000

Routes through programmes are built from these by
:func:`jobmatch.pipeline.routes.routes`.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np

from ..data.market import Market
from ..data.ragged import Ragged
from ..policy import Policy
from .scores import pair_components

__all__ = ["penalty", "trained_components", "trained_market"]


def penalty(market: Market, policy: Policy) -> np.ndarray:
    """What each programme takes off a trained placement's score."""
    programs = market.programs
    return cast(np.ndarray, policy.week_penalty * programs.weeks + policy.cost_penalty * programs.cost / 1000.0)


def trained_market(market: Market, program: int, workers: Any, jobs: Any = None) -> Market:
    """The given workers with their levels after ``program``, against the given jobs (all when None).

    Examples
    --------
    >>> from jobmatch import synth
    >>> market = synth.scenario(50, 10, 3, seed=1)
    >>> skill, level = (int(v[0]) for v in market.programs.grants.row(0))
    >>> after = trained_market(market, 0, [0, 1])
    >>> codes, levels = after.workers.skills.row(0)
    >>> bool(levels[list(codes).index(skill)] >= level)
    True
    """
    part = market.subset(workers=workers, jobs=jobs)
    n_skills = len(market.vocab.skill)
    codes, levels = market.programs.grants.row(program)
    dense = part.workers.skills.to_dense(n_skills)
    dense[:, codes] = np.maximum(dense[:, codes], levels)
    part.workers = part.workers.replace(skills=Ragged.from_dense(dense))
    return part


def trained_components(
    market: Market, policy: Policy | None, workers: np.ndarray, jobs: np.ndarray, programs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Scores and components of (worker, job) pairs, on the levels after each pair's programme (-1: none).

    As :func:`jobmatch.scoring.pair_components` (scores without the
    training penalty), for trained placements.

    Examples
    --------
    >>> import numpy as np
    >>> from jobmatch import synth
    >>> market = synth.scenario(50, 10, 3, seed=1)
    >>> w, j = np.array([0, 1]), np.array([2, 2])
    >>> before = trained_components(market, None, w, j, np.array([-1, -1]))[1][:, 0]
    >>> after = trained_components(market, None, w, j, np.array([0, 0]))[1][:, 0]
    >>> bool((after >= before).all())  # training never lowers the skill fit
    True
    """
    scores, parts = pair_components(market, policy, workers, jobs)
    for p in np.unique(programs[programs >= 0]):
        rows = np.flatnonzero(programs == p)
        trained = trained_market(market, int(p), workers[rows])
        scores[rows], parts[rows] = pair_components(trained, policy, np.arange(len(rows)), jobs[rows])
    return scores, parts
