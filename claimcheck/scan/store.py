"""The SQLite results store: one writer, batched transactions, resumable.

The schema (``schema.sql``) is the contract with ``claimcheck export`` and
``claimcheck report``. This module owns how it is written:

* WAL journal with ``synchronous=NORMAL``: a committed transaction survives
  the process being killed (SIGKILL, OOM); only a power cut may lose the last
  few, and never corrupts the file.
* A page's row and its findings are written in the same transaction (old
  findings deleted first), so a page is never half-written. Pages are
  committed in batches (``BATCH_PAGES`` pages or ``BATCH_SECONDS``) because a
  transaction per page would make the commit, not spaCy, the bottleneck.
* ``unchanged(url, content_hash)`` lets a re-run skip pages already stored
  with the same content; pages stored with status ``error`` are tried again,
  except those that overran their time budget (CC915): they would again.
* A URL met twice in one scan is one page: the last record wins (a batch keeps
  only each URL's last outcome, and a later batch replaces an earlier one's).
* A damaged file (overwritten, truncated) is a ``StoreError`` whenever SQLite
  notices it, never a traceback. An existing store is checked when it is opened
  for writing (``PRAGMA quick_check``: every page of the file read once, 0.17 s for
  236 MB from the page cache), so a scan refuses a store damaged where it would not
  have looked, instead of adding to it and reporting success.
"""
from __future__ import annotations

import sqlite3
import time
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

from claimcheck.errors import TIMED_OUT
from claimcheck.scan.worker import PageOutcome

PAGE_COLUMNS = ("url", "site", "content_hash", "relevant", "words", "score", "grade", "status", "error",
                "media_type", "raw", "scanned_at", "error_code", "origin", "claims", "findings")
FINDING_COLUMNS = ("url", "code", "name", "category", "severity", "scope", "line", "column", "end_line",
                   "end_column", "start_offset", "end_offset", "text", "message", "suggestion", "refs", "claim")
# Columns added after the first schema: (table, column, declaration), for stores written before them.
ADDED_COLUMNS = (
    ("pages", "error_code", "TEXT"), ("pages", "origin", "TEXT"),
    ("pages", "claims", "INTEGER NOT NULL DEFAULT 0"), ("pages", "findings", "INTEGER NOT NULL DEFAULT 0"),
    ("findings", "end_line", "INTEGER"), ("findings", "end_column", "INTEGER"), ("findings", "claim", "TEXT"),
)
BATCH_PAGES = 500
BATCH_SECONDS = 2.0

_INSERT_PAGE = 'INSERT OR REPLACE INTO pages ({}) VALUES ({})'.format(
    ", ".join(PAGE_COLUMNS), ", ".join("?" * len(PAGE_COLUMNS)))
_INSERT_FINDING = 'INSERT INTO findings ({}) VALUES ({})'.format(
    ", ".join(f'"{c}"' for c in FINDING_COLUMNS), ", ".join("?" * len(FINDING_COLUMNS)))


def timestamp() -> str:
    """``scanned_at``: ISO 8601 UTC, to the second."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def page_row(o: PageOutcome, scanned_at: str) -> tuple:
    """A page's row, in ``PAGE_COLUMNS`` order."""
    return (o.url, o.site, o.content_hash, o.relevant, o.words, o.score, o.grade, o.status, o.error,
            o.media_type, o.raw, scanned_at, o.error_code, o.origin, o.claims, len(o.findings))


class StoreError(Exception):
    """The results file cannot be opened or written."""


def schema_sql() -> str:
    return resources.files("claimcheck.scan").joinpath("schema.sql").read_text(encoding="utf-8")


def connect(path: str | Path, readonly: bool = False) -> sqlite3.Connection:
    try:
        if readonly:
            if not Path(path).is_file():
                raise StoreError(f"{path}: no such results file")
            connection = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
            connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            return connection
        # The timeout (a busy handler) comes first: switching to WAL needs a moment
        # alone with the file, and a reader (a report, a query) may hold it.
        connection = sqlite3.connect(str(path), isolation_level=None, timeout=30)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        return connection
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: cannot open as a results database: {exc}") from None


class Store:
    def __init__(self, path: str | Path, batch_pages: int = BATCH_PAGES):
        self.path = str(path)
        self.batch_pages = batch_pages
        existed = Path(path).is_file() and Path(path).stat().st_size > 0
        self.db = connect(path)
        try:
            if existed:
                self._check()
            self._create()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a claimcheck results database ({exc})") from None
        self._pending: list[PageOutcome] = []
        self._last_commit = time.monotonic()

    def _check(self) -> None:
        """Refuse a damaged store before writing to it: what is stored stays as it is."""
        try:
            problems = [row[0] for row in self.db.execute("PRAGMA quick_check(1)")]
        except sqlite3.DatabaseError as exc:
            problems = [str(exc)]
        if problems != ["ok"]:
            first = " ".join(str(problems[0]).split())  # SQLite's report spans lines; the error is one
            self.db.close()
            raise StoreError(f"{self.path}: damaged results database ({first}); nothing was written to it. "
                             "Scan into a new --db file, or restore this one from a copy")

    def _create(self) -> None:
        existing = {row[0] for row in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "pages" in existing:  # an older store: add the newer columns before the view refers to them
            for table, column, declaration in ADDED_COLUMNS:
                have = {row[1] for row in self.db.execute(f"PRAGMA table_info({table})")}
                if column not in have:
                    self.db.execute(f'ALTER TABLE {table} ADD COLUMN "{column}" {declaration}')
        self.db.executescript(schema_sql())

    def unchanged(self, url: str, content_hash: str) -> bool:
        try:
            row = self.db.execute("SELECT content_hash, status, error_code FROM pages WHERE url = ?",
                                  (url,)).fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot read results: {exc}") from None
        return row is not None and row[0] == content_hash and (row[1] != "error" or row[2] == TIMED_OUT)

    def add(self, outcome: PageOutcome) -> None:
        """Queue a page; it is committed with its batch."""
        self._pending.append(outcome)
        if len(self._pending) >= self.batch_pages or time.monotonic() - self._last_commit >= BATCH_SECONDS:
            self.commit()

    def commit(self) -> None:
        if not self._pending:
            return
        now = timestamp()
        pages, findings = [], []
        # A URL twice in one batch (a crawl that fetched it twice): the later one wins, as
        # across batches, and its findings are not added to the earlier one's.
        for o in {o.url: o for o in self._pending}.values():
            pages.append(page_row(o, now))
            findings.extend((o.url, *row) for row in o.findings)
        self.write_rows(pages, findings)
        self._pending.clear()
        self._last_commit = time.monotonic()

    def write_rows(self, pages: list[tuple], findings: list[tuple]) -> None:
        """Pages (``PAGE_COLUMNS``) and their findings (``FINDING_COLUMNS``) in one
        transaction; a page's old findings are replaced."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany("DELETE FROM findings WHERE url = ?", [(row[0],) for row in pages])
            self.db.executemany(_INSERT_PAGE, pages)
            self.db.executemany(_INSERT_FINDING, findings)
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise StoreError(f"{self.path}: cannot write results: {exc}") from None

    def close(self) -> None:
        self.commit()
        self.db.close()
