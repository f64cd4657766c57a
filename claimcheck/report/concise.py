"""``--format concise`` (also ``--output-format concise``): one line per finding, as ruff's
and eslint's compact formats print them, for editors' problem matchers and grep.

    path:line:col: CODE severity message
    (Word and PDF inputs: ``path (paragraph 4): CODE severity message``)

then ``Found N finding(s).`` (left out with ``--quiet``). Suppressed and baselined findings
are left out; input problems go to standard error, as with every format.
"""
from __future__ import annotations

from claimcheck.model import location_label
from claimcheck.errors import printable


def render(run) -> str:
    lines = []
    for document, finding in run.reported():
        where = (f"{document.path} ({location_label(finding.location)})" if finding.location
                 else f"{document.path}:{finding.line}:{finding.column}")
        lines.append(printable(f"{where}: {finding.code} {finding.severity} {finding.message}"))
    if not run.quiet:
        lines.append(f"Found {len(lines)} finding{'' if len(lines) == 1 else 's'}.")
    return "".join(line + "\n" for line in lines)
