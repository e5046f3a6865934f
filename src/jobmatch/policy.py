"""What the user wants from a match: :class:`Policy` and :class:`GroupQuota`.

A Policy is plain data: component weights, which fits are hard filters,
priority-group quotas, caps per employer and per region, and a training
budget.  It round-trips through JSON (``policy.to_json()`` /
``Policy.from_json(text)``) so that a programme office can keep its rules
next to its data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import KW_ONLY, asdict, dataclass, field
from types import MappingProxyType

from .components import COMPONENTS, registered
from .data.schema import NON_NEGATIVE, SHARE, Kind, Rule, fail, param
from .exceptions import ValidationError

__all__ = ["COMPONENTS", "DEFAULT_WEIGHTS", "GroupQuota", "Policy"]

#: Weights used for components a Policy does not mention.
DEFAULT_WEIGHTS = MappingProxyType(
    {"skill": 1.0, "diet": 1.0, "climate": 1.0, "wage": 1.0, "brand": 0.5, "region": 0.5}
)

_POLICY = "Policy"
#: A cap or a quota's count: at most a billion people (far above any programme; no wrap-round downstream).
_LIMIT = Rule(Kind.COUNT, low=0, high=1_000_000_000)


@dataclass(frozen=True)
class GroupQuota:
    """A constraint on how many placements go to one priority group.

    Parameters
    ----------
    group : str
        The group, as written in ``Worker.groups``.
    min_share : float, optional
        At least this share (0..1) of all placed people belong to the group.
    min_count : int, optional
        At least this many placed people belong to the group.
    max_share : float, optional
        At most this share of all placed people belong to the group.

    Examples
    --------
    >>> GroupQuota("poverty_alleviated", min_share=0.75)
    GroupQuota(group='poverty_alleviated', min_share=0.75, min_count=None, max_share=None)
    """

    group: str
    _: KW_ONLY
    min_share: float | None = None
    min_count: int | None = None
    max_share: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.group, str) or not self.group.strip():
            raise fail("GroupQuota", "group", "non-empty text", self.group)
        where = f"GroupQuota {self.group!r}"
        object.__setattr__(self, "min_share", param(where, "min_share", self.min_share, SHARE, or_none=True))
        object.__setattr__(self, "max_share", param(where, "max_share", self.max_share, SHARE, or_none=True))
        object.__setattr__(self, "min_count", param(where, "min_count", self.min_count, _LIMIT, or_none=True))
        if self.min_share is None and self.min_count is None and self.max_share is None:
            raise fail(where, "bounds", "at least one of min_share, min_count, max_share", None)
        if self.min_share is not None and self.max_share is not None and self.min_share > self.max_share:
            raise fail(where, "max_share", f"at least min_share ({self.min_share})", self.max_share)


def _frozen_caps(where: str, name: str, caps: object) -> Mapping[str, int]:
    if not isinstance(caps, Mapping):
        raise fail(where, name, "a mapping of name -> maximum placements", caps)
    checked = {}
    for key, value in caps.items():
        if not isinstance(key, str) or not key.strip():
            raise fail(where, f"{name} key", "non-empty text", key)
        checked[key] = param(where, f"{name}[{key!r}]", value, _LIMIT)
    return MappingProxyType(dict(sorted(checked.items())))


def _frozen_names(where: str, name: str, values: object, allowed: Iterable[str] | None = None) -> frozenset[str]:
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
        raise fail(where, name, "a set of names", values)
    values = list(values)
    allowed = None if allowed is None else tuple(allowed)
    for value in values:
        if not isinstance(value, str) or not value.strip():
            raise fail(where, f"{name} item", "non-empty text", value)
        if allowed is not None and value not in allowed:
            raise fail(where, f"{name} item", f"one of {list(allowed)}", value)
    return frozenset(values)


@dataclass(frozen=True, kw_only=True)
class Policy:
    """What to optimise and which rules a placement must keep.

    Parameters
    ----------
    weights : mapping of str to float, optional
        Weight of each fit component in the composite score (a weighted
        mean).  Components left out keep :data:`DEFAULT_WEIGHTS`; custom
        components registered with :func:`jobmatch.components.register`
        count only where weighted here.
    hard : set of str, optional
        Components that are hard filters: a pair that fails one is never
        proposed.  Default ``{"skill", "wage"}``: every required skill level
        met and wage + subsidy at least the worker's floor.  Diet and
        climate are soft by default.
    strict_diets : set of str, optional
        Food needs that are hard filters even when ``diet`` is soft
        (default ``{"halal"}``).
    quotas : sequence of GroupQuota, optional
        At most one per group; none by default.
    employer_caps, region_caps : mapping of str to int, optional
        Maximum placements per employer / per receiving city.
    training_budget : float or None, optional
        Total training cost allowed in CNY; None means unlimited.  A
        programme costing 0 fits any budget, even 0.
    week_penalty, cost_penalty : float, optional
        What training takes off a trained placement's score: ``week_penalty``
        per week of training and ``cost_penalty`` per 1,000 CNY it costs
        (defaults 0.005 and 0.005, so a 4-week, 1,800 CNY course costs 0.029
        of a score in [0, 1]).  See docs/scoring.md, "Trained placements".

    Examples
    --------
    >>> from jobmatch import GroupQuota, Policy
    >>> policy = Policy(weights={"diet": 2.0},
    ...                 quotas=[GroupQuota("poverty_alleviated", min_share=0.75)],
    ...                 region_caps={"泰安": 500})
    >>> policy.weights["diet"], policy.weights["skill"], sorted(policy.hard)
    (2.0, 1.0, ['skill', 'wage'])
    >>> Policy.from_json(policy.to_json()) == policy
    True
    """

    weights: Mapping[str, float] = field(default_factory=dict)
    hard: AbstractSet[str] = frozenset({"skill", "wage"})
    strict_diets: AbstractSet[str] = frozenset({"halal"})
    quotas: Sequence[GroupQuota] = ()
    employer_caps: Mapping[str, int] = field(default_factory=dict)
    region_caps: Mapping[str, int] = field(default_factory=dict)
    training_budget: float | None = None
    week_penalty: float = 0.005
    cost_penalty: float = 0.005

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        if not isinstance(self.weights, Mapping):
            raise fail(_POLICY, "weights", "a mapping of component -> weight", self.weights)
        weights = dict(DEFAULT_WEIGHTS)
        custom = registered()  # custom components (jobmatch.components) are weighted here too
        for name, value in self.weights.items():
            if name not in COMPONENTS and name not in custom:
                raise fail(_POLICY, "weights key", f"one of {list(COMPONENTS) + list(custom)}", name)
            weights[name] = param(_POLICY, f"weights[{name!r}]", value, NON_NEGATIVE)
        if sum(weights.values()) <= 0:
            raise fail(_POLICY, "weights", "at least one positive weight", dict(self.weights))
        set_(self, "weights", MappingProxyType(weights))
        set_(self, "hard", _frozen_names(_POLICY, "hard", self.hard, COMPONENTS))
        set_(self, "strict_diets", _frozen_names(_POLICY, "strict_diets", self.strict_diets))
        quotas = self.quotas
        if isinstance(quotas, (str, Mapping, GroupQuota)) or not isinstance(quotas, Iterable):
            raise fail(_POLICY, "quotas", "a sequence of GroupQuota", quotas)
        quotas = tuple(quotas)
        seen: set[str] = set()
        for quota in quotas:
            if not isinstance(quota, GroupQuota):
                raise fail(_POLICY, "quotas item", "a GroupQuota", quota)
            if quota.group in seen:
                raise fail(_POLICY, "quotas", "at most one quota per group", f"two for {quota.group!r}", described=True)
            seen.add(quota.group)
        set_(self, "quotas", quotas)
        set_(self, "employer_caps", _frozen_caps(_POLICY, "employer_caps", self.employer_caps))
        set_(self, "region_caps", _frozen_caps(_POLICY, "region_caps", self.region_caps))
        budget = param(_POLICY, "training_budget", self.training_budget, NON_NEGATIVE, or_none=True)
        set_(self, "training_budget", budget)
        for name in ("week_penalty", "cost_penalty"):
            set_(self, name, param(_POLICY, name, getattr(self, name), NON_NEGATIVE))

    __hash__ = None  # type: ignore[assignment]

    def to_json(self) -> str:
        """The policy as JSON text (Unicode kept as written).

        Examples
        --------
        >>> text = Policy(region_caps={"泰安": 10}).to_json()
        >>> print(text[:45])
        {"weights": {"skill": 1.0, "diet": 1.0, "clim
        >>> '"region_caps": {"泰安": 10}' in text
        True
        """
        data = {
            "weights": dict(self.weights),
            "hard": sorted(self.hard),
            "strict_diets": sorted(self.strict_diets),
            "quotas": [asdict(quota) for quota in self.quotas],
            "employer_caps": dict(self.employer_caps),
            "region_caps": dict(self.region_caps),
            "training_budget": self.training_budget,
            "week_penalty": self.week_penalty,
            "cost_penalty": self.cost_penalty,
        }
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Policy:
        """Read a policy written by :meth:`to_json` (or by hand).

        Raises
        ------
        ValidationError
            Text that is not JSON, unknown keys, or values that break a rule.
        """
        if not isinstance(text, (str, bytes, bytearray)):
            raise fail("Policy JSON", "text", "JSON text", text)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise ValidationError(
                f"Policy JSON: text must be valid JSON, got an error at line {err.lineno} "
                f"column {err.colno}: {err.msg}",
                record="Policy JSON",
                field="text",
                expected="valid JSON",
                got=err.msg,
            ) from None
        if not isinstance(data, dict):
            raise fail("Policy JSON", "top level", "an object", data)
        known = {f for f in cls.__dataclass_fields__}
        unknown = sorted(set(data) - known)
        if unknown:
            raise fail("Policy JSON", "keys", f"only {sorted(known)}", unknown)
        quotas = data.get("quotas", [])
        if not isinstance(quotas, list):
            raise fail("Policy JSON", "quotas", "a list of objects", quotas)
        built = []
        for item in quotas:
            if not isinstance(item, dict) or "group" not in item:
                raise fail("Policy JSON", "quotas item", "an object with a 'group'", item)
            extra = sorted(set(item) - {"group", "min_share", "min_count", "max_share"})
            if extra:
                raise fail("Policy JSON", "quotas item keys", "group, min_share, min_count, max_share", extra)
            built.append(GroupQuota(**item))
        data["quotas"] = built
        return cls(**data)
