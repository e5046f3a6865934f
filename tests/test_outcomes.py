"""outcomes.retention: the logistic model, recomputed one record at a time."""

from __future__ import annotations

import math

import numpy as np
import pytest

from jobmatch import synth
from jobmatch.outcomes import COEFFICIENTS, retention


def by_hand(worker, job, c) -> float:
    served = len(worker.diet & job.canteen) / len(worker.diet) if worker.diet else 1.0
    warm = 0.0 if worker.needs_heating and not job.heated_dorm else 1.0
    over = min((job.wage + job.subsidy) / max(worker.min_wage, 1.0) - 1.0, 0.5)
    logit = c["intercept"] + c["diet"] * served + c["climate"] * warm + c["pay"] * over
    return 1.0 / (1.0 + math.exp(-logit))


@pytest.mark.parametrize("coefficients", [None, {"diet": 0.0, "pay": -2.0}])
def test_retention_equals_the_formula_per_record(coefficients):
    market = synth.scenario(120, 15, seed=9)
    rng = np.random.default_rng(0)
    workers, jobs = rng.integers(0, 120, 300), rng.integers(0, 15, 300)
    got = retention(market, coefficients)(workers, jobs)
    c = {**COEFFICIENTS, **(coefficients or {})}
    want = [by_hand(market.worker(int(i)), market.job(int(j)), c) for i, j in zip(workers, jobs)]
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert ((got > 0) & (got < 1)).all()


def test_better_diet_and_climate_fit_raise_retention():
    market = synth.scenario(2000, 80, seed=3)
    stays = retention(market)
    rng = np.random.default_rng(1)
    workers, jobs = rng.integers(0, 2000, 5000), rng.integers(0, 80, 5000)
    cold = market.workers.needs_heating[workers] & ~market.jobs.heated_dorm[jobs]
    p = stays(workers, jobs)
    assert p[~cold].mean() > p[cold].mean()
