"""What the user wants from a match: :class:`Policy` and :class:`GroupQuota`.

A Policy is plain data: component weights, which fits are hard filters,
priority-group quotas, caps per employer and per region, and a training
budget.  It round-trips through JSON (``policy.to_json()`` /
``Policy.from_json(text)``) so that a programme office can keep its rules
next to its data.

Why one long module: a policy is one idea, checked in one place: its two
classes, the check of its names against a market (:meth:`Policy.check_names`,
which every entry point runs through :func:`policy_for`) and its JSON form
with the reader's guards; a third of the lines are docstrings with runnable
examples.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import KW_ONLY, asdict, dataclass, field
from types import MappingProxyType
from typing import Any, NoReturn

import numpy as np

from ._checks import NON_NEGATIVE, SHARE, Whole, fail, param
from ._html import html_table
from .components import COMPONENTS, registered
from .data.market import Market
from .data.names import close_names, normalise
from .exceptions import ValidationError

__all__ = ["COMPONENTS", "DEFAULT_WEIGHTS", "MAX_WEIGHTS", "GroupQuota", "Policy", "policy_for"]

#: Weights used for components a Policy does not mention.
DEFAULT_WEIGHTS = MappingProxyType(
    {"skill": 1.0, "diet": 1.0, "climate": 1.0, "wage": 1.0, "brand": 0.5, "region": 0.5}
)
#: Largest total of a policy's weights.  Only their ratios matter (a component's share of the weighted mean is
#: its weight over the total), so dividing every weight by one factor changes nothing: any weighting fits.  The
#: bound keeps the total finite, far from float overflow (weights near 1e308 summed to ``inf`` and made every
#: score 0), and a total beyond it is almost surely a mistake of units.
MAX_WEIGHTS = 1e6
#: The default strict diets: accepted by every market, even one where nobody eats them (a name the library knows).
_DEFAULT_STRICT = frozenset({"halal"})
#: Nesting depth of policy JSON read at most (a policy nests 3 deep; deeper text is refused, not recursed into).
_MAX_DEPTH = 64

_POLICY = "Policy"
#: A cap or a quota's count: at most a billion people (far above any programme; no wrap-round downstream).
_LIMIT = Whole(0, 1_000_000_000)


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


def _close(name: object, known: Iterable[str], *, listed: bool = False) -> str:
    """Words for an error about an unknown name: the close known names, else a few known ones.

    ``listed``: the error already lists every known name, so say nothing when none is close.
    """
    known = sorted(known)
    close = close_names(name, known, cutoff=0.5)
    if close:
        return " (close: " + ", ".join(map(repr, close)) + ")"
    if listed:
        return ""
    if not known:
        return " (it has none)"
    more = ", ..." if len(known) > 5 else ""
    return " (known: " + ", ".join(map(repr, known[:5])) + more + ")"


def _unknown(where: str, field: str, what: str, name: object, known: Iterable[str]) -> NoReturn:
    """Raise the error for a name outside ``known``, suggesting the close ones."""
    raise fail(where, field, what + _close(name, known), name)


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
        mean), each a finite number >= 0, at least one above 0, summing to
        at most :data:`MAX_WEIGHTS` (1e6) with the defaults: only their
        ratios matter.  Components left out keep :data:`DEFAULT_WEIGHTS`;
        custom components registered with
        :func:`jobmatch.components.register` count only where weighted
        here.
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
        Maximum placements (0 to 1e9) per employer / per receiving city.
    training_budget : float or None, optional
        Total training cost allowed in CNY; None means unlimited.  A
        programme costing 0 fits any budget, even 0.
    week_penalty, cost_penalty : float, optional
        What training takes off a trained placement's score: ``week_penalty``
        per week of training and ``cost_penalty`` per 1,000 CNY it costs
        (defaults 0.005 and 0.005, so a 4-week, 1,800 CNY course costs 0.029
        of a score in [0, 1]).  See docs/scoring.md, "Trained placements".

    Notes
    -----
    Names (employers and regions capped, quota groups, strict diets other
    than ``"halal"``) are checked against a market where the policy meets
    one (:meth:`check_names`, run by ``match``, ``build_problem``, ``compare``
    and ``shortlist``): a name no record uses is a ``ValidationError``
    listing the close names, not a rule silently ignored.

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
    strict_diets: AbstractSet[str] = _DEFAULT_STRICT
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
                known = list(COMPONENTS) + list(custom)
                raise fail(_POLICY, "weights key", f"one of {known}{_close(name, known, listed=True)}", name)
            weights[name] = param(_POLICY, f"weights[{name!r}]", value, NON_NEGATIVE)
        total = sum(weights.values())
        if total <= 0:
            raise fail(_POLICY, "weights", "at least one positive weight", dict(self.weights))
        if not total <= MAX_WEIGHTS:
            ratios = "only ratios matter: divide every weight by one factor"
            expected = f"at most {MAX_WEIGHTS:g}, with the defaults ({ratios})"
            raise fail(_POLICY, "sum of weights", expected, total)
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

    @property
    def has_quotas_or_caps(self) -> bool:
        """Whether the policy limits placements beyond the jobs' headcounts (group quotas, employer or region caps):
        rules that job prices alone do not price.

        Examples
        --------
        >>> Policy().has_quotas_or_caps, Policy(region_caps={"泰安": 10}).has_quotas_or_caps
        (False, True)
        """
        return bool(self.quotas or self.employer_caps or self.region_caps)

    def _repr_html_(self) -> str:
        """The notebook view: weights, hard filters, strict diets, quotas, caps and the training budget."""
        rows: list[tuple[str, object]] = [
            ("weights", ", ".join(f"{name} {weight:g}" for name, weight in self.weights.items())),
            ("hard filters", ", ".join(sorted(self.hard)) or "none"),
            ("strict diets", ", ".join(sorted(self.strict_diets)) or "none"),
        ]
        for quota in self.quotas:
            given = (("at least", quota.min_count), ("share at least", quota.min_share),
                     ("share at most", quota.max_share))  # fmt: skip
            bounds = [f"{label} {value:g}" for label, value in given if value is not None]
            rows.append((f"quota {quota.group}", ", ".join(bounds)))
        rows += [(f"employer cap {name}", f"{limit:,}") for name, limit in self.employer_caps.items()]
        rows += [(f"region cap {name}", f"{limit:,}") for name, limit in self.region_caps.items()]
        budget = "none" if self.training_budget is None else f"{self.training_budget:,.0f}"
        rows.append(("training budget", budget))
        return html_table("jobmatch Policy", rows)

    def check_names(self, market: Market) -> None:
        """Check that every name the policy keys a rule on is one the market uses.

        Capped employers and regions must be those of the market's jobs,
        quota groups those of its workers, strict diets foods of its
        workers or canteens (``"halal"``, the default, is always accepted).
        A typo would otherwise cap, count or filter nothing, silently.

        Parameters
        ----------
        market : Market

        Raises
        ------
        ValidationError
            A name the market does not use, with the close names it does
            use (or a few of them when none is close).

        Examples
        --------
        >>> from jobmatch import Job, Market, Policy, Worker
        >>> market = Market([Worker(id="W1", origin="巫溪", min_wage=4000)],
        ...                 [Job(id="J1", employer="泰安机械", region="泰安", capacity=5, wage=4500),
        ...                  Job(id="J2", employer="济南重工", region="济南", capacity=5, wage=4500)])
        >>> Policy(region_caps={"泰安": 5}).check_names(market)
        >>> for policy in (Policy(region_caps={"泰按": 5}), Policy(employer_caps={"Acme": 5})):
        ...     try:
        ...         policy.check_names(market)
        ...     except ValidationError as err:
        ...         print(err)
        Policy: region_caps key must be a region of the market's jobs (close: '泰安'), got '泰按'
        Policy: employer_caps key must be an employer of the market's jobs (known: '泰安机械', '济南重工'), got 'Acme'
        """
        if not isinstance(market, Market):
            raise fail("Policy.check_names", "market", "a jobmatch.Market", type(market).__name__)
        vocab, jobs, workers = market.vocab, market.jobs, market.workers
        foods = np.r_[workers.diet.codes, jobs.canteen.codes]
        strict = sorted(d for d in self.strict_diets if normalise(d) not in _DEFAULT_STRICT)  # halal: always
        for field_name, names, words, codes, what in (
            ("employer_caps key", self.employer_caps, vocab.employer, jobs.employer,
             "an employer of the market's jobs"),
            ("region_caps key", self.region_caps, vocab.place, jobs.region, "a region of the market's jobs"),
            ("quotas group", [q.group for q in self.quotas], vocab.group, workers.groups.codes,
             "a group of the market's workers"),
            ("strict_diets item", strict, vocab.food, foods, "a food of the market (a diet or a canteen's)"),
        ):  # fmt: skip
            used = words.used(codes)
            for name in names:
                if not (name in words and used[words.code(name)]):  # names compared by key, as the market's
                    _unknown(_POLICY, field_name, what, name, [words[c] for c in np.flatnonzero(used)])

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
    def from_json(cls, text: str | bytes | bytearray) -> Policy:
        """Read a policy written by :meth:`to_json` (or by hand).

        ``text`` is JSON text, or bytes in UTF-8 (or UTF-16/32); top-level
        keys that start with ``#`` are comments.  Numbers must be finite
        (``NaN`` and ``Infinity`` are not JSON) and integers within int64;
        an object names each key once; nesting is at most 64 deep.

        Raises
        ------
        ValidationError
            Text that is not JSON (or bytes that do not decode), numbers
            out of range, unknown keys (with the close known ones), or
            values that break a rule.

        Examples
        --------
        >>> Policy.from_json('{"region_caps": {"泰安": 10}}').region_caps["泰安"]
        10
        >>> try:
        ...     Policy.from_json('{"region_cap": {"泰安": 10}}')
        ... except ValidationError as err:
        ...     print(err.field, "|", err.expected[-40:], "|", err.got)
        keys | (close: 'region_caps', 'employer_caps') | ['region_cap']
        """
        where = "Policy JSON"
        if not isinstance(text, (str, bytes, bytearray)):
            raise fail(where, "text", "JSON text", text)
        try:
            data = json.loads(
                text,
                parse_int=_json_int,
                parse_float=_json_float,
                parse_constant=_json_constant,
                object_pairs_hook=_json_object,
            )
        except json.JSONDecodeError as err:
            raise ValidationError(
                f"{where}: text must be valid JSON, got an error at line {err.lineno} column {err.colno}: {err.msg}",
                record=where,
                field="text",
                expected="valid JSON",
                got=err.msg,
            ) from None
        except UnicodeDecodeError as err:
            raise fail(
                where, "text", "UTF-8 (or UTF-16/32) encoded JSON", f"bytes that do not decode: {err}", described=True
            ) from None
        except RecursionError:
            data = None  # nested deeper than Python recurses: deeper than the limit
            too_deep = True
        else:
            too_deep = _depth(data) > _MAX_DEPTH
        if too_deep:
            raise fail(where, "text", f"JSON nested at most {_MAX_DEPTH} deep", "deeper nesting", described=True)
        if not isinstance(data, dict):
            raise fail(where, "top level", "an object", data)
        data = {key: value for key, value in data.items() if not key.startswith("#")}  # "#..." keys are comments
        known = sorted(cls.__dataclass_fields__)
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise fail(where, "keys", f"only {known}{_close(unknown[0], known, listed=True)}", unknown)
        quotas = data.get("quotas", [])
        if not isinstance(quotas, list):
            raise fail(where, "quotas", "a list of objects", quotas)
        built = []
        for item in quotas:
            if not isinstance(item, dict) or "group" not in item:
                raise fail(where, "quotas item", "an object with a 'group'", item)
            extra = sorted(set(item) - {"group", "min_share", "min_count", "max_share"})
            if extra:
                raise fail(where, "quotas item keys", "group, min_share, min_count, max_share", extra)
            built.append(GroupQuota(**item))
        data["quotas"] = built
        return cls(**data)


#: A starting policy file (``jobmatch policy --template``): valid JSON, every rule explained by a "#" key.
TEMPLATE = """{
  "#": "A jobmatch policy. Keys starting with # are comments; delete what you do not need.",
  "#weights": "How much each fit counts in the score (skill, diet, climate, wage, brand, region).",
  "weights": {"skill": 1.0, "diet": 1.0, "climate": 1.0, "wage": 1.0, "brand": 0.5, "region": 0.5},
  "#hard": "Fits that must hold for a pair to be allowed at all (the others only lower the score).",
  "hard": ["skill", "wage"],
  "#strict_diets": "Foods a worker must be served (a canteen without them rules the job out).",
  "strict_diets": ["halal"],
  "#quotas": "Shares or counts of people placed per worker group, e.g. 75% poverty-alleviated.",
  "quotas": [{"group": "poverty_alleviated", "min_share": 0.75}],
  "#employer_caps": "At most this many people placed per employer, e.g. {'E001': 50}.",
  "employer_caps": {},
  "#region_caps": "At most this many people placed per region, e.g. {'泰安': 500}.",
  "region_caps": {},
  "#training_budget": "Total training cost allowed (CNY), or null for no limit.",
  "training_budget": null
}
"""


def policy_for(where: str, market: object, policy: object) -> Policy:
    """The policy an entry point runs with: ``Policy()`` for None, checked against the market.

    The one place where ``match``, ``build_problem``, ``compare``, ``routes`` and
    ``shortlist`` check their ``market`` and ``policy`` arguments, so that
    every path refuses the same things (:meth:`Policy.check_names`).

    Examples
    --------
    >>> from jobmatch import synth
    >>> policy_for("match", synth.scenario(5, 2, seed=1), None) == Policy()
    True
    >>> policy_for("match", None, None)
    Traceback (most recent call last):
    ...
    jobmatch.exceptions.ValidationError: match: market must be a jobmatch.Market, got 'NoneType'
    """
    if not isinstance(market, Market):
        frame = hasattr(market, "columns") or hasattr(market, "column_names")  # a data frame or an Arrow table
        hint = " (build one from frames with Market.from_frames(workers, jobs), or from files with Market.from_files)"
        raise fail(where, "market", "a jobmatch.Market" + (hint if frame else ""), type(market).__name__)
    if policy is None:
        policy = Policy()
    elif not isinstance(policy, Policy):
        raise fail(where, "policy", "a jobmatch.Policy or None", type(policy).__name__)
    policy.check_names(market)
    return policy


# ------------------------------------------------------------------ JSON hooks
def _json_int(text: str) -> int:
    """A JSON integer, refused beyond int64 (before Python parses thousands of digits)."""
    value = int(text) if len(text) <= 20 else None
    if value is None or not -(2**63) <= value < 2**63:
        raise fail("Policy JSON", "numbers", "integers from -2**63 to 2**63 - 1", text)
    return value


def _json_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise fail("Policy JSON", "numbers", "finite (at most about 1.8e308)", text)
    return value


def _json_constant(text: str) -> NoReturn:
    raise fail("Policy JSON", "numbers", "finite (NaN and Infinity are not JSON)", text)


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):
        twice = next(key for key, _ in pairs if sum(k == key for k, _ in pairs) > 1)
        raise fail("Policy JSON", "keys", "each key once per object", f"{twice!r} twice", described=True)
    return data


def _depth(data: object) -> int:
    """Nesting depth of parsed JSON, without recursion."""
    deepest, todo = 0, [(data, 1)]
    while todo:
        item, depth = todo.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            todo.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest
