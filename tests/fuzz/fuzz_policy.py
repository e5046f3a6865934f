"""Hostile input for policies: ``Policy(...)``, ``GroupQuota(...)`` and ``Policy.from_json``.

Every call goes through ``_tally.attempt`` (only ``ValidationError`` may
escape) and plainly invalid inputs through ``_tally.refused``.  An accepted
policy must hold its invariants (finite weights >= 0 summing to at most
``MAX_WEIGHTS`` and above 0, counts in range, immutable) and round-trip
through JSON.
"""

from __future__ import annotations

import json
import math
from types import MappingProxyType

import numpy as np
from _tally import REFUSED, attempt, refused
from hypothesis import example, given
from hypothesis import strategies as st

from jobmatch import GroupQuota, Policy
from jobmatch.policy import COMPONENTS, DEFAULT_WEIGHTS, MAX_WEIGHTS

HUGE = [2**31, 2**53 + 1, 2**63, 2**64 - 1, 2**70, 10**400, -(2**63), -1]
ODD = [
    None,
    True,
    np.bool_(False),
    "1",
    "",
    " ",
    b"\xff",
    1.5,
    math.nan,
    math.inf,
    -math.inf,
    1e308,
    1e-320,
    np.float32(2.0),
    np.float64(np.nan),
    np.int64(3),
    np.uint64(2**64 - 1),
    np.timedelta64(2, "s"),
    complex(1, 1),
    object(),
    [1],
    {"a": 1},
]
scalars = st.one_of(st.integers(-3, 10), st.floats(), st.sampled_from(HUGE), st.sampled_from(ODD), st.text(max_size=3))
names = st.one_of(
    st.sampled_from([*COMPONENTS, "skil", "Skill", "泰安", "泰按", "poverty_alleviated", "halal", ""]),
    st.text(max_size=4),
    st.sampled_from([1, None, b"x", ("a",)]),
)
good_weights = st.dictionaries(st.sampled_from(COMPONENTS), st.floats(0, 1000, allow_nan=False))
weights = st.one_of(
    good_weights,
    st.dictionaries(names, scalars, max_size=4),
    st.dictionaries(st.sampled_from(COMPONENTS), st.floats(1e5, 1e308), min_size=1),
    st.dictionaries(st.sampled_from(COMPONENTS), scalars, min_size=1, max_size=2),
    st.sampled_from([[], "skill", None, 3, [("skill", 1.0)]]),
)
name_sets = st.one_of(
    st.frozensets(st.sampled_from(COMPONENTS)),
    st.lists(names, max_size=3),
    st.sampled_from(["skill", b"skill", None, 3, {"skill": 1}]),
)
caps = st.one_of(
    st.dictionaries(st.sampled_from(["泰安", "济南", "E1"]), st.integers(0, 10**9)),
    st.dictionaries(names, scalars, max_size=3),
    st.sampled_from([["泰安"], "泰安", None, 5]),
)


@st.composite
def quota_args(draw: st.DrawFn) -> tuple[tuple, dict]:
    group = draw(st.one_of(st.sampled_from(["poverty_alleviated", "female", "脱贫人口"]), names))
    kwargs = {}
    for key, good in (
        ("min_share", st.floats(0, 1)),
        ("max_share", st.floats(0, 1)),
        ("min_count", st.integers(0, 10**9)),
    ):
        choice = draw(st.sampled_from(["absent", "none", "good", "hostile"]))
        if choice == "none":
            kwargs[key] = None
        elif choice == "good":
            kwargs[key] = draw(good)
        elif choice == "hostile":
            kwargs[key] = draw(scalars)
    return (group,), kwargs


def plainly_bad_quota(args: tuple, kwargs: dict) -> bool:
    group = args[0]
    if not isinstance(group, str) or not group.strip():
        return True
    for key in ("min_share", "max_share"):
        value = kwargs.get(key)
        if value is not None and (
            isinstance(value, (bool, np.bool_, str, bytes, complex, np.timedelta64))
            or (isinstance(value, (int, float)) and not 0 <= value <= 1)
        ):
            return True
    count = kwargs.get("min_count")
    return count is not None and (
        isinstance(count, (bool, float, str, np.bool_)) or (isinstance(count, int) and count < 0)
    )


