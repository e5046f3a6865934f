"""A warm start: where an earlier solve ended, handed to the solve of a changed problem.

What crosses the seam between the pipeline and the solvers when one solve
continues another (a pricing pass, a re-match, a training round, a Dask
driver's next pass) is this one typed object, not a dict of option names:
the earlier answer's job prices and its assignment.  A solver declares in
the registry whether it takes one (``auction``: prices and assignment;
``cpsat``: the assignment as a solution hint); :func:`jobmatch.solve` hands
it to those and warns that the others ignore it.  As POT's
``potentials_init``: any start is valid, a good one is faster.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._checks import fail
from .result import Result

__all__ = ["WarmStart"]


@dataclass(frozen=True, eq=False)
class WarmStart:
    """An earlier answer to start from (checked by the solver that takes it, against its problem).

    Parameters
    ----------
    prices : array_like of float, optional
        One price per job (an earlier result's ``duals.prices``): the auction
        starts its bidding there.
    hint : array_like of int, optional
        A job per worker (-1: unplaced; an earlier ``job_of``); for the
        auction with workers of several people, also a job per one-person
        copy (its ``stats["relaxed"]``).

    Examples
    --------
    >>> import numpy as np
    >>> from jobmatch import Problem, solve
    >>> problem = Problem.from_dense(np.array([[4.0, 1.0], [3.0, 2.0], [3.5, 0.0]]), capacity=[2, 1])
    >>> first = solve(problem)
    >>> again = solve(problem.replace(values=problem.values + 0.5), warm=WarmStart.of(first))
    >>> again.status.name, again.objective
    ('OPTIMAL', 11.0)
    """

    prices: Any = None
    hint: Any = None

    @classmethod
    def of(cls, earlier: Any) -> WarmStart:
        """The warm start of an earlier :class:`~jobmatch.Result` or :class:`~jobmatch.Assignment`: its prices
        (when its solver has any) and its assignment."""
        result = getattr(earlier, "result", earlier)
        if not isinstance(result, Result):
            raise fail("WarmStart.of", "earlier", "a jobmatch Result or Assignment", type(earlier).__name__)
        return cls(prices=result.prices, hint=np.asarray(result.job_of))
