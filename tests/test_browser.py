"""The HTML reports in a real browser: Debian's headless Chromium driven by Playwright.

Each test opens a report as a file, as a reader would, checks what the reader sees
(grades, highlights at the right text, findings, charts) and that nothing from the
checked content ran, and saves a screenshot in its temporary folder. Chromium comes
from the system (``.ci/run`` installs Debian's ``chromium``); Playwright never
downloads a browser. Without Chromium the tests are skipped, except in CI
(``CI=true``), where they fail.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimcheck.cli import cli
from claimcheck.load.files import read_source
from claimcheck.project.runner import check_sources
from tests.conftest import FIXTURES
from tests.html_report_support import HOSTILE_HTML, HOSTILE_NAME, HOSTILE_TEXT, build_store, expected_highlights

CHROMIUM = os.environ.get("CLAIMCHECK_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]
TITLE_MARK = "PWNED"

# What any hostile script or handler would have left behind, and what must be absent.
PROBE = """() => ({
  title: document.title,
  pwned: typeof window.pwned === 'undefined' ? null : String(window.pwned),
  scripts: document.querySelectorAll('script').length,
  handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]
      .filter(a => a.name.toLowerCase().startsWith('on')).map(a => e.tagName + ' ' + a.name)),
  jsLinks: [...document.querySelectorAll('[href], [src]')].map(e => e.getAttribute('href') || e.getAttribute('src'))
      .filter(v => /^\\s*javascript:/i.test(v)),
  frames: document.querySelectorAll('iframe, object, embed, img').length,
})"""

# Every numbered finding of one document: its card, and the text of the highlights that carry its number.
HIGHLIGHTS = """(scope) => [...scope.querySelectorAll('article.finding')].map(card => {
  const n = card.dataset.number;
  const marks = [...scope.querySelectorAll('mark[data-findings]')]
      .filter(m => m.dataset.findings.split(' ').includes(n));
  return {number: n, code: card.dataset.code, start: +card.dataset.start, end: +card.dataset.end,
          text: marks.map(m => m.textContent).join('').replace(/\\s+/g, ' ').trim(),
          visible: marks.length > 0 && marks.every(m => m.getClientRects().length > 0),
          tag: scope.querySelectorAll(`a.tag[href$="-f${n}"]`).length};
})"""


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: .ci/run installs Debian's chromium package")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


def _open(browser, path: Path, **context_options):
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, **context_options)
    page = context.new_page()
    events = {"console": [], "dialogs": [], "errors": [], "requests": []}
    page.on("console", lambda m: events["console"].append(m.text))
    page.on("dialog", lambda d: (events["dialogs"].append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: events["errors"].append(str(e)))
    page.on("request", lambda r: events["requests"].append(r.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return context, page, events


def _opened_pages(page):
    """Open every site and every page of a scan report, as a reader drilling down would."""
    for site in page.locator("details.site").all():
        if site.get_attribute("open") is None:
            site.locator("> summary").click()
        for details in site.locator("details.page").all():
            details.locator("> summary").click()
            yield details.get_attribute("data-url"), details


def _assert_inert(page, events, title: str) -> None:
    probe = page.evaluate(PROBE)
    assert probe["title"] == title and TITLE_MARK not in probe["title"]
    assert probe["pwned"] is None, probe["pwned"]
    assert probe["scripts"] == 0 and probe["handlers"] == [] and probe["jsLinks"] == [] and probe["frames"] == 0
    assert events["dialogs"] == [] and events["errors"] == []
    # Nothing was even attempted: the policy had nothing to block, nothing was fetched.
    assert not [m for m in events["console"] if "Content Security Policy" in m], events["console"]
    assert [u for u in events["requests"] if not u.startswith("file:")] == []


def _expected(paths, pack) -> dict:
    expected = {}
    for checked in check_sources([read_source(p) for p in paths], pack, []):
        expected[checked.result.path] = (checked.result, expected_highlights(checked))
    return expected


@pytest.fixture(scope="module")
def check_report(tmp_path_factory, pack):
    folder = tmp_path_factory.mktemp("check")
    (folder / "hostile.html").write_text(HOSTILE_HTML, encoding="utf-8")
    (folder / HOSTILE_NAME).write_text(HOSTILE_TEXT, encoding="utf-8")
    paths = sorted((FIXTURES / "violating").glob("*.*")) + [FIXTURES / "documents" / "knee-clinic.docx",
                                                          folder / "hostile.html", folder / HOSTILE_NAME]
    out = folder / "report.html"
    result = CliRunner().invoke(cli, ["check", "--format", "html", "-o", str(out), *map(str, paths)])
    assert result.exit_code == 1, result.output
    return out, _expected(paths, pack)


def test_check_report_shows_grades_highlights_and_findings(browser, check_report, tmp_path):
    out, expected = check_report
    context, page, events = _open(browser, out)
    title = f"Compliance report: {len(expected)} documents"
    assert page.title() == title
    # The stylesheet applied (its CSP hash matched): the masthead is navy, highlights are coloured.
    assert page.eval_on_selector(".masthead", "e => getComputedStyle(e).backgroundColor") == "rgb(23, 50, 77)"
    assert page.eval_on_selector("mark.hl.sev-critical", "e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    documents = page.locator("article.document")
    assert documents.count() == len(expected)
    for index in range(documents.count()):
        article = documents.nth(index)
        path = article.locator("h2").inner_text()
        result, highlights = expected[path]
        assert article.get_attribute("data-grade") == result.grade
        assert article.locator(".doc-head .grade.big").inner_text() == result.grade
        assert article.locator(".doc-head .status").inner_text().lower() == result.status
        shown = article.evaluate(HIGHLIGHTS)
        assert len(shown) == len(result.findings) > 0
        for finding in shown:
            want = highlights[(finding["start"], finding["end"], finding["code"])]
            assert finding["text"] == want, (path, finding)
            assert finding["visible"] and finding["tag"] == 1, (path, finding)
    _assert_inert(page, events, title)
    shot = tmp_path / "check-report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000
    context.close()


def test_escaping_alone_keeps_hostile_content_inert(browser, check_report, tmp_path):
    """With the Content-Security-Policy switched off, the hostile pages still run nothing."""
    out, expected = check_report
    context, page, events = _open(browser, out, bypass_csp=True)
    _assert_inert(page, events, f"Compliance report: {len(expected)} documents")
    page.locator("a.tag").last.click()  # following links inside the report runs nothing either
    assert page.evaluate("typeof window.pwned") == "undefined"
    context.close()
    # Control: the same probe does see the hostile page's code run when it is opened raw.
    raw = tmp_path / "raw.html"
    raw.write_text(HOSTILE_HTML, encoding="utf-8")
    context, page, _ = _open(browser, raw)
    assert page.evaluate(PROBE)["pwned"] is not None and page.title() == TITLE_MARK
    context.close()


def test_check_report_prints_to_pdf(browser, check_report, tmp_path):
    out, _ = check_report
    context, page, _ = _open(browser, out)
    page.emulate_media(media="print")
    columns = page.eval_on_selector(".doc-body", "e => getComputedStyle(e).gridTemplateColumns")
    assert len(columns.split()) == 1  # the text and the findings stack on paper
    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    context.close()
    from pdfminer.high_level import extract_text

    printed = " ".join(extract_text(str(pdf)).split())
    assert "stem cell therapy is FDA approved" in printed and "RULES CITED" in printed.upper()


def test_scan_report_in_browser(browser, tmp_path, pack):
    store = tmp_path / "results.sqlite"
    checked = build_store(store, pack)
    out = tmp_path / "report.html"
    result = CliRunner().invoke(cli, ["report", str(store), "-o", str(out)])
    assert result.exit_code == 0, result.output
    context, page, events = _open(browser, out)
    title = "Scan report: results.sqlite"
    assert page.title() == title
    # Charts drawn by the report: one column per grade, sized by the number of sites.
    columns = page.eval_on_selector_all("#chart-grades > svg rect.bar", "rs => rs.map(r => [r.getAttribute('class'), r.getBBox().height])")
    assert [c for c, _ in columns] == [f"bar grade-{g}" for g in "ABCDF"]
    heights = dict((c[-1], h) for c, h in columns)
    assert heights["F"] > heights["A"] > 0 and heights["B"] == 0
    categories = page.locator("#chart-categories svg rect.bar")
    assert categories.count() >= 8 and categories.first.bounding_box()["width"] > 50
    assert page.locator("#chart-status svg rect.bar").count() >= 3
    # The ranking: worst site first, as many rows as sites.
    rows = page.locator("#sites tbody tr")
    assert rows.count() == 7
    scores = [rows.nth(i).locator("td").nth(3).inner_text() for i in range(rows.count())]
    assert [int(s) for s in scores] == sorted(int(s) for s in scores)
    # Drill down: open each site and each page with findings; every finding highlighted at its text.
    checked_pages = 0
    for url, details in _opened_pages(page):
        highlights = expected_highlights(checked[url])
        shown = details.evaluate(HIGHLIGHTS)
        assert len(shown) == len(checked[url].result.findings) > 0
        for finding in shown:
            assert finding["text"] == highlights[(finding["start"], finding["end"], finding["code"])], (url, finding)
            assert finding["visible"], (url, finding)
        checked_pages += 1
    assert checked_pages == sum(1 for c in checked.values() if c.result.findings)
    _assert_inert(page, events, title)
    shot = tmp_path / "scan-report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000
    context.close()


def test_report_json_and_html_agree_on_grades(browser, tmp_path):
    """The HTML report's badges say what the JSON contract says, for each fixture."""
    paths = [str(p) for p in sorted((FIXTURES / "compliant").glob("*.*"))] + [str(FIXTURES / "violating" / "knee-clinic.md")]
    data = json.loads(CliRunner().invoke(cli, ["check", "--format", "json", *paths]).stdout)
    out = tmp_path / "report.html"
    CliRunner().invoke(cli, ["check", "--format", "html", "-o", str(out), *paths])
    context, page, _ = _open(browser, out)
    badges = page.eval_on_selector_all("#documents tbody tr", "rows => rows.map(r => [r.cells[1].innerText, r.cells[0].innerText, r.cells[2].innerText])")
    assert badges == [[d["path"], d["grade"], d["status"].upper()] for d in data["documents"]]
    context.close()


