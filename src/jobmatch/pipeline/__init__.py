"""The pipeline: market + policy -> problem -> result -> Assignment.

:func:`~jobmatch.pipeline.build.build_problem` scores a market into a
:class:`~jobmatch.Problem`; :func:`~jobmatch.pipeline.match.match`
compiles, solves (with training routes, :mod:`jobmatch.pipeline.routes`,
when the market has programmes) and wraps the result in an
:class:`~jobmatch.Assignment`; :func:`~jobmatch.pipeline.comparison.compare`
runs several strategies on one compiled problem;
:func:`~jobmatch.pipeline.shortlists.shortlist` scores a market and solves
stable matchings on it for each side's attainable partners; re-matching
(``rematch``), pricing passes (``pricing``), the simulated year
(``simulate``, compared over seeds in ``years``) and the Dask coordination
(``distributed``, ``coordinated``) are steps too.  Every step that scores a
market or runs a solver is here; reading what they return is the results
layer's work.  This is the top of the layers (``docs/architecture.md``): it
imports the others, none imports it (but for the deprecated
``jobmatch.results.shortlists`` path, kept for one release).  The public
names are ``jobmatch.build_problem``, ``jobmatch.match``, ``jobmatch.compare``,
``jobmatch.rematch`` and ``jobmatch.shortlist``.
"""
