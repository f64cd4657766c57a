"""``--format text`` (the default): one block per finding, like a compiler.

    path:line:col: CODE severity message
    (Word and PDF inputs: ``path (paragraph 4): ...``, ``path (page 2, line 7): ...``)
      12 | the source line
         |     ^^^^^^^^^^^^ (claim marked)
         = help: suggested wording
         = source: issuer, title (date) url
         = note: severity lowered from major to minor: hedged by 'may'

then a grade line per document and a summary line.
"""
from __future__ import annotations

import click

from claimcheck.model import SEVERITY_RANK, location_label

COLORS = {"critical": "red", "major": "red", "minor": "yellow", "info": "blue"}
STATUS_COLORS = {"fail": "red", "review": "yellow", "pass": "green"}


def _style(run, text, **kwargs):
    return click.style(text, **kwargs) if run.color else text


def _source_line(raw: str, line: int) -> str:
    lines = raw.split("\n")
    return lines[line - 1].rstrip("\r") if 0 < line <= len(lines) else ""


def _finding(run, path, finding) -> list[str]:
    where = (f"{path} ({location_label(finding.location)})" if finding.location
             else f"{path}:{finding.line}:{finding.column}")
    out = [f"{where}: "
           + _style(run, f"{finding.code} {finding.severity}", fg=COLORS[finding.severity], bold=True)
           + f" {finding.message}"
           + (_style(run, f" [suppressed: {finding.suppressed.get('reason') or 'no reason'}]", dim=True)
              if finding.suppressed else "")]
    raw = run.sources.get(path)
    if raw is not None and finding.line:
        text = _source_line(raw, finding.line)
        gutter = f"{finding.line:>5} | "
        out.append(gutter + text)
        width = (finding.end_column if finding.end_line == finding.line else len(text) + 1) - finding.column
        out.append(" " * (len(gutter) - 2) + "| " + " " * (finding.column - 1)
                   + _style(run, "^" * max(1, width), fg=COLORS[finding.severity]))
    pad = " " * 6
    if finding.suggestion:
        out.append(f"{pad}= help: {finding.suggestion}")
    if finding.references:
        ref = finding.references[0]
        date = f" ({ref['date']})" if ref.get("date") else ""
        url = f" {ref['url']}" if ref.get("url") else ""
        out.append(f"{pad}= source: {ref.get('issuer', '')}, {ref.get('title', '')}{date}{url}")
    reason = finding.explanation.get("severity_reason")
    if reason:
        out.append(f"{pad}= note: severity {reason}")
    return out


def render(run) -> str:
    lines: list[str] = []
    threshold = SEVERITY_RANK[run.fail_on]
    for doc in run.documents:
        for finding in doc.findings:
            # Baselined findings are the accepted past: counted in the notes, not listed.
            if (finding.suppressed or {}).get("kind") != "baseline":
                lines.extend(_finding(run, doc.path, finding))
        counts = {}
        for finding in doc.findings:
            if finding.suppressed is None:
                counts[finding.severity] = counts.get(finding.severity, 0) + 1
        detail = ", ".join(f"{n} {s}" for s, n in sorted(counts.items(), key=lambda kv: -SEVERITY_RANK[kv[0]]))
        lines.append(f"{doc.path}: grade {_style(run, doc.grade, bold=True)} (score {doc.score}) "
                     + _style(run, doc.status, fg=STATUS_COLORS[doc.status], bold=True)
                     + (f" - {detail}" if detail else " - no findings"))
        if doc.findings:
            lines.append("")
    summary = run.summary()
    over = sum(1 for d in run.documents for f in d.findings
               if f.suppressed is None and SEVERITY_RANK[f.severity] >= threshold)
    lines.append(
        f"Checked {summary['documents']} document(s): {summary['findings']} finding(s), "
        f"{over} at or above {run.fail_on}; "
        f"{summary['by_status']['fail']} fail, {summary['by_status']['review']} review, "
        f"{summary['by_status']['pass']} pass"
        + (f"; {summary['errors']} input error(s)" if summary["errors"] else ""))
    lines.extend(run.notes)
    return "\n".join(lines) + "\n"