def test_report_of_a_scanned_benchmark_crawl(browser, tmp_path):
    """The benchmark's synthetic crawl, scanned from WARC.gz by the real command, reported, read in Chromium."""
    import html as html_lib
    import re
    import sqlite3
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import make_crawl

    make_crawl.write_crawl(tmp_path / "crawl", count=60, relevant_share=0.3, sites=4, formats=("warc",))
    db = tmp_path / "results.sqlite"
    scanned = CliRunner().invoke(cli, ["scan", str(tmp_path / "crawl" / "crawl.warc.gz"), "--db", str(db),
                                       "--workers", "1", "--quiet"])
    assert scanned.exit_code == 0, scanned.output
    with sqlite3.connect(db) as connection:
        stored = {(url, start, end, code): text for url, start, end, code, text in connection.execute(
            "SELECT url, start_offset, end_offset, code, text FROM findings WHERE scope = 'claim'")}
        grades = dict(connection.execute("SELECT site, site_grade FROM sites").fetchall())
    assert stored and "F" in grades.values()
    out = tmp_path / "report.html"
    assert CliRunner().invoke(cli, ["report", str(db), "-o", str(out), "--top-pages", "50"]).exit_code == 0
    context, page, events = _open(browser, out)
    assert page.locator("#chart-grades > svg rect.bar").count() == 5
    assert page.locator("#chart-categories svg rect.bar").count() >= 3
    shown_grades = {row.locator("td").nth(2).inner_text().strip(): row.locator("td").nth(1).inner_text().strip()
                    for row in page.locator("#sites tbody tr").all()}
    assert shown_grades == grades

    def flat(text: str) -> str:
        return " ".join(html_lib.unescape(re.sub(r"<[^>]*>", " ", text)).split())

    highlighted = 0
    for url, details in _opened_pages(page):
        for finding in details.evaluate(HIGHLIGHTS):
            key = (url, finding["start"], finding["end"], finding["code"])
            if key in stored:
                assert finding["visible"] and finding["text"] == flat(stored[key]), (key, finding)
                highlighted += 1
    assert highlighted == len(stored)
    _assert_inert(page, events, page.title())
    page.screenshot(path=str(tmp_path / "benchmark-scan-report.png"), full_page=True)
    context.close()
