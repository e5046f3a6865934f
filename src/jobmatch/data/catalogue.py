"""The :class:`Catalogue`: the names a portal allows, per kind, with their aliases.

Without a catalogue a market takes any name and reports the names found on
one side only (:mod:`jobmatch.data.coverage`).  A portal that keeps lists of
its skills, foods, places, groups, brands and employers passes them as a
catalogue to :class:`~jobmatch.Market`, :meth:`~jobmatch.Market.from_frames`,
:meth:`~jobmatch.Market.from_files` or ``jobmatch ... --catalogue FILE``:
a name outside its list is then refused with the closest allowed names, and
an alias (``"清真"`` for ``"halal"``) reads as the name it stands for.
Names and aliases are compared by key (:func:`~jobmatch.data.names.normalise`),
and the catalogue's spelling is the one the market shows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, cast

from .._checks import fail
from .jsontext import json_object
from .names import close_names, normalise

__all__ = ["FIELDS", "Catalogue"]

#: The catalogue's lists, by the vocabulary domain each one closes.
FIELDS = {"skills": "skill", "foods": "food", "places": "place", "groups": "group", "brands": "brand",
          "employers": "employer"}  # fmt: skip
_WHERE = "Catalogue"


@dataclass(frozen=True, eq=False)
class Catalogue:
    """Allowed names per kind (None: any name), and aliases that read as an allowed name.

    Parameters
    ----------
    skills, foods, places, groups, brands, employers : iterable of str, optional
        The allowed names of each kind; a kind left out (None) is open.
        ``places`` closes origins, regions and preferred regions; ``foods``
        diets and canteens.
    aliases : mapping of str to mapping of str to str, optional
        Per kind (the parameter names above), other spellings of allowed
        names: ``{"foods": {"清真": "halal"}}``.

    Raises
    ------
    ValidationError
        A list that is not an iterable of non-empty text, two names with
        one key (``"Halal"`` and ``"halal"``), an alias for a kind without
        a list, or an alias of a name not in the list.

    Examples
    --------
    >>> from jobmatch import Job, Market, ValidationError, Worker
    >>> catalogue = Catalogue(foods=["halal", "rice", "pork"], aliases={"foods": {"清真": "halal"}})
    >>> market = Market([Worker(id="W1", origin="巫溪", min_wage=3000, diet={"清真"})],
    ...                 [Job(id="J1", employer="E", region="泰安", capacity=1, wage=4000, canteen={"HALAL"})],
    ...                 catalogue=catalogue)
    >>> list(market.vocab.food), market.worker("W1").diet
    (['halal'], frozenset({'halal'}))
    >>> try:
    ...     Market([Worker(id="W1", origin="巫溪", min_wage=3000, diet={"hallal"})], [], catalogue=catalogue)
    ... except ValidationError as err:
    ...     print(err)
    Worker 'W1': diet item must be a food in the catalogue (close: 'halal'), got 'hallal'
    """

    skills: Iterable[str] | None = None
    foods: Iterable[str] | None = None
    places: Iterable[str] | None = None
    groups: Iterable[str] | None = None
    brands: Iterable[str] | None = None
    employers: Iterable[str] | None = None
    aliases: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        lookup: dict[str, dict[str, str]] = {}  # domain -> key -> the catalogue's spelling
        for name, domain in FIELDS.items():
            names = getattr(self, name)
            if names is None:
                continue
            if isinstance(names, (str, bytes, Mapping)) or not isinstance(names, Iterable):
                raise fail(_WHERE, name, "an iterable of names (a str is not one)", names)
            keys: dict[str, str] = {}
            for item in names:
                if not isinstance(item, str) or not item.strip():
                    raise fail(_WHERE, f"{name} item", "non-empty text", item)
                key = normalise(item)
                if key in keys and keys[key] != item:
                    raise fail(_WHERE, name, "each name once (case, width and spacing are ignored)",
                               f"{keys[key]!r} and {item!r}", described=True)  # fmt: skip
                keys[key] = item
            object.__setattr__(self, name, tuple(keys.values()))
            lookup[domain] = keys
        if not isinstance(self.aliases, Mapping):
            raise fail(_WHERE, "aliases", "a mapping of kind -> {alias: allowed name}", self.aliases)
        frozen = {}
        for name, pairs in self.aliases.items():
            if name not in FIELDS:
                raise fail(_WHERE, "aliases key", f"one of {sorted(FIELDS)}", name)
            if FIELDS[name] not in lookup:
                raise fail(_WHERE, f"aliases[{name!r}]", f"aliases of a kind with a list ({name}= given)", name)
            if not isinstance(pairs, Mapping):
                raise fail(_WHERE, f"aliases[{name!r}]", "a mapping of alias -> allowed name", pairs)
            keys = lookup[FIELDS[name]]
            for alias, target in pairs.items():
                if not isinstance(alias, str) or not alias.strip():
                    raise fail(_WHERE, f"aliases[{name!r}] key", "non-empty text", alias)
                if not isinstance(target, str) or normalise(target) not in keys:
                    close = close_names(target, keys.values(), cutoff=0.5)
                    near = f" (close: {', '.join(map(repr, close))})" if close else ""
                    raise fail(_WHERE, f"aliases[{name!r}][{alias!r}]", f"a name of {name}{near}", target)
                canonical = keys[normalise(target)]
                if keys.setdefault(normalise(alias), canonical) != canonical:
                    raise fail(_WHERE, f"aliases[{name!r}][{alias!r}]", f"an alias that is not another name of {name}",
                               alias)  # fmt: skip
            frozen[name] = MappingProxyType(dict(pairs))
        object.__setattr__(self, "aliases", MappingProxyType(frozen))
        object.__setattr__(self, "_lookup", lookup)

    def closes(self, domain: str) -> bool:
        """Whether the catalogue lists the names of vocabulary ``domain`` (``"skill"``, ``"food"``, ...)."""
        return domain in self._lookup  # type: ignore[attr-defined]

    def resolve(self, domain: str, name: str) -> str | None:
        """The catalogue's spelling of ``name`` (an allowed name or an alias, in any spelling), None if not in it.

        Examples
        --------
        >>> Catalogue(skills=["welding"], aliases={"skills": {"焊工": "welding"}}).resolve("skill", "焊工")
        'welding'
        """
        return cast("str | None", self._lookup[domain].get(normalise(name)))  # type: ignore[attr-defined]

    def allowed(self, domain: str) -> list[str]:
        """The allowed names of ``domain`` (no aliases), as listed."""
        return list(dict.fromkeys(self._lookup[domain].values()))  # type: ignore[attr-defined]

    @classmethod
    def from_json(cls, text: str | bytes) -> Catalogue:
        """A catalogue from JSON: ``{"foods": [...], "skills": [...], "aliases": {"foods": {"清真": "halal"}}}``.

        Examples
        --------
        >>> Catalogue.from_json('{"groups": ["poverty_alleviated"]}').groups
        ('poverty_alleviated',)
        """
        return cls(**json_object("Catalogue JSON", text, [*FIELDS, "aliases"]))

    def to_json(self) -> str:
        """The catalogue as JSON text (Unicode kept as written); :meth:`from_json` reads it back."""
        data: dict[str, Any] = {name: list(getattr(self, name)) for name in FIELDS if getattr(self, name) is not None}
        if self.aliases:
            data["aliases"] = {name: dict(pairs) for name, pairs in self.aliases.items()}
        return json.dumps(data, ensure_ascii=False)
