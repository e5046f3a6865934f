"""The scoring kernels' inputs, by name: workers, jobs and policy as named tuples of arrays.

:func:`kernel_inputs` turns a :class:`~jobmatch.Market` and a
:class:`~jobmatch.Policy` into a :class:`WorkerArrays`, a :class:`JobArrays`
and a :class:`PolicyArrays`; the kernels (:mod:`jobmatch.scoring._kernels`)
read their fields by name.  They are ``typing.NamedTuple`` classes defined at
module level, which numba takes as arguments (a struct of the fields, read
as cheaply as a plain tuple) and can cache kernels compiled for.  Importing
this module loads no numba.

Everything the kernels see comes from here, so a reference implementation
can score exactly the same inputs.
"""

from __future__ import annotations

import weakref
from typing import NamedTuple

import numpy as np

from .._checks import fail
from ..data.market import Market
from ..data.ragged import Ragged
from ..data.table import Table
from ..policy import COMPONENTS, Policy
from .custom import attributes

__all__ = ["JobArrays", "PolicyArrays", "WorkerArrays", "kernel_inputs", "pairs", "shares"]


class WorkerArrays(NamedTuple):
    """The workers, by worker index (CSR columns as ``*_ptr`` offsets into ``*_code`` and their values)."""

    #: Offsets of each worker's skills into ``skill_code`` / ``skill_level`` (n_workers + 1).
    skill_ptr: np.ndarray
    #: Skill codes held.
    skill_code: np.ndarray
    #: Level held of each of those skills.
    skill_level: np.ndarray
    #: Offsets of each worker's food needs into ``diet_code``.
    diet_ptr: np.ndarray
    #: Food codes needed.
    diet_code: np.ndarray
    #: Whether the worker needs a heated dormitory (bool).
    needs_heating: np.ndarray
    #: Wage floor (float64; 0 means any pay will do).
    min_wage: np.ndarray
    #: The worker's brand code, or -1 for none.
    brand: np.ndarray
    #: Offsets of each worker's preferred places into ``pref_code`` (none listed: any place will do).
    pref_ptr: np.ndarray
    #: Place codes preferred.
    pref_code: np.ndarray
    #: Group size (int32; sizes are at most 1000), checked against a job's capacity.
    size: np.ndarray


class JobArrays(NamedTuple):
    """The jobs, grouped for the kernels (see *How it is fast* in :mod:`jobmatch.scoring._kernels`).

    Jobs share few distinct requirement sets (*requirement profiles*) and
    few *amenity classes* (a distinct canteen, partner-brand set, city and
    heating).  The ``*_run`` arrays are in *grouped order*: the jobs sorted
    by requirement profile, in increasing job index within a profile.
    Look-up indices are unsigned so that numba emits no negative-index
    wraparound.
    """

    #: Offsets of each requirement profile into ``req_code`` / ``req_level`` (n_profiles + 1).
    req_ptr: np.ndarray
    #: Skill codes required, per requirement profile.
    req_code: np.ndarray
    #: Level required of each of those skills.
    req_level: np.ndarray
    #: Profile p's jobs are ``job_of[run_ptr[p]:run_ptr[p + 1]]`` (int64, n_profiles + 1).
    run_ptr: np.ndarray
    #: Job index at each position of grouped order (uint32).
    job_of: np.ndarray
    #: Amenity class of the job at each position of grouped order (uint32).
    amen_run: np.ndarray
    #: Pay (wage + subsidy) of the job at each position of grouped order (float64).
    pay_run: np.ndarray
    #: Capacity (headcount) of the job at each position of grouped order (int32; capacities are at most 1e9).
    capacity_run: np.ndarray
    #: Canteen profile of each amenity class (uint32, index into ``canteen_ptr``).
    amen_canteen: np.ndarray
    #: Partner-brand profile of each amenity class (uint32, index into ``brands_ptr``).
    amen_brands: np.ndarray
    #: Place code (city) of each amenity class (uint32).
    amen_region: np.ndarray
    #: Whether each amenity class has a heated dormitory (bool).
    amen_heated: np.ndarray
    #: Offsets of each canteen profile into ``canteen_code`` (n_canteen_profiles + 1).
    canteen_ptr: np.ndarray
    #: Food codes served, per canteen profile.
    canteen_code: np.ndarray
    #: Offsets of each partner-brand profile into ``brands_code`` (n_brand_profiles + 1).
    brands_ptr: np.ndarray
    #: Brand codes partnered, per brand profile.
    brands_code: np.ndarray
    #: Requirement profile of each job, by job index (uint32).
    req_of: np.ndarray
    #: Position of each job in grouped order, by job index (int64).
    position_of: np.ndarray


