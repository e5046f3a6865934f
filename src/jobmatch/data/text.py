"""The text form of a cell, as a CSV file holds it: separators, and names and numbers written as text.

Sets are ``"rice;sichuan"`` and skill maps ``"welding:3;cooking:2"``;
items may also be separated by commas, and the full-width forms
(``；，：``) read like the ASCII ones.  A name column read from a file may
hold integers (ids such as ``7``) and a number column text (a CSV column
with one bad cell is text throughout): both are read here, before the
field's rule (:mod:`jobmatch.data.schema`) checks the value.
"""

from __future__ import annotations

import math
import numbers
import re

import numpy as np

__all__ = ["FLAG_WORDS", "ITEM_SEPARATORS", "LEVEL_SEPARATOR", "is_missing", "name_cell", "number_cell"]

#: What separates the items of a set or skill map in the text form: semicolons or commas, ASCII or full-width.
ITEM_SEPARATORS = re.compile(r"[;,\uff1b\uff0c]")
#: What separates a skill from its level in the text form: a colon, ASCII or full-width.
LEVEL_SEPARATOR = re.compile(r"[:\uff1a]")
#: The spellings of yes and no a flag written as text may take (trimmed, compared in lower case).
FLAG_WORDS = {"true": True, "false": False, "yes": True, "no": False, "y": True, "n": False, "t": True, "f": False,
              "1": True, "0": False, "是": True, "否": False}  # fmt: skip


def name_cell(value: object) -> object:
    """A name cell as text: an integer (or an integral float: a column with gaps) as its digits; else unchanged.

    Examples
    --------
    >>> name_cell(7), name_cell(7.0), name_cell("泰安"), name_cell(True), name_cell(7.5)
    ('7', '7', '泰安', True, 7.5)
    """
    if isinstance(value, (str, bool, np.bool_, np.timedelta64)):
        return value
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real) and math.isfinite(float(value)) and float(value).is_integer():
        return str(int(float(value)))
    return value


def number_cell(value: str, *, flag: bool) -> object:
    """A number or flag written as text (``"12"``, ``" 2.5 "``, ``"True"``); text it cannot read, unchanged.

    Examples
    --------
    >>> number_cell(" 12 ", flag=False), number_cell("2.5", flag=False), number_cell("false", flag=True)
    (12, 2.5, False)
    >>> number_cell("two", flag=False)
    'two'
    """
    text = value.strip()
    if flag:
        return FLAG_WORDS.get(text.lower(), value)
    try:
        return int(text) if text.lstrip("+-").isdigit() and text.isascii() else float(text)
    except ValueError:
        return value


def is_missing(value: object) -> bool:
    """A data-frame missing value (None, NaN, pandas.NA)."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ == "NAType"
