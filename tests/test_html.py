"""The notebook views (``_repr_html_``) of Market, Policy, Explanation, CandidateGraph and Assignment."""

from __future__ import annotations

import html

import pytest

from jobmatch import GroupQuota, Job, Market, Policy, Worker, candidates, match, synth


@pytest.fixture(scope="module")
def placed():
    return match(synth.scenario(300, 15, 2, seed=3), k=4)


def cells(page: str) -> str:
    return html.unescape(page)


def test_every_view_is_a_captioned_table_with_its_figures(placed):
    market = placed.market
    policy = Policy(quotas=[GroupQuota("poverty_alleviated", min_share=0.75)], employer_caps={"E": 3})
    views = {
        "Market": market._repr_html_(),
        "Policy": policy._repr_html_(),
        "Explanation": placed.explain(market.workers.ids[1])._repr_html_(),
        "CandidateGraph": candidates(market, k=3)._repr_html_(),
        "Assignment": placed._repr_html_(),
    }
    for name, page in views.items():
        assert page.startswith(f"<table><caption>jobmatch {name}</caption>") and page.endswith("</table>")
    assert f"{market.n_workers:,} ({int(market.workers.size.sum()):,} people)" in views["Market"]
    assert "share at least 0.75" in views["Policy"] and "employer cap E" in views["Policy"]
    assert str(market.workers.ids[1]) in views["Explanation"]
    assert f"{candidates(market, k=3).nnz:,}" in views["CandidateGraph"]


def test_views_escape_what_they_show():
    market = Market([Worker(id="<b>W</b>", origin="巫溪", min_wage=1000)],
                    [Job(id="J&1", employer="E", region="泰安", capacity=1, wage=4000)])  # fmt: skip
    page = match(market).explain("<b>W</b>")._repr_html_()
    assert "<b>W</b>" not in page and "&lt;b&gt;W&lt;/b&gt;" in page and "J&amp;1" in page
    assert "<b>" not in market._repr_html_().replace("<table>", "")
