"""Stage 6, report: one module per output format, each with ``render(run) -> str``.

Modules are imported only when their format is asked for, so adding a format
costs nothing at start-up.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from claimcheck.errors import InputProblem
from claimcheck.model import SEVERITIES, DocumentResult

def dumps_json(data) -> str:
    """``data`` as indented JSON, exactly as ``json.dumps(data, indent=2, ensure_ascii=False)``
    writes it, but through orjson when it can: the standard encoder falls back to pure
    Python once it indents, and a large report then spends most of its time here. (The two
    differ only in floats written with an exponent, below 1e-4 or from 1e16; claimcheck
    rounds every float it reports to at most 4 decimals.)"""
    try:
        import orjson
        return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"
    except (ImportError, TypeError):  # no orjson, or a value only the standard encoder takes
        import json
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


FORMATS = {
    "text": "claimcheck.report.text",
    "json": "claimcheck.report.json_format",
    "sarif": "claimcheck.report.sarif",
    "github": "claimcheck.report.github",
    "csv": "claimcheck.report.csv_format",
    "junit": "claimcheck.report.junit",
    "markdown": "claimcheck.report.markdown",
    "html": "claimcheck.report.html",
    "concise": "claimcheck.report.concise",
}


@dataclass
class Run:
    """Everything a reporter may need about one run."""

    documents: list[DocumentResult]
    problems: list[InputProblem] = field(default_factory=list)
    rules: list = field(default_factory=list)  # the active rules (for SARIF, docs links)
    fail_on: str = "major"
    color: bool = False
    sources: dict = field(default_factory=dict)  # path -> raw text, for formats that show it
    notes: list[str] = field(default_factory=list)  # e.g. baseline counts
    jurisdiction: str = "US"
    configs: list[str] = field(default_factory=list)  # the configuration files used
    baseline: dict | None = None  # counts when --baseline was given
    quiet: bool = False  # --quiet: the findings and errors only, no grade or summary lines

    def reported(self) -> list[tuple[DocumentResult, object]]:
        """(document, finding) for every finding not suppressed by a comment or the baseline."""
        return [(d, f) for d in self.documents for f in d.findings if f.suppressed is None]

    def suppressed_counts(self) -> dict[str, int]:
        """How many findings each kind of suppression (comment, baseline) hid."""
        counts: dict[str, int] = {}
        for document in self.documents:
            for finding in document.findings:
                if finding.suppressed is not None:
                    kind = finding.suppressed.get("kind", "comment")
                    counts[kind] = counts.get(kind, 0) + 1
        return counts

    def summary(self) -> dict:
        findings = [f for d in self.documents for f in d.findings if f.suppressed is None]
        by_severity = {s: 0 for s in SEVERITIES}
        by_category: dict[str, int] = {}
        for finding in findings:
            by_severity[finding.severity] += 1
            by_category[finding.category] = by_category.get(finding.category, 0) + 1
        statuses = {s: sum(1 for d in self.documents if d.status == s) for s in ("pass", "review", "fail")}
        return {"documents": len(self.documents), "findings": len(findings), "by_severity": by_severity,
                "by_category": dict(sorted(by_category.items())), "by_status": statuses,
                "errors": sum(1 for p in self.problems if p.fatal)}


def available() -> list[str]:
    return list(FORMATS)


def render(fmt: str, run: Run) -> str:
    return importlib.import_module(FORMATS[fmt]).render(run)