class PolicyArrays(NamedTuple):
    """The policy, the vocabulary sizes and the custom components' inputs."""

    #: The 6 built-in components' weights in :data:`~jobmatch.policy.COMPONENTS` order (float64), normalised so
    #: that they and the policy's custom components' weights sum to 1.
    weights: np.ndarray
    #: Bitmask of the hard filters: bit c set when component c is one.
    hard: np.int64
    #: Whether each food code is a strict diet (bool; a hard filter even when ``diet`` is soft).
    strict: np.ndarray
    #: Number of skill codes.
    n_skills: np.int64
    #: Number of food codes.
    n_foods: np.int64
    #: Number of place codes.
    n_places: np.int64
    #: The active custom components' worker attributes (float64, n_workers x total width; see
    #: :mod:`jobmatch.components`).
    custom_workers: np.ndarray
    #: Their job attributes (float64, n_jobs x total width).
    custom_jobs: np.ndarray
    #: Their data tables, stacked and zero-padded to the largest (float64, 3-d).
    custom_tables: np.ndarray
    #: Each table's own shape (int64, n_components x 2): a checked component sees its table at that shape.
    custom_shapes: np.ndarray
    #: Their weights, normalised by the sum of all the policy's weights (float64; ``[0.0]`` without any).
    custom_weights: np.ndarray
    #: Written by the kernels: per worker, whether its row's component values were fine (int8, see
    #: :data:`jobmatch.scoring.custom.FINE`; empty without components).
    custom_status: np.ndarray


#: Per jobs table (by identity), its half of the kernels' inputs; see :func:`_job_inputs`.
_JOB_INPUTS: weakref.WeakKeyDictionary[Table, JobArrays] = weakref.WeakKeyDictionary()


def _profiles(column: Ragged) -> tuple[np.ndarray, Ragged]:
    """Distinct rows of a CSR column: (profile id per row, the profiles), in first-seen order."""
    levels = column.levels
    seen: dict[tuple[bytes, bytes], int] = {}
    of = np.empty(len(column), dtype=np.int32)
    first: list[int] = []
    for r in range(len(column)):
        lo, hi = column.indptr[r], column.indptr[r + 1]
        key = (column.codes[lo:hi].tobytes(), b"" if levels is None else levels[lo:hi].tobytes())
        of[r] = seen.setdefault(key, len(first))
        if of[r] == len(first):
            first.append(r)
    return of, column.take(np.asarray(first, dtype=np.int64))


def _job_inputs(j: Table) -> JobArrays:
    """The jobs' half of :func:`kernel_inputs`, computed once per jobs table.

    Profiling the jobs' columns is a Python loop over jobs;
    :func:`~jobmatch.scoring.scores.pair_components` is called
    once per explanation, so the result is kept for as long as the
    (immutable) table lives.
    """
    cached = _JOB_INPUTS.get(j)
    if cached is None:
        req_of, req = _profiles(j.requires)
        can_of, can = _profiles(j.canteen)
        br_of, br = _profiles(j.brands)
        # Amenity class: the distinct (canteen, partner brands, city, heating) of a job.
        key = np.stack([can_of, br_of, j.region, j.heated_dorm.astype(np.int32)], axis=1)
        classes, amen_of = np.unique(key, axis=0, return_inverse=True) if len(key) else (key, np.empty(0, np.int64))
        amen_of = amen_of.reshape(-1)
        # Jobs grouped by requirement profile, in increasing index within a group.
        job_of = np.argsort(req_of, kind="stable")
        run_ptr = np.zeros(len(req) + 1, dtype=np.int64)
        np.cumsum(np.bincount(req_of, minlength=len(req)), out=run_ptr[1:])
        position_of = np.empty(len(job_of), dtype=np.int64)
        position_of[job_of] = np.arange(len(job_of))
        pay = j.wage + j.subsidy
        assert req.levels is not None  # requirements carry levels
        cached = _JOB_INPUTS[j] = JobArrays(
            req_ptr=req.indptr,
            req_code=req.codes,
            req_level=req.levels,
            run_ptr=run_ptr,
            job_of=job_of.astype(np.uint32),
            amen_run=amen_of[job_of].astype(np.uint32),
            pay_run=pay[job_of],
            capacity_run=j.capacity[job_of].astype(np.int32),
            amen_canteen=classes[:, 0].astype(np.uint32),
            amen_brands=classes[:, 1].astype(np.uint32),
            amen_region=classes[:, 2].astype(np.uint32),
            amen_heated=classes[:, 3].astype(np.bool_),
            canteen_ptr=can.indptr,
            canteen_code=can.codes,
            brands_ptr=br.indptr,
            brands_code=br.codes,
            req_of=req_of.astype(np.uint32),
            position_of=position_of,
        )
    return cached


