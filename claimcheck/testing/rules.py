"""Rule fixtures as tests, semgrep-style.

A fixture beside a rule (``CC101-name.md``, and optionally ``CC101-name.*.md``)
annotates the line after each comment:

    <!-- ruleid: CC101 -->       the next line must get a CC101 finding
    <!-- ok: CC101 -->           the next line must not
    <!-- todoruleid: CC101 -->   a known miss: reported, not a failure
    <!-- todook: CC101 -->       a known false alarm: reported, not a failure

Several codes may be listed, separated by commas. A rule with no ``ruleid`` or
no ``ok`` example fails: every rule must show both what it catches and what it
leaves alone. Used by the test suite and by ``claimcheck test``.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from claimcheck.load.files import read_source
from claimcheck.errors import InputProblem

ANNOTATION = re.compile(r"<!--\s*(ruleid|ok|todoruleid|todook)\s*:\s*([A-Za-z0-9_,\s-]+?)\s*-->")


@dataclass(frozen=True)
class Expectation:
    path: str
    line: int  # the annotated line (1-based)
    kind: str  # ruleid | ok | todoruleid | todook
    code: str


@dataclass
class RuleTestResult:
    code: str
    fixtures: list[str]
    passed: list[Expectation] = field(default_factory=list)
    failed: list[tuple[Expectation, str]] = field(default_factory=list)
    todo: list[tuple[Expectation, str]] = field(default_factory=list)  # known gaps, still there
    fixed: list[Expectation] = field(default_factory=list)  # todos the rule now gets right
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.problems


def annotations(raw: str, pattern: re.Pattern = ANNOTATION) -> Iterator[tuple[str, list[str], int, str]]:
    """(kind, names, 1-based line, text of that line) for every annotation comment in ``raw``:
    each applies to the next line that is neither blank nor another annotation."""
    lines = raw.split("\n")
    for index, line in enumerate(lines):
        for match in pattern.finditer(line):
            target = index + 1
            while target < len(lines) and (not lines[target].strip() or pattern.fullmatch(lines[target].strip())):
                target += 1
            names = [name for name in re.split(r"[,\s]+", match.group(2).strip()) if name]
            text = lines[target].strip() if target < len(lines) else ""
            yield match.group(1), names, target + 1, text


def expectations(path: Path, raw: str) -> list[Expectation]:
    return [Expectation(str(path), line, kind, code.upper())
            for kind, codes, line, _ in annotations(raw) for code in codes]


def _fires(findings, code: str, line: int) -> bool:
    return any(f.code == code and f.line <= line <= max(f.end_line, f.line) and f.suppressed is None
               for f in findings)


def run_rule_tests(pack, rules=None) -> list[RuleTestResult]:
    """Check every rule's fixtures with the whole pack; one result per rule."""
    from claimcheck.project.runner import check_sources

    rules = pack.rules if rules is None else rules
    results = []
    for rule in rules:
        result = RuleTestResult(rule.code, [str(p) for p in rule.fixtures])
        if not rule.fixtures:
            result.problems.append(f"{rule.path}: no fixture beside the rule (expected {Path(rule.path).stem}.md)")
            results.append(result)
            continue
        sources, annotated = [], []
        for path in rule.fixtures:
            source = read_source(path)
            if isinstance(source, InputProblem):
                result.problems.append(source.render())
                continue
            sources.append(source)
            annotated.extend(e for e in expectations(path, source.raw) if e.code == rule.code)
        kinds = {e.kind for e in annotated}
        for needed in ("ruleid", "ok"):
            if needed not in kinds:
                result.problems.append(f"{rule.path}: fixtures have no '{needed}: {rule.code}' example")
        problems: list[InputProblem] = []
        findings_by_path = {c.source.origin: c.result.findings for c in check_sources(sources, pack, problems)}
        result.problems.extend(p.render() for p in problems if p.fatal)
        for expectation in annotated:
            fired = _fires(findings_by_path.get(expectation.path, []), rule.code, expectation.line)
            wanted = expectation.kind in ("ruleid", "todoruleid")
            if fired == wanted:
                if expectation.kind.startswith("todo"):
                    result.fixed.append(expectation)
                else:
                    result.passed.append(expectation)
            else:
                why = "expected a finding, got none" if wanted else "expected no finding, got one"
                (result.todo if expectation.kind.startswith("todo") else result.failed).append((expectation, why))
        results.append(result)
    return results
