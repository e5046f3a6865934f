"""Public path of :mod:`jobmatch.data.synth`: the synthetic Shandong–Chongqing scenario.

The code lives in its layer (``docs/architecture.md``); this module keeps
the documented ``jobmatch.synth`` path working.
"""

from .data.synth import CITIES, COUNTIES, PARTNERSHIPS, SECTORS, scenario

__all__ = ["CITIES", "COUNTIES", "PARTNERSHIPS", "SECTORS", "scenario"]
