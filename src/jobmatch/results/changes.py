"""What a re-match changed: each worker's placement before and after, and why it moved or was let go.

:func:`jobmatch.rematch` fills one :class:`Changes` per result;
:meth:`Assignment.to_frame` adds its columns and :meth:`Assignment.metrics`
its counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CHANGES", "CHANGE_REASONS", "Changes"]

#: Each worker of the market: what happened to its placement.
CHANGES = {
    "kept": "in the same job as before",
    "moved": "placed before, now in another job",
    "new": "not placed before (or newly registered), now placed",
    "evicted": "placed before, now without a job",
    "unplaced": "without a job before and now",
}

#: Why a worker placed before moved or lost its job.
CHANGE_REASONS = {
    "job_closed": "the job is no longer in the market",
    "capacity_cut": "the job's capacity fell below its holders; the lowest-scoring holders went first",
    "not_feasible": "the pair is no longer allowed (the worker, the job or the policy changed)",
    "better_match": "the gain of moving beat the move penalty",
    "displaced": "the seat went to others with more to gain (or a quota needed it)",
}


@dataclass(frozen=True, eq=False)
class Changes:
    """Per worker of the new market, in market order.

    Attributes
    ----------
    previous : numpy.ndarray
        The id of the job held before (None: none), closed jobs included.
    change : numpy.ndarray
        A code of :data:`CHANGES`.
    reason : numpy.ndarray
        For ``moved`` and ``evicted``, a code of :data:`CHANGE_REASONS`; else None.
    locked : numpy.ndarray
        Workers held in their job (``keep``): never moved.
    left : int
        Workers placed before who are no longer in the market.
    """

    previous: np.ndarray
    change: np.ndarray
    reason: np.ndarray
    locked: np.ndarray
    left: int

    def counts(self) -> dict[str, int]:
        """Workers per change code, then ``locked`` and ``left``.

        Examples
        --------
        >>> import numpy as np
        >>> c = Changes(np.array(["a", None], dtype=object), np.array(["kept", "new"], dtype=object),
        ...             np.array([None, None], dtype=object), np.array([True, False]), 3)
        >>> c.counts()
        {'kept': 1, 'moved': 0, 'new': 1, 'evicted': 0, 'unplaced': 0, 'locked': 1, 'left': 3}
        """
        out = {code: int(np.count_nonzero(self.change == code)) for code in CHANGES}
        return {**out, "locked": int(np.count_nonzero(self.locked)), "left": int(self.left)}
