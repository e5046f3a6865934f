"""Numba flags, the kernels' cache directory and their threading, in one place.

Kernel modules take numba's decorators from here (``from .._config import
njit, prange``): the first time they do, numba is imported and its cache
directory set, before any decorator runs.  Importing this module alone
loads no numba (the flags are plain dicts).

``error_model="numpy"``: kernels never divide by zero by construction, and
the Python error model's checks would keep loops from vectorising.

The cache.  Kernels are compiled on first use and cached on disk
(``cache=True``), so a new process pays the compile time once per machine,
not per call.  numba unpickles what it finds there, so the cache must be
writable by the user alone: it lives in a per-user directory,
:func:`cache_dir` (``$XDG_CACHE_HOME/jobmatch/numba``, else
``~/.cache/jobmatch/numba`` on Linux; ``~/Library/Caches/jobmatch/numba``
on macOS; ``%LOCALAPPDATA%\\jobmatch\\numba`` on Windows), created with
mode 0o700, never inside the installed package.  ``NUMBA_CACHE_DIR`` (or
``numba.config.CACHE_DIR`` set before jobmatch loads its kernels) takes
precedence.  numba has one cache directory per process, read when a
function is decorated: numba functions of your own with ``cache=True``
decorated after jobmatch's kernels load are cached there too.  When the
directory cannot be made private (owned by someone else, or not
creatable), the kernels are cached for the process only, in a private
temporary directory removed at exit, and a :class:`RuntimeWarning` says
why.

Threads.  numba picks its threading layer at the first parallel launch:
tbb if installed, else omp, else workqueue (``NUMBA_THREADING_LAYER``
chooses otherwise); jobmatch leaves that choice to numba.  tbb and omp run
kernels launched from several threads at once; workqueue aborts the process
when two threads launch at once, so under it callers of the parallel
kernels take turns (:func:`parallel_lock`).  The omp layer of GNU OpenMP is
not fork-safe: a child forked after a parallel kernel ran aborts when it
launches one (use tbb, ``NUMBA_THREADING_LAYER=workqueue``, or the
``spawn`` / ``forkserver`` start methods of :mod:`multiprocessing`).
"""

from __future__ import annotations

import atexit
import os
import shutil
import stat
import sys
import tempfile
import threading
import warnings
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

__all__ = ["cache_dir", "parallel_lock"]  # and njit, prange (module __getattr__)


def cache_dir() -> Path:
    """The per-user directory jobmatch caches its compiled kernels in (unless ``NUMBA_CACHE_DIR`` is set)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "jobmatch" / "numba"


def _private(path: Path) -> str | None:
    """Why ``path`` cannot hold the cache (None: a directory the user alone can write, made if missing)."""
    try:
        for part in (path.parent, path):  # jobmatch/ and jobmatch/numba/: made by us, private
            part.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not hasattr(os, "getuid"):  # Windows: the per-user profile's own permissions apply
                continue
            info = part.stat()
            if info.st_uid != os.getuid():
                return f"{part} belongs to another user"
            if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                part.chmod(0o700)
    except OSError as error:
        return f"{path} cannot be made private ({error.strerror or error})"
    return None


_configured = False


def _configure() -> None:
    """Point numba's cache at :func:`cache_dir` unless the user chose one (once per process)."""
    global _configured
    if _configured:
        return
    import numba

    _configured = True
    if numba.config.CACHE_DIR:  # NUMBA_CACHE_DIR, or set by the user before the kernels load
        return
    path = cache_dir()
    why = _private(path)
    if why is not None:
        temporary = tempfile.mkdtemp(prefix="jobmatch-numba-")  # private (0o700), this process only
        atexit.register(shutil.rmtree, temporary, ignore_errors=True)
        warnings.warn(
            f"jobmatch: {why}; numba kernels are cached for this process only "
            "(set NUMBA_CACHE_DIR to a private writable directory to keep them)",
            RuntimeWarning,
            stacklevel=3,
        )
        path = Path(temporary)
    numba.config.CACHE_DIR = str(path)


if TYPE_CHECKING:  # what a type checker sees of the two (at run time, numba's own, from ``__getattr__`` below)
    from collections.abc import Callable
    from typing import TypeVar, overload

    _F = TypeVar("_F", bound=Callable[..., Any])

    @overload
    def njit(fn: _F, /) -> _F: ...
    @overload
    def njit(**flags: Any) -> Callable[[_F], _F]: ...
    def njit(fn: _F | None = None, /, **flags: Any) -> _F | Callable[[_F], _F]:
        """numba's ``njit``, typed as a decorator that keeps the function's signature (a kernel is called as one)."""

    prange = range  # numba's ``prange`` runs as ``range`` outside compiled code


def __getattr__(name: str) -> Any:
    """``njit`` and ``prange``: numba's, once its cache directory is set (see the module notes)."""
    if name in ("njit", "prange"):
        _configure()
        import numba

        return getattr(numba, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if "numba" in sys.modules:  # kernel modules that import numba before this one: set the cache before they decorate
    _configure()

_turns = threading.Lock()


def _new_lock_in_child() -> None:
    global _turns
    _turns = threading.Lock()  # a child forked while another thread held the lock starts with it free


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_new_lock_in_child)


def parallel_lock() -> AbstractContextManager[Any]:
    """What to hold while a parallel kernel runs: nothing under a thread-safe layer (tbb, omp), else a lock.

    Before the first parallel launch the layer is not yet known, and the
    lock is taken: launches then take turns until numba has picked one.

    Examples
    --------
    >>> with parallel_lock():
    ...     pass
    """
    import numba

    try:
        layer = numba.threading_layer()
    except ValueError:  # no parallel kernel has run yet
        layer = None
    return nullcontext() if layer in ("tbb", "omp") else _turns


#: Plain kernels (single pair, small helpers).
JIT = {"cache": True, "nogil": True, "error_model": "numpy"}
#: Kernels that run ``prange`` loops over workers or jobs.
PARALLEL = {"cache": True, "nogil": True, "parallel": True, "error_model": "numpy"}
#: Helpers inlined into their callers at the numba IR level.
INLINE = {"cache": True, "nogil": True, "inline": "always", "error_model": "numpy"}
#: Plain kernels whose float reductions may be reordered (max over scores that hold no NaN), so they vectorise.
FASTMATH_JIT = {**JIT, "fastmath": {"nnan", "nsz", "reassoc"}}
#: Helpers inlined like ``INLINE`` but not cached: compiled per process for each set of user functions.
INLINE_UNCACHED = {key: value for key, value in INLINE.items() if key != "cache"}
#: A custom component's function in checked mode (``components.register(checked=True)``, the default), recompiled
#: with bounds checks as a function of its own (inlined, its indexing would follow the caller's flags).
BOUNDSCHECK = {"boundscheck": True, "inline": "never"}
#: Plain kernels compiled per process for each set of user functions (not cached): the ``try`` block around
#: checked components, kept out of line (a ``try`` inside a ``prange`` body keeps the loop serial).
JIT_UNCACHED = {key: value for key, value in JIT.items() if key != "cache"}
