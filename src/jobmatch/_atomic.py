"""Files written whole or not at all: a temporary file in the same folder, then one atomic rename.

Every file the library writes (placements, market files, plots) goes
through :func:`atomic_path`: a failed write, a full disk or Ctrl-C during
it leaves the file that was there before as it was, and never a
half-written one.  :func:`check_output` refuses, before any work, an
output whose folder is missing or read-only, or that is one of the inputs.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from .exceptions import ValidationError

__all__ = ["atomic_path", "check_output"]


def _mode(path: Path) -> int:
    """The permissions the written file gets: those of the file it replaces, else what the umask allows."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0o022)  # read it back: os.umask sets and returns the old mask
        os.umask(mask)
        return 0o666 & ~mask


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; when the block ends without error it replaces ``path``.

    On any error or interruption (``KeyboardInterrupt`` too) the temporary
    file is removed and ``path`` is left as it was.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "placements.csv"
    >>> _ = out.write_text("before")
    >>> try:
    ...     with atomic_path(out) as part:
    ...         _ = part.write_text("half")
    ...         raise KeyboardInterrupt
    ... except KeyboardInterrupt:
    ...     pass
    >>> out.read_text(), sorted(p.name for p in out.parent.iterdir())
    ('before', ['placements.csv'])
    >>> with atomic_path(out) as part:
    ...     _ = part.write_text("after")
    >>> out.read_text()
    'after'
    """
    target = Path(path)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(handle)
    part = Path(name)
    try:
        yield part
        with part.open("rb+") as written:  # on disk before the rename, so a crash cannot leave an empty file
            os.fsync(written.fileno())
        os.chmod(part, _mode(target))
        os.replace(part, target)
    except BaseException:
        with contextlib.suppress(OSError):
            part.unlink()
        raise


def check_output(
    where: str, field: str, path: object, *, suffixes: Iterable[str], inputs: Iterable[object] = ()
) -> Path:
    """An output path, checked before any work: its suffix, an existing writable folder, not a folder itself, and
    none of ``inputs`` (which it would overwrite).

    Raises
    ------
    ValidationError
        Naming ``field`` and what is wrong.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> check_output("match", "--out", folder / "p.csv", suffixes=(".csv",)).name
    'p.csv'
    >>> check_output("match", "--out", folder / "missing" / "p.csv", suffixes=(".csv",))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    jobmatch.exceptions.ValidationError: match: --out must be a file in an existing folder, got ...missing/p.csv'
    """
    allowed = tuple(suffixes)

    def refuse(expected: str, got: str) -> ValidationError:
        return ValidationError(f"{where}: {field} must be {expected}, got {got}", record=where, field=field,
                               expected=expected, got=got)  # fmt: skip

    if not isinstance(path, (str, os.PathLike)) or isinstance(os.fspath(path), bytes) or not os.fspath(path):
        raise refuse("a path (text or a pathlib.Path)", repr(path))
    target = Path(path)
    if target.suffix.lower() not in allowed:
        raise refuse(f"a file ending in one of {', '.join(allowed)}", repr(str(target)))
    folder = target.parent
    if not folder.is_dir():
        raise refuse("a file in an existing folder", repr(str(target)))
    if target.is_dir():
        raise refuse("a file, not a folder", repr(str(target)))
    if not os.access(folder, os.W_OK):
        raise refuse("a file in a folder you can write to", repr(str(folder)))
    for given in inputs:
        if given is None:
            continue
        if not isinstance(given, (str, os.PathLike)):
            continue  # not a path: refused where it is read
        source = Path(given)
        same = target.resolve() == source.resolve()
        with contextlib.suppress(OSError):
            same = same or (target.exists() and os.path.samefile(target, source))
        if same:
            raise refuse("another file than the inputs (it would overwrite one)", repr(str(target)))
    return target