@given(quota_args())
def test_group_quota(args):
    positional, kwargs = args
    quota = attempt("GroupQuota", GroupQuota, *positional, **kwargs)
    if plainly_bad_quota(positional, kwargs):
        refused("GroupQuota", GroupQuota, *positional, **kwargs)
    if quota is REFUSED:
        return
    assert isinstance(quota.group, str) and quota.group.strip()
    for share in (quota.min_share, quota.max_share):
        assert share is None or (type(share) is float and 0 <= share <= 1)
    assert quota.min_count is None or (type(quota.min_count) is int and 0 <= quota.min_count <= 10**9)
    assert not (quota.min_share is None and quota.max_share is None and quota.min_count is None)


@st.composite
def policy_kwargs(draw: st.DrawFn) -> dict:
    """Policy arguments: each field absent, valid, or (unless ``clean``) hostile."""
    clean = draw(st.integers(0, 2)) == 0
    pick = (lambda good, bad: good) if clean else (lambda good, bad: st.one_of(good, bad))
    kwargs: dict = {}
    if draw(st.booleans()):
        kwargs["weights"] = draw(pick(good_weights, weights))
    if draw(st.booleans()):
        kwargs["hard"] = draw(pick(st.frozensets(st.sampled_from(COMPONENTS)), name_sets))
    if draw(st.booleans()):
        kwargs["strict_diets"] = draw(pick(st.frozensets(st.sampled_from(["halal", "rice", "米饭"])), name_sets))
    if draw(st.booleans()):
        quotas = []
        for group in draw(st.lists(st.sampled_from(["female", "脱贫人口", "poverty_alleviated"]), unique=True)):
            quotas.append(GroupQuota(group, min_share=draw(st.floats(0, 0.5)), max_share=draw(st.floats(0.5, 1))))
        if not clean:
            for _ in range(draw(st.integers(0, 2))):
                quota = attempt("GroupQuota", GroupQuota, *draw(quota_args())[0], min_count=1)
                quotas.append(draw(scalars) if quota is REFUSED else quota)
        kwargs["quotas"] = draw(st.sampled_from([quotas, tuple(quotas)] if clean else [quotas, "quota", None]))
    good_caps = st.dictionaries(st.sampled_from(["泰安", "济南", "E1"]), st.integers(0, 10**9))
    for key in ("employer_caps", "region_caps"):
        if draw(st.booleans()):
            kwargs[key] = draw(pick(good_caps, caps))
    for key in ("training_budget", "week_penalty", "cost_penalty"):
        if draw(st.booleans()):
            kwargs[key] = draw(pick(st.floats(0, 1e6), st.one_of(st.sampled_from(HUGE), scalars)))
    return kwargs


def is_number(value: object) -> bool:
    """A plain int or float (not a bool, not numpy's): what the plainly-invalid checks judge."""
    return type(value) in (int, float)


def plainly_bad_policy(kwargs: dict) -> bool:
    """Whether the Policy arguments break a rule in an obvious way (a refusal is then required)."""
    given_weights = kwargs.get("weights", {})
    if not isinstance(given_weights, dict) or any(name not in COMPONENTS for name in given_weights):
        return True
    values = list(given_weights.values())
    if any(isinstance(v, (bool, np.bool_, str, bytes, complex, list, dict, type(None))) for v in values):
        return True
    if all(is_number(v) for v in values):
        if any(not 0 <= v <= MAX_WEIGHTS for v in values):  # each at most the bound on their sum
            return True
        total = sum({**DEFAULT_WEIGHTS, **given_weights}.values())
        if not 0 < total <= MAX_WEIGHTS:
            return True
    hard = kwargs.get("hard", frozenset())
    if isinstance(hard, (str, bytes, dict, type(None), int)) or any(h not in COMPONENTS for h in hard):
        return True
    for key in ("employer_caps", "region_caps"):
        value = kwargs.get(key, {})
        if not isinstance(value, dict):
            return True
        for name, cap in value.items():
            if not isinstance(name, str) or not name.strip() or not is_number(cap) or not 0 <= cap <= 10**9:
                return True
            if isinstance(cap, float):
                return True
    for key in ("week_penalty", "cost_penalty", "training_budget"):
        value = kwargs.get(key, 0.0)
        if value is None and key == "training_budget":
            continue
        if isinstance(value, (bool, str, bytes, type(None))) or (is_number(value) and not 0 <= value < math.inf):
            return True
    return False


@given(policy_kwargs())
@example({"weights": {"skill": 10**400}})  # beyond float: refused, not an OverflowError
@example({"week_penalty": -(10**400), "training_budget": 10**400})
@example({"weights": {"skill": np.timedelta64(2, "s")}})
@example({"weights": {c: 1e308 for c in COMPONENTS}})  # case 7: a sum that overflows
def test_policy(kwargs):
    policy = attempt("Policy", Policy, **kwargs)
    if plainly_bad_policy(kwargs):
        refused("Policy", Policy, **kwargs)
    if policy is REFUSED:
        return
    check_policy(policy)
    text = policy.to_json()
    again = attempt("Policy.from_json", Policy.from_json, text)
    assert again is not REFUSED and again == policy, text


