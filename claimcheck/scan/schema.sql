-- claimcheck scan results store (SQLite). Documented in the README.
-- One row per page; a page is keyed by its URL, and re-checked when its content hash changes.
CREATE TABLE IF NOT EXISTS pages (
    url           TEXT PRIMARY KEY,
    site          TEXT NOT NULL,          -- host name
    content_hash  TEXT NOT NULL,          -- sha256 of the page as read
    relevant      INTEGER NOT NULL,       -- 1 if it passed the relevance prefilter
    words         INTEGER NOT NULL DEFAULT 0,
    score         INTEGER,                -- 0-100, NULL when not checked
    grade         TEXT,                   -- A-F
    status        TEXT NOT NULL,          -- pass | review | fail | irrelevant | error
    error         TEXT,                   -- why the page could not be checked
    media_type    TEXT,
    raw           TEXT,                   -- the page as decoded text (for reports); NULL for irrelevant pages
    scanned_at    TEXT NOT NULL           -- ISO 8601 UTC
);
CREATE INDEX IF NOT EXISTS pages_site ON pages(site);

CREATE TABLE IF NOT EXISTS findings (
    url           TEXT NOT NULL REFERENCES pages(url) ON DELETE CASCADE,
    code          TEXT NOT NULL,
    name          TEXT NOT NULL,
    category      TEXT NOT NULL,
    severity      TEXT NOT NULL,
    scope         TEXT NOT NULL,
    line          INTEGER NOT NULL,
    "column"      INTEGER NOT NULL,
    start_offset  INTEGER NOT NULL,       -- 0-based offsets into pages.raw
    end_offset    INTEGER NOT NULL,
    text          TEXT NOT NULL,
    message       TEXT NOT NULL,
    suggestion    TEXT,
    refs          TEXT                    -- JSON list of references
);
CREATE INDEX IF NOT EXISTS findings_url ON findings(url);

CREATE VIEW IF NOT EXISTS sites AS
SELECT p.site                                             AS site,
       COUNT(*)                                           AS pages,
       SUM(p.relevant)                                    AS relevant_pages,
       SUM(p.status = 'fail')                             AS failed_pages,
       SUM(p.status = 'error')                            AS error_pages,
       COALESCE(SUM(f.critical), 0)                       AS critical,
       COALESCE(SUM(f.major), 0)                          AS major,
       COALESCE(SUM(f.minor), 0)                          AS minor,
       COALESCE(SUM(f.info), 0)                           AS info,
       MAX(CASE WHEN p.grade IS NULL THEN NULL ELSE p.grade END) AS worst_grade,
       MIN(p.score)                                       AS worst_score,
       ROUND((AVG(p.score) + MIN(p.score)) / 2)           AS site_score
FROM pages p
LEFT JOIN (SELECT url,
                  SUM(severity = 'critical') AS critical, SUM(severity = 'major') AS major,
                  SUM(severity = 'minor') AS minor, SUM(severity = 'info') AS info
           FROM findings GROUP BY url) f ON f.url = p.url
GROUP BY p.site;
