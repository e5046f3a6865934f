"""Public path of jobmatch on Dask: :mod:`jobmatch.pipeline.distributed` and :mod:`jobmatch.pipeline.coordinated`.

Needs the ``[dask]`` extra (``pip install "jobmatch[dask]"``); importing
this module without dask raises :class:`~jobmatch.exceptions.MissingDependency`
saying so.  See ``docs/distributed.md``.
"""

from .exceptions import optional_import

optional_import("dask.dataframe", "dask", "jobmatch.distributed")

from .pipeline.coordinated import Coordinated, assign  # noqa: E402
from .pipeline.distributed import candidates, sweep  # noqa: E402

__all__ = ["Coordinated", "assign", "candidates", "sweep"]
