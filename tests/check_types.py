"""What a user's type checker sees of the public names: the real signatures, not ``Any`` (checked by mypy in the
test command, ``[tool.mypy] files``; nothing here runs).

Each call below is wrong on purpose and silenced for that one error: were the name ``Any`` (a lazy attribute
without a type), the silencing comment would be unused, which ``warn_unused_ignores`` makes an error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jobmatch

    jobmatch.match("not a market", k="twenty")  # type: ignore[arg-type]
    jobmatch.solve(3)  # type: ignore[arg-type]
    jobmatch.candidates(None, k="many")  # type: ignore[arg-type]
    jobmatch.rematch(None, None, move_penalty="high")  # type: ignore[arg-type]
    jobmatch.compare(None, solvers=3)  # type: ignore[arg-type]
    jobmatch.simulate.run("not a strategy")  # type: ignore[arg-type]
    jobmatch.Market([], [], catalogue=3)  # type: ignore[arg-type]
