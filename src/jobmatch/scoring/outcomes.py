"""Outcome models for research: a synthetic retention probability per (worker, job) pair.

The programme's report says that food and climate decide whether a worker
stays: people left jobs whose canteen served no rice or Sichuan food, and
dormitories without heating in the northern winter.  :func:`retention` turns
that into an illustrative model, a logistic function of the pair's diet fit
(share of the worker's food needs the canteen serves), climate fit (heating
where needed) and pay over the worker's floor::

    p = 1 / (1 + exp(-(intercept + diet * served + climate * heated + pay * min(pay / floor - 1, 0.5))))

The coefficients are made up, not estimated: the model exists so that
researchers can test "match on predicted outcomes" (Bansak et al., Science
2018) on the synthetic scenario with :class:`jobmatch.blend.PairScores`
and :func:`jobmatch.compare`.  Swap in a fitted model of the same shape.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, cast

import numpy as np

from ..data.market import Market

if TYPE_CHECKING:
    from ..data.ragged import Ragged

__all__ = ["COEFFICIENTS", "retention"]

#: Default coefficients of :func:`retention` (log-odds).
COEFFICIENTS = {"intercept": -1.0, "diet": 1.8, "climate": 1.4, "pay": 1.2}


def _dense(ragged: Ragged, n: int, width: int) -> np.ndarray:
    out = np.zeros((n, max(width, 1)), dtype=bool)
    out[np.repeat(np.arange(n), ragged.lengths()), ragged.codes] = True
    return out


def retention(market: Market, coefficients: Mapping[str, float] | None = None) -> Callable[..., np.ndarray]:
    """A vectorised model ``fn(workers, jobs) -> probability`` that the worker stays a year in the job.

    Parameters
    ----------
    market : Market
    coefficients : mapping, optional
        ``intercept``, ``diet``, ``climate``, ``pay`` (log-odds); missing
        keys keep :data:`COEFFICIENTS`.

    Returns
    -------
    callable
        ``fn(workers, jobs)`` over position arrays of one length, returning
        float64 probabilities in (0, 1); ready for
        :meth:`jobmatch.blend.PairScores.function`.

    Examples
    --------
    >>> import numpy as np
    >>> from jobmatch import synth
    >>> market = synth.scenario(100, 10, seed=1)
    >>> stays = retention(market)
    >>> p = stays(np.arange(10), np.arange(10))
    >>> p.shape, bool(((p > 0) & (p < 1)).all())
    ((10,), True)
    """
    c = {**COEFFICIENTS, **(coefficients or {})}
    workers, jobs, foods = market.workers, market.jobs, len(market.vocab.food)
    needs, serves = _dense(workers.diet, market.n_workers, foods), _dense(jobs.canteen, market.n_jobs, foods)
    wanted = needs.sum(axis=1)
    heating, heated = workers.needs_heating, jobs.heated_dorm
    floor, pay = workers.min_wage, jobs.wage + jobs.subsidy

    def fn(w: np.ndarray, j: np.ndarray) -> np.ndarray:
        w, j = np.asarray(w, dtype=np.int64), np.asarray(j, dtype=np.int64)
        served = (needs[w] & serves[j]).sum(axis=1) / np.maximum(wanted[w], 1)
        served[wanted[w] == 0] = 1.0
        warm = ~(heating[w] & ~heated[j])
        over = np.minimum(pay[j] / np.maximum(floor[w], 1.0) - 1.0, 0.5)
        logit = c["intercept"] + c["diet"] * served + c["climate"] * warm + c["pay"] * over
        return cast(np.ndarray, 1.0 / (1.0 + np.exp(-logit)))

    return fn
