"""``--format github``: GitHub Actions workflow commands, which GitHub shows as
annotations on the pull request's changed lines.

    ::error file=ads/knee.md,line=3,col=5,endLine=3,endColumn=48,title=claimcheck CC101 (unapproved-use)::...

critical and major findings are ``error``, minor ``warning``, info ``notice``.
Suppressed and baselined findings are left out; input problems are errors on
their file; notes (baseline counts) are notices.
"""
from __future__ import annotations

LEVELS = {"critical": "error", "major": "error", "minor": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **properties) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items()
                     if value not in (None, ""))
    return f"::{level}{' ' + props if props else ''}::{escape_data(message)}"


def render(run) -> str:
    lines = []
    for problem in run.problems:
        lines.append(command("error" if problem.fatal else "warning", f"{problem.message} [{problem.code}]",
                             file=problem.path, line=problem.line, title=f"claimcheck {problem.code}"))
    for document, finding in run.reported():
        message = f"[{finding.severity}] {finding.message}"
        if finding.suggestion:
            message += f"\nHelp: {finding.suggestion}"
        lines.append(command(LEVELS[finding.severity], message, file=document.path, line=finding.line,
                             col=finding.column, endLine=finding.end_line, endColumn=finding.end_column,
                             title=f"claimcheck {finding.code} ({finding.name})"))
    for note in run.notes:
        lines.append(command("notice", note, title="claimcheck"))
    return "".join(line + "\n" for line in lines)
