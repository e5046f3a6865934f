"""Hypothesis strategies for valid records, markets and policies."""

from __future__ import annotations

from hypothesis import strategies as st

from jobmatch import GroupQuota, Job, Market, Policy, TrainingProgram, Worker
from jobmatch.policy import COMPONENTS

# Unicode names, as the programme uses: Chinese places, Latin ids, emoji even.
_alphabet = st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs"), exclude_characters=";:")
names = st.text(_alphabet, min_size=1, max_size=8).filter(lambda s: s.strip() != "")
ids = st.one_of(names, st.sampled_from(["泰安-07", "巫溪-0001", "Tai'an", "W1", "城口 足疗"]))
skills = st.sampled_from(["assembly", "welding", "foot_care", "housekeeping", "cooking", "焊接"])
foods = st.sampled_from(["rice", "sichuan", "wheat", "halal", "米饭"])
places = st.sampled_from(["巫溪", "城口", "武隆", "泰安", "济南", "淄博", "枣庄"])
levels = st.integers(1, 5)
level_maps = st.dictionaries(skills, levels, max_size=3)
money = st.floats(0, 20_000, allow_nan=False, allow_infinity=False)


@st.composite
def workers(draw, id=None):
    return Worker(
        id=draw(ids) if id is None else id,
        origin=draw(places),
        min_wage=draw(money),
        skills=draw(level_maps),
        diet=draw(st.frozensets(foods, max_size=3)),
        needs_heating=draw(st.booleans()),
        groups=draw(st.frozensets(st.sampled_from(["poverty_alleviated", "female"]))),
        brand=draw(st.one_of(st.none(), st.sampled_from(["Shizhu aunties", "Wuxi grilled fish"]))),
        preferred_regions=draw(st.frozensets(places, max_size=2)),
        trainable=draw(st.booleans()),
        size=draw(st.integers(1, 3)),
    )


@st.composite
def jobs(draw, id=None):
    return Job(
        id=draw(ids) if id is None else id,
        employer=draw(names),
        region=draw(places),
        capacity=draw(st.integers(0, 50)),
        wage=draw(money),
        subsidy=draw(st.floats(0, 1000, allow_nan=False)),
        requires=draw(level_maps),
        canteen=draw(st.frozensets(foods, max_size=4)),
        heated_dorm=draw(st.booleans()),
        brands=draw(st.frozensets(st.sampled_from(["Shizhu aunties", "Wulong bowl mutton"]))),
    )


@st.composite
def programs(draw, id=None):
    grants = draw(st.dictionaries(skills, st.integers(2, 5), min_size=1, max_size=2))
    prerequisites = {}
    for skill in draw(st.lists(skills, max_size=2, unique=True)):
        top = grants[skill] - 1 if skill in grants else 5
        prerequisites[skill] = draw(st.integers(1, top))
    return TrainingProgram(
        id=draw(ids) if id is None else id,
        grants=grants,
        prerequisites=prerequisites,
        seats=draw(st.integers(0, 100)),
        cost=draw(money),
        weeks=draw(st.integers(1, 52)),
        region=draw(places),
    )


def _unique(kind, max_size):
    return st.lists(ids, max_size=max_size, unique=True).flatmap(
        lambda chosen: st.tuples(*(kind(id=i) for i in chosen)) if chosen else st.just(())
    )


@st.composite
def record_lists(draw, max_workers=8, max_jobs=5, max_programs=3):
    """(workers, jobs, programs) with unique ids per kind."""
    return draw(_unique(workers, max_workers)), draw(_unique(jobs, max_jobs)), draw(_unique(programs, max_programs))


@st.composite
def markets(draw, **sizes):
    w, j, p = draw(record_lists(**sizes))
    return Market(w, j, p)


@st.composite
def policies(draw):
    weights = draw(st.dictionaries(st.sampled_from(COMPONENTS), st.floats(0.1, 5, allow_nan=False)))
    groups = draw(st.lists(st.sampled_from(["poverty_alleviated", "female", "青年"]), unique=True, max_size=2))
    quotas = []
    for group in groups:
        low = draw(st.one_of(st.none(), st.floats(0, 0.5)))
        high = draw(st.one_of(st.none(), st.floats(0.5, 1)))
        count = draw(st.one_of(st.none(), st.integers(0, 1000)))
        if low is None and high is None and count is None:
            count = 1
        quotas.append(GroupQuota(group, min_share=low, max_share=high, min_count=count))
    caps = st.dictionaries(places, st.integers(0, 10_000), max_size=3)
    return Policy(
        weights=weights,
        hard=draw(st.frozensets(st.sampled_from(COMPONENTS))),
        strict_diets=draw(st.frozensets(foods, max_size=2)),
        quotas=quotas,
        employer_caps=draw(caps),
        region_caps=draw(caps),
        training_budget=draw(st.one_of(st.none(), money)),
        week_penalty=draw(st.floats(0, 0.1)),
        cost_penalty=draw(st.floats(0, 0.1)),
    )