def shares(policy: Policy) -> dict[str, float]:
    """Each weight of the policy over the sum of all its weights (built-in and custom): the kernels' weights.

    The sum cannot overflow: a Policy holds at most :data:`~jobmatch.policy.MAX_WEIGHTS` in all.

    Examples
    --------
    >>> from jobmatch import Policy
    >>> shares(Policy(weights={c: 2.0 for c in COMPONENTS}))["skill"] == 1 / 6
    True
    """
    total = float(sum(policy.weights.values()))
    return {name: w / total for name, w in policy.weights.items()}


def pairs(where: str, market: Market, workers: object, jobs: object) -> tuple[np.ndarray, np.ndarray]:
    """Worker and job positions of pairs, checked (1-d integers of one length, in range) and as int64.

    Examples
    --------
    >>> from jobmatch import synth
    >>> market = synth.scenario(3, 2, seed=1)
    >>> [a.tolist() for a in pairs("f", market, [0, 2], [1, 1])]
    [[0, 2], [1, 1]]
    >>> pairs("f", market, [0, -1], [1, 1])
    Traceback (most recent call last):
    ...
    jobmatch.exceptions.ValidationError: f: workers must be integer positions in 0..2, got -1
    """
    out = []
    for field, picked, n in (("workers", workers, market.n_workers), ("jobs", jobs, market.n_jobs)):
        try:
            array = np.asarray(picked)
        except (ValueError, TypeError, OverflowError, RecursionError) as error:  # ragged, deeply nested...
            raise fail(where, field, "a 1-d array of integer positions", f"{type(error).__name__}: {error}") from None
        if array.ndim != 1:
            raise fail(where, field, "a 1-d array of integer positions", f"{array.ndim}-d", described=True)
        if array.size and array.dtype.kind not in "iu":  # floats would be truncated, huge ints wrap
            raise fail(where, field, "integer positions", f"dtype {array.dtype}", described=True)
        if array.size:
            low, high = array.min().item(), array.max().item()  # compared as Python ints: uint64 cannot wrap
            if low < 0 or high >= n:
                raise fail(where, field, f"integer positions in 0..{n - 1}", low if low < 0 else high)
        out.append(array.astype(np.int64))
    if len(out[0]) != len(out[1]):
        raise fail(where, "workers/jobs", "arrays of one length", f"{len(out[0])} and {len(out[1])}", described=True)
    return out[0], out[1]


def kernel_inputs(market: Market, policy: Policy) -> tuple[WorkerArrays, JobArrays, PolicyArrays]:
    """The (workers, jobs, policy) inputs the kernels read.

    Parameters
    ----------
    market : Market
    policy : Policy

    Returns
    -------
    tuple of WorkerArrays, JobArrays, PolicyArrays
        Passed to the kernels as ``W, J, P``.  The jobs' half is computed
        once per jobs table and shared.
    """
    w = market.workers
    workers = WorkerArrays(
        skill_ptr=w.skills.indptr,
        skill_code=w.skills.codes,
        skill_level=w.skills.levels,
        diet_ptr=w.diet.indptr,
        diet_code=w.diet.codes,
        needs_heating=w.needs_heating,
        min_wage=w.min_wage,
        brand=w.brand,
        pref_ptr=w.preferred_regions.indptr,
        pref_code=w.preferred_regions.codes,
        size=w.size.astype(np.int32),
    )
    share = shares(policy)
    weights = np.array([share[c] for c in COMPONENTS], dtype=np.float64)  # custom components take the rest
    hard = sum(1 << bit for bit, c in enumerate(COMPONENTS) if c in policy.hard)
    vocab = market.vocab
    custom_workers, custom_jobs, custom_tables, custom_shapes, custom_weights, custom_status = attributes(
        market, policy, share
    )
    params = PolicyArrays(
        weights=weights,
        hard=np.int64(hard),
        strict=vocab.food.mask(policy.strict_diets),  # names compared by key: "Halal" is halal
        n_skills=np.int64(len(vocab.skill)),
        n_foods=np.int64(len(vocab.food)),
        n_places=np.int64(len(vocab.place)),
        custom_workers=custom_workers,
        custom_jobs=custom_jobs,
        custom_tables=custom_tables,
        custom_shapes=custom_shapes,
        custom_weights=custom_weights,
        custom_status=custom_status,
    )
    return workers, _job_inputs(market.jobs), params