def check_policy(policy: Policy) -> None:
    assert isinstance(policy.weights, MappingProxyType)
    total = 0.0
    for name, weight in policy.weights.items():
        assert isinstance(name, str) and type(weight) is float and math.isfinite(weight) and weight >= 0
        total += weight
    assert 0 < total <= MAX_WEIGHTS
    assert isinstance(policy.hard, frozenset) and policy.hard <= set(COMPONENTS)
    assert isinstance(policy.strict_diets, frozenset) and all(
        isinstance(d, str) and d.strip() for d in policy.strict_diets
    )
    assert isinstance(policy.quotas, tuple) and all(isinstance(q, GroupQuota) for q in policy.quotas)
    assert len({q.group for q in policy.quotas}) == len(policy.quotas)
    for caps_ in (policy.employer_caps, policy.region_caps):
        assert all(isinstance(k, str) and type(v) is int and 0 <= v <= 10**9 for k, v in caps_.items())
    budget = policy.training_budget
    assert budget is None or (type(budget) is float and math.isfinite(budget) and budget >= 0)
    for penalty in (policy.week_penalty, policy.cost_penalty):
        assert type(penalty) is float and math.isfinite(penalty) and penalty >= 0


# ----------------------------------------------------------------------------- JSON


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(), st.text(max_size=4)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)),
    max_leaves=8,
)
fields = st.sampled_from(
    [
        "weights",
        "hard",
        "strict_diets",
        "quotas",
        "employer_caps",
        "region_caps",
        "training_budget",
        "week_penalty",
        "cost_penalty",
    ]
)
RAW = [
    '{"training_budget": NaN}',
    '{"week_penalty": Infinity}',
    '{"week_penalty": -Infinity}',
    '{"week_penalty": 1e400}',
    '{"training_budget": ' + "9" * 30 + "}",
    '{"training_budget": ' + "9" * 5000 + "}",
    '{"region_caps": {"a": -' + "9" * 25 + "}}",
    '{"weights": ' + nested(100) + "}",
    nested(50_000),
    '{"hard": [], "hard": ["skill"]}',
    '{"region_cap": {}}',
    '{"quotas": [{"group": "a", "min_shar": 0.5}]}',
    '{"quotas": [{"group": "a", "min_share": 0.5}, {"group": "a", "min_count": 1}]}',
    '{"weights": {"skill": 1e308, "diet": 1e308}}',
    "",
    "{",
    "\ufeff{}",
    "null",
    "[]",
    '"text"',
    "1",
]


@st.composite
def json_texts(draw: st.DrawFn) -> tuple[object, bool]:
    """(text, plainly invalid?)"""
    kind = draw(st.sampled_from(["valid", "mutated", "raw", "bytes", "random"]))
    if kind == "valid":
        policy = Policy(
            weights=draw(good_weights),
            region_caps=draw(st.dictionaries(st.sampled_from(["泰安", "济南"]), st.integers(0, 100))),
            quotas=[GroupQuota("脱贫人口", min_share=draw(st.floats(0, 1)))] if draw(st.booleans()) else [],
        )
        text = policy.to_json()
        encoding = draw(st.sampled_from([None, "utf-8", "utf-16", "utf-32", "utf-8-sig"]))
        return (text if encoding is None else text.encode(encoding)), False
    if kind == "mutated":
        data = json.loads(Policy().to_json())
        data[draw(fields)] = draw(json_values)
        return json.dumps(data, ensure_ascii=draw(st.booleans())), False
    if kind == "raw":
        text = draw(st.sampled_from(RAW))
        return text, True
    if kind == "bytes":
        return draw(
            st.one_of(st.binary(max_size=12), st.sampled_from([b"\xff\xfe\x00", b'{"hard": ["\xff"]}', b"\x80{}"]))
        ), False
    return draw(st.one_of(st.text(max_size=12), st.sampled_from([None, 3, memoryview(b"{}"), ["{}"], {"a": 1}]))), False


@given(json_texts())
def test_from_json(case):
    text, plainly_bad = case
    policy = attempt("Policy.from_json", Policy.from_json, text)
    if plainly_bad or not isinstance(text, (str, bytes, bytearray)):
        refused("Policy.from_json", Policy.from_json, text)
    if policy is REFUSED:
        return
    check_policy(policy)
    assert Policy.from_json(policy.to_json()) == policy
