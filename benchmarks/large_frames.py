"""Data frames in and out at 100k and 1M workers: ``Market.from_frames`` and ``to_frames``, before and after.

    python benchmarks/large_frames.py [--sizes 100000 1000000] [--before SRC]

Each case runs in a fresh process on ``synth.scenario(n, n // 100)``:
``to_frames()`` to pandas, ``from_frames`` of those pandas frames, of the
same frames as Arrow tables (``pa.Table.from_pandas``: skill maps become
structs, sets lists) and of ``to_frames(backend="arrow")`` (skill maps as
Arrow maps), and of the CSV text form (``backend="text"``), wall seconds
(min of ``--repeats``).  ``--before SRC`` runs the same cases on another
checkout's ``src`` (e.g. a git worktree of the commit before the
vectorised columns), so before and after come from one run.

Figures go to docs/benchmarks.md ("Data-frame path").
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from _child import run_child


def case(n: int, repeats: int) -> dict:
    import pyarrow as pa

    from jobmatch import Market, synth

    market = synth.scenario(n, max(10, n // 100), seed=0)

    def best(fn) -> float:
        times = []
        for _ in range(repeats):
            began = time.perf_counter()
            fn()
            times.append(time.perf_counter() - began)
        return round(min(times), 3)

    workers, jobs, _ = market.to_frames()
    out = {"to_frames_pandas_s": best(market.to_frames)}
    out["from_pandas_s"] = best(lambda: Market.from_frames(workers, jobs))
    as_arrow = (pa.Table.from_pandas(workers, preserve_index=False), pa.Table.from_pandas(jobs, preserve_index=False))
    out["from_arrow_structs_s"] = best(lambda: Market.from_frames(*as_arrow))
    arrow = market.to_frames(backend="arrow")
    out["from_arrow_maps_s"] = best(lambda: Market.from_frames(arrow[0], arrow[1]))
    text = market.to_frames(backend="text")
    out["from_text_s"] = best(lambda: Market.from_frames(text[0], text[1]))
    assert Market.from_frames(workers, jobs) == market
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", nargs="*", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--before", default=None, help="another checkout's src directory, run first")
    parser.add_argument("--child", type=int, default=None)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(case(args.child, args.repeats)))
        return
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
    for label, src in (("before", args.before), ("after", here)):
        if src is None:
            continue
        os.environ["PYTHONPATH"] = os.path.abspath(src)  # ahead of the installed package, in the child
        for n in args.sizes:
            run_child(f"{label} {n:,}", [sys.executable, __file__, "--child", str(n), "--repeats", str(args.repeats)])


if __name__ == "__main__":
    main()
