"""``python -m jobmatch``: see :mod:`jobmatch.cli`."""

import sys

from .cli import main

sys.exit(main())
