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
    scanned_at    TEXT NOT NULL,          -- ISO 8601 UTC
    -- Added by scan (older stores get them through ALTER TABLE, see claimcheck/scan/store.py):
    error_code    TEXT,                   -- CC9xx code of the error (see README)
    origin        TEXT,                   -- where the page was read: a file, a WARC offset, a JSONL line
    claims        INTEGER NOT NULL DEFAULT 0,
    findings      INTEGER NOT NULL DEFAULT 0
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
    refs          TEXT,                   -- JSON list of references
    -- Added by scan:
    end_line      INTEGER,
    end_column    INTEGER,
    claim         TEXT                    -- JSON: predicate, product, condition, modality
);
CREATE INDEX IF NOT EXISTS findings_url ON findings(url);
CREATE INDEX IF NOT EXISTS findings_code ON findings(code);

-- The view is replaced on every open so that a store written by an older version
-- gets the current columns.
DROP VIEW IF EXISTS sites;
CREATE VIEW sites AS
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
       ROUND((AVG(p.score) + MIN(p.score)) / 2)           AS site_score,
       -- Same bands as claimcheck.grade.letter; NULL when no page of the site was checked.
       CASE WHEN COUNT(p.score) = 0 THEN NULL
            WHEN ROUND((AVG(p.score) + MIN(p.score)) / 2) >= 90 THEN 'A'
            WHEN ROUND((AVG(p.score) + MIN(p.score)) / 2) >= 75 THEN 'B'
            WHEN ROUND((AVG(p.score) + MIN(p.score)) / 2) >= 60 THEN 'C'
            WHEN ROUND((AVG(p.score) + MIN(p.score)) / 2) >= 40 THEN 'D'
            ELSE 'F' END                                  AS site_grade,
       SUM(p.status IN ('pass', 'review', 'fail'))        AS checked_pages,
       SUM(p.status = 'review')                           AS review_pages,
       COALESCE(SUM(f.total), 0)                          AS findings,
       -- A claim a site repeats on many pages (a template the main-content heuristic
       -- did not catch) counts once here: same rule, same words.
       COALESCE(MAX(d.distinct_findings), 0)              AS distinct_findings
FROM pages p
LEFT JOIN (SELECT url,
                  SUM(severity = 'critical') AS critical, SUM(severity = 'major') AS major,
                  SUM(severity = 'minor') AS minor, SUM(severity = 'info') AS info,
                  COUNT(*) AS total
           FROM findings GROUP BY url) f ON f.url = p.url
LEFT JOIN (SELECT pp.site, COUNT(DISTINCT ff.code || char(31) || ff.text) AS distinct_findings
           FROM findings ff JOIN pages pp ON pp.url = ff.url GROUP BY pp.site) d ON d.site = p.site
GROUP BY p.site;
