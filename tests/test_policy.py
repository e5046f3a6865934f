"""Policy: defaults, validation, JSON round trip."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given

from jobmatch import GroupQuota, Policy, ValidationError
from jobmatch.policy import COMPONENTS, DEFAULT_WEIGHTS
from strategies import policies


def test_defaults_follow_the_programme():
    policy = Policy()
    assert policy.hard == {"skill", "wage"}
    assert "diet" not in policy.hard and "climate" not in policy.hard
    assert policy.strict_diets == {"halal"}
    assert policy.quotas == () and policy.training_budget is None
    assert dict(policy.weights) == dict(DEFAULT_WEIGHTS) and set(policy.weights) == set(COMPONENTS)


@given(policies())
def test_json_round_trip(policy):
    text = policy.to_json()
    assert Policy.from_json(text) == policy
    assert json.loads(text)["weights"] == dict(policy.weights)


def test_json_keeps_unicode():
    policy = Policy(region_caps={"泰安": 300}, quotas=[GroupQuota("脱贫人口", min_share=0.75)])
    text = policy.to_json()
    assert "泰安" in text and "脱贫人口" in text
    assert Policy.from_json(text).region_caps["泰安"] == 300


def test_policy_is_immutable():
    policy = Policy(weights={"diet": 2})
    with pytest.raises(TypeError):
        policy.weights["diet"] = 3  # type: ignore[index]
    with pytest.raises(AttributeError):
        policy.hard = frozenset()  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weights": {"dite": 1.0}}, r"Policy: weights key must be one of .*, got 'dite'"),
        ({"weights": {"diet": -1}}, r"Policy: weights\['diet'\] must be a finite number >= 0, got -1"),
        ({"weights": {"diet": math.nan}}, r"weights\['diet'\] must be a finite number >= 0, got nan"),
        ({"weights": {"diet": math.inf}}, r"weights\['diet'\]"),
        ({"weights": {"diet": True}}, r"weights\['diet'\]"),
        ({"weights": {c: 0 for c in COMPONENTS}}, r"Policy: weights must be at least one positive weight"),
        ({"weights": [1, 2]}, r"Policy: weights must be a mapping"),
        ({"hard": {"skil"}}, r"Policy: hard item must be one of .*, got 'skil'"),
        ({"hard": "skill"}, r"Policy: hard must be a set of names, got 'skill'"),
        ({"strict_diets": [""]}, r"Policy: strict_diets item must be non-empty text"),
        ({"quotas": [GroupQuota("a", min_count=1)] * 2}, r"Policy: quotas must be at most one quota per group"),
        ({"quotas": GroupQuota("a", min_count=1)}, r"Policy: quotas must be a sequence of GroupQuota"),
        ({"quotas": [{"group": "a"}]}, r"Policy: quotas item must be a GroupQuota"),
        ({"employer_caps": {"E": -1}}, r"Policy: employer_caps\['E'\] must be an integer from 0"),
        ({"region_caps": {"泰安": 2.5}}, r"Policy: region_caps\['泰安'\] must be an integer"),
        ({"region_caps": {"": 2}}, r"Policy: region_caps key must be non-empty text"),
        ({"region_caps": ["泰安"]}, r"Policy: region_caps must be a mapping"),
        ({"training_budget": -5}, r"Policy: training_budget must be a finite number >= 0 or None, got -5"),
        ({"training_budget": math.inf}, r"training_budget"),
        ({"training_budget": "1000"}, r"training_budget"),
    ],
)
def test_bad_policy_values(kwargs, message):
    with pytest.raises(ValidationError, match=message):
        Policy(**kwargs)


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("",), {"min_share": 0.5}, r"GroupQuota: group must be non-empty text"),
        (("pa",), {}, r"GroupQuota 'pa': bounds must be at least one of min_share, min_count, max_share"),
        (("pa",), {"min_share": 1.5}, r"GroupQuota 'pa': min_share must be a share from 0 to 1 or None, got 1.5"),
        (("pa",), {"min_share": math.nan}, r"min_share must be a share"),
        (("pa",), {"max_share": -0.1}, r"max_share must be a share"),
        (("pa",), {"min_share": 0.8, "max_share": 0.7}, r"max_share must be at least min_share \(0.8\), got 0.7"),
        (("pa",), {"min_count": -1}, r"min_count must be an integer from 0"),
        (("pa",), {"min_count": 1.5}, r"min_count must be an integer"),
    ],
)
def test_bad_quotas(args, kwargs, message):
    with pytest.raises(ValidationError, match=message):
        GroupQuota(*args, **kwargs)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", r"Policy JSON: text must be valid JSON, got an error at line 1"),
        ("[]", r"Policy JSON: top level must be an object"),
        ('{"weigths": {}}', r"Policy JSON: keys must be only .*, got \['weigths'\]"),
        ('{"quotas": {"group": "a"}}', r"Policy JSON: quotas must be a list of objects"),
        ('{"quotas": [{"min_share": 0.5}]}', r"Policy JSON: quotas item must be an object with a 'group'"),
        ('{"quotas": [{"group": "a", "share": 0.5}]}', r"quotas item keys must be group, min_share"),
        ('{"weights": {"diet": "high"}}', r"Policy: weights\['diet'\] must be a finite number"),
        ('{"hard": ["skill", 3]}', r"Policy: hard item must be non-empty text, got 3"),
        ('{"training_budget": -1}', r"training_budget"),
    ],
)
def test_bad_policy_json(text, message):
    with pytest.raises(ValidationError, match=message):
        Policy.from_json(text)


def test_from_json_needs_text():
    with pytest.raises(ValidationError, match="Policy JSON: text must be JSON text"):
        Policy.from_json(None)  # type: ignore[arg-type]
