"""Records: :class:`Worker`, :class:`Job` and :class:`TrainingProgram`.

Records are frozen, slotted, keyword-only dataclasses.  Each checks its own
fields when built (the rules live in the field metadata, see
:mod:`jobmatch.data.schema`) and stores them in immutable form: sets become
``frozenset``, skill maps become :class:`~jobmatch.data.schema.LevelMap`.
Checks that span records (unique ids, known skills) belong to
:class:`~jobmatch.Market`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from .._checks import fail
from .schema import MAX_LEVEL, Kind, LevelMap, Rule

__all__ = ["Job", "Labels", "Record", "TrainingProgram", "Worker", "record_fields"]

MAX_COUNT = 1_000_000_000  # headcounts and seats: far above any real employer
MAX_SIZE = 1_000  # people who move together as one unit
MAX_WAGE = 10_000_000.0  # CNY per month
MAX_COST = 1_000_000_000.0  # CNY per trainee
MAX_WEEKS = 520


def _field(rule: Rule, default: Any = dataclasses.MISSING, factory: Any = dataclasses.MISSING) -> Any:
    return field(default=default, default_factory=factory, metadata={"rule": rule})


def record_fields(record_type: type[Record]) -> Iterator[tuple[str, Rule, Any]]:
    """Yield ``(name, rule, default)`` for each field of a record type.

    ``default`` is ``dataclasses.MISSING`` for a required field.

    Examples
    --------
    >>> [name for name, _, _ in record_fields(TrainingProgram)][:3]
    ['id', 'grants', 'seats']
    """
    for f in dataclasses.fields(record_type):  # type: ignore[arg-type]  # every Record subclass is a dataclass
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            default = dataclasses.MISSING
        yield f.name, f.metadata["rule"], default


class Labels(Sequence[str]):
    """Record labels (``"Worker 'W1'"``) computed only when an error needs one."""

    def __init__(self, kind: str, ids: Sequence[object]) -> None:
        self.kind, self.ids = kind, ids

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, row: int) -> str:  # type: ignore[override]  # rows only, no slices
        value = self.ids[row]
        if isinstance(value, str) and value.strip():
            return f"{self.kind} {value!r}"
        return f"{self.kind} at row {row}"


class Record:
    """What the record dataclasses share: their kind's name, an ``id``, and checking their own fields."""

    __slots__ = ()
    kind: ClassVar[str]
    if TYPE_CHECKING:
        id: str

    def __post_init__(self) -> None:
        raw_id = self.id
        where = f"{self.kind} {raw_id!r}" if isinstance(raw_id, str) and raw_id.strip() else self.kind
        for name, rule, _ in record_fields(type(self)):
            object.__setattr__(self, name, rule.check(getattr(self, name), where, name))
        self._check_record(where)

    def _check_record(self, where: str) -> None:
        """Checks across the fields of one record (none by default)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Worker(Record):
    """A rural worker on the sending region's employment-demand list.

    Parameters
    ----------
    id : str
        Unique worker id (any Unicode text).
    origin : str
        Sending county, e.g. ``"巫溪"`` (Wuxi).
    min_wage : float
        Lowest acceptable monthly pay in CNY (wage plus subsidy).
    skills : mapping of str to int, optional
        Skill -> level 1..5.
    diet : set of str, optional
        Foods the worker needs the canteen to serve, e.g. ``{"rice", "sichuan"}``.
    needs_heating : bool, optional
        Whether the worker needs a heated dormitory.
    groups : set of str, optional
        Priority groups, e.g. ``{"poverty_alleviated"}``.
    brand : str or None, optional
        The labour brand the worker belongs to, e.g. ``"Shizhu aunties"``.
    preferred_regions : set of str, optional
        Receiving cities the worker wants; empty means anywhere.
    trainable : bool, optional
        Whether the worker is willing and able to take training.
    size : int, optional
        People who move together as one unit (a couple is 2).

    Examples
    --------
    >>> w = Worker(id="CQ-001", origin="巫溪", min_wage=4000,
    ...            skills={"welding": 3}, diet={"rice", "sichuan"},
    ...            needs_heating=True, groups={"poverty_alleviated"})
    >>> w.skills["welding"], sorted(w.diet), w.size
    (3, ['rice', 'sichuan'], 1)
    """

    kind: ClassVar[str] = "Worker"

    id: str = _field(Rule(Kind.ID))
    origin: str = _field(Rule(Kind.NAME, "place"))
    min_wage: float = _field(Rule(Kind.AMOUNT, low=0, high=MAX_WAGE))
    skills: LevelMap = _field(Rule(Kind.LEVELS, "skill"), factory=LevelMap)
    diet: frozenset[str] = _field(Rule(Kind.NAMES, "food"), frozenset())
    needs_heating: bool = _field(Rule(Kind.FLAG), False)
    groups: frozenset[str] = _field(Rule(Kind.NAMES, "group"), frozenset())
    brand: str | None = _field(Rule(Kind.OPTIONAL, "brand"), None)
    preferred_regions: frozenset[str] = _field(Rule(Kind.NAMES, "place"), frozenset())
    trainable: bool = _field(Rule(Kind.FLAG), True)
    size: int = _field(Rule(Kind.COUNT, low=1, high=MAX_SIZE), 1)


@dataclass(frozen=True, slots=True, kw_only=True)
class Job(Record):
    """A position on the receiving region's job-supply list.

    Parameters
    ----------
    id : str
        Unique job id.
    employer : str
        The employer offering the position.
    region : str
        Receiving city, e.g. ``"泰安"`` (Tai'an).
    capacity : int
        Headcount: how many people the position takes.
    wage : float
        Monthly wage in CNY.
    subsidy : float, optional
        Monthly support paid to a placed worker (by either region's bureau).
    requires : mapping of str to int, optional
        Skill -> minimum level 1..5.
    canteen : set of str, optional
        Foods the canteen serves.
    heated_dorm : bool, optional
        Whether the dormitory is heated.
    brands : set of str, optional
        Sending-region labour brands the employer has agreements with.

    Examples
    --------
    >>> j = Job(id="泰安-07", employer="泰安机械", region="泰安", capacity=12,
    ...         wage=4200, subsidy=300, requires={"welding": 2},
    ...         canteen={"rice", "sichuan", "wheat"}, heated_dorm=True)
    >>> j.capacity, j.wage + j.subsidy
    (12, 4500.0)
    """

    kind: ClassVar[str] = "Job"

    id: str = _field(Rule(Kind.ID))
    employer: str = _field(Rule(Kind.NAME, "employer"))
    region: str = _field(Rule(Kind.NAME, "place"))
    capacity: int = _field(Rule(Kind.COUNT, low=0, high=MAX_COUNT))
    wage: float = _field(Rule(Kind.AMOUNT, low=0, high=MAX_WAGE))
    subsidy: float = _field(Rule(Kind.AMOUNT, low=0, high=MAX_WAGE), 0.0)
    requires: LevelMap = _field(Rule(Kind.LEVELS, "skill"), factory=LevelMap)
    canteen: frozenset[str] = _field(Rule(Kind.NAMES, "food"), frozenset())
    heated_dorm: bool = _field(Rule(Kind.FLAG), False)
    brands: frozenset[str] = _field(Rule(Kind.NAMES, "brand"), frozenset())


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainingProgram(Record):
    """A vocational training programme that grants skill levels.

    Parameters
    ----------
    id : str
        Unique programme id.
    grants : mapping of str to int
        Skill -> level a graduate holds (at least one skill).
    seats : int
        Trainees the programme can take.
    cost : float
        Cost per trainee in CNY.
    weeks : int
        Duration in weeks (1..520).
    region : str
        Where the training takes place.
    prerequisites : mapping of str to int, optional
        Skill -> level a trainee must already hold.  A prerequisite on a
        granted skill must be below the granted level.

    Examples
    --------
    >>> p = TrainingProgram(id="足疗-2021-07", grants={"foot_care": 2}, seats=40,
    ...                     cost=1800, weeks=4, region="城口")
    >>> p.grants
    LevelMap({'foot_care': 2})
    """

    kind: ClassVar[str] = "TrainingProgram"

    id: str = _field(Rule(Kind.ID))
    grants: LevelMap = _field(Rule(Kind.LEVELS, "skill"))
    seats: int = _field(Rule(Kind.COUNT, low=0, high=MAX_COUNT))
    cost: float = _field(Rule(Kind.AMOUNT, low=0, high=MAX_COST))
    weeks: int = _field(Rule(Kind.COUNT, low=1, high=MAX_WEEKS))
    region: str = _field(Rule(Kind.NAME, "place"))
    prerequisites: LevelMap = _field(Rule(Kind.LEVELS, "skill"), factory=LevelMap)

    def _check_record(self, where: str) -> None:
        check_program_levels(where, self.grants, self.prerequisites)


def check_program_levels(where: str, grants: LevelMap, prerequisites: LevelMap) -> None:
    """A programme grants something, and never requires what it grants."""
    if not grants:
        raise fail(where, "grants", f"at least one skill -> level 1..{MAX_LEVEL}", dict(grants))
    for skill, level in prerequisites.items():
        if skill in grants and level >= grants[skill]:
            raise fail(
                where,
                f"prerequisites[{skill!r}]",
                f"below the granted level {grants[skill]}",
                level,
            )
