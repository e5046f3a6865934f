"""String <-> integer code tables.

A :class:`Vocabulary` holds the distinct names of one domain (skills,
foods, places, groups, brands, employers) in the sorted order of their keys
(:func:`~jobmatch.data.names.normalise`); a name's code is its position.
Sorted order makes codes independent of record order, so the same records
always encode to the same arrays; keys make ``"Halal"`` and ``"halal"``
one name, shown as the first spelling met.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import SupportsIndex, cast, overload

import numpy as np

from .names import normalise

__all__ = ["DOMAINS", "Vocabularies", "Vocabulary"]

DOMAINS = ("skill", "food", "place", "group", "brand", "employer")


class Vocabulary(Sequence[str]):
    """Distinct names of one domain, sorted by key; a name's code is its index.

    Names are compared by their key (:func:`~jobmatch.data.names.normalise`:
    case, width and spacing ignored); each is shown in the first spelling
    met in ``names``.  Look-ups (:meth:`code`, :meth:`encode`, ``in``) take
    any spelling, and the ``aliases`` (alias -> one of ``names``, from a
    :class:`~jobmatch.data.catalogue.Catalogue`) read as their names.

    Examples
    --------
    >>> v = Vocabulary(["济南", "泰安", "济南", "淄博"])
    >>> list(v), v.code("泰安")
    (['泰安', '济南', '淄博'], 0)
    >>> v.encode(["淄博", "泰安"]).tolist(), v[1]
    ([2, 0], '济南')
    >>> foods = Vocabulary(["Halal", "rice", "halal "])
    >>> list(foods), foods.code("HALAL"), "Ｒｉｃｅ" in foods, foods.keys
    (['Halal', 'rice'], 0, True, ('halal', 'rice'))
    """

    __slots__ = ("_aliases", "_index", "_keys", "_names", "_spellings")

    def __init__(self, names: Iterable[str] = (), *, aliases: Mapping[str, str] | None = None) -> None:
        first: dict[str, str] = {}  # key -> the first spelling met
        spellings: dict[str, str] = {}  # every spelling met -> its key
        for name in names:
            if name not in spellings:
                key = spellings[name] = normalise(name)
                first.setdefault(key, name)
        self._keys: tuple[str, ...] = tuple(sorted(first))
        self._names: tuple[str, ...] = tuple(first[key] for key in self._keys)
        #: Other spellings that read as one of the names (a catalogue's aliases), kept by :meth:`restrict`.
        self._aliases = {alias: name for alias, name in (aliases or {}).items() if normalise(name) in first}
        self._index = {key: code for code, key in enumerate(self._keys)}
        self._index.update((normalise(alias), self._index[normalise(name)]) for alias, name in self._aliases.items())
        #: Every spelling met, every alias and every key -> its code: encoding the names the vocabulary was built
        #: from normalises nothing again.
        self._spellings = {**self._index, **{name: self._index[key] for name, key in spellings.items()},
                           **{alias: self._index[normalise(alias)] for alias in self._aliases}}  # fmt: skip

    def __len__(self) -> int:
        return len(self._names)

    @overload
    def __getitem__(self, code: SupportsIndex) -> str: ...
    @overload
    def __getitem__(self, code: slice) -> tuple[str, ...]: ...
    def __getitem__(self, code: SupportsIndex | slice) -> str | tuple[str, ...]:
        return self._names[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self._spellings or (isinstance(name, str) and normalise(name) in self._index)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Vocabulary):
            return self._names == other._names
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._names)

    def __repr__(self) -> str:
        shown = ", ".join(map(repr, self._names[:6]))
        more = ", ..." if len(self._names) > 6 else ""
        return f"Vocabulary([{shown}{more}])  # {len(self._names)} names"

    @property
    def keys(self) -> tuple[str, ...]:
        """The names' keys (:func:`~jobmatch.data.names.normalise`), in code order."""
        return self._keys

    def code(self, name: str) -> int:
        """The code of one name, in any spelling (``KeyError`` if absent)."""
        try:
            return self._spellings[name]
        except KeyError:
            if not isinstance(name, str):
                raise
            return self._index[normalise(name)]

    def encode(self, names: Iterable[str]) -> np.ndarray:
        """Codes of many names (any spelling), as ``int32``."""
        names = names if isinstance(names, (list, tuple)) else list(names)
        try:  # the spellings the vocabulary was built from: one dict look-up each
            return np.fromiter(map(self._spellings.__getitem__, names), dtype=np.int32, count=len(names))
        except KeyError:
            return np.fromiter(map(self.code, names), dtype=np.int32, count=len(names))

    def used(self, codes: np.ndarray) -> np.ndarray:
        """A bool per code: True where ``codes`` (of this vocabulary) hold it.

        Examples
        --------
        >>> Vocabulary(["a", "b", "c"]).used(np.array([2, 0, 2])).tolist()
        [True, False, True]
        """
        return np.bincount(np.asarray(codes, dtype=np.int64), minlength=len(self))[: len(self)] > 0

    def mask(self, names: Iterable[str]) -> np.ndarray:
        """A bool per code: True where the name is one of ``names`` (any spelling; names not here are ignored).

        Examples
        --------
        >>> Vocabulary(["halal", "rice", "wheat"]).mask({"Halal", "noodles"}).tolist()
        [True, False, False]
        """
        out = np.zeros(len(self), dtype=bool)
        for name in names:
            if name in self:
                out[self.code(name)] = True
        return out

    def decode(self, codes: Iterable[int]) -> list[str]:
        """Names of many codes."""
        names = self._names
        return [names[int(code)] for code in codes]

    def as_array(self) -> np.ndarray:
        """The names as a read-only object array (fancy-indexable by codes)."""
        out = np.array(self._names, dtype=object) if self._names else np.empty(0, dtype=object)
        out.flags.writeable = False
        return out

    def restrict(self, used: np.ndarray) -> tuple[Vocabulary, np.ndarray]:
        """Drop names whose entry in the boolean mask ``used`` is False.

        Returns the smaller vocabulary and the old-code -> new-code map
        (``-1`` for dropped names).  Order is kept, so sorted rows stay sorted.
        """
        remap = np.cumsum(used, dtype=np.int64) - 1
        remap[~used] = -1
        kept = Vocabulary((name for name, keep in zip(self._names, used) if keep), aliases=self._aliases)
        return kept, remap.astype(np.int32)


@dataclass(frozen=True)
class Vocabularies:
    """One :class:`Vocabulary` per domain of a :class:`~jobmatch.Market`."""

    skill: Vocabulary
    food: Vocabulary
    place: Vocabulary
    group: Vocabulary
    brand: Vocabulary
    employer: Vocabulary

    def __getitem__(self, domain: str | None) -> Vocabulary:
        if domain is None:  # a field that is not encoded (a number, a flag, an id)
            raise KeyError("a field without a vocabulary domain")
        return cast(Vocabulary, getattr(self, domain))

    def items(self) -> Iterator[tuple[str, Vocabulary]]:
        for f in fields(self):
            yield f.name, getattr(self, f.name)
