"""``--format csv``: one row per finding, for spreadsheets and audits.

Every finding is a row, suppressed ones included (with the kind and reason of
the suppression), so that a reviewer can filter them; each row repeats its
document's score, grade and status. Input problems are not findings: they go
to standard error as always.
"""
from __future__ import annotations

import csv
import io

COLUMNS = ("path", "line", "column", "end_line", "end_column", "code", "name", "category", "severity", "scope",
           "message", "text", "modality", "suggestion", "suppressed", "suppression_reason",
           "document_score", "document_grade", "document_status")


# A cell that starts like a formula (a URL or an ad's text beginning "=HYPERLINK(...") would
# run in a spreadsheet: OWASP's advice is a leading apostrophe, which shows as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def rows(run):
    for document in run.documents:
        for finding in document.findings:
            suppressed = finding.suppressed or {}
            yield (document.path, finding.line, finding.column, finding.end_line, finding.end_column,
                   finding.code, finding.name, finding.category, finding.severity, finding.scope,
                   finding.message, finding.text, (finding.claim or {}).get("modality", ""), finding.suggestion,
                   suppressed.get("kind", ""), suppressed.get("reason", ""),
                   document.score, document.grade, document.status)


def render(run) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows(run))
    return buffer.getvalue()
