"""Records check their own fields and reject bad input with ValidationError only."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobmatch import Job, TrainingProgram, ValidationError, Worker
from jobmatch.data.records import MAX_COUNT, record_fields
from jobmatch.data.schema import Kind, LevelMap
from strategies import jobs, programs, workers

VALID = {
    Worker: dict(id="巫溪-0001", origin="巫溪", min_wage=4000),
    Job: dict(id="泰安-07", employer="泰安机械", region="泰安", capacity=3, wage=4500),
    TrainingProgram: dict(id="城口-足疗", grants={"foot_care": 2}, seats=40, cost=1800, weeks=4, region="城口"),
}

WRONG_TYPES = st.sampled_from([None, b"bytes", object(), 1 + 2j, [["nested"]], {"a": "b"}])
BAD_TEXT = st.one_of(st.sampled_from(["", "   ", "\t\n", 5, 3.5, True, ["a"]]), WRONG_TYPES)
BAD_SET = st.one_of(
    st.sampled_from(["rice", {"a": 1}, 5, None, ["", "x"], [1], ["a", "a"], ("x", None), [" "]]), WRONG_TYPES
)
BAD_LEVELS = st.one_of(
    st.dictionaries(st.sampled_from(["welding", "焊接"]), st.integers().filter(lambda v: not 1 <= v <= 5), min_size=1),
    st.sampled_from(
        [
            {"a": 2.5},
            {"a": True},
            {"": 2},
            {3: 2},
            {"a": "3"},
            "welding:3",
            5,
            None,
            [("a", 1), ("a", 2)],
            [("a",)],
            {"a": float("nan")},
            {"a": np.float64(2)},
        ]
    ),
)
BAD_FLAG = st.one_of(st.sampled_from([1, 0, "yes", "True", 1.0, np.int64(1)]), WRONG_TYPES)


def bad_numbers(rule):
    """Numbers outside the rule's range, non-finite, wrong types, huge."""
    out_of_range = st.one_of(
        st.integers(max_value=int(rule.low) - 1),
        st.integers(min_value=int(rule.high) + 1),
        st.floats(max_value=rule.low, exclude_max=True),
        st.floats(min_value=rule.high, exclude_min=True),
        st.sampled_from([math.nan, math.inf, -math.inf, np.nan, 10**30, -(10**30), 1e300]),
    )
    wrong = st.sampled_from(["4000", True, False, np.bool_(True), [1]])
    if rule.kind is Kind.COUNT:
        return st.one_of(out_of_range, wrong, st.sampled_from([2.5, 3.0, np.float64(1.0), rule.low + 0.5]))
    return st.one_of(out_of_range, wrong, WRONG_TYPES)


def bad_values(rule):
    if rule.kind in (Kind.COUNT, Kind.AMOUNT):
        return bad_numbers(rule)
    return {
        Kind.ID: BAD_TEXT,
        Kind.NAME: BAD_TEXT,
        Kind.OPTIONAL: BAD_TEXT.filter(lambda v: v is not None),
        Kind.NAMES: BAD_SET,
        Kind.LEVELS: BAD_LEVELS,
        Kind.FLAG: BAD_FLAG,
    }[rule.kind]


CASES = [(record_type, name, rule) for record_type in VALID for name, rule, _ in record_fields(record_type)]


@pytest.mark.parametrize(("record_type", "name", "rule"), CASES, ids=[f"{t.kind}.{n}" for t, n, _ in CASES])
@given(data=st.data())
def test_bad_field_raises_validation_error_naming_record_and_field(record_type, name, rule, data):
    value = data.draw(bad_values(rule), label=name)
    if record_type is TrainingProgram and name == "grants" and value == {}:
        return
    kwargs = dict(VALID[record_type], **{name: value})
    with pytest.raises(ValidationError) as caught:
        record_type(**kwargs)
    err = caught.value
    assert isinstance(err, ValueError)
    assert err.field is not None and err.field.startswith(name), (err.field, name)
    assert str(err).startswith(record_type.kind)
    if name != "id":
        assert repr(kwargs["id"]) in str(err)
    assert " must be " in str(err) and ", got " in str(err)


@pytest.mark.parametrize("record_type", list(VALID))
def test_missing_required_field_is_a_type_error_of_python(record_type):
    # Leaving out a required keyword is a programming error Python reports itself.
    with pytest.raises(TypeError):
        record_type()


@given(st.one_of(workers(), jobs(), programs()))
def test_valid_records_are_normalised_immutable_and_hashable(record):
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        assert not isinstance(value, (set, dict, list))
    assert hash(record) == hash(dataclasses.replace(record))
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.id = "other"  # type: ignore[misc]


def test_unicode_ids_and_names_kept_intact():
    w = Worker(id="城口-母亲-38岁", origin="城口", min_wage=5000, skills={"足疗": 2}, brand="石柱土家大姐")
    assert (w.id, w.origin, w.brand, dict(w.skills)) == ("城口-母亲-38岁", "城口", "石柱土家大姐", {"足疗": 2})


def test_numpy_scalars_accepted_and_converted():
    j = Job(
        id="J", employer="E", region="泰安", capacity=np.int64(4), wage=np.float32(4200.5), heated_dorm=np.bool_(True)
    )
    assert type(j.capacity) is int and type(j.wage) is float and j.heated_dorm is True


def test_sets_and_maps_are_copied_not_aliased():
    diet = {"rice"}
    skills = {"welding": 2}
    w = Worker(id="W", origin="巫溪", min_wage=1, diet=diet, skills=skills)
    diet.add("halal")
    skills["welding"] = 5
    assert w.diet == {"rice"} and w.skills == {"welding": 2}
    assert isinstance(w.skills, LevelMap)


def test_boundaries_are_inclusive():
    Job(id="J", employer="E", region="R", capacity=0, wage=0)
    Job(id="J", employer="E", region="R", capacity=MAX_COUNT, wage=0)
    Worker(id="W", origin="O", min_wage=0, skills={"a": 1, "b": 5})


def test_program_must_grant_something_and_not_require_what_it_grants():
    with pytest.raises(ValidationError, match=r"grants must be at least one skill"):
        TrainingProgram(**dict(VALID[TrainingProgram], grants={}))
    with pytest.raises(ValidationError, match=r"prerequisites\['foot_care'\] must be below the granted level 2, got 2"):
        TrainingProgram(**dict(VALID[TrainingProgram], prerequisites={"foot_care": 2}))
    ok = TrainingProgram(**dict(VALID[TrainingProgram], grants={"welding": 3}, prerequisites={"welding": 1}))
    assert ok.prerequisites == {"welding": 1}


def test_error_message_format_matches_the_design():
    with pytest.raises(ValidationError) as caught:
        Job(id="泰安-07", employer="E", region="泰安", capacity=-3, wage=4000)
    assert str(caught.value) == "Job '泰安-07': capacity must be an integer from 0 to 1000000000, got -3"
    assert (caught.value.record, caught.value.field, caught.value.got) == ("Job '泰安-07'", "capacity", -3)


def test_a_str_is_not_taken_for_a_set_of_letters():
    with pytest.raises(ValidationError, match=r"diet must be a set of non-empty text values \(a str is not a set\)"):
        Worker(id="W", origin="巫溪", min_wage=1, diet="rice")
