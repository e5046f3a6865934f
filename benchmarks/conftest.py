"""Benchmarks are run on demand, not by the test suite:

    python -m pytest benchmarks --benchmark-columns=min,median,max,rounds

See docs/benchmarks.md for the recorded figures.
"""
