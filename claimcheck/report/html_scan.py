"""Reads a scan results store (``claimcheck/scan/schema.sql``) for the HTML site report.

The store is opened read-only, so a report can be made while a scan is still
writing. Large scans stay usable: the report shows the ``top`` worst sites (ranked
by site score, then by critical, major and minor findings) and, for each, its
``top_pages`` worst pages; the rest is counted and left to ``claimcheck export``.
Only pages with findings carry their text, as an excerpt of the paragraphs with a
finding, so the file stays small whatever the size of the pages.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from claimcheck.grade import letter
from claimcheck.model import SEVERITIES, DocumentResult, Finding
from claimcheck.report.html import GRADES, DocumentView, document_view

NO_GRADE = "–"  # sites with no checked page


class StoreError(Exception):
    """The file is not a readable claimcheck scan database."""


@dataclass
class SiteView:
    rank: int
    anchor: str
    site: str
    score: int | None
    grade: str | None
    status: str
    pages: int
    relevant_pages: int
    failed_pages: int
    error_pages: int
    counts: dict
    shown: list[DocumentView] = field(default_factory=list)
    more_pages: int = 0  # checked pages not shown (over --top-pages)

    @property
    def findings(self) -> int:
        return sum(self.counts.values())


@dataclass
class ScanView:
    name: str
    totals: dict
    site_grades: dict
    by_category: dict
    sites: list[SiteView]
    sites_total: int
    top: int
    top_pages: int
    database: str


_PAGE_COLUMNS = "url, site, score, grade, status, error, words, media_type, relevant"
_FINDING_COLUMNS = ("code, name, category, severity, scope, line, \"column\", start_offset, end_offset, "
                    "text, message, suggestion, refs")


def connect(path: str) -> sqlite3.Connection:
    file = Path(path)
    if not file.is_file():
        raise StoreError("no such file" if not file.exists() else "not a file")
    try:
        connection = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"not an SQLite database ({exc})") from None
    missing = {"pages", "findings", "sites"} - names
    if missing:
        raise StoreError(f"not a claimcheck scan database (no {', '.join(sorted(missing))}); "
                         "make one with 'claimcheck scan ... --db FILE'")
    try:
        connection.execute(f"SELECT {_PAGE_COLUMNS}, raw FROM pages LIMIT 0")
        connection.execute(f"SELECT url, {_FINDING_COLUMNS} FROM findings LIMIT 0")
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"not a claimcheck scan database of this version ({exc})") from None
    connection.row_factory = sqlite3.Row
    return connection


def _finding(row) -> Finding:
    try:
        references = json.loads(row["refs"]) if row["refs"] else []
    except ValueError:
        references = []
    severity = row["severity"] if row["severity"] in SEVERITIES else "info"
    return Finding(code=row["code"], name=row["name"], category=row["category"], severity=severity,
                   scope=row["scope"], message=row["message"], start=row["start_offset"], end=row["end_offset"],
                   line=row["line"], column=row["column"], text=row["text"], suggestion=row["suggestion"] or "",
                   references=[r for r in references if isinstance(r, dict)])


def _page(db, row, anchor: str) -> DocumentView:
    findings = [_finding(f) for f in db.execute(
        f"SELECT {_FINDING_COLUMNS} FROM findings WHERE url = ? ORDER BY start_offset, end_offset", (row["url"],))]
    result = DocumentResult(path=row["url"], findings=findings, score=row["score"] if row["score"] is not None else 0,
                            grade=row["grade"] or NO_GRADE, status=row["status"], words=row["words"] or 0,
                            site=row["site"], media_type=row["media_type"] or "text/html")
    raw = None
    if findings:
        raw = db.execute("SELECT raw FROM pages WHERE url = ?", (row["url"],)).fetchone()["raw"]
    return document_view(anchor, result, raw, excerpt=True, url=row["url"], error=row["error"])


def _site(db, rank: int, row, top_pages: int) -> SiteView:
    statuses = dict(db.execute("SELECT status, COUNT(*) FROM pages WHERE site = ? GROUP BY status",
                               (row["site"],)).fetchall())
    status = next((s for s in ("fail", "review", "pass", "error") if statuses.get(s)), "irrelevant")
    score = None if row["site_score"] is None else int(row["site_score"])
    site = SiteView(rank=rank, anchor=f"s{rank}", site=row["site"], score=score,
                    grade=letter(score) if score is not None else None, status=status, pages=row["pages"],
                    relevant_pages=row["relevant_pages"] or 0, failed_pages=row["failed_pages"] or 0,
                    error_pages=row["error_pages"] or 0, counts={s: row[s] or 0 for s in SEVERITIES})
    rows = db.execute(
        f"SELECT {_PAGE_COLUMNS}, (SELECT COUNT(*) FROM findings f WHERE f.url = p.url) AS finding_count "
        "FROM pages p WHERE site = ? AND status != 'irrelevant' "
        "ORDER BY score IS NULL, score, finding_count DESC, url LIMIT ?", (row["site"], top_pages + 1)).fetchall()
    site.shown = [_page(db, page, f"{site.anchor}-p{index}") for index, page in enumerate(rows[:top_pages], 1)]
    listed = sum(statuses.get(s, 0) for s in statuses if s != "irrelevant")
    site.more_pages = max(0, listed - len(site.shown))
    return site


def read_store(path: str, top: int = 200, top_pages: int = 10) -> ScanView:
    db = connect(path)
    try:
        return _read(db, path, top, top_pages)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot read the scan database: {exc}") from None
    finally:
        db.close()


def _read(db, path: str, top: int, top_pages: int) -> ScanView:
    totals = dict(db.execute(
        "SELECT COUNT(*) AS pages, COALESCE(SUM(relevant), 0) AS relevant, "
        "COALESCE(SUM(status = 'fail'), 0) AS fail, COALESCE(SUM(status = 'review'), 0) AS review, "
        "COALESCE(SUM(status = 'pass'), 0) AS pass, COALESCE(SUM(status = 'error'), 0) AS error, "
        "COALESCE(SUM(status = 'irrelevant'), 0) AS irrelevant "
        "FROM pages").fetchone())
    by_category: dict[str, dict[str, int]] = {}
    for row in db.execute("SELECT category, severity, COUNT(*) AS n FROM findings GROUP BY category, severity"):
        by_category.setdefault(row["category"], {})[row["severity"]] = row["n"]
    totals["findings"] = sum(sum(row.values()) for row in by_category.values())
    site_grades = {grade: 0 for grade in GRADES}
    sites_total = 0
    for (score,) in db.execute("SELECT site_score FROM sites"):
        sites_total += 1
        if score is not None:
            site_grades[letter(int(score))] += 1
        else:
            site_grades[NO_GRADE] = site_grades.get(NO_GRADE, 0) + 1
    totals["sites"] = sites_total
    ranked = db.execute(
        "SELECT * FROM sites ORDER BY site_score IS NULL, site_score, critical DESC, major DESC, minor DESC, site "
        "LIMIT ?", (top,)).fetchall()
    sites = [_site(db, rank, row, top_pages) for rank, row in enumerate(ranked, 1)]
    totals["by_severity"] = {s: sum(row.get(s, 0) for row in by_category.values()) for s in SEVERITIES}
    return ScanView(name=Path(path).name, totals=totals, site_grades=site_grades, by_category=by_category,
                    sites=sites, sites_total=sites_total, top=top, top_pages=top_pages, database=path)
