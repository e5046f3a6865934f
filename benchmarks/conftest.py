"""Benchmarks are run on demand, not by the test suite:

    python -m pytest benchmarks --benchmark-columns=min,median,max,rounds

See docs/benchmarks.md for the recorded figures.
"""

import os
import sys

# The numpy reference implementations live with the tests.
sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir, "tests"))
