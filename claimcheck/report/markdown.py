"""``--format markdown``: a summary for a pull-request comment (GitHub flavour).

A table of documents (grade, score, status, counts), then per document a table
of the reported findings with a link to each rule's page where its pack publishes one
(pack.yaml ``docs-url``; otherwise the code alone, never a dead link). Suppressed and
baselined findings are counted, not listed (the JSON output lists them). The
listing stops at ``MAX_ROWS`` findings: a comment on GitHub holds 65,536
characters at most.
"""
from __future__ import annotations

from claimcheck.model import SEVERITIES
from claimcheck.pack.docs import help_uri

MAX_ROWS = 200
STATUS = {"fail": "fail", "review": "review", "pass": "pass"}


def cell(text) -> str:
    """One table cell: a single line, pipes escaped, HTML not interpreted."""
    return (" ".join(str(text).split()).replace("\\", "\\\\").replace("|", "\\|")
            .replace("<", "&lt;").replace(">", "&gt;"))


def _counts(findings) -> str:
    by_severity = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
    return ", ".join(f"{n} {s}" for s, n in by_severity.items() if n) or "none"


def _rule_link(finding, links: dict) -> str:
    link = links.get(finding.code)
    return f"[{finding.code}]({link})" if link else finding.code


def render(run) -> str:
    reported = run.reported()
    summary = run.summary()
    links = {rule.code: page for rule in run.rules if (page := help_uri(rule))}
    title = (f"## claimcheck: {len(reported)} finding{'s' if len(reported) != 1 else ''} "
             f"in {summary['documents']} document{'s' if summary['documents'] != 1 else ''}")
    lines = [title, ""]
    statuses = summary["by_status"]
    lines.append(f"{statuses['fail']} fail, {statuses['review']} review, {statuses['pass']} pass; "
                 f"findings at or above {run.fail_on} block the check.")
    lines.append("")
    lines += ["| Document | Grade | Score | Status | Findings |", "|---|---|---|---|---|"]
    for document in run.documents:
        findings = [f for d, f in reported if d is document]
        lines.append(f"| `{cell(document.path)}` | {document.grade} | {document.score} | "
                     f"{STATUS[document.status]} | {_counts(findings)} |")
    lines.append("")
    shown = 0
    for document in run.documents:
        findings = [f for d, f in reported if d is document]
        if not findings:
            continue
        lines += [f"### `{cell(document.path)}`", "", "| Line | Rule | Severity | Finding | Text |",
                  "|---|---|---|---|---|"]
        for finding in findings:
            if shown == MAX_ROWS:
                break
            shown += 1
            lines.append(f"| {finding.line}:{finding.column} | {_rule_link(finding, links)} {cell(finding.name)} "
                         f"| {finding.severity} | {cell(finding.message)} | {cell(finding.text)} |")
        lines.append("")
    if shown < len(reported):
        lines += [f"... and {len(reported) - shown} more findings: see the full report.", ""]
    hidden = run.suppressed_counts()
    if hidden:
        lines.append("Not listed: " + ", ".join(f"{n} suppressed by {'a comment' if k == 'comment' else 'the baseline'}"
                                                 if n == 1 else
                                                 f"{n} suppressed by {'comments' if k == 'comment' else 'the baseline'}"
                                                 for k, n in sorted(hidden.items())) + ".")
        lines.append("")
    for problem in run.problems:
        lines.append(f"- **{'error' if problem.fatal else 'warning'}** `{cell(problem.path)}`"
                     f"{':' + str(problem.line) if problem.line else ''}: {cell(problem.message)} ({problem.code})")
    if run.problems:
        lines.append("")
    for note in run.notes:
        lines += [cell(note), ""]
    return "\n".join(lines).rstrip("\n") + "\n"
