"""Names: the one normalisation every name goes through before it is compared.

A name (a diet, a skill, a group, a region, an employer, an origin, a
brand) is compared by its *key*: Unicode NFKC (full-width letters and
digits become ASCII, the ideographic space a space), case-folded, trimmed,
runs of inner white space made one space.  So ``"Halal"``, ``"halal "`` and
``"ＨＡＬＡＬ"`` are one food, and a strict-halal rule written ``"halal"``
holds for all three.  The first spelling met is the one shown
(:class:`~jobmatch.data.vocabulary.Vocabulary`).  Chinese names are
unchanged by it (they have no case, and NFKC keeps them).

Examples
--------
>>> normalise("  Halal "), normalise("ＨＡＬＡＬ"), normalise("Shizhu\u3000 Aunties")
('halal', 'halal', 'shizhu aunties')
>>> normalise("巫溪") == "巫溪"
True
>>> close_names("weldng", ["welding", "cooking", "assembly"])
['welding']
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["close_names", "normalise"]

_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1 << 16)  # a market repeats few distinct names: each normalised once
def normalise(name: str) -> str:
    """The key a name is compared by: NFKC, case-folded (then NFKC again, as case folding can undo it),
    trimmed, inner white space collapsed to one space.

    Examples
    --------
    >>> normalise("Straße"), normalise("Ｗｅｌｄｉｎｇ\\t Level")
    ('strasse', 'welding level')
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return _SPACES.sub(" ", folded).strip()


def close_names(name: object, known: Iterable[str], *, n: int = 3, cutoff: float = 0.75) -> list[str]:
    """The known names closest to ``name`` (compared by key; at most ``n``, best first).

    ``cutoff`` is :func:`difflib.get_close_matches`' similarity (0..1): the
    default 0.75 finds a letter dropped or swapped in a word (``weldng``,
    ``wedling``) and not a different word of the same length.
    """
    if not isinstance(name, str):
        return []
    by_key: dict[str, str] = {}
    for spelling in sorted(known):
        by_key.setdefault(normalise(spelling), spelling)
    close = difflib.get_close_matches(normalise(name), list(by_key), n=n, cutoff=cutoff)
    return [by_key[key] for key in close]
