"""String <-> integer code tables.

A :class:`Vocabulary` holds the distinct strings of one domain (skills,
foods, places, groups, brands, employers) in sorted order; a string's code is
its position.  Sorted order makes codes independent of record order, so the
same records always encode to the same arrays.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields

import numpy as np

__all__ = ["DOMAINS", "Vocabularies", "Vocabulary"]

DOMAINS = ("skill", "food", "place", "group", "brand", "employer")


class Vocabulary(Sequence[str]):
    """Sorted distinct strings of one domain; a string's code is its index.

    Examples
    --------
    >>> v = Vocabulary(["济南", "泰安", "济南", "淄博"])
    >>> list(v), v.code("泰安")
    (['泰安', '济南', '淄博'], 0)
    >>> v.encode(["淄博", "泰安"]).tolist(), v[1]
    ([2, 0], '济南')
    """

    __slots__ = ("_index", "_names")

    def __init__(self, names: Iterable[str] = ()) -> None:
        self._names: tuple[str, ...] = tuple(sorted(set(names)))
        self._index = {name: code for code, name in enumerate(self._names)}

    def __len__(self) -> int:
        return len(self._names)

    def __getitem__(self, code):
        return self._names[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self._index

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

    def code(self, name: str) -> int:
        """The code of one name (``KeyError`` if absent)."""
        return self._index[name]

    def encode(self, names: Iterable[str]) -> np.ndarray:
        """Codes of many names, as ``int32``."""
        return np.fromiter(map(self._index.__getitem__, names), dtype=np.int32)

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
        kept = Vocabulary(name for name, keep in zip(self._names, used) if keep)
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
        return getattr(self, domain)

    def items(self) -> Iterator[tuple[str, Vocabulary]]:
        for f in fields(self):
            yield f.name, getattr(self, f.name)
