"""Numba flags, in one place.

Kernels are compiled on first use and cached on disk (``cache=True``), so a
new process pays the compile time once per machine, not per call.

``error_model="numpy"``: kernels never divide by zero by construction, and
the Python error model's checks would keep loops from vectorising.
"""

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
