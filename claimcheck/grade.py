"""Stage 5, grade: findings -> score 0-100, grade A-F, status pass/review/fail.

The policy (documented in the README):

* score = 100 minus a penalty per finding: critical 25, major 12, minor 4,
  info 0. A rule's second and later findings in the same document cost half,
  so one repeated problem does not outweigh several different ones. The
  score never goes below 0. Suppressed and baselined findings cost nothing.
* grade: A >= 90, B >= 75, C >= 60, D >= 40, F below.
* status: ``fail`` if any critical or major finding, ``review`` if any minor
  finding, ``pass`` otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from claimcheck.model import SEVERITY_RANK, DocumentResult, Finding


@dataclass(frozen=True)
class GradingPolicy:
    penalties: dict = field(default_factory=lambda: {"critical": 25, "major": 12, "minor": 4, "info": 0})
    repeat_factor: float = 0.5
    bands: tuple = (("A", 90), ("B", 75), ("C", 60), ("D", 40), ("F", 0))
    fail_at: str = "major"
    review_at: str = "minor"


DEFAULT_POLICY = GradingPolicy()


def counted(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.suppressed is None]


def score(findings: list[Finding], policy: GradingPolicy = DEFAULT_POLICY) -> int:
    total, seen = 0.0, set()
    for finding in sorted(counted(findings), key=lambda f: -SEVERITY_RANK[f.severity]):
        penalty = policy.penalties[finding.severity]
        total += penalty * (policy.repeat_factor if finding.code in seen else 1.0)
        seen.add(finding.code)
    return max(0, round(100 - total))


def letter(value: int, policy: GradingPolicy = DEFAULT_POLICY) -> str:
    return next(name for name, floor in policy.bands if value >= floor)


def status(findings: list[Finding], policy: GradingPolicy = DEFAULT_POLICY) -> str:
    worst = max((SEVERITY_RANK[f.severity] for f in counted(findings)), default=-1)
    if worst >= SEVERITY_RANK[policy.fail_at]:
        return "fail"
    if worst >= SEVERITY_RANK[policy.review_at]:
        return "review"
    return "pass"


def grade(result: DocumentResult, policy: GradingPolicy = DEFAULT_POLICY) -> DocumentResult:
    result.score = score(result.findings, policy)
    result.grade = letter(result.score, policy)
    result.status = status(result.findings, policy)
    return result


def site_grade(results: list[DocumentResult]) -> dict:
    """A site is as good as its pages, but its worst page matters most:
    the site score is the mean of the mean page score and the worst page score."""
    if not results:
        return {"pages": 0, "score": 100, "grade": "A", "status": "pass"}
    scores = [r.score for r in results]
    value = round((sum(scores) / len(scores) + min(scores)) / 2)
    statuses = {r.status for r in results}
    worst = "fail" if "fail" in statuses else "review" if "review" in statuses else "pass"
    return {"pages": len(results), "score": value, "grade": letter(value), "status": worst}
