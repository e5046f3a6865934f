"""Seeded synthetic markets modelled on the Shandong–Chongqing programme.

:func:`scenario` builds a :class:`~jobmatch.Market` directly in columnar
form (no per-record Python objects), so a national-size market of a million
workers takes seconds.  The shape follows the programme's 2021 report (see
``docs/synthetic.md``): rural workers from Chongqing counties, about 75% of
them poverty-alleviated, most needing rice (many also Sichuan food) and a
heated dormitory in the northern winter; jobs in Shandong cities paying about
3,500-6,500 CNY a month, some with subsidies; four labour-brand partnerships;
vocational training programmes in the sending counties.

Workers, jobs and programmes draw from independent random streams, so with
the same seed the workers of ``scenario(n, m1)`` and ``scenario(n, m2)`` are
identical, which keeps what-if comparisons honest.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._arrays import indptr_from_counts, readonly
from .._checks import SEED, Whole, param
from .market import Market
from .ragged import Ragged
from .schema import MAX_LEVEL
from .vocabulary import Vocabularies, Vocabulary

__all__ = ["CITIES", "COUNTIES", "PARTNERSHIPS", "SECTORS", "scenario"]

#: Sending counties of Chongqing: (name, share of workers, poverty-alleviated share).
COUNTIES = (
    ("巫溪", 0.12, 0.82),  # Wuxi
    ("城口", 0.09, 0.85),  # Chengkou
    ("武隆", 0.09, 0.74),  # Wulong
    ("石柱", 0.10, 0.78),  # Shizhu
    ("丰都", 0.10, 0.72),  # Fengdu
    ("云阳", 0.11, 0.72),  # Yunyang
    ("奉节", 0.10, 0.74),  # Fengjie
    ("开州", 0.10, 0.66),  # Kaizhou
    ("酉阳", 0.07, 0.78),  # Youyang
    ("彭水", 0.06, 0.77),  # Pengshui
    ("秀山", 0.06, 0.70),  # Xiushan
)

#: Receiving cities of Shandong: (name, share of jobs, wage factor).
CITIES = (
    ("泰安", 0.12, 1.00),  # Tai'an
    ("济南", 0.16, 1.08),  # Jinan
    ("淄博", 0.11, 1.00),  # Zibo
    ("枣庄", 0.09, 0.96),  # Zaozhuang
    ("青岛", 0.16, 1.12),  # Qingdao
    ("烟台", 0.09, 1.04),  # Yantai
    ("潍坊", 0.09, 1.00),  # Weifang
    ("济宁", 0.07, 0.97),  # Jining
    ("临沂", 0.06, 0.95),  # Linyi
    ("威海", 0.05, 1.05),  # Weihai
)

#: Sectors: (skill, share of jobs, base wage CNY, lowest and highest required
#: level (0 = none), share of female applicants holding the skill vs male).
SECTORS = (
    ("assembly", 0.20, 4300, 0, 2, 1.0, 1.0),
    ("food_processing", 0.11, 4000, 0, 1, 1.0, 0.8),
    ("logistics", 0.09, 4600, 0, 2, 0.4, 1.2),
    ("construction", 0.09, 5100, 1, 2, 0.2, 1.6),
    ("welding", 0.08, 5700, 2, 4, 0.1, 1.4),
    ("machining", 0.07, 5300, 2, 3, 0.2, 1.2),
    ("cooking", 0.10, 4900, 2, 4, 0.9, 1.0),
    ("housekeeping", 0.11, 4700, 1, 3, 1.8, 0.1),
    ("maternal_infant_care", 0.07, 6100, 2, 4, 1.2, 0.02),
    ("foot_care", 0.08, 5200, 2, 3, 1.1, 0.3),
)

#: Labour-brand partnerships: (sending brand, its county, the skill it stands
#: for, receiving city, receiving-side brand).
PARTNERSHIPS = (
    ("Wulong bowl mutton", "武隆", "cooking", "泰安", "Tai'an Shandong-cuisine chefs"),
    ("Wuxi grilled fish", "巫溪", "cooking", "济南", "Jinan Baigemeitu"),
    ("Shizhu aunties", "石柱", "housekeeping", "淄博", "Zibo Qianxi housekeeping"),
    ("Fengdu Three Gorges girls", "丰都", "maternal_infant_care", "枣庄", "Zaozhuang Renhe maternal and infant care"),
)

#: Foods: (name, share of workers needing it, share of canteens serving it).
FOODS = (
    ("rice", 0.88, 0.60),
    ("sichuan", 0.62, 0.28),
    ("wheat", 0.10, 0.95),
    ("halal", 0.015, 0.08),
    ("vegetarian", 0.01, 0.06),
)

GROUPS = ("female", "poverty_alleviated")
_SKILL_COUNT_P = (0.15, 0.50, 0.28, 0.07)  # P(a worker holds 0, 1, 2, 3 skills)


def _ragged(mask: np.ndarray, levels: np.ndarray | None = None) -> Ragged:
    """CSR rows from a boolean matrix whose columns are vocabulary codes."""
    rows, cols = np.nonzero(mask)
    indptr = indptr_from_counts(np.bincount(rows, minlength=mask.shape[0]))
    flat_levels = None if levels is None else readonly(levels[rows, cols].astype(np.int8))
    return Ragged(readonly(indptr), readonly(cols.astype(np.int32)), flat_levels)


def _ids(prefixes: np.ndarray, codes: np.ndarray, width: int) -> np.ndarray:
    out = np.empty(len(codes), dtype=object)
    out[:] = [f"{prefixes[c]}-{i:0{width}d}" for i, c in enumerate(codes.tolist())]
    return readonly(out)


#: Workers, jobs or programmes in a synthetic market.
_SIZE = Whole(0, 100_000_000)


def scenario(n_workers: int, n_jobs: int, n_programs: int = 0, *, seed: int = 0) -> Market:
    """A seeded synthetic market modelled on the Shandong–Chongqing programme.

    Parameters
    ----------
    n_workers : int
        Workers on the employment-demand list.
    n_jobs : int
        Positions on the job-supply list (total headcount is about 90% of
        the people looking for work).
    n_programs : int, optional
        Training programmes in the sending counties.
    seed : int, optional
        Same seed, same market, byte for byte.

    Returns
    -------
    Market

    Examples
    --------
    >>> from jobmatch import synth
    >>> market = synth.scenario(2000, 50, 5, seed=7)
    >>> market.n_workers, market.n_jobs, market.n_programs
    (2000, 50, 5)
    >>> market == synth.scenario(2000, 50, 5, seed=7)
    True
    >>> poor = market.vocab.group.code("poverty_alleviated")
    >>> share = market.workers.groups.rows_with(poor).mean()
    >>> print(f"{share:.1%} poverty-alleviated")
    74.1% poverty-alleviated
    """
    n_workers = param("synth.scenario", "n_workers", n_workers, _SIZE)
    n_jobs = param("synth.scenario", "n_jobs", n_jobs, _SIZE)
    n_programs = param("synth.scenario", "n_programs", n_programs, _SIZE)
    seed = param("synth.scenario", "seed", seed, SEED)
    worker_rng, job_rng, program_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(int(seed)).spawn(3))

    places = [name for name, _, _ in COUNTIES] + [name for name, _, _ in CITIES]
    vocab = Vocabularies(
        skill=Vocabulary(sector[0] for sector in SECTORS),
        food=Vocabulary(food[0] for food in FOODS),
        place=Vocabulary(places),
        group=Vocabulary(GROUPS),
        brand=Vocabulary(p[0] for p in PARTNERSHIPS),
        employer=Vocabulary(_employer_names(n_jobs)),
    )
    workers = _workers(worker_rng, n_workers, vocab)
    total_people = int(workers["size"].sum())
    jobs = _jobs(job_rng, n_jobs, total_people, vocab)
    programs = _programs(program_rng, n_programs, n_workers, vocab)
    return Market._from_tables({"workers": workers, "jobs": jobs, "programs": programs}, vocab)


def _employer_names(n_jobs: int) -> list[str]:
    """Every name an employer may get: up to one per four jobs in each city."""
    most = max(1, n_jobs // 4)
    return [f"{city}-E{k:04d}" for city, _, _ in CITIES for k in range(most)]


def _columns_by_vocab(vocab: Vocabulary, table: tuple[tuple[Any, ...], ...]) -> np.ndarray:
    """Vocabulary code of each entry of a constant table (first item = name)."""
    return np.array([vocab.code(row[0]) for row in table], dtype=np.int64)


def _workers(rng: np.random.Generator, n: int, vocab: Vocabularies) -> dict[str, Any]:
    county_names = np.array([c[0] for c in COUNTIES], dtype=object)
    county = rng.choice(len(COUNTIES), size=n, p=[c[1] for c in COUNTIES])
    poor_rate = np.array([c[2] for c in COUNTIES])[county]
    poor = rng.random(n) < poor_rate
    female = rng.random(n) < 0.45

    # Skills: how many (0-3), which (Gumbel top-k on gender propensities), what level.
    n_skills = len(vocab.skill)
    skill_col = _columns_by_vocab(vocab.skill, SECTORS)
    propensity = np.empty((2, n_skills))
    propensity[0, skill_col] = [s[6] * s[1] for s in SECTORS]  # male
    propensity[1, skill_col] = [s[5] * s[1] for s in SECTORS]  # female
    keys = np.log(propensity[female.astype(np.int64)]) + rng.gumbel(size=(n, n_skills))
    order = np.argsort(-keys, axis=1, kind="stable")
    count = rng.choice(len(_SKILL_COUNT_P), size=n, p=_SKILL_COUNT_P)
    held = np.zeros((n, n_skills), dtype=bool)
    np.put_along_axis(held, order, np.arange(n_skills)[None, :] < count[:, None], axis=1)
    skill_p = np.where(poor, 0.30, 0.42)[:, None]
    levels = 1 + rng.binomial(MAX_LEVEL - 1, np.broadcast_to(skill_p, (n, n_skills)))
    top_level = np.where(held, levels, 0).max(axis=1, initial=0)

    food_col = _columns_by_vocab(vocab.food, FOODS)
    needs = np.zeros((n, len(vocab.food)), dtype=bool)
    needs[:, food_col] = rng.random((n, len(FOODS))) < np.array([f[1] for f in FOODS])

    groups = np.zeros((n, len(vocab.group)), dtype=bool)
    groups[:, vocab.group.code("female")] = female
    groups[:, vocab.group.code("poverty_alleviated")] = poor

    brand = np.full(n, -1, dtype=np.int32)
    county_code = {name: k for k, (name, _, _) in enumerate(COUNTIES)}
    for name, home, skill, _, _ in PARTNERSHIPS:
        member = (county == county_code[home]) & held[:, vocab.skill.code(skill)]
        if skill != "cooking":
            member &= female
        brand[member & (rng.random(n) < 0.5)] = vocab.brand.code(name)

    city_col = np.array([vocab.place.code(c[0]) for c in CITIES])
    wants = rng.random((n, len(CITIES))) < np.array([c[1] for c in CITIES]) * 1.6
    wants &= (rng.random(n) < 0.45)[:, None]  # the rest will go anywhere
    preferred = np.zeros((n, len(vocab.place)), dtype=bool)
    preferred[:, city_col] = wants

    floor = 3200 + 260 * top_level + rng.normal(0, 300, n)
    min_wage = np.clip(np.round(floor / 50) * 50, 2800, 7000).astype(np.float64)
    size = np.where(rng.random(n) < 0.05, 2, 1).astype(np.int64)

    origin_code = np.array([vocab.place.code(c) for c in county_names], dtype=np.int32)[county]
    return {
        "id": _ids(county_names, county, 7),
        "origin": readonly(origin_code),
        "min_wage": readonly(min_wage),
        "skills": _ragged(held, levels),
        "diet": _ragged(needs),
        "needs_heating": readonly(rng.random(n) < 0.72),
        "groups": _ragged(groups),
        "brand": readonly(brand),
        "preferred_regions": _ragged(preferred),
        "trainable": readonly(rng.random(n) < 0.8),
        "size": readonly(size),
    }


def _jobs(rng: np.random.Generator, m: int, total_people: int, vocab: Vocabularies) -> dict[str, Any]:
    city_names = np.array([c[0] for c in CITIES], dtype=object)
    city = rng.choice(len(CITIES), size=m, p=[c[1] for c in CITIES])
    sector = rng.choice(len(SECTORS), size=m, p=[s[1] for s in SECTORS])

    # Employers: about four jobs each, within one city.
    per_city = np.bincount(city, minlength=len(CITIES))
    employers_in_city = np.maximum(1, per_city // 4)
    most = max(1, m // 4)
    slot = (rng.random(m) * employers_in_city[city]).astype(np.int64)
    employer_names = np.array(_employer_names(m), dtype=object)
    employer = np.array([vocab.employer.code(name) for name in employer_names[city * most + slot]], dtype=np.int32)

    weight = rng.lognormal(0.0, 0.8, m)
    capacity = np.maximum(1, np.round(weight / max(weight.sum(), 1e-12) * 0.9 * total_people)).astype(np.int64)

    n_skills = len(vocab.skill)
    skill_of_sector = _columns_by_vocab(vocab.skill, SECTORS)
    low = np.array([s[3] for s in SECTORS])[sector]
    high = np.array([s[4] for s in SECTORS])[sector]
    level = low + (rng.random(m) * (high - low + 1)).astype(np.int64)
    requires = np.zeros((m, n_skills), dtype=np.int64)
    requires[np.arange(m), skill_of_sector[sector]] = level
    extra = rng.integers(0, n_skills, m)
    second = (rng.random(m) < 0.1) & (requires[np.arange(m), extra] == 0)
    requires[np.arange(m)[second], extra[second]] = 1

    base = np.array([s[2] for s in SECTORS])[sector]
    city_factor = np.array([c[2] for c in CITIES])[city]
    wage = base * city_factor * (1 + 0.06 * (np.maximum(level, 1) - 2)) * rng.lognormal(0.0, 0.07, m)
    wage = np.clip(np.round(wage / 50) * 50, 3000, 9000).astype(np.float64)
    subsidy = np.where(rng.random(m) < 0.3, np.round(rng.uniform(200, 800, m) / 50) * 50, 0.0)

    brands = np.zeros((m, len(vocab.brand)), dtype=bool)
    for name, _, skill, host, _ in PARTNERSHIPS:
        host_city = [c[0] for c in CITIES].index(host)
        in_sector = skill_of_sector[sector] == vocab.skill.code(skill)
        brands[:, vocab.brand.code(name)] = (city == host_city) & in_sector & (rng.random(m) < 0.7)
    partnered = brands.any(axis=1)

    food_col = _columns_by_vocab(vocab.food, FOODS)
    serve_p = np.array([f[2] for f in FOODS])[None, :].repeat(m, axis=0)
    sichuan, rice = [f[0] for f in FOODS].index("sichuan"), [f[0] for f in FOODS].index("rice")
    serve_p[partnered, sichuan], serve_p[partnered, rice] = 0.9, 0.95
    canteen = np.zeros((m, len(vocab.food)), dtype=bool)
    canteen[:, food_col] = rng.random((m, len(FOODS))) < serve_p

    region_code = np.array([vocab.place.code(c) for c in city_names], dtype=np.int32)[city]
    return {
        "id": _ids(city_names, city, 6),
        "employer": readonly(employer),
        "region": readonly(region_code),
        "capacity": readonly(capacity),
        "wage": readonly(wage),
        "subsidy": readonly(subsidy.astype(np.float64)),
        "requires": _ragged(requires > 0, requires),
        "canteen": _ragged(canteen),
        "heated_dorm": readonly(rng.random(m) < 0.65),
        "brands": _ragged(brands),
    }


def _programs(rng: np.random.Generator, p: int, n_workers: int, vocab: Vocabularies) -> dict[str, Any]:
    county_names = np.array([c[0] for c in COUNTIES], dtype=object)
    county = rng.choice(len(COUNTIES), size=p, p=[c[1] for c in COUNTIES])
    # Training follows the programme's emphasis: care work, cooking, welding.
    trained = ("foot_care", "housekeeping", "maternal_infant_care", "cooking", "welding", "assembly")
    share = np.array([0.22, 0.2, 0.18, 0.15, 0.15, 0.1])
    pick = rng.choice(len(trained), size=p, p=share)
    skill = np.array([vocab.skill.code(s) for s in trained])[pick]
    grant_level = np.where(rng.random(p) < 0.7, 2, 3)
    n_skills = len(vocab.skill)
    grants = np.zeros((p, n_skills), dtype=np.int64)
    grants[np.arange(p), skill] = grant_level
    prereq = np.zeros((p, n_skills), dtype=np.int64)
    needs_prior = (grant_level == 3) & (rng.random(p) < 0.5)
    prereq[np.arange(p)[needs_prior], skill[needs_prior]] = 1

    seats = np.maximum(5, np.round(0.3 * max(n_workers, 1) / max(p, 1) * rng.lognormal(0.0, 0.4, p))).astype(np.int64)
    cost = np.round(rng.uniform(800, 6000, p) / 100) * 100
    weeks = rng.integers(2, 13, p).astype(np.int64)
    ids = np.empty(p, dtype=object)
    ids[:] = [f"{county_names[c]}-{trained[k]}-{i:03d}" for i, (c, k) in enumerate(zip(county.tolist(), pick.tolist()))]
    region_code = np.array([vocab.place.code(c) for c in county_names], dtype=np.int32)[county]
    return {
        "id": readonly(ids),
        "grants": _ragged(grants > 0, grants),
        "seats": readonly(seats),
        "cost": readonly(cost.astype(np.float64)),
        "weeks": readonly(weeks),
        "region": readonly(region_code),
        "prerequisites": _ragged(prereq > 0, prereq),
    }
