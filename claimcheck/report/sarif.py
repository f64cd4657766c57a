"""``--format sarif``: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

* ``tool.driver.rules`` describes every rule of the run, with its help text
  (``help.text`` and ``help.markdown``, so a viewer shows the documentation with no
  page to fetch), a ``helpUri`` to its published page when its pack names one
  (``docs-url``), and a default level.
* Levels: critical and major -> ``error``, minor -> ``warning``, info -> ``note``.
* Each result carries ``partialFingerprints`` (code + normalized claim text,
  the baseline's key) so that viewers track a finding when lines move.
* Suppressed findings stay in the log with ``suppressions`` (``inSource`` for a
  comment, ``external`` for the baseline): viewers hide them, auditors can see them.
* Columns count Unicode code points (``columnKind``), as claimcheck does.
* Input problems become ``toolExecutionNotifications``.

Valid against the official SARIF 2.1.0 schema (tests/data/sarif-schema-2.1.0.json).
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

from claimcheck import __version__
from claimcheck.report import dumps_json
from claimcheck.project.baseline import fingerprint
from claimcheck.pack.docs import help_markdown, help_text, help_uri, index_uri, summary

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"critical": "error", "major": "error", "minor": "warning", "info": "note"}
SOURCE_ROOT = "SRCROOT"


def artifact_location(path: str) -> dict:
    """Relative paths stay relative to SRCROOT (the current folder); absolute ones become file URIs."""
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path.replace(os.sep, "/"), safe="/"), "uriBaseId": SOURCE_ROOT}


def rule_descriptor(rule) -> dict:
    descriptor = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": summary(rule)},
        "fullDescription": {"text": " ".join(rule.docs["why"].split())},
        "help": {"text": help_text(rule), "markdown": help_markdown(rule)},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"category": rule.category, "severity": rule.severity, "scope": rule.scope,
                       "tags": ["claimcheck", rule.category]},
    }
    if page := help_uri(rule):
        descriptor["helpUri"] = page
    return descriptor


def _region(finding) -> dict:
    region = {"startLine": max(1, finding.line), "startColumn": max(1, finding.column),
              "endLine": max(1, finding.end_line or finding.line),
              "endColumn": max(1, finding.end_column or finding.column),
              "charOffset": finding.start, "charLength": max(0, finding.end - finding.start)}
    if region["endLine"] == region["startLine"] and region["endColumn"] < region["startColumn"]:
        region["endColumn"] = region["startColumn"]
    if finding.text:
        region["snippet"] = {"text": finding.text}
    return region


def _suppressions(finding) -> list[dict]:
    kind = "inSource" if finding.suppressed.get("kind") == "comment" else "external"
    suppression = {"kind": kind, "state": "accepted"}
    if finding.suppressed.get("reason"):
        suppression["justification"] = finding.suppressed["reason"]
    return [suppression]


def _result(document, finding, rule_index: dict) -> dict:
    result = {
        "ruleId": finding.code,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": {"artifactLocation": artifact_location(document.path),
                                            "region": _region(finding)}}],
        "partialFingerprints": {"claimcheckClaim/v1": fingerprint(finding)},
        "properties": {"severity": finding.severity, "category": finding.category, "scope": finding.scope,
                       **({"claim": finding.claim} if finding.claim else {}),
                       **({"suggestion": finding.suggestion} if finding.suggestion else {}),
                       **({"references": finding.references} if finding.references else {})},
    }
    if finding.code in rule_index:
        result["ruleIndex"] = rule_index[finding.code]
    if finding.suppressed is not None:
        result["suppressions"] = _suppressions(finding)
    return result


def _notification(problem) -> dict:
    notification = {"level": "error" if problem.fatal else "warning",
                    "message": {"text": problem.message}, "descriptor": {"id": problem.code}}
    location = {"artifactLocation": artifact_location(problem.path)}
    if problem.line:
        location["region"] = {"startLine": problem.line}
    notification["locations"] = [{"physicalLocation": location}]
    return notification


def as_dict(run) -> dict:
    rules = sorted({rule.code: rule for rule in run.rules}.values(), key=lambda r: r.code)
    rule_index = {rule.code: index for index, rule in enumerate(rules)}
    results = [_result(document, finding, rule_index)
               for document in run.documents for finding in document.findings]
    invocation = {"executionSuccessful": not any(p.fatal for p in run.problems)}
    if run.problems:
        invocation["toolExecutionNotifications"] = [_notification(p) for p in run.problems]
    driver = {"name": "claimcheck", "version": __version__, "semanticVersion": __version__}
    if index := index_uri(rules):
        driver["informationUri"] = index
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {**driver, "rules": [rule_descriptor(r) for r in rules]}},
            "invocations": [invocation],
            "originalUriBaseIds": {SOURCE_ROOT: {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {"jurisdiction": run.jurisdiction,
                           **({"baseline": run.baseline} if run.baseline is not None else {})},
        }],
    }


def render(run) -> str:
    return dumps_json(as_dict(run))
