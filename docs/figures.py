"""Write the figures of the docs to docs/img/: ``python docs/figures.py``.

The synthetic Shandong–Chongqing scenario (20,000 workers, 600 jobs, seed 0)
matched under a 75% poverty-alleviated quota, drawn by :func:`jobmatch.plot.plot`
as ``quota.png``, ``scores.png`` and ``flows.png``; and ``uplift.png``, the
run of docs/uplift.md drawn by :func:`jobmatch.plot.plot_uplift`; and
``dynamic.png``, the simulated year of docs/dynamic.md drawn by
:func:`jobmatch.simulate.plot`.

Place names need a CJK font.  If none is installed, ``pip install mplfonts``
(only to draw these figures; jobmatch does not need it): its Noto Sans CJK SC
is registered with matplotlib for this run.  Without one the names render as
boxes.

Importing this module does nothing (pytest imports it to look for doctests).
"""

from __future__ import annotations

import importlib.util
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE / "img"
DPI = 110


def register_cjk_font() -> str | None:
    """Register the Noto Sans CJK SC font that the ``mplfonts`` package ships, if installed; return its family."""
    from matplotlib import font_manager

    spec = importlib.util.find_spec("mplfonts")  # locate it without importing it (its import changes rcParams)
    if spec is None or spec.origin is None:
        return None
    path = pathlib.Path(spec.origin).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    if not path.is_file():
        return None
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=path).get_name()


def main() -> None:
    from jobmatch import GroupQuota, Policy, match, synth
    from jobmatch.plot import plot, plot_uplift

    font = register_cjk_font()
    print(f"CJK font: {font}" if font else "no CJK font (pip install mplfonts): place names will render as boxes")
    market = synth.scenario(20_000, 600, seed=0)
    policy = Policy(quotas=[GroupQuota("poverty_alleviated", min_share=0.75)])
    placed = match(market, policy, k=10)
    print(placed)
    OUT.mkdir(exist_ok=True)
    for kind in ("quota", "scores", "flows"):
        path = OUT / f"{kind}.png"
        plot(placed, kind).savefig(path, dpi=DPI, metadata={"Software": None})
        print(f"wrote {path.relative_to(HERE.parent)} ({path.stat().st_size / 1024:.0f} kB)")
    path = OUT / "uplift.png"
    plot_uplift(uplift_table()).savefig(path, dpi=DPI, metadata={"Software": None})
    print(f"wrote {path.relative_to(HERE.parent)} ({path.stat().st_size / 1024:.0f} kB)")
    path = OUT / "dynamic.png"
    table = year_table()
    print(table[["strategy", "placed", "employed_12m", "uplift_12m", "uplift_12m_low", "uplift_12m_high", "moves",
                 "priority_share"]].round(3).to_string())  # fmt: skip
    from jobmatch.simulate import plot as plot_year

    plot_year(table.attrs["years"]).savefig(path, dpi=DPI, metadata={"Software": None})
    print(f"wrote {path.relative_to(HERE.parent)} ({path.stat().st_size / 1024:.0f} kB)")


def year_table():
    """The year of docs/dynamic.md: four strategies over 52 weeks, 10,000 registrations, 500 jobs, five seeds."""
    from jobmatch import GroupQuota, Policy
    from jobmatch.simulate import STATUS_QUO, Strategy, compare_strategies

    quota = Policy(quotas=[GroupQuota("poverty_alleviated", min_share=0.75)])
    strategies = [
        STATUS_QUO,
        Strategy("exact, room left", moves=False),
        Strategy("exact, re-matched"),
        Strategy("re-matched, 75% quota", policy=quota, options={"finish": False}),
    ]
    return compare_strategies(strategies, seeds=(0, 1, 2, 3, 4), workers=10_000, jobs=500, weeks=52)


def uplift_table():
    """The summary of docs/uplift.md: status quo, the fit score, and the fit score blended with retention."""
    import pandas as pd

    from jobmatch import compare, synth
    from jobmatch.blend import Blend, PairScores
    from jobmatch.comparison import uplift_summary
    from jobmatch.outcomes import retention

    market = synth.scenario(3000, 120, seed=4)
    stays = retention(market)
    informed = Blend({"retention": PairScores.function(stays, weight=4.0)}, depth=50)
    seeds = (0, 1, 2, 3, 4)
    table = uplift_summary(compare(market, solvers=("first_come", "flow"), seeds=seeds, k=20, outcome=stays))
    table.loc[table["solver"] == "flow", "solver"] = "flow (fit score)"
    blended = compare(market, solvers=("flow",), seeds=seeds, k=20, outcome=stays, blend=informed)
    row = uplift_summary(blended).iloc[[1]].assign(solver="flow (fit + retention)")
    return pd.concat([table, row], ignore_index=True)


if __name__ == "__main__":
    main()
