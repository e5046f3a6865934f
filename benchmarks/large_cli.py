"""The command line's overhead over the library call, at 100k workers x 2k jobs.

    python benchmarks/large_cli.py [--workers 100000] [--jobs 2000] [--repeats 2]

``synth.scenario(workers, jobs, 0)`` written as CSV (``Market.to_files``).
Timed, interleaved ``--repeats`` times: ``jobmatch match workers.csv
jobs.csv --out placements.csv --no-progress`` as a new process (Python
start, imports, reading, matching, writing), and the same work in this
process as library calls (``Market.from_files``, ``match``,
``to_frame().to_csv``).  The difference is what the command line costs:
the interpreter, the imports and numba loading its cached kernels.

Figures go to docs/benchmarks.md ("Command line").
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()

    from jobmatch import Market, match, synth

    folder = Path(tempfile.mkdtemp())
    paths = synth.scenario(args.workers, args.jobs, 0, seed=0).to_files(folder, format="csv")
    workers, jobs = str(paths["workers"]), str(paths["jobs"])
    command = [sys.executable, "-m", "jobmatch", "match", workers, jobs, "--out", str(folder / "cli.csv"),
               "--no-progress"]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True)  # kernels compiled and cached before timing
    cli, library = [], []
    for _ in range(args.repeats):
        began = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        cli.append(time.perf_counter() - began)
        began = time.perf_counter()
        market = Market.from_files(workers, jobs)
        match(market).to_frame().to_csv(folder / "library.csv", index=False)
        library.append(time.perf_counter() - began)
    cli_s, library_s = statistics.median(cli), statistics.median(library)
    print(json.dumps({"cli_s": round(cli_s, 2), "library_s": round(library_s, 2),
                      "overhead_s": round(cli_s - library_s, 2), "ratio": round(cli_s / library_s, 3)}))  # fmt: skip


if __name__ == "__main__":
    main()
