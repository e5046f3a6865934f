"""The notebook view shared by the library's objects: a small captioned HTML table of (label, value) rows."""

from __future__ import annotations

import html
from collections.abc import Iterable

__all__ = ["html_table"]


def html_table(caption: str, rows: Iterable[tuple[str, object]]) -> str:
    """A captioned two-column table, every label and value escaped.

    Examples
    --------
    >>> page = html_table("jobmatch Market", [("workers", "1,000"), ("<b>", 2)])
    >>> page.startswith("<table><caption>jobmatch Market</caption>"), "&lt;b&gt;" in page, page.count("<tr>")
    (True, True, 2)
    """
    body = "".join(
        f"<tr><th style='text-align:left'>{html.escape(str(label))}</th><td>{html.escape(str(value))}</td></tr>"
        for label, value in rows
    )
    return f"<table><caption>{html.escape(caption)}</caption>{body}</table>"
