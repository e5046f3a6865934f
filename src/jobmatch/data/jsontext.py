"""Small JSON documents written by hand: a portal's catalogue of names, its column layout.

Each is one object of known keys; keys that start with ``#`` are comments
(as in a policy file, :meth:`jobmatch.Policy.from_json`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .._checks import fail

__all__ = ["json_object"]


def json_object(where: str, text: str | bytes, keys: Sequence[str]) -> dict[str, Any]:
    """JSON text (or UTF-8 bytes) that holds one object of ``keys`` at most; keys starting with ``#`` are comments
    and dropped.  Anything else is a ValidationError naming ``where``.

    Examples
    --------
    >>> json_object("Catalogue JSON", '{"#": "note", "foods": ["halal"]}', ["foods", "skills"])
    {'foods': ['halal']}
    """
    try:
        data: object = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError, TypeError) as err:
        raise fail(where, "text", "valid JSON (UTF-8)", f"{type(err).__name__}: {err}", described=True) from None
    if not isinstance(data, dict):
        raise fail(where, "top level", "an object", data)
    data = {key: value for key, value in data.items() if not key.startswith("#")}
    unknown = sorted(set(data) - set(keys))
    if unknown:
        raise fail(where, "keys", f"only {list(keys)}", unknown)
    return data
