"""The HTML reports without a browser: structure, highlighting, escaping, the scan
store reader and the ``report`` command's errors. ``test_browser.py`` renders them."""
from __future__ import annotations

import base64
import hashlib
import re
import sqlite3

import lxml.html
import pytest
from click.testing import CliRunner

from claimcheck.cli import cli
from claimcheck.model import DocumentResult, Finding
from claimcheck.report import Run
from claimcheck.report.html import Span, document_view, render, safe_url, text_view
from claimcheck.report.html_scan import StoreError, read_store
from claimcheck.project.runner import check_sources
from tests.conftest import FIXTURES
from tests.html_report_support import (HOSTILE_HTML, HOSTILE_NAME, HOSTILE_TEXT, build_store,
                                       expected_highlights)

VIOLATING = sorted(p for p in (FIXTURES / "violating").iterdir() if p.suffix in (".md", ".html", ".txt"))


def _check_html(*paths, extra=()) -> tuple[str, object]:
    result = CliRunner().invoke(cli, ["check", "--format", "html", *map(str, paths), *extra])
    assert result.exit_code in (0, 1, 2), result.output
    return result.stdout, lxml.html.document_fromstring(result.stdout)


def _segments(blocks) -> list:
    return [seg for block in blocks if hasattr(block, "segments") for seg in block.segments]


# -- highlighting ---------------------------------------------------------------------------
@pytest.mark.parametrize("path", VIOLATING + [FIXTURES / "documents" / "knee-clinic.docx"], ids=lambda p: p.name)
def test_every_finding_is_highlighted_at_the_text_the_checks_saw(pack, path):
    from claimcheck.load.files import read_source

    [checked] = check_sources([read_source(path)], pack, [])
    expected = expected_highlights(checked)
    view = document_view("d1", checked.result, checked.source.raw)
    assert view.findings and all(v.placed for v in view.findings)
    segments = _segments(view.blocks)
    for finding_view in view.findings:
        f = finding_view.finding
        shown = " ".join("".join(s.text for s in segments if finding_view.number in s.findings).split())
        assert shown == expected[(f.start, f.end, f.code)], (f.code, f.text)
        # and its numbered tag opens the span, once
        assert sum(finding_view.number in [n for n, _ in s.starts] for s in segments) == 1


def test_overlapping_findings_split_into_segments():
    raw = "Stem cells cure arthritis and heal knees."
    spans = [Span(1, 0, 25, "critical", False), Span(2, 11, 40, "major", False), Span(3, 11, 15, "minor", False)]
    blocks, unplaced = text_view(raw, "text/plain", spans)
    assert not unplaced
    got = [(s.text, s.findings, s.severity, [n for n, _ in s.starts]) for s in blocks[0].segments]
    assert got == [
        ("Stem cells ", (1,), "critical", [1]),
        ("cure", (1, 2, 3), "critical", [2, 3]),
        (" arthritis", (1, 2), "critical", []),
        (" and heal knees", (2,), "major", []),
        (".", (), None, []),
    ]


def test_a_span_across_blocks_is_split_per_block_and_tagged_once():
    raw = "First claim here.\n\nSecond part of it. Unrelated text."
    blocks, _ = text_view(raw, "text/plain", [Span(1, 6, 36, "major", False)])
    assert len(blocks) == 2
    first, second = blocks
    assert [s.text for s in first.segments if s.findings] == ["claim here."]
    assert [s.text for s in second.segments if s.findings] == ["Second part of it"]
    assert [s.starts for s in first.segments + second.segments if s.starts] == [((1, "major"),)]


def test_document_findings_are_tagged_but_not_filled():
    blocks, _ = text_view("Stem cells cure arthritis.", "text/plain", [Span(1, 0, 10, "major", True)])
    marked = [s for s in blocks[0].segments if s.findings]
    assert marked[0].severity == "document" and marked[0].starts == ((1, "document"),)


def test_excerpt_keeps_only_paragraphs_with_findings():
    raw = "One.\n\nTwo.\n\nStem cells cure arthritis.\n\nFour.\n\nFive."
    start = raw.index("Stem")
    blocks, _ = text_view(raw, "text/plain", [Span(1, start, start + 10, "critical", False)], excerpt=True)
    assert [type(b).__name__ for b in blocks] == ["Gap", "TextBlock", "Gap"]
    assert (blocks[0].blocks, blocks[2].blocks) == (2, 2)


def test_a_span_outside_the_visible_text_is_listed_but_not_placed():
    raw = "<html><head><script>var x = 'stem cells cure';</script></head><body><p>Hello.</p></body></html>"
    start = raw.index("stem")
    blocks, unplaced = text_view(raw, "text/html", [Span(1, start, start + 10, "major", False)])
    assert unplaced == {1}
    assert all(not s.findings for s in _segments(blocks))


