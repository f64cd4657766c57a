"""grade: the documented policy, score -> grade -> status."""
from __future__ import annotations

from claimcheck.grade import letter, score, site_grade, status
from claimcheck.model import DocumentResult, Finding


def finding(code, severity, suppressed=None):
    return Finding(code=code, name="x", category="x", severity=severity, scope="claim", message="",
                   start=0, end=0, suppressed=suppressed)


def test_penalties_and_repeats():
    assert score([]) == 100
    assert score([finding("CC101", "major")]) == 88
    assert score([finding("CC101", "major"), finding("CC101", "major")]) == 82  # repeat costs half
    assert score([finding("CC102", "critical")] * 5) == 25
    assert score([finding("CC102", "critical")] * 20) == 0


def test_suppressed_findings_cost_nothing():
    assert score([finding("CC101", "critical", {"kind": "comment", "reason": "approved"})]) == 100
    assert status([finding("CC101", "critical", {"kind": "baseline"})]) == "pass"


def test_bands_and_status():
    assert [letter(v) for v in (100, 90, 89, 75, 60, 40, 39)] == ["A", "A", "B", "B", "C", "D", "F"]
    assert status([finding("CC304", "minor")]) == "review"
    assert status([finding("CC304", "minor"), finding("CC101", "major")]) == "fail"
    assert status([finding("CC999", "info")]) == "pass"


def test_site_grade_weighs_the_worst_page():
    pages = [DocumentResult("a", score=100, status="pass"), DocumentResult("b", score=20, status="fail")]
    assert site_grade(pages) == {"pages": 2, "score": 40, "grade": "D", "status": "fail"}
