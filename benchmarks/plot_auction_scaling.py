"""The scaling figure of docs/benchmarks.md: solve time against workers, auction and OR-Tools flow.

    python benchmarks/large_auction.py --only scale > scale.log
    python benchmarks/plot_auction_scaling.py scale.log docs/img/auction_scaling.png

Reads the ``scale: {...}`` line that ``large_auction.py`` prints.
"""

from __future__ import annotations

import json
import sys


def main(log: str, out: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    line = next(text for text in open(log, encoding="utf-8") if text.startswith("scale: "))
    rows = json.loads(line[len("scale: ") :])
    fig, ax = plt.subplots(figsize=(6, 4))
    for kind, style in (("unit", "-"), ("couples", "--")):
        keys = sorted((k for k in rows if k.endswith(f":{kind}")), key=lambda k: int(k.split(":")[0]))
        sizes = [int(k.split(":")[0]) for k in keys]
        for name, colour in (("auction", "tab:blue"), ("flow", "tab:orange")):
            cpu = [rows[k][name]["cpu_s"] for k in keys]
            ax.plot(sizes, cpu, style, marker="o", color=colour, label=f"{name} ({kind})")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("workers (jobs = workers / 100; k = 20)")
    ax.set_ylabel("solve CPU seconds")
    ax.set_title("Exact solve time: auction against OR-Tools flow")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
