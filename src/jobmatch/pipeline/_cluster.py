"""Dask plumbing for :mod:`jobmatch.distributed`: the client, inputs as partitions, errors that name the partition.

Everything here is the ecosystem's way of doing it: ``client=None`` uses
the current default client (``distributed.default_client()``) and falls
back to dask's local threaded scheduler; work is a list of
``dask.delayed`` tasks with readable key names (``jobmatch-candidates-3``
in the dashboard); small inputs (the jobs, prices) are single keys that
the scheduler ships to each worker once.
"""

from __future__ import annotations

import itertools
import os
import warnings
from collections.abc import Callable, Sequence
from typing import Any, cast

import numpy as np

from ..exceptions import ValidationError, optional_import

__all__ = ["Cluster", "column_kinds", "frame_arg", "in_partition", "partitions", "read_small", "renamed",
           "require_dask", "same_columns"]  # fmt: skip

#: Candidate columns renamed in issue 29 (one spelling with the single-machine placements), read for one release.
_OLD_NAMES = {"worker_id": "worker", "job_id": "job"}


def renamed(where: str, frame: Any) -> Any:
    """``frame`` (pandas, Dask or Arrow, or anything else as it is) with the candidate columns ``worker_id`` and
    ``job_id`` read as ``worker`` and ``job``, with a :class:`DeprecationWarning`: their names before issue 29."""
    names = getattr(frame, "column_names", None)  # pyarrow.Table
    names = getattr(frame, "columns", None) if names is None else names  # pandas, Dask
    columns = [] if names is None or isinstance(frame, (str, bytes)) else list(names)
    old = {a: b for a, b in _OLD_NAMES.items() if a in columns and b not in columns}
    if not old:
        return frame
    warnings.warn(f"{where}: candidate columns {', '.join(map(repr, old))} are now named "
                  f"{', '.join(map(repr, old.values()))}; the old names are read for one release",
                  DeprecationWarning, stacklevel=3)  # fmt: skip
    if hasattr(frame, "rename_columns"):  # pyarrow.Table
        return frame.rename_columns([old.get(c, c) for c in columns])
    return frame.rename(columns=old)


def require_dask(feature: str) -> Any:
    """``dask`` (with ``dask.dataframe``), or :class:`MissingDependency` naming the ``[dask]`` extra."""
    dask = optional_import("dask", "dask", feature)
    optional_import("dask.dataframe", "dask", feature)
    return dask


class Cluster:
    """Where tasks run: a ``distributed`` client, or dask's threaded scheduler in this process.

    Parameters
    ----------
    client : distributed.Client or None
        None: the current default client if there is one, else the
        threaded scheduler (no ``distributed`` needed).
    """

    def __init__(self, client: Any = None) -> None:
        self.dask = require_dask("jobmatch.distributed")
        if client is None:
            try:
                from distributed import default_client

                client = default_client()
            except (ImportError, ValueError):  # not installed, or no client started
                client = None
        elif not hasattr(client, "compute") or not hasattr(client, "run"):
            raise ValidationError(
                f"jobmatch.distributed: client must be a distributed.Client or None, got {type(client).__name__!r}",
                field="client",
                expected="a distributed.Client or None",
                got=client,
            )
        self.client = client

    @property
    def workers(self) -> int:
        """How many workers (threads, without a client) run tasks at once."""
        if self.client is None:
            return os.cpu_count() or 1
        return cast(int, max(1, sum(self.client.nthreads().values())))

    def compute(self, tasks: Sequence[Any]) -> list[Any]:
        """The results of ``tasks`` (delayed objects), in order."""
        if self.client is None:
            return list(self.dask.compute(*tasks, scheduler="threads"))
        return list(self.client.compute(list(tasks), sync=True))

    def persist(self, tasks: Sequence[Any]) -> list[Any]:
        """``tasks`` computed and kept where they ran (in the workers' memory), still as delayed objects."""
        if self.client is None:
            return list(self.dask.persist(*tasks, scheduler="threads"))
        return list(self.client.persist(list(tasks)))

    def share(self, value: Any, name: str) -> Any:
        """``value`` as one key of the graph (shipped to each worker once, not once per task)."""
        return self.dask.delayed(value, name=f"jobmatch-{name}-{self.dask.base.tokenize(value)}", pure=True)

    def task(self, fn: Callable[..., Any], name: str, *args: Any) -> Any:
        """``fn(*args)`` as a delayed task keyed ``jobmatch-<name>-<token of its inputs>`` (unique, as dask asks)."""
        token = self.dask.base.tokenize(fn, *args)
        return self.dask.delayed(fn, pure=True)(*args, dask_key_name=f"jobmatch-{name}-{token}")

    def warm(self) -> None:
        """Load and compile the kernels on every worker once (a tiny market scored and solved)."""
        if self.client is not None:
            self.client.run(_warm_up)

    def components(self, policies: Sequence[Any]) -> None:
        """Register the custom components the ``policies`` weight on every worker of the cluster (and on workers
        that join later): a worker process has a registry of its own, empty until then.  Without a client the
        tasks run in this process, which has them already."""
        from ..components import active

        used = {c.name: c for policy in policies if policy is not None for c in active(policy)}
        if self.client is None or not used:
            return
        plugin = _components_plugin(list(used.values()))
        self.client.register_plugin(plugin, name="jobmatch-components-" + self.dask.base.tokenize(sorted(used)))


