"""The :class:`Market`: every worker, job and training programme, validated once.

The Market is the one place where checks across records run (unique ids per
kind, known skills) and where strings become integer codes.  Downstream code
(scoring kernels, solvers) reads its read-only arrays and trusts them.

Why one long module: it is one class, whose ways in (records, data
frames, the synthetic generator's trusted columns), look-ups by id,
slices and subsets, and frames out belong together; over half of its
lines are docstrings with runnable examples.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, cast

import numpy as np

from .._checks import COUNT, TEXT, fail, param
from .._html import html_table
from .catalogue import Catalogue
from .frames import build_vocabularies, raw_from_frame, raw_from_records, strings_by_domain
from .layout import Layout
from .libraries import BACKENDS, backend_for, eager, from_arrow, library_of
from .names import close_names
from .ragged import Ragged
from .records import Job, TrainingProgram, Worker, check_program_levels, record_fields
from .schema import Kind
from .table import Table
from .vocabulary import DOMAINS, Vocabularies

__all__ = ["Market", "check_unique_ids"]

_KINDS = (("workers", Worker), ("jobs", Job), ("programs", TrainingProgram))


class Market:
    """Workers, jobs and training programmes in columnar, encoded form.

    Parameters
    ----------
    workers : iterable of Worker
    jobs : iterable of Job
    programs : iterable of TrainingProgram, optional
    skills : iterable of str, optional
        A skill catalogue: short for ``catalogue=Catalogue(skills=skills)``.
    catalogue : Catalogue, optional
        The names the portal allows per kind, with aliases
        (:class:`~jobmatch.data.catalogue.Catalogue`): a name outside it is
        refused with the closest allowed names, an alias reads as its name.

    Raises
    ------
    ValidationError
        ``workers``, ``jobs`` or ``programs`` not an iterable of records
        (a data frame goes to :meth:`from_frames`), a record of the wrong
        type, duplicate ids within a kind, ``skills`` not an iterable of
        non-empty text, a name outside the catalogue, or both ``skills``
        and ``catalogue``.

    See Also
    --------
    Market.from_frames : build from pandas DataFrames or pyarrow Tables.
    jobmatch.synth.scenario : a synthetic market.

    Notes
    -----
    ``market.workers``, ``market.jobs`` and ``market.programs`` are
    :class:`~jobmatch.data.table.Table` objects whose attributes are the record
    fields as read-only arrays: numbers as ``float64``/``int64``, flags as
    ``bool``, text as ``int32`` codes into ``market.vocab`` (``-1`` for a
    missing brand), sets and skill maps as CSR :class:`~jobmatch.data.ragged.Ragged`
    rows sorted by code.  Codes follow sorted string order, so equal inputs
    always give equal arrays.

    Examples
    --------
    >>> from jobmatch import Job, Market, Worker
    >>> market = Market(
    ...     [Worker(id="W1", origin="巫溪", min_wage=4000, skills={"welding": 3}),
    ...      Worker(id="W2", origin="城口", min_wage=3500, diet={"rice"})],
    ...     [Job(id="泰安-07", employer="泰安机械", region="泰安", capacity=5, wage=4500)],
    ... )
    >>> market.n_workers, market.n_jobs, market.n_programs
    (2, 1, 0)
    >>> list(market.vocab.place), market.workers.origin.tolist()
    (['城口', '巫溪', '泰安'], [1, 0])
    >>> market.worker("W1").skills
    LevelMap({'welding': 3})
    """

    #: The data-frame library the market was built from (``"pandas"``, ``"arrow"`` or ``"polars"``;
    #: None from records): what ``to_frames()`` and an assignment's ``to_frame()`` give by default.
    frame_library: str | None = None

    workers: Table
    jobs: Table
    programs: Table
    vocab: Vocabularies

    def __init__(
        self,
        workers: Iterable[Worker],
        jobs: Iterable[Job],
        programs: Iterable[TrainingProgram] = (),
        *,
        skills: Iterable[str] | None = None,
        catalogue: Catalogue | None = None,
    ) -> None:
        raws = {
            key: raw_from_records(record_type, records, key)
            for (key, record_type), records in zip(_KINDS, (workers, jobs, programs))
        }
        self._build(raws, _catalogue(skills, catalogue))

    @classmethod
    def from_frames(
        cls,
        workers: Any,
        jobs: Any,
        programs: Any = None,
        *,
        skills: Iterable[str] | None = None,
        catalogue: Catalogue | None = None,
        columns: Mapping[str, Mapping[str, str | None]] | None = None,
        groups_from: Mapping[str, str] | None = None,
    ) -> Market:
        """Build a market from data frames.

        Parameters
        ----------
        workers, jobs : pandas.DataFrame, pyarrow.Table or any Arrow-readable frame
            One row per record, one column per record field (the field names
            of :class:`~jobmatch.Worker` and :class:`~jobmatch.Job`).
            Columns of optional fields may be left out.  Polars frames,
            DuckDB results and anything else with ``__arrow_c_stream__`` are
            read through Arrow (:mod:`jobmatch.data.libraries`); the market
            remembers the library (:attr:`frame_library`) and gives results
            back in it.
        programs : frame, optional
            One row per :class:`~jobmatch.TrainingProgram`.
        skills : iterable of str, optional
            A skill catalogue, as for :class:`Market`.
        catalogue : Catalogue, optional
            The allowed names and aliases, as for :class:`Market`.
        columns : mapping, optional
            Per kind (``"workers"``, ``"jobs"``, ``"programs"``), a column's
            field (or None to drop it): ``{"workers": {"工号": "id"}}``.
        groups_from : mapping of str to str, optional
            Worker columns of yes/no flags -> the group their yes rows
            belong to: ``{"poverty_alleviated": "poverty_alleviated"}``
            (see :mod:`jobmatch.data.layout`).

        Returns
        -------
        Market

        Notes
        -----
        Column layout (see ``docs/data.md``):

        - text (``id``, ``origin``, ``region``, ...): strings; ``brand`` may be
          missing (None / NaN / NA) for "no brand".
        - numbers: numeric columns; counts must hold whole numbers.
        - flags: boolean columns.
        - sets (``diet``, ``groups``, ``preferred_regions``, ``canteen``,
          ``brands``): a list, tuple, set or array of strings per cell, an
          Arrow ``list<string>``, or the text form ``"rice;sichuan"``.
        - skill maps (``skills``, ``requires``, ``grants``,
          ``prerequisites``): a dict per cell, a list of ``(skill, level)``
          pairs, an Arrow ``map<string, int>``, or the text form
          ``"welding:3;assembly:2"``.
        - A missing set or skill-map cell means empty ("" in a CSV file).

        Columns that are no field are ignored and listed once in a
        :class:`~jobmatch.exceptions.ColumnWarning` (one whose name is close
        to a field the frame lacks, such as ``diett``, is refused as a typo).
        Repeated and missing required columns raise
        :class:`~jobmatch.ValidationError`; so does any bad cell, naming the
        record (its id, or its row) and the column: a number or flag column
        of another dtype (durations, dates, complex numbers, text, bytes),
        a missing value in a required column, a value out of its range.

        Examples
        --------
        >>> import pandas as pd
        >>> from jobmatch import Market
        >>> workers = pd.DataFrame({"id": ["W1", "W2"], "origin": ["巫溪", "城口"],
        ...                         "min_wage": [4000, 3500],
        ...                         "skills": [{"welding": 3}, "assembly:2"],
        ...                         "diet": [["rice", "sichuan"], "rice"]})
        >>> jobs = pd.DataFrame({"id": ["J1"], "employer": ["泰安机械"], "region": ["泰安"],
        ...                      "capacity": [5], "wage": [4500.0]})
        >>> market = Market.from_frames(workers, jobs)
        >>> market.worker("W2").skills, sorted(market.worker("W1").diet)
        (LevelMap({'assembly': 2}), ['rice', 'sichuan'])
        >>> again = Market.from_frames(*market.to_frames())
        >>> again == market
        True
        """
        workers, jobs, programs = (eager(frame) for frame in (workers, jobs, programs))  # a LazyFrame, computed
        frames = (workers, jobs, programs)
        layout = Layout(columns=columns or {}, groups_from=groups_from or {})
        raws = {}
        for (key, record_type), frame in zip(_KINDS, frames):
            if frame is None and key == "programs":
                raws[key] = raw_from_records(record_type, (), key)
            else:
                raws[key] = raw_from_frame(record_type, frame, f"{key} frame", layout=layout)
        market = cls.__new__(cls)
        market._build(raws, _catalogue(skills, catalogue))
        market.frame_library = library_of(workers)
        return market

    @classmethod
    def _from_tables(cls, tables: dict[str, dict[str, Any]], vocab: Vocabularies) -> Market:
        """Trusted constructor for encoded columns (used by :mod:`jobmatch.synth`).

        Codes must refer to ``vocab``; names no record uses are dropped so
        that the result equals the same market built from records.
        """
        market = cls.__new__(cls)
        encoded = {key: Table(record_type, tables[key], vocab) for key, record_type in _KINDS}
        market._finish(encoded, vocab)
        return market

    # ------------------------------------------------------------------ build
    def _build(self, raws: dict[str, dict[str, Any]], catalogue: Catalogue | None) -> None:
        found = strings_by_domain((record_type, raws[key]) for key, record_type in _KINDS)
        aliases: dict[str, dict[str, str]] = {}
        if catalogue is not None:
            found, aliases = _in_catalogue(raws, found, catalogue)
        programs = raws["programs"]
        for row, (grants, prerequisites) in enumerate(zip(programs["grants"], programs["prerequisites"])):
            check_program_levels(f"TrainingProgram {programs['id'][row]!r}", grants, prerequisites)
        vocab = build_vocabularies(found, aliases)
        tables = {key: Table.encode(record_type, raws[key], vocab) for key, record_type in _KINDS}
        self._finish(tables, vocab)

    def _finish(self, tables: dict[str, Table], vocab: Vocabularies) -> None:
        for key, record_type in _KINDS:
            check_unique_ids(record_type.kind, tables[key].ids)
        vocab, tables = _drop_unused(vocab, tables)
        self.vocab = vocab
        self.workers = tables["workers"]
        self.jobs = tables["jobs"]
        self.programs = tables["programs"]

    # ------------------------------------------------------------------ access
    @property
    def n_workers(self) -> int:
        """Number of workers."""
        return len(self.workers)

    @property
    def n_jobs(self) -> int:
        """Number of jobs."""
        return len(self.jobs)

    @property
    def n_programs(self) -> int:
        """Number of training programmes."""
        return len(self.programs)

    def worker(self, key: str | int) -> Worker:
        """The worker with this id (str) or at this position (int), as a record."""
        return cast(Worker, self.workers.record(self.worker_index(key)))

    def job(self, key: str | int) -> Job:
        """The job with this id (str) or at this position (int), as a record."""
        return cast(Job, self.jobs.record(self.job_index(key)))

    def program(self, key: str | int) -> TrainingProgram:
        """The programme with this id (str) or at this position (int), as a record."""
        return cast(TrainingProgram, self.programs.record(_position(self.programs, key)))

    def worker_index(self, key: str | int) -> int:
        """Position of a worker given its id or a (possibly negative) position."""
        return _position(self.workers, key)

    def job_index(self, key: str | int) -> int:
        """Position of a job given its id or a (possibly negative) position."""
        return _position(self.jobs, key)

    def program_index(self, key: str | int) -> int:
        """Position of a training programme given its id or a (possibly negative) position."""
        return _position(self.programs, key)

    def worker_slice(self, start: int, stop: int) -> Market:
        """Workers ``start:stop`` against every job and programme.

        Cheap: arrays are views and the vocabularies are shared, so scoring a
        slice gives the same codes as scoring the whole market.

        Examples
        --------
        >>> from jobmatch import synth
        >>> market = synth.scenario(1000, 20, seed=1)
        >>> part = market.worker_slice(100, 200)
        >>> part.n_workers, part.worker(0) == market.worker(100)
        (100, True)
        """
        start = param("Market.worker_slice", "start", start, COUNT)
        stop = param("Market.worker_slice", "stop", stop, COUNT)
        if not start <= stop <= self.n_workers:
            raise fail("Market", "worker_slice", f"0 <= start <= stop <= {self.n_workers}", (start, stop))
        part = Market.__new__(Market)
        part.vocab = self.vocab
        part.workers = self.workers.rows(start, stop)
        part.jobs = self.jobs
        part.programs = self.programs
        part.frame_library = self.frame_library
        return part

    def subset(self, *, workers: Any = None, jobs: Any = None) -> Market:
        """The workers and jobs at the given positions, in that order, with every programme.

        The vocabularies are shared (as by :meth:`worker_slice`), so codes
        stay comparable with this market's and scoring a subset gives the
        same scores as scoring the whole market at those pairs.  Because names
        no kept record uses stay in the vocabularies, a subset need not equal
        (``==``) the same records built into a new Market.

        Parameters
        ----------
        workers, jobs : array_like of int, optional
            Distinct positions (1-d, each from 0 to below ``n``) of the records to
            keep, in the order wanted; None keeps them all, as they are.

        Returns
        -------
        Market

        Raises
        ------
        ValidationError
            Positions that are not 1-d integers, out of range or repeated;
            the error's ``field`` is ``"workers"`` or ``"jobs"``.

        Examples
        --------
        >>> from jobmatch import score_matrix, synth
        >>> market = synth.scenario(200, 30, seed=1)
        >>> part = market.subset(workers=[5, 0, 9], jobs=range(10, 20))
        >>> part.n_workers, part.n_jobs, part.worker(0) == market.worker(5)
        (3, 10, True)
        >>> part.vocab is market.vocab, market.subset().jobs is market.jobs
        (True, True)
        >>> bool((score_matrix(part) == score_matrix(market)[[5, 0, 9], 10:20]).all())
        True
        >>> from jobmatch import ValidationError
        >>> try:
        ...     market.subset(jobs=[3, 3])
        ... except ValidationError as err:
        ...     print(err.field, "|", err)
        jobs | Market.subset: jobs must be distinct positions of jobs, got position 3 repeated
        """
        part = Market.__new__(Market)
        part.vocab = self.vocab
        part.workers = (
            self.workers if workers is None else self.workers.take(_positions("workers", workers, self.n_workers))
        )
        part.jobs = self.jobs if jobs is None else self.jobs.take(_positions("jobs", jobs, self.n_jobs))
        part.programs = self.programs
        part.frame_library = self.frame_library
        return part

    # ------------------------------------------------------------------ frames
    def to_frames(self, *, backend: str | None = None) -> tuple[Any, Any, Any]:
        """Workers, jobs and programmes as data frames.

        ``Market.from_frames(*market.to_frames())`` equals ``market``.

        Parameters
        ----------
        backend : {"pandas", "arrow", "polars", "text"}, optional
            Default: the library of the frames the market was built from
            (:attr:`frame_library`), else pandas.
            ``"pandas"`` gives DataFrames with sets as sorted lists and skill
            maps as dicts; ``"arrow"`` gives pyarrow Tables with
            ``list<string>`` and ``map<string, int8>`` columns; ``"polars"``
            gives Polars frames of those Tables; ``"text"``
            gives DataFrames in the text form a CSV file holds (sets as
            ``"rice;sichuan"``, skill maps as ``"welding:3;cooking:2"``):
            see :meth:`to_files`.

        Returns
        -------
        (workers, jobs, programs)
        """
        backend = backend_for("Market.to_frames", backend, self.frame_library, allowed=(*BACKENDS, "text"))
        tables = (self.workers, self.jobs, self.programs)
        if backend == "pandas":
            return tuple(t.to_pandas() for t in tables)
        if backend == "text":
            return tuple(t.to_text() for t in tables)
        return tuple(from_arrow(t.to_arrow(), backend) for t in tables)

    @classmethod
    def from_files(
        cls,
        workers: Any,
        jobs: Any,
        programs: Any = None,
        *,
        skills: Iterable[str] | None = None,
        catalogue: Catalogue | None = None,
        encoding: str | None = None,
        columns: Mapping[str, Mapping[str, str | None]] | None = None,
        groups_from: Mapping[str, str] | None = None,
    ) -> Market:
        """A market from CSV, Parquet or Excel files, one per record kind (see :mod:`jobmatch.data.files`).

        ``encoding`` names the text encoding of CSV files that are not UTF-8 (such as ``"gbk"``); a file with a
        byte-order mark (UTF-8, UTF-16) is read in the encoding it names.  Every way a file fails to read is a
        :class:`~jobmatch.ValidationError` naming the file.  ``catalogue``, ``columns`` and ``groups_from`` are
        those of :meth:`from_frames`."""
        from .files import read_frames

        frames = read_frames(workers, jobs, programs, encoding=encoding)
        market = cls.from_frames(*frames, skills=skills, catalogue=catalogue, columns=columns, groups_from=groups_from)
        market.frame_library = None  # how a file is read is not the caller's choice: results default to pandas
        return market

    def to_files(self, directory: Any, *, format: str = "csv") -> dict[str, Any]:
        """Write ``workers``, ``jobs`` and ``programs`` files that :meth:`from_files` reads back equal (see
        :func:`jobmatch.data.files.write`); returns their paths."""
        from .files import write

        return write(self, directory, format=format)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Market):
            return NotImplemented
        return (
            self.vocab == other.vocab
            and self.workers.equals(other.workers)
            and self.jobs.equals(other.jobs)
            and self.programs.equals(other.programs)
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        capacity = int(self.jobs.capacity.sum())
        return (
            f"<Market: {self.n_workers:,} workers, {self.n_jobs:,} jobs "
            f"(capacity {capacity:,}), {self.n_programs:,} programmes>"
        )

    def _repr_html_(self) -> str:
        """The notebook view: sizes, seats, vocabularies and group sizes."""
        w, vocab = self.workers, self.vocab
        groups = [(f"group {name}", f"{len(w.groups.rows_with(code)):,} workers")
                  for code, name in enumerate(vocab.group)]  # fmt: skip
        rows = [
            ("workers", f"{self.n_workers:,} ({int(w.size.sum()):,} people)"),
            ("jobs", f"{self.n_jobs:,} ({int(self.jobs.capacity.sum()):,} seats, {len(vocab.employer):,} employers)"),
            ("training programmes", f"{self.n_programs:,}"),
            ("places, skills, foods", f"{len(vocab.place):,}, {len(vocab.skill):,}, {len(vocab.food):,}"),
            *groups,
            ("built from", self.frame_library or "records"),
        ]
        return html_table("jobmatch Market", rows)


def _catalogue(skills: object, catalogue: object) -> Catalogue | None:
    """The catalogue a market is built with: ``catalogue``, or one of ``skills`` (not both), checked."""
    if catalogue is not None and not isinstance(catalogue, Catalogue):
        raise fail("Market", "catalogue", "a jobmatch.Catalogue or None", type(catalogue).__name__)
    if skills is None:
        return catalogue
    if catalogue is not None:
        raise fail("Market", "skills", "None when a catalogue is given (put the skills in it)", "both",
                   described=True)  # fmt: skip
    if isinstance(skills, (str, bytes, Mapping)) or not isinstance(skills, Iterable):
        raise fail("Market", "skills", "an iterable of skill names (a str is not one)", skills)
    return Catalogue(skills=[param("Market", "skills item", skill, TEXT) for skill in skills])


def _in_catalogue(
    raws: dict[str, dict[str, Any]], found: dict[str, dict[str, None]], catalogue: Catalogue
) -> tuple[dict[str, dict[str, None]], dict[str, dict[str, str]]]:
    """The names found, each as the catalogue spells it, and per domain the spellings that differ (aliases);
    a name outside the catalogue raises, naming the first record that uses it."""
    out, aliases = dict(found), {}
    for domain, names in found.items():
        if not catalogue.closes(domain):
            continue
        resolved = {name: catalogue.resolve(domain, name) for name in names}
        unknown = {name for name, canonical in resolved.items() if canonical is None}
        if unknown:
            _raise_outside(raws, domain, unknown, catalogue)
        out[domain] = dict.fromkeys(canonical for canonical in resolved.values() if canonical is not None)
        aliases[domain] = {name: canonical for name, canonical in resolved.items()
                           if canonical is not None and canonical != name}  # fmt: skip
    return out, aliases


def _raise_outside(raws: dict[str, dict[str, Any]], domain: str, unknown: set[str], catalogue: Catalogue) -> None:
    """The error for the first record (in kind, field and row order) that uses a name of ``unknown``."""
    for key, record_type in _KINDS:
        raw = raws[key]
        for name, rule, _ in record_fields(record_type):
            if rule.domain != domain:
                continue
            for row, cell in enumerate(raw[name]):
                items = [cell] if isinstance(cell, str) else [] if cell is None else list(cell)
                bad = next((item for item in items if item in unknown), None)
                if bad is None:
                    continue
                field = {Kind.LEVELS: f"{name}[{bad!r}]", Kind.NAMES: f"{name} item"}.get(rule.kind, name)
                close = close_names(bad, catalogue.allowed(domain), cutoff=0.5)
                near = f" (close: {', '.join(map(repr, close))})" if close else ""
                raise fail(f"{record_type.kind} {raw['id'][row]!r}", field, f"a {domain} in the catalogue{near}", bad)


def _position(table: Table, key: str | int) -> int:
    if isinstance(key, str):
        try:
            return table.index(key)
        except KeyError:
            kind = table.record_type.kind
            raise fail(kind, "id", f"the id of a {kind} in the market", key) from None
    is_int = isinstance(key, (int, np.integer)) and not isinstance(key, (bool, np.timedelta64))
    if is_int and -len(table) <= key < len(table):
        return int(key) % len(table)
    raise fail(table.record_type.kind, "position", f"an id or a position below {len(table)}", key)


def _positions(field: str, picked: Any, n: int) -> np.ndarray:
    """``picked`` as int64 positions, checked: 1-d integers in ``0..n - 1``, none repeated."""
    where = "Market.subset"
    if isinstance(picked, range):
        picked = np.arange(picked.start, picked.stop, picked.step, dtype=np.int64)
    array = np.asarray(picked)
    if array.ndim != 1:
        raise fail(where, field, "a 1-d array of positions", f"{array.ndim}-d", described=True)
    if array.size == 0:
        return np.zeros(0, dtype=np.int64)
    if array.dtype.kind not in "iu":
        raise fail(where, field, "integer positions", f"dtype {array.dtype}", described=True)
    array = array.astype(np.int64)
    low, high = int(array.min()), int(array.max())
    if low < 0 or high >= n:
        raise fail(where, field, f"positions from 0 to below {n}", low if low < 0 else high)
    seen = np.bincount(array, minlength=n)
    if seen.max() > 1:
        raise fail(
            where, field, f"distinct positions of {field}", f"position {int(seen.argmax())} repeated", described=True
        )
    return array


def check_unique_ids(kind: str, ids: np.ndarray) -> None:
    """Each id once among the ``kind`` records (``"job"``, ...), else a ValidationError naming it and its rows."""
    if len(set(ids)) == len(ids):
        return
    first: dict[str, int] = {}
    for row, value in enumerate(ids):
        if value in first:
            raise fail(
                f"{kind} {value!r}",
                "id",
                f"unique among {kind} records",
                f"the same id at rows {first[value]} and {row}",
                described=True,
            )
        first[value] = row


def _drop_unused(vocab: Vocabularies, tables: dict[str, Table]) -> tuple[Vocabularies, dict[str, Table]]:
    """Keep only the names some record uses, so equal markets have equal codes."""
    used = {domain: np.zeros(len(vocab[domain]), dtype=bool) for domain in DOMAINS}
    for key, record_type in _KINDS:
        for name, rule, _ in record_fields(record_type):
            if rule.domain is None:
                continue
            column = tables[key].columns[name]
            codes = column.codes if isinstance(column, Ragged) else column[column >= 0]
            used[rule.domain][codes] = True
    if all(mask.all() for mask in used.values()):
        return vocab, tables
    maps: dict[str, np.ndarray | None] = {}
    words = {}
    for domain in DOMAINS:
        if used[domain].all():
            maps[domain], words[domain] = None, vocab[domain]
        else:
            words[domain], maps[domain] = vocab[domain].restrict(used[domain])
    new_vocab = Vocabularies(**words)
    return new_vocab, {key: table.remap(maps, new_vocab) for key, table in tables.items()}
