"""Names found on one side only: what a market's workers ask for that no job offers, and the other way round.

Names are compared by key (:func:`~jobmatch.data.names.normalise`), so
case, width and spacing never split one name in two.  A misspelling does:
``weldng`` on the workers' side and ``welding`` on the jobs' side are two
skills, and nothing fails: the worker's skill simply counts for no job.
:func:`name_notices` lists each such name once, with the close names on
the other side, so that ``jobmatch validate`` can list them and
:func:`jobmatch.match` warn of the likely mistakes among them
(:attr:`NameNotice.likely_mistake`): a name on one side only is often
real, such as a skill no employer of this season asks for.

What is reported, in this order:

=====================  ===============================================================
``strict_unserved``    a strict diet (a hard filter) a worker needs and no canteen serves
``diet_unserved``      any other diet some worker needs and no canteen serves
``skill_unheld``       a skill jobs require that no worker holds and no programme grants
``skill_unwanted``     a skill workers hold that no job requires (nor any programme)
``region_unoffered``   a region workers prefer that no job is in
``near_duplicate``     two names of one kind that differ by a letter or two (not
                       already reported as close to each other above)
=====================  ===============================================================

(A labour brand no employer partners with is not reported: brand
agreements are few by nature.)

Examples
--------
>>> from jobmatch import Job, Market, Worker
>>> market = Market(
...     [Worker(id="W1", origin="巫溪", min_wage=3000, skills={"weldng": 3}, diet={"Halal"})],
...     [Job(id="J1", employer="E", region="泰安", capacity=2, wage=4000, requires={"welding": 2},
...          canteen={"rice"})],
... )
>>> for notice in name_notices(market):
...     print(notice)
diet 'Halal': strict (a hard filter), and no canteen serves it: 1 worker needs it
skill 'welding': jobs require it, and no worker holds it nor any programme grants it: 1 job requires it
(close on the other side: 'weldng')
skill 'weldng': workers hold it, and no job requires it: 1 worker holds it (close on the other side: 'welding')
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .._checks import TEXT, fail, param
from .market import Market
from .names import close_names

if TYPE_CHECKING:
    from .vocabulary import Vocabulary

__all__ = ["NameNotice", "name_notices"]

#: Kinds of notice, in the order they are reported (module notes).
KINDS = (
    "strict_unserved",
    "diet_unserved",
    "skill_unheld",
    "skill_unwanted",
    "region_unoffered",
    "near_duplicate",
)
#: How a notice names a vocabulary.
_WORD = {"food": "diet", "place": "region"}
#: Near duplicates are looked for in vocabularies up to this size (all pairs compared); employers and places,
#: whose names are often alike by design ("泰安机械1", "泰安机械2"), are left out.
_NEAR_DOMAINS = ("skill", "food", "group", "brand")
_NEAR_MAX = 400
#: Two keys this similar (difflib's ratio) are near duplicates: one letter in seven differs.
_NEAR_CUTOFF = 0.85


@dataclass(frozen=True)
class NameNotice:
    """One name found on one side only (or two names that look like one).

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    domain : str
        The vocabulary (``"skill"``, ``"food"``, ``"place"``, ``"group"``, ``"brand"``).
    name : str
        The name as the market shows it.
    count : int
        Records that use it (workers or jobs, as the message says).
    close : tuple of str
        Close names on the other side (for a near duplicate, the other name).
    message : str
        The notice in words.
    """

    kind: str
    domain: str
    name: str
    count: int
    close: tuple[str, ...]
    message: str

    def __str__(self) -> str:
        return self.message

    @property
    def likely_mistake(self) -> bool:
        """A strict diet no canteen serves (a hard rule no job can meet), a near duplicate, or a one-sided name
        with a close name on the other side: what :func:`jobmatch.match` warns of (``validate`` lists all)."""
        return self.kind in ("strict_unserved", "near_duplicate") or bool(self.close)


def _users(codes: np.ndarray, size: int) -> np.ndarray:
    return np.bincount(codes, minlength=size)[:size]


def _notice(kind: str, domain: str, name: str, count: int, close: list[str], said: str, who: str) -> NameNotice:
    """A notice in words; ``who`` is its singular and plural phrases, ``"worker needs it / workers need it"``."""
    one, many = who.split(" / ")
    near = f" (close on the other side: {', '.join(map(repr, close))})" if close else ""
    text = f"{_WORD.get(domain, domain)} {name!r}: {said}: {count:,} {one if count == 1 else many}{near}"
    return NameNotice(kind, domain, name, count, tuple(close), text)


def name_notices(market: Market, *, strict_diets: Iterable[str] = ("halal",)) -> list[NameNotice]:
    """Every name of ``market`` found on one side only, and near duplicates (module notes).

    Parameters
    ----------
    market : Market
    strict_diets : iterable of str, optional
        The diets that are hard filters (a policy's ``strict_diets``; default ``{"halal"}``).

    Returns
    -------
    list of NameNotice
        In the order of :data:`KINDS`, then by name.
    """
    if not isinstance(market, Market):
        raise fail("name_notices", "market", "a jobmatch.Market", type(market).__name__)
    if isinstance(strict_diets, (str, bytes)) or not isinstance(strict_diets, Iterable):
        raise fail("name_notices", "strict_diets", "an iterable of diet names (a str is not one)", strict_diets)
    strict_diets = [param("name_notices", "strict_diets item", d, TEXT) for d in strict_diets]
    vocab, w, j, p = market.vocab, market.workers, market.jobs, market.programs
    out: list[NameNotice] = []
    foods, skills, places = vocab.food, vocab.skill, vocab.place

    def other(names: Vocabulary, mask: np.ndarray, name: str) -> list[str]:
        return close_names(name, [names[c] for c in np.flatnonzero(mask)], cutoff=0.6)

    needs, served = _users(w.diet.codes, len(foods)), _users(j.canteen.codes, len(foods))
    strict = foods.mask(strict_diets)
    for kind, which, said in (
        ("strict_unserved", strict, "strict (a hard filter), and no canteen serves it"),
        ("diet_unserved", ~strict, "no canteen serves it"),
    ):
        for c in np.flatnonzero(which & (needs > 0) & (served == 0)):
            close = other(foods, served > 0, foods[c])
            out.append(_notice(kind, "food", foods[c], int(needs[c]), close, said, "worker needs it / workers need it"))
    worker_held, granted = _users(w.skills.codes, len(skills)), _users(p.grants.codes, len(skills))
    job_required = _users(j.requires.codes, len(skills))
    held, required = worker_held + granted, job_required + _users(p.prerequisites.codes, len(skills))
    for c in np.flatnonzero((required > 0) & (held == 0)):
        close = other(skills, held > 0, skills[c])
        said = "jobs require it, and no worker holds it nor any programme grants it"
        out.append(_notice("skill_unheld", "skill", skills[c], int(job_required[c]), close, said,
                           "job requires it / jobs require it"))  # fmt: skip
    for c in np.flatnonzero((worker_held > 0) & (required == 0) & (granted == 0)):
        close = other(skills, required > 0, skills[c])
        out.append(_notice("skill_unwanted", "skill", skills[c], int(worker_held[c]), close,
                           "workers hold it, and no job requires it", "worker holds it / workers hold it"))  # fmt: skip
    preferred, offered = _users(w.preferred_regions.codes, len(places)), _users(j.region, len(places))
    for c in np.flatnonzero((preferred > 0) & (offered == 0)):
        close = other(places, offered > 0, places[c])
        said = "workers prefer it, and no job is there"
        out.append(_notice("region_unoffered", "place", places[c], int(preferred[c]), close, said,
                           "worker prefers it / workers prefer it"))  # fmt: skip
    told = {(n.domain, frozenset((n.name, twin))) for n in out for twin in n.close}
    for domain in _NEAR_DOMAINS:
        words = vocab[domain]
        if len(words) > _NEAR_MAX:
            continue
        for a, name in enumerate(words):
            for twin in close_names(name, list(words)[a + 1 :], n=len(words), cutoff=_NEAR_CUTOFF):
                if (domain, frozenset((name, twin))) in told:
                    continue
                text = f"{_WORD.get(domain, domain)} {name!r} and {twin!r}: near duplicates (one misspelt?)"
                out.append(NameNotice("near_duplicate", domain, name, 2, (twin,), text))
    return out
