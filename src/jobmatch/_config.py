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