def _components_plugin(components: list[Any]) -> Any:
    """A ``distributed`` worker plugin that registers ``components`` (:func:`jobmatch.components.register`) when
    it starts on a worker."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class Components(WorkerPlugin):
        def __init__(self, components: list[Any]) -> None:
            self.components = components

        def setup(self, worker: Any) -> None:
            from ..components import register

            for c in self.components:
                register(c.name, c.fn, worker=c.worker, job=c.job, data=c.data, checked=c.checked)

    return Components(components)


def _warm_up() -> None:
    from ..data import synth
    from ..scoring.scores import candidates

    candidates(synth.scenario(20, 3, seed=0), k=2)


def frame_arg(where: str, name: str, frame: Any, parts: int = 1, *, key: str | None = None) -> Any:
    """A dask DataFrame of ``frame``: a dask DataFrame as it is, Parquet path(s) read lazily, a pandas DataFrame
    or pyarrow Table in ``parts`` partitions (cut only where column ``key`` changes, when given).

    Cells stay Python objects: dask's default conversion of object columns
    to strings would turn a skills dict into its repr.
    """
    dask = require_dask(where)
    dd = optional_import("dask.dataframe", "dask", where)
    if isinstance(frame, dd.DataFrame):
        return frame
    if isinstance(frame, (str, os.PathLike)) or (
        isinstance(frame, (list, tuple)) and frame and all(isinstance(f, (str, os.PathLike)) for f in frame)
    ):
        paths = [os.fspath(f) for f in frame] if isinstance(frame, (list, tuple)) else os.fspath(frame)
        _same_parquet_columns(where, name, [paths] if isinstance(paths, str) else paths)
        return dd.read_parquet(paths)
    if hasattr(frame, "schema") and hasattr(frame, "column_names"):  # pyarrow.Table
        frame = frame.to_pandas()
    if hasattr(frame, "columns") and hasattr(frame, "iloc"):
        parts = max(1, min(parts, len(frame)))
        cuts = [round(i * len(frame) / parts) for i in range(parts + 1)]
        if key is not None and key in frame.columns and len(frame):
            values = frame[key].to_numpy(dtype=object)
            changes = np.r_[np.flatnonzero(values[1:] != values[:-1]) + 1, len(frame)]
            cuts = [0, *sorted({int(changes[np.searchsorted(changes, c)]) for c in cuts[1:-1]} - {len(frame)})]
            cuts.append(len(frame))
        with dask.config.set({"dataframe.convert-string": False}):
            pieces = [dask.delayed(frame.iloc[a:b]) for a, b in itertools.pairwise(cuts)]
            return dd.from_delayed(pieces, meta=frame.iloc[:0], verify_meta=False)
    raise ValidationError(
        f"{where}: {name} must be a dask DataFrame, a pandas DataFrame, a pyarrow Table or Parquet path(s), "
        f"got {type(frame).__name__!r}",
        record=where,
        field=name,
        expected="a dask DataFrame, a pandas DataFrame, a pyarrow Table or Parquet path(s)",
        got=frame,
    )


def _same_parquet_columns(where: str, name: str, paths: list[str]) -> None:
    """Every Parquet file of ``paths`` (files, folders of ``*.parquet``, glob patterns) has the first file's
    columns (read from the files' footers, not their data); else the error names the file.  Dask would read a
    file without a column of the first one as a ``KeyError`` deep in a task."""
    import glob

    parquet = optional_import("pyarrow.parquet", "dask", where)
    files: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            files += sorted(glob.glob(os.path.join(path, "**", "*.parquet"), recursive=True))
        elif glob.has_magic(path):
            files += sorted(glob.glob(path))
        elif os.path.isfile(path):
            files.append(path)
    first: set[str] | None = None
    for file in files:
        try:
            columns = {c for c in parquet.read_schema(file).names if not c.startswith("__index_level_")}
        except (OSError, ValueError) as error:  # pyarrow's ArrowInvalid is a ValueError
            raise ValidationError(
                f"{where}: {name} file {file!r} must be a Parquet file, got: {error}",
                record=file, field=name, expected="a Parquet file", got=str(error),
            ) from None  # fmt: skip
        if first is None:
            first, first_file = columns, file
        elif columns != first:
            missing, extra = sorted(first - columns), sorted(columns - first)
            said = "; ".join(part for part in (f"without {missing}" if missing else "",
                                               f"with {extra} besides" if extra else "") if part)  # fmt: skip
            raise ValidationError(
                f"{where}: {name} file {file!r} must have the columns of {first_file!r}, got columns {said}",
                record=file, field=name, expected=f"the columns of {first_file!r}", got=sorted(columns),
            )  # fmt: skip


def read_small(where: str, name: str, frame: Any) -> Any:
    """A small input (jobs, programmes) as one pandas DataFrame: read whole from Parquet path(s) or a dask
    DataFrame; a pandas DataFrame or pyarrow Table as it is."""
    if frame is None:
        return None
    if isinstance(frame, (str, os.PathLike, list, tuple)):
        frame = frame_arg(where, name, frame)
    dd = optional_import("dask.dataframe", "dask", where)
    if isinstance(frame, dd.DataFrame):
        frame = frame.compute(scheduler="threads")
    return frame


def partitions(frame: Any) -> list[Any]:
    """The partitions of a dask DataFrame, as delayed pandas DataFrames in order."""
    return list(frame.to_delayed())


def column_kinds(frame: Any) -> tuple[tuple[str, str], ...]:
    """Each column of a pandas frame (or a dask DataFrame's meta) and the family of its dtype: ``number``, ``flag``,
    ``objects`` (text, lists, dicts, categories) or the dtype's own name.  Families, not dtypes: a partition with a
    gap reads an integer column as floats, and that is the same column."""
    out = []
    for name, dtype in zip(frame.columns, frame.dtypes):
        kind = getattr(dtype, "kind", "O")
        family = {"i": "number", "u": "number", "f": "number", "b": "flag", "O": "objects", "U": "objects",
                  "S": "objects"}.get(kind, str(dtype))  # fmt: skip
        out.append((str(name), family))
    return tuple(out)


def same_columns(label: str, index: int, frame: Any, expected: tuple[tuple[str, str], ...]) -> None:
    """Partition ``index`` has the columns (and dtype families) of the first one, ``expected``; else the error
    names the partition and the difference (a partition without ``people`` would count its couples as one person
    each)."""
    got = column_kinds(frame)
    if got == expected:
        return
    names, wanted = [n for n, _ in got], dict(expected)
    missing = [n for n in wanted if n not in names]
    extra = [n for n in names if n not in wanted]
    other = [f"{n} ({k}, not {wanted[n]})" for n, k in got if n in wanted and wanted[n] != k]
    said = "; ".join(part for part in (
        f"without {', '.join(map(repr, missing))}" if missing else "",
        f"with {', '.join(map(repr, extra))} besides" if extra else "",
        f"with {', '.join(other)}" if other else "",
    ) if part) or "in another order"  # fmt: skip
    where = f"{label} partition {index}"
    raise ValidationError(
        f"{where}: columns must be those of the first partition ({', '.join(wanted)}), got columns {said}",
        record=where, field="columns", expected="the first partition's columns and dtypes", got=names,
    )  # fmt: skip


def in_partition(label: str, index: int, err: ValidationError, hint: str = "") -> ValidationError:
    """``err`` raised inside partition ``index`` of ``label``, saying which partition (rows count within it),
    with ``hint`` added to the message."""
    where = f"{label} partition {index}"
    return ValidationError(
        f"{where}: {err}{hint}",
        record=f"{where}, {err.record}" if err.record else where,
        field=err.field,
        expected=err.expected,
        got=err.got,
    )
