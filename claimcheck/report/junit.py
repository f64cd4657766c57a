"""``--format junit``: JUnit XML, which most CI systems show as test results.

One test suite per document; one failing test case per reported finding
(named after the rule and its position), or one passing case for a document
with none. Suppressed and baselined findings are left out. Input problems are
test cases with an ``error`` in a suite of their own.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

SUITE_FOR_PROBLEMS = "claimcheck input problems"


def _details(document, finding) -> str:
    lines = [f"{document.path}:{finding.line}:{finding.column}: {finding.code} {finding.severity} {finding.message}"]
    if finding.text:
        lines.append(f"text: {finding.text}")
    if finding.suggestion:
        lines.append(f"help: {finding.suggestion}")
    for reference in finding.references[:1]:
        lines.append(f"source: {reference.get('issuer', '')}, {reference.get('title', '')} {reference.get('url', '')}"
                     .rstrip())
    return "\n".join(lines)


def render(run) -> str:
    root = ET.Element("testsuites", name="claimcheck")
    reported = run.reported()
    total_tests = total_failures = 0
    for document in run.documents:
        findings = [f for d, f in reported if d is document]
        suite = ET.SubElement(root, "testsuite", name=document.path, tests=str(max(1, len(findings))),
                              failures=str(len(findings)), errors="0", skipped="0")
        ET.SubElement(suite, "properties")
        for key, value in (("score", document.score), ("grade", document.grade), ("status", document.status)):
            ET.SubElement(suite.find("properties"), "property", name=key, value=str(value))
        if not findings:
            ET.SubElement(suite, "testcase", name="no findings", classname=document.path, file=document.path)
        for finding in findings:
            case = ET.SubElement(suite, "testcase", name=f"{finding.code} {finding.name} at {finding.line}:"
                                 f"{finding.column}", classname=document.path, file=document.path,
                                 line=str(finding.line))
            failure = ET.SubElement(case, "failure", type=finding.code,
                                    message=f"[{finding.severity}] {finding.message}")
            failure.text = _details(document, finding)
        total_tests += max(1, len(findings))
        total_failures += len(findings)
    if run.problems:
        suite = ET.SubElement(root, "testsuite", name=SUITE_FOR_PROBLEMS, tests=str(len(run.problems)),
                              failures="0", errors=str(len(run.problems)), skipped="0")
        for problem in run.problems:
            case = ET.SubElement(suite, "testcase", name=f"{problem.code} {problem.path}", classname=problem.path,
                                 file=problem.path)
            ET.SubElement(case, "error", type=problem.code, message=problem.message).text = problem.render()
    root.set("tests", str(total_tests + len(run.problems)))
    root.set("failures", str(total_failures))
    root.set("errors", str(len(run.problems)))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
