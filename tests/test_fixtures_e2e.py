"""End to end on fixtures/: the CLI's JSON output against fixtures/expected.yaml."""
from __future__ import annotations

import json

import pytest
import yaml
from click.testing import CliRunner

from claimcheck.cli import cli
from tests.conftest import FIXTURES

EXPECTED = yaml.safe_load((FIXTURES / "expected.yaml").read_text(encoding="utf-8"))
GRADES = "ABCDF"


@pytest.fixture(scope="module")
def report():
    # The text fixtures; fixtures/documents/ (Word and PDF copies) is tested in test_loaders.py.
    folders = [str(FIXTURES / "violating"), str(FIXTURES / "compliant")]
    result = CliRunner().invoke(cli, ["check", "--format", "json", "--fail-on", "info", *folders])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    return {doc["path"].replace(str(FIXTURES) + "/", ""): doc for doc in data["documents"]}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_matches_expectations(report, name):
    spec = EXPECTED[name]
    doc = report[spec["path"]]
    findings = doc["findings"]
    assert doc["status"] == spec["status"], [(f["line"], f["code"], f["text"]) for f in findings]
    if "grade_at_most" in spec:
        assert GRADES.index(doc["grade"]) >= GRADES.index(spec["grade_at_most"])
    if "grade_at_least" in spec:
        assert GRADES.index(doc["grade"]) <= GRADES.index(spec["grade_at_least"]), findings
    found = {(f["line"], f["category"]) for f in findings if f["scope"] == "claim"}
    missing = [e for e in spec.get("must_find", []) if (e["line"], e["category"]) not in found]
    assert not missing, f"missing {missing}; found {sorted(found)}"
    document = {f["category"] for f in findings if f["scope"] == "document"}
    assert set(spec.get("must_find_document", [])) <= document
    assert not set(spec.get("must_not_find_categories", [])) & {f["category"] for f in findings}
    noisy = [(f["line"], f["code"], f["text"]) for f in findings
             if f["scope"] == "claim" and f["line"] in spec.get("must_not_find_lines", [])]
    assert not noisy, noisy


def test_findings_point_at_the_claim_text(report):
    """line/column and start/end locate the same text in the original file."""
    for path, doc in report.items():
        raw = (FIXTURES / path).read_text(encoding="utf-8")
        lines = raw.split("\n")
        for finding in doc["findings"]:
            assert raw[finding["start"]:finding["end"]] == finding["text"]
            line = lines[finding["line"] - 1]
            assert line[finding["column"] - 1:].startswith(finding["text"].split("\n")[0])
