"""The data layer: records, their rules, vocabularies, columnar tables and the Market.

Everything here is plain numpy and Python: importing it loads no numba,
OR-Tools or pandas.  Data flows one way out of this layer (see
``docs/architecture.md``): scoring reads a Market's arrays, nothing here
reads scores or solutions.
"""

from __future__ import annotations

from .catalogue import Catalogue
from .market import Market
from .ragged import Ragged
from .records import Job, TrainingProgram, Worker
from .schema import Kind, LevelMap, Rule
from .table import Table
from .vocabulary import Vocabularies, Vocabulary

__all__ = [
    "Catalogue",
    "Job",
    "Kind",
    "LevelMap",
    "Market",
    "Ragged",
    "Rule",
    "Table",
    "TrainingProgram",
    "Vocabularies",
    "Vocabulary",
    "Worker",
]
