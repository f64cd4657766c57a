"""Test support for the HTML reports: hostile content, and a scan results store filled
by running the real pipeline on fixture pages (the same rows ``claimcheck scan`` writes,
per ``claimcheck/scan/schema.sql``), so the site report is tested without the scanner."""
from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from claimcheck.model import Source
from claimcheck.project.runner import check_sources

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SCHEMA = ROOT / "claimcheck" / "scan" / "schema.sql"
MEDIA = {".md": "text/markdown", ".html": "text/html", ".txt": "text/plain"}

# A page that tries everything: scripts, event handlers, javascript: links, a closing
# </textarea>, entity-encoded markup that decodes to tags, broken nesting. Its claims
# are real, so findings quote the hostile text back into the report.
HOSTILE_HTML = """<!doctype html><html><head><title>Miracle cures</title>
<script>document.title = "PWNED"; window.pwned = "head script";</script>
<meta name="description" content="Stem cells cure arthritis &lt;/textarea&gt;&lt;script&gt;window.pwned='meta'&lt;/script&gt;">
</head><body>
<h1 onmouseover="window.pwned='h1'">Our stem cell therapy cures Parkinson's <img src="x" onerror="document.title='PWNED';window.pwned='onerror'"> guaranteed</h1>
<p>Our stem cell injections heal damaged knees</textarea><script>window.pwned='after textarea'</script> and <a href="javascript:window.pwned='link'">reverse arthritis</a> for good.</p>
<p>Book now <svg onload="window.pwned='svg'"></svg><iframe src="javascript:parent.pwned='iframe'"></iframe> today.</p>
<p>Stem cell therapy is FDA approved for knee pain <b onclick="window.pwned='b'">with no side effects</b>.</p>
<p>Unclosed <div onclick="window.pwned='div'" <i>markup</p>
"""

# The same tricks as plain text: here the tags are the ad's text, shown as written.
HOSTILE_TEXT = """Our stem cells cure arthritis. <script>document.title='PWNED';window.pwned='text'</script>
Stem cell therapy is FDA approved </textarea><img src=x onerror="window.pwned='img'"> with no side effects.
<a href="javascript:window.pwned='a'">Book</a> <style>body{display:none}</style>
"""

HOSTILE_NAME = "ad<img src=x onerror=window.pwned=9>.txt"


def fixture_pages() -> list[tuple[str, str, str, str, bool]]:
    """(url, site, media type, raw, relevant) for a small crawl of invented sites."""
    def read(rel):
        path = FIXTURES / rel
        return MEDIA[path.suffix], path.read_text(encoding="utf-8")

    plan = [
        ("https://summit-regen.example/knee-pain", "summit-regen.example", "violating/knee-clinic.md"),
        ("https://renewal-wellness.example/", "renewal-wellness.example", "violating/wellness-center.html"),
        ("https://renewal-wellness.example/ms-als", "renewal-wellness.example", "violating/mixed-disclaimer.md"),
        ("https://kellerspine.example/newsletter", "kellerspine.example", "violating/back-pain.txt"),
        ("https://university-transplant.example/bmt", "university-transplant.example", "compliant/transplant-center.html"),
        ("https://university-transplant.example/guide", "university-transplant.example", "compliant/patient-guide.md"),
        ("https://healthnews.example/stem-cell-clinics", "healthnews.example", "compliant/news-article.txt"),
    ]
    pages = [(url, site, *read(rel), True) for url, site, rel in plan]
    pages.append(("https://summit-regen.example/contact", "summit-regen.example", "text/html",
                  "<html><body><p>Parking is behind the building.</p></body></html>", False))
    pages.append(("https://hostile.example/miracle", "hostile.example", "text/html", HOSTILE_HTML, True))
    pages.append(("javascript:document.title='PWNED'", "<img src=x onerror=window.pwned='site'>", "text/html",
                  HOSTILE_HTML.replace("Parkinson's", "ALS"), True))
    return pages


def build_store(path: Path, pack, pages=None, errors=(("https://kellerspine.example/brochure.html",
                                                         "kellerspine.example", "not HTML: the file is a PDF"),)) -> dict:
    """A scan store at ``path`` holding ``pages`` checked by the real pipeline; returns
    each checked page (url -> CheckedDocument), for the tests' expectations."""
    pages = fixture_pages() if pages is None else pages
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    db = sqlite3.connect(path)
    db.executescript(SCHEMA.read_text(encoding="utf-8"))
    relevant = [Source(url, media, raw, site=site) for url, site, media, raw, keep in pages if keep]
    sites = {url: site for url, site, *_ in pages}
    for url, site, media, raw, keep in pages:
        if not keep:
            db.execute("INSERT INTO pages (url, site, content_hash, relevant, words, status, media_type, scanned_at) "
                       "VALUES (?, ?, ?, 0, ?, 'irrelevant', ?, ?)",
                       (url, site, hashlib.sha256(raw.encode()).hexdigest(), len(raw.split()), media, now))
    for url, site, message in errors:
        db.execute("INSERT INTO pages (url, site, content_hash, relevant, status, error, scanned_at) "
                   "VALUES (?, ?, '', 0, 'error', ?, ?)", (url, site, message, now))
    problems: list = []
    checked_pages = {}
    for checked in check_sources(relevant, pack, problems):
        checked_pages[checked.result.path] = checked
        result, source = checked.result, checked.source
        db.execute("INSERT INTO pages (url, site, content_hash, relevant, words, score, grade, status, media_type, "
                   "raw, scanned_at) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)",
                   (result.path, sites[result.path], hashlib.sha256(source.raw.encode()).hexdigest(), result.words,
                    result.score, result.grade, result.status, source.media_type, source.raw, now))
        db.executemany(
            'INSERT INTO findings (url, code, name, category, severity, scope, line, "column", start_offset, '
            "end_offset, text, message, suggestion, refs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(result.path, f.code, f.name, f.category, f.severity, f.scope, f.line, f.column, f.start, f.end,
              f.text, f.message, f.suggestion, json.dumps(f.references)) for f in result.findings])
    db.commit()
    db.close()
    return checked_pages


def expected_highlights(checked) -> dict[tuple, str]:
    """(start, end, code) of each finding -> the normalized text the checks saw for it,
    from the evaluator's own normalized span: what the report must highlight."""
    text = checked.text.text
    return {(f.start, f.end, f.code): " ".join(text[slice(*f.explanation["normalized_span"])].split())
            for f in checked.result.findings}
