"""The whole-market answer against the candidates' (issues 29 and 30), one process per call.

    python benchmarks/whole_market.py N_WORKERS N_JOBS [--seed 5] [--parts match rematch]

``synth.scenario(N_WORKERS, N_JOBS, seed)`` matched with ``k=10`` over the
whole market (the pricing passes: the problem grows by
``Problem.with_arcs``), then re-matched over the whole market after 5% of
the workers and two jobs left, with every placed worker locked
(``Problem.fixing``) and last week's pairs carried.  Prints one JSON line:
seconds, objectives and what each proof covers, so that two versions of the
library can be run side by side on the same market (same answers, times
compared as ratios in one session; docs/benchmarks.md, "Typed seam").
"""

from __future__ import annotations

import argparse
import json
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("workers", type=int)
    parser.add_argument("jobs", type=int)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()

    from jobmatch import match, rematch, synth

    market = synth.scenario(args.workers, args.jobs, seed=args.seed)
    started = time.perf_counter()
    first = match(market, k=10, training=False, scope="market")
    matched = time.perf_counter()
    later = market.subset(workers=range(args.workers // 20, args.workers), jobs=range(2, args.jobs))
    again = rematch(first, later, k=10, keep="placed", scope="market")
    done = time.perf_counter()
    out = {
        "match_s": round(matched - started, 3),
        "rematch_s": round(done - matched, 3),
        "match_objective": first.objective,
        "rematch_objective": again.objective,
        "proven_over": [first.proven_over, again.proven_over],
    }
    print(json.dumps(out), file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
