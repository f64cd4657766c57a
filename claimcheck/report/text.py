"""``--format text`` (the default): one block per finding, like a compiler.

    path:line:col: CODE severity message
    (Word and PDF inputs: ``path (paragraph 4): ...``, ``path (page 2, line 7): ...``)
      12 | the source line
         |     ^^^^^^^^^^^^ (claim marked)
         = help: suggested wording
         = source: issuer, title (date) url
         = note: severity lowered from major to minor: hedged by 'may'

then a grade line per document and a summary line (not with ``--quiet``).
"""
from __future__ import annotations

import click

from claimcheck.errors import printable
from claimcheck.model import SEVERITY_RANK, location_label

COLORS = {"critical": "red", "major": "red", "minor": "yellow", "info": "blue"}
STATUS_COLORS = {"fail": "red", "review": "yellow", "pass": "green"}


def _style(run, text, **kwargs):
    return click.style(text, **kwargs) if run.color else text


# The longest source line shown whole; a longer one is shown as a window around the claim.
MAX_SNIPPET = 400
CONTEXT = 120
# The most lines a finding shows; a longer one shows its first lines, a gap, and its last.
MAX_LINES = 6


def _source_line(lines: list[str], line: int) -> str:
    return lines[line - 1].rstrip("\r") if 0 < line <= len(lines) else ""


def _window(text: str, first: int, last: int) -> tuple[str, int, int]:
    """The part of a long line around columns [first, last) (0-based): (shown text, first, last)."""
    if len(text) <= MAX_SNIPPET:
        return text, first, last
    start = max(0, first - CONTEXT)
    end = min(len(text), max(last, first + 1) + CONTEXT, start + MAX_SNIPPET)
    prefix, suffix = ("…" if start else ""), ("…" if end < len(text) else "")
    shift = len(prefix) - start
    return prefix + text[start:end] + suffix, first + shift, min(last, end) + shift


def _marked_lines(finding) -> list[int]:
    """The lines a finding covers (one ending at the very start of a line does not cover it),
    and of a long span only its first and last few, with 0 standing for the lines left out."""
    last = finding.end_line if finding.end_line and finding.end_line > finding.line else finding.line
    if last > finding.line and finding.end_column <= 1:
        last -= 1
    numbers = list(range(finding.line, last + 1))
    if len(numbers) > MAX_LINES:
        numbers = numbers[:MAX_LINES - 2] + [0] + numbers[-1:]
    return numbers


def _snippet(run, finding, lines: list[str]) -> list[str]:
    """Every line the finding covers, each with carets under its own part of the finding."""
    numbers = _marked_lines(finding)
    width = max(5, len(str(max(numbers))))
    out = []
    for number in numbers:
        if number == 0:
            out.append(" " * width + " | …")
            continue
        text = _source_line(lines, number)
        first = finding.column - 1 if number == finding.line else len(text) - len(text.lstrip())
        end = finding.end_column - 1 if number == finding.end_line else len(text.rstrip())
        text, first, last = _window(text, first, max(end, first))
        gutter = f"{number:>{width}} | "
        out.append(gutter + printable(text))
        out.append(" " * (len(gutter) - 2) + "| " + " " * first
                   + _style(run, "^" * max(1, last - first), fg=COLORS[finding.severity]))
    return out


def _finding(run, path, finding, lines: list[str] | None) -> list[str]:
    where = (f"{printable(path)} ({location_label(finding.location)})" if finding.location
             else f"{printable(path)}:{finding.line}:{finding.column}")
    out = [f"{where}: "
           + _style(run, f"{finding.code} {finding.severity}", fg=COLORS[finding.severity], bold=True)
           + f" {printable(finding.message)}"
           + (_style(run, f" [suppressed: {finding.suppressed.get('reason') or 'no reason'}]", dim=True)
              if finding.suppressed else "")]
    if lines is not None and finding.line:
        out += _snippet(run, finding, lines)
    pad = " " * 6
    if finding.suggestion:
        out.append(f"{pad}= help: {printable(finding.suggestion)}")
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
        raw = run.sources.get(doc.path)
        source_lines = raw.split("\n") if raw is not None and doc.findings else None  # once per document
        for finding in doc.findings:
            # Baselined findings are the accepted past: counted in the notes, not listed.
            if (finding.suppressed or {}).get("kind") != "baseline":
                lines.extend(_finding(run, doc.path, finding, source_lines))
        if run.quiet:  # --quiet: the findings only, no grade lines or summary
            continue
        counts = {}
        for finding in doc.findings:
            if finding.suppressed is None:
                counts[finding.severity] = counts.get(finding.severity, 0) + 1
        detail = ", ".join(f"{n} {s}" for s, n in sorted(counts.items(), key=lambda kv: -SEVERITY_RANK[kv[0]]))
        hidden = _suppressed(doc.findings)
        lines.append(f"{printable(doc.path)}: grade {_style(run, doc.grade, bold=True)} (score {doc.score}) "
                     + _style(run, doc.status, fg=STATUS_COLORS[doc.status], bold=True)
                     + (f" - {detail}" if detail else " - no findings") + (f" ({hidden})" if hidden else ""))
        if doc.findings:
            lines.append("")
    if run.quiet:
        return "".join(line + "\n" for line in lines)
    summary = run.summary()
    if run.documents:
        lines.append(LEGEND)
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


# Grade and status answer different questions; a reader meeting "grade B ... fail" needs both.
LEGEND = ("Grade: A-F from the score (100 less each finding's weight: A from 90, B 75, C 60, D 40). "
          "Status: fail if a critical or major finding remains, review if only minor ones, else pass.")


def _suppressed(findings) -> str:
    """What a grade line leaves out: "5 suppressed by the baseline", or "3 suppressed: 2 by the
    baseline, 1 by a comment"."""
    kinds: dict[str, int] = {}
    for finding in findings:
        if finding.suppressed is not None:
            kind = finding.suppressed.get("kind", "comment")
            kinds[kind] = kinds.get(kind, 0) + 1

    def how(kind: str, count: int) -> str:
        return "by the baseline" if kind == "baseline" else "by a comment" if count == 1 else "by comments"

    if len(kinds) == 1:
        (kind, count), = kinds.items()
        return f"{count} suppressed {how(kind, count)}"
    return (f"{sum(kinds.values())} suppressed: " + ", ".join(f"{n} {how(k, n)}" for k, n in sorted(kinds.items()))
            if kinds else "")
