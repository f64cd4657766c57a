"""Evasion: the tricks that once hid a claim from claimcheck but not from a reader.

``scan``: a failing page wrapped in any of the template markers that main-content
extraction used to drop (layout words in class names and ids, ``<header>``,
``<aside>``, ``aria-hidden``, template landmarks) still fails.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from claimcheck.scan.scanner import ScanOptions, run_scan

FAILING_AD = ("<h1>Knee clinic</h1><p>Our stem cell injections cure arthritis and are FDA approved. "
              "Book your consultation today.</p>")

# (element, attributes): class and id words of a site template, template elements and landmarks.
WRAPPERS = [("div", 'class="header-hero"'), ("section", 'class="social-proof"'), ("div", 'class="related-content"'),
            ("div", 'class="treatmentMenu"'), ("div", 'id="comments"'), ("div", 'class="cookie-consent"'),
            ("div", 'id="sidebar"'), ("header", ""), ("aside", ""), ("footer", ""), ("form", ""),
            ("div", 'aria-hidden="true"'), ("div", 'role="complementary"'), ("div", 'role="banner"')]


def wrapped_pages() -> dict[str, str]:
    """One page per wrapper, each on a site of its own (a page seen alone keeps everything)."""
    pages = {}
    for number, (element, attributes) in enumerate(WRAPPERS):
        opening = f"<{element} {attributes}>" if attributes else f"<{element}>"
        pages[f"https://clinic-{number}.example/"] = (f"<html><body><main>{opening}{FAILING_AD}</{element}>"
                                                      f"</main></body></html>")
    return pages


def test_fourteen_wrappers_around_a_failing_page_still_fail_in_scan(tmp_path):
    pages = wrapped_pages()
    assert len(pages) == 14
    crawl = tmp_path / "crawl.jsonl"
    crawl.write_text("".join(json.dumps({"url": url, "html": html}) + "\n" for url, html in pages.items()))
    db = tmp_path / "results.sqlite"
    run_scan([crawl], str(db), ScanOptions(workers=1))
    with sqlite3.connect(db) as connection:
        statuses = dict(connection.execute("SELECT url, status FROM pages"))
        codes = set(connection.execute("SELECT url, code FROM findings"))
    assert statuses == dict.fromkeys(pages, "fail")
    for url in pages:
        assert {(url, "CC102"), (url, "CC201")} <= codes, url
