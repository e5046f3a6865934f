"""The pipeline: market + policy -> problem -> result -> Assignment.

:func:`~jobmatch.pipeline.compile.compile` scores a market into a
:class:`~jobmatch.Problem`; :func:`~jobmatch.pipeline.match.match`
compiles, solves (with training routes, :mod:`jobmatch.pipeline.routes`,
when the market has programmes) and wraps the result in an
:class:`~jobmatch.Assignment`; :func:`~jobmatch.pipeline.comparison.compare`
runs several strategies on one compiled problem.  This is the top of the
layers (``docs/architecture.md``): it imports the others, none imports it.
The public names are ``jobmatch.compile``, ``jobmatch.match`` and
``jobmatch.compare``.
"""