# -- the check report -------------------------------------------------------------------------
def test_check_report_is_self_contained_and_locked_down():
    html, tree = _check_html(*VIOLATING)
    assert not tree.xpath("//script | //link | //iframe | //object | //embed | //img")
    [style] = tree.xpath("//style")
    assert "url(" not in style.text and "@import" not in style.text
    [csp] = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert "default-src 'none'" in csp and "script-src" not in csp and "unsafe-inline" not in csp
    digest = base64.b64encode(hashlib.sha256(style.text.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in csp  # else the browser would drop the stylesheet
    for href in tree.xpath("//a/@href"):
        assert href.startswith(("#", "docs/rules/", "https://", "http://")), href


def test_check_report_summary_and_documents():
    _, tree = _check_html(*VIOLATING)
    rows = tree.xpath("//table[@id='documents']/tbody/tr")
    assert len(rows) == len(VIOLATING)
    articles = tree.xpath("//article[contains(@class, 'document')]")
    assert [a.get("data-grade") for a in articles] == ["F"] * len(VIOLATING)
    assert tree.xpath("//*[@id='chart-categories']//*[local-name()='rect']")
    for article in articles:
        number = len(article.xpath(".//article[contains(@class, 'finding')]"))
        assert number and article.xpath(f".//section[@class='findings']/h3[text()='Findings ({number})']")
    # rules cited have their documentation in the report
    codes = set(tree.xpath("//article[contains(@class, 'finding')]/@data-code"))
    assert codes == {i[len("rule-"):] for i in tree.xpath("//div[@class='rule-doc']/@id")}


def test_one_document_has_no_summary_and_shows_locations():
    _, tree = _check_html(FIXTURES / "documents" / "knee-clinic.docx")
    assert not tree.xpath("//table[@id='documents']")
    assert tree.xpath("//span[@class='where'][text()='paragraph 19']")
    assert tree.xpath("//div[@class='sub']/span[text()='Word document']")


def test_problems_are_listed(tmp_path):
    _, tree = _check_html(FIXTURES / "violating" / "knee-clinic.md", tmp_path / "missing.md",
                          FIXTURES.parent / "tests" / "documents" / "scanned.pdf")
    items = [" ".join(li.text_content().split()) for li in tree.xpath("//section[contains(@class, 'problems')]//li")]
    assert len(items) == 2
    assert any("missing.md: no such file" in item for item in items)
    assert any("no text to check" in item for item in items)


def test_suppressed_findings_are_listed_not_highlighted():
    raw = "Our stem cells cure arthritis."
    finding = Finding("CC102", "cure-guarantee", "cure-guarantee", "critical", "claim", "cure claim",
                      raw.index("stem"), len(raw) - 1, line=1, column=5, text=raw[4:-1],
                      suppressed={"reason": "approved by legal"})
    run = Run(documents=[DocumentResult("ad.txt", [finding], score=100, grade="A", status="pass")],
              sources={"ad.txt": raw})
    tree = lxml.html.document_fromstring(render(run))
    assert not tree.xpath("//mark")
    [card] = tree.xpath("//article[contains(@class, 'finding')]")
    assert "suppressed" in card.get("class") and "approved by legal" in card.text_content()


def test_hostile_documents_are_shown_as_text(tmp_path):
    (tmp_path / "page.html").write_text(HOSTILE_HTML, encoding="utf-8")
    (tmp_path / HOSTILE_NAME).write_text(HOSTILE_TEXT, encoding="utf-8")
    html, tree = _check_html(tmp_path / "page.html", tmp_path / HOSTILE_NAME)
    assert not re.search(r"<(script|iframe|img|textarea|object|embed)\b", html, re.I)
    assert "</textarea>" not in html
    assert not tree.xpath("//*[local-name()='svg'][not(ancestor::div[contains(@class, 'chart')])]")
    for element in tree.iter():
        if isinstance(element.tag, str):
            assert not [a for a in element.attrib if a.lower().startswith("on")], element.tag
    assert not [h for h in tree.xpath("//a/@href") if h.strip().lower().startswith("javascript")]
    # The hostile text is there, as text: the claims quote it, the name is shown.
    text = tree.text_content()
    assert "</textarea><img src=x onerror=" in text
    assert HOSTILE_NAME in text
    assert tree.xpath("//mark")


@pytest.mark.parametrize("url, safe", [
    ("https://www.fda.gov/x", True), ("http://example.org", True), ("javascript:alert(1)", False),
    (" JavaScript:alert(1)", False), ("data:text/html,<script>", False), ("vbscript:x", False),
    ("//evil.example/x", False), ("", False), (None, False),
])
def test_only_web_links_become_links(url, safe):
    assert (safe_url(url) is not None) == safe


def test_html_to_standard_output_and_file(tmp_path):
    result = CliRunner().invoke(cli, ["check", "--format", "html", str(FIXTURES / "violating" / "knee-clinic.md")])
    assert result.exit_code == 1 and result.stdout.startswith("<!DOCTYPE html>")
    out = tmp_path / "report.html"
    result = CliRunner().invoke(cli, ["check", "--format", "html", "-o", str(out),
                                      str(FIXTURES / "compliant" / "patient-guide.md")])
    assert result.exit_code == 0 and result.stdout == ""
    tree = lxml.html.document_fromstring(out.read_text(encoding="utf-8"))
    assert tree.xpath("//p[@class='no-findings']") and not tree.xpath("//mark")


# -- the scan report --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def store(tmp_path_factory, pack):
    path = tmp_path_factory.mktemp("scan") / "results.sqlite"
    checked = build_store(path, pack)
    return path, checked


def test_sites_are_ranked_worst_first(store):
    path, _ = store
    scan = read_store(str(path))
    keys = [(s.score if s.score is not None else 101, -s.counts["critical"], -s.counts["major"]) for s in scan.sites]
    assert keys == sorted(keys)
    assert scan.sites_total == len(scan.sites) == 7
    assert scan.sites[-1].site in ("healthnews.example", "university-transplant.example")
    by_name = {s.site: s for s in scan.sites}
    assert by_name["summit-regen.example"].pages == 2 and by_name["summit-regen.example"].relevant_pages == 1
    assert sum(scan.site_grades.values()) == scan.sites_total
    db = sqlite3.connect(path)
    assert scan.totals["findings"] == db.execute("SELECT COUNT(*) FROM findings").fetchone()[0]
    assert scan.totals["pages"] == db.execute("SELECT COUNT(*) FROM pages").fetchone()[0]


def test_scan_pages_are_highlighted(store):
    path, checked = store
    scan = read_store(str(path))
    pages = [p for s in scan.sites for p in s.shown if p.findings]
    assert {p.url for p in pages} == {url for url, c in checked.items() if c.result.findings}
    for page in pages:
        expected = expected_highlights(checked[page.url])
        segments = _segments(page.blocks)
        for view in page.findings:
            f = view.finding
            assert view.placed, (page.url, f.code)
            shown = " ".join("".join(s.text for s in segments if view.number in s.findings).split())
            assert shown == expected[(f.start, f.end, f.code)]


def test_large_scans_are_cut_to_the_top(store):
    path, _ = store
    scan = read_store(str(path), top=2, top_pages=1)
    assert len(scan.sites) == 2 and scan.sites_total == 7
    from claimcheck.report.html import render_scan

    tree = lxml.html.document_fromstring(render_scan(scan))
    [note] = tree.xpath("//p[contains(@class, 'truncated')]")
    assert "the 2 worst of 7 sites" in " ".join(note.text_content().split())
    assert "claimcheck export" in note.text_content()
    scan = read_store(str(path), top_pages=1)
    wellness = next(s for s in scan.sites if s.site == "renewal-wellness.example")
    assert len(wellness.shown) == 1 and wellness.more_pages == 1


def test_scan_report_escapes_hostile_pages_urls_and_sites(store, tmp_path):
    path, _ = store
    out = tmp_path / "report.html"
    result = CliRunner().invoke(cli, ["report", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "7 of 7 sites" in result.output
    html = out.read_text(encoding="utf-8")
    assert not re.search(r"<(script|iframe|img|textarea|object|embed)\b", html, re.I)
    tree = lxml.html.document_fromstring(html)
    assert not [h for h in tree.xpath("//a/@href") if not h.startswith(("#", "docs/", "http"))]
    assert "<img src=x onerror=window.pwned='site'>" in tree.text_content()
    # the javascript: page is listed by its URL, as text, with no live link
    [page] = tree.xpath("//details[@data-url=\"javascript:document.title='PWNED'\"]")
    assert not page.xpath(".//p[@class='page-links']")


def test_report_command_errors_are_one_line(tmp_path):
    not_db = tmp_path / "notes.sqlite"
    not_db.write_text("hello\n" * 100)
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).execute("CREATE TABLE other (x)").connection.close()
    for path, words in ((tmp_path / "missing.sqlite", "no such file"), (not_db, "not an SQLite database"),
                        (empty, "not a claimcheck scan database")):
        result = CliRunner().invoke(cli, ["report", str(path)])
        assert result.exit_code == 2
        assert "Traceback" not in result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"{path}: error: ") and words in lines[0], lines


def test_store_error_for_an_incompatible_schema(tmp_path):
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript("CREATE TABLE pages (url TEXT); CREATE TABLE findings (url TEXT);"
                     "CREATE VIEW sites AS SELECT url AS site FROM pages;")
    db.close()
    with pytest.raises(StoreError, match="of this version"):
        read_store(str(path))


def test_empty_store_renders(tmp_path, pack):
    path = tmp_path / "empty.sqlite"
    build_store(path, pack, pages=[], errors=())
    result = CliRunner().invoke(cli, ["report", str(path)])
    assert result.exit_code == 0
    assert "The database holds no pages yet." in result.stdout
