"""The synthetic Shandong–Chongqing scenario: deterministic, realistic, fast path = slow path."""

from __future__ import annotations

import numpy as np
import pytest

from jobmatch import Market, ValidationError, synth
from jobmatch.data.ragged import Ragged


def _arrays(market):
    for table in (market.workers, market.jobs, market.programs):
        for name, column in table.columns.items():
            parts = (column.indptr, column.codes, column.levels) if isinstance(column, Ragged) else (column,)
            for part in parts:
                if part is not None:
                    yield f"{table.record_type.kind}.{name}", part


def test_same_seed_same_market_byte_for_byte():
    a, b = synth.scenario(3000, 80, 10, seed=11), synth.scenario(3000, 80, 10, seed=11)
    assert a == b
    pairs = list(zip(_arrays(a), _arrays(b)))
    assert len(pairs) == len(list(_arrays(a))) == len(list(_arrays(b)))
    for (name, x), (_, y) in pairs:
        assert x.dtype == y.dtype, name
        if x.dtype == object:
            assert list(x) == list(y), name
        else:
            assert x.tobytes() == y.tobytes(), name


def test_different_seeds_differ():
    assert synth.scenario(500, 20, seed=1) != synth.scenario(500, 20, seed=2)


def test_workers_do_not_depend_on_jobs_or_programs():
    a, b = synth.scenario(800, 10, 0, seed=5), synth.scenario(800, 60, 7, seed=5)
    assert all(a.worker(i) == b.worker(i) for i in range(0, 800, 37))


def test_fast_path_equals_market_built_from_records():
    market = synth.scenario(400, 30, 6, seed=3)
    rebuilt = Market(
        [market.worker(i) for i in range(market.n_workers)],
        [market.job(i) for i in range(market.n_jobs)],
        [market.program(i) for i in range(market.n_programs)],
    )
    assert rebuilt == market


def test_shape_follows_the_programme():
    market = synth.scenario(20_000, 2_000, 30, seed=0)
    w, j, vocab = market.workers, market.jobs, market.vocab
    poor = w.groups.rows_with(vocab.group.code("poverty_alleviated")).mean()
    assert 0.72 < poor < 0.78  # about 75% poverty-alleviated
    assert {"巫溪", "城口", "武隆", "石柱", "丰都"} <= set(vocab.place)
    assert {"泰安", "济南", "淄博", "枣庄"} <= set(vocab.place)
    assert set(vocab.place.decode(np.unique(w.origin))).isdisjoint(vocab.place.decode(np.unique(j.region)))
    pay = j.wage + j.subsidy
    assert 3000 <= j.wage.min() and j.wage.max() <= 9000
    assert 3500 <= np.median(pay) <= 6500
    assert w.diet.rows_with(vocab.food.code("rice")).mean() > 0.8
    assert 0.4 < w.needs_heating.mean() < 0.9 and 0.4 < j.heated_dorm.mean() < 0.9
    serves_sichuan = j.canteen.rows_with(vocab.food.code("sichuan"))
    assert 0.1 < serves_sichuan.mean() < 0.6  # some canteens do, most do not
    assert set(vocab.brand) == {p[0] for p in synth.PARTNERSHIPS}
    for brand, county, skill, city, _ in synth.PARTNERSHIPS:
        members = w.brand == vocab.brand.code(brand)
        assert members.any()
        assert np.all(w.origin[members] == vocab.place.code(county))
        assert w.skills.rows_with(vocab.skill.code(skill))[members].all()
        partners = j.brands.rows_with(vocab.brand.code(brand))
        assert partners.any() and np.all(j.region[partners] == vocab.place.code(city))
    people = int(w.size.sum())
    assert 0.8 * people <= j.capacity.sum() <= 1.0 * people
    assert (j.capacity >= 1).all()
    assert (w.skills.lengths() == 0).mean() > 0.05  # some general labourers
    assert market.programs.seats.sum() > 0
    # Skill matters to pay: workers holding a level-4+ skill ask more.
    top = np.zeros(len(w), dtype=np.int64)
    np.maximum.at(top, np.repeat(np.arange(len(w)), w.skills.lengths()), w.skills.levels)
    assert w.min_wage[top >= 4].mean() > w.min_wage[top == 0].mean() + 300


def test_every_record_is_valid_by_the_record_rules():
    market = synth.scenario(300, 25, 8, seed=9)
    # Building each record runs every field rule; programmes also check their levels.
    for i in range(market.n_programs):
        program = market.program(i)
        for skill, level in program.prerequisites.items():
            assert level < program.grants.get(skill, 6)


@pytest.mark.parametrize("sizes", [(0, 0, 0), (1, 1, 0), (5, 0, 1), (0, 3, 2)])
def test_tiny_and_empty_scenarios(sizes):
    market = synth.scenario(*sizes, seed=0)
    assert (market.n_workers, market.n_jobs, market.n_programs) == sizes
    assert Market.from_frames(*market.to_frames()) == market


@pytest.mark.parametrize(
    ("args", "kwargs", "field"),
    [
        ((-1, 5), {}, "n_workers"),
        ((5, 2.5), {}, "n_jobs"),
        ((5, 5, True), {}, "n_programs"),
        ((5, 5), {"seed": -3}, "seed"),
        ((5, 5), {"seed": "0"}, "seed"),
    ],
)
def test_bad_arguments(args, kwargs, field):
    with pytest.raises(ValidationError) as caught:
        synth.scenario(*args, **kwargs)
    assert caught.value.field == field
