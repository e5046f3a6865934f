"""What the library's rules accept, said plainly for the fuzz suites' "plainly invalid" checks."""

from __future__ import annotations

import math

import numpy as np


def valid_int(value: object, low: int, high: int = 2**31 - 1) -> bool:
    """An integer (not a bool) from ``low`` to ``high``."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool) and low <= value <= high


def valid_amount(value: object) -> bool:
    """A finite number >= 0 (the library's NON_NEGATIVE rule)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        return False
    try:
        number = float(value)
    except OverflowError:
        return False
    return math.isfinite(number) and number >= 0
