"""The placements frame: one row per worker, placed or not, with its score, components and reason.

Examples
--------
>>> from jobmatch import match, synth
>>> placed = match(synth.scenario(400, 20, seed=5), k=5)
>>> frame = placed.to_frame()
>>> len(frame) == 400 and frame["worker"].is_unique
True
>>> sorted(frame["reason"].dropna().unique())
['displaced', 'no_feasible_job', 'outranked']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..components import COMPONENTS
from ..data.libraries import backend_for, from_arrow
from ..exceptions import optional_import
from ..scoring.trained import trained_components

if TYPE_CHECKING:
    from .assignment import Assignment

__all__ = ["FIT_COLUMNS", "to_frame"]

#: Columns of the frame's components, in :data:`~jobmatch.policy.COMPONENTS` order.
FIT_COLUMNS = tuple(f"fit_{name}" for name in COMPONENTS)


def to_frame(assignment: Assignment, *, backend: str | None = None) -> Any:
    """One row per worker, in market order: the placement, its score and components, or why not placed.

    Parameters
    ----------
    assignment : Assignment
    backend : {"pandas", "arrow", "polars"}, optional
        A pandas DataFrame, a pyarrow Table or a Polars frame; default: the
        library of the frames the market was built from, else pandas.

    Returns
    -------
    DataFrame or pyarrow.Table
        ``worker``, ``origin``, ``people``, ``job``, ``employer``,
        ``region``, ``program``, ``score``, ``fit_skill`` ... ``fit_region``
        (the components of :func:`jobmatch.breakdown`), ``reason`` (a code
        of :data:`jobmatch.results.reasons.REASONS`, missing when placed) and ``why`` (the reason in
        words); after :func:`jobmatch.rematch`, also ``previous_job``,
        ``change``, ``change_reason`` and ``locked`` (see
        :mod:`jobmatch.results.changes`).  Unplaced workers have missing job, employer, region and
        NaN score and components.  ``program`` is the training programme
        taken (missing: none); a trainee's components are on its levels
        after training, and its score is their composite less the
        training penalty (see docs/scoring.md).

    Examples
    --------
    >>> from jobmatch import match, synth
    >>> frame = match(synth.scenario(200, 10, seed=1), k=4).to_frame()
    >>> list(frame.columns[:8])
    ['worker', 'origin', 'people', 'job', 'employer', 'region', 'program', 'score']
    >>> bool((frame["job"].isna() == frame["reason"].notna()).all())
    True
    """
    backend = backend_for("to_frame", backend, assignment.market.frame_library)

    market, problem = assignment.market, assignment.problem
    job_of = np.asarray(assignment.job_of)
    n = market.n_workers
    placed = np.flatnonzero(job_of >= 0)
    at = job_of[placed]
    chosen = assignment.usage.chosen
    score = np.full(n, np.nan)
    score[problem.workers[chosen]] = problem.values[chosen]
    fits = np.full((n, len(COMPONENTS)), np.nan)
    program = np.asarray(assignment.program_of)
    fits[placed] = trained_components(market, assignment.policy, placed, at, program[placed])[1]
    codes, words = assignment.reasons
    places, employers = market.vocab.place.as_array(), market.vocab.employer.as_array()

    def at_placed(values: np.ndarray) -> np.ndarray:
        out = np.full(n, None, dtype=object)
        out[placed] = values
        return out

    def at_trained(ids: np.ndarray) -> np.ndarray:
        out = np.full(n, None, dtype=object)
        out[program >= 0] = ids[program[program >= 0]]
        return out

    columns: dict[str, Any] = {
        "worker": np.asarray(market.workers.ids, dtype=object),
        "origin": places[market.workers.origin],
        "people": market.workers.size.astype(np.int64),
        "job": at_placed(np.asarray(market.jobs.ids, dtype=object)[at]),
        "employer": at_placed(employers[market.jobs.employer[at]]),
        "region": at_placed(places[market.jobs.region[at]]),
        "program": at_trained(np.asarray(market.programs.ids, dtype=object)),
        "score": score,
        **{name: fits[:, c] for c, name in enumerate(FIT_COLUMNS)},
        "reason": codes,
        "why": np.array(words, dtype=object),
    }
    if assignment.changes is not None:  # a re-match: what it changed (jobmatch.results.changes)
        changes = assignment.changes
        columns.update(previous_job=changes.previous, change=changes.change, change_reason=changes.reason,
                       locked=changes.locked)  # fmt: skip
    if backend != "pandas":
        pa = optional_import("pyarrow", "pandas", f"Assignment.to_frame(backend={backend!r})")
        return from_arrow(pa.table({name: pa.array(list(values) if values.dtype == object else values)
                                    for name, values in columns.items()}), backend)  # fmt: skip
    pd = optional_import("pandas", "pandas", "Assignment.to_frame")
    return pd.DataFrame(columns)
