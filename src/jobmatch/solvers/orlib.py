"""Published reference instances (J. E. Beasley's OR-Library) as Problems.

The files are not shipped with jobmatch; point these loaders at a copy
(formats in the OR-Library's own notes).  Both build *minimisation*
problems in which every worker must be placed.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .._checks import fail
from .problem import Problem

__all__ = ["load_orlib_assign", "load_orlib_gap"]


def _numbers(path: str | os.PathLike[str], where: str) -> np.ndarray:
    try:
        text = Path(path).read_text()
    except OSError as err:
        raise fail(where, "path", "a readable OR-Library file", str(path)) from err
    try:
        return np.array(text.split(), dtype=np.int64)
    except ValueError:
        raise fail(where, "path", "a file of whitespace-separated integers", str(path)) from None


def load_orlib_assign(path: str | os.PathLike[str]) -> Problem:
    """A linear assignment instance (``assignN.txt`` dense or ``assignpN.txt`` sparse).

    Dense files hold n then the n x n costs row by row; sparse files hold n
    then one ``i j c`` line per allowed pair (1-based).  Workers are the
    rows, jobs the columns, every capacity 1, every worker placed,
    minimising cost.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "assign2.txt"
    >>> _ = path.write_text("2\\n 5 1\\n 2 9\\n")
    >>> problem = load_orlib_assign(path)
    >>> problem.n_workers, problem.maximize, problem.must_place, problem.values.tolist()
    (2, False, True, [5.0, 1.0, 2.0, 9.0])
    """
    where = f"OR-Library assignment file {os.fspath(path)!r}"
    data = _numbers(path, where)
    if len(data) < 1 or data[0] < 1:
        raise fail(where, "size", "a positive n first", data[:1].tolist())
    n = int(data[0])
    rest = data[1:]
    if len(rest) == n * n and "assignp" not in Path(path).name:
        return Problem.from_dense(rest.reshape(n, n), capacity=1, maximize=False, must_place=True)
    if len(rest) % 3 != 0:
        raise fail(where, "contents", f"{n * n} dense costs or 'i j c' triples", f"{len(rest)} numbers", described=True)
    i, j, c = rest.reshape(-1, 3).T
    if i.min() < 1 or i.max() > n or j.min() < 1 or j.max() > n:
        raise fail(where, "pairs", f"1-based indices in 1..{n}", "an index out of range", described=True)
    return Problem.from_arcs(i - 1, j - 1, c, n_workers=n, n_jobs=n, capacity=1, maximize=False, must_place=True)


def load_orlib_gap(path: str | os.PathLike[str], *, maximize: bool = False) -> list[Problem]:
    """Every generalised assignment problem of a ``gapX.txt`` file.

    Each problem: m agents (the jobs, with a capacity each) and n items (the
    workers); item i given to agent a costs ``cost[a, i]`` and uses
    ``resource[a, i]`` of the agent's capacity; every item is assigned.
    ``maximize=True`` gives the maximisation form of the same data.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "gap0.txt"
    >>> _ = path.write_text("1\\n 2 3\\n 1 2 3\\n 4 5 6\\n 1 1 1\\n 2 2 2\\n 2 4\\n")
    >>> [p] = load_orlib_gap(path)
    >>> p.n_workers, p.n_jobs, p.capacity.tolist(), p.use[:2].tolist(), p.values[:2].tolist()
    (3, 2, [2, 4], [1, 2], [1.0, 4.0])
    """
    where = f"OR-Library GAP file {os.fspath(path)!r}"
    data = _numbers(path, where)
    problems = []
    pos = 1
    for index in range(int(data[0]) if len(data) else 0):
        if pos + 2 > len(data):
            raise fail(where, f"problem {index}", "m and n", "end of file", described=True)
        m, n = int(data[pos]), int(data[pos + 1])
        pos += 2
        size = 2 * m * n + m
        if pos + size > len(data):
            raise fail(where, f"problem {index}", f"{size} numbers", f"{len(data) - pos}", described=True)
        cost = data[pos : pos + m * n].reshape(m, n)
        resource = data[pos + m * n : pos + 2 * m * n].reshape(m, n)
        capacity = data[pos + 2 * m * n : pos + size]
        pos += size
        items, agents = np.meshgrid(np.arange(n), np.arange(m), indexing="ij")
        problems.append(
            Problem.from_arcs(
                items.ravel(),
                agents.ravel(),
                cost.T.ravel(),
                n_workers=n,
                n_jobs=m,
                capacity=capacity,
                use=resource.T.ravel(),
                maximize=maximize,
                must_place=True,
            )
        )
    return problems
