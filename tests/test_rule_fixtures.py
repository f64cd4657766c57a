"""Every rule's annotated fixture, as one parametrized test per rule."""
from __future__ import annotations

import pytest

from claimcheck.pack.rulepack import load_pack
from claimcheck.testing.rules import expectations, run_rule_tests

PACK = load_pack()


def test_pack_loads_without_problems():
    assert PACK.problems == []
    assert len(PACK.rules) >= 12


@pytest.mark.parametrize("rule", PACK.rules, ids=lambda r: r.code)
def test_rule_fixture(rule):
    (result,) = run_rule_tests(PACK, [rule])
    assert not result.problems, result.problems
    failures = [f"{e.path}:{e.line}: {e.kind} {e.code}: {why}" for e, why in result.failed]
    assert not failures, "\n".join(failures)
    # A todo the rule now gets right is a stale annotation: make it a real ruleid/ok line.
    fixed = [f"{e.path}:{e.line}: {e.kind} {e.code} now passes" for e in result.fixed]
    assert not fixed, "\n".join(fixed)
    assert result.passed, "no expectation was checked"


def test_every_category_has_a_rule():
    categories = {r.category for r in PACK.rules}
    assert {"unapproved-use", "cure-guarantee", "regeneration-overclaim", "comparative-claim", "false-approval",
            "regulatory-misrepresentation", "safety-overclaim", "rejection-overclaim", "missing-risk-disclosure",
            "missing-regulatory-disclaimer", "evidence-overclaim", "testimonial"} <= categories


def test_annotation_targets_next_text_line(tmp_path):
    raw = "<!-- ruleid: CC101, CC102 -->\n\nStem cells cure MS.\n<!-- ok: CC103 -->\nfine\n"
    found = expectations(tmp_path / "x.md", raw)
    assert [(e.kind, e.code, e.line) for e in found] == [
        ("ruleid", "CC101", 3), ("ruleid", "CC102", 3), ("ok", "CC103", 5)]


def test_rule_without_ok_example_fails(tmp_path):
    rule = PACK.rule("CC101")
    fixture = tmp_path / "CC101-unapproved-use.md"
    fixture.write_text("<!-- ruleid: CC101 -->\nOur stem cell injections heal arthritic knees.\n")
    copy = rule.with_severity(rule.severity)
    copy.path = str(tmp_path / "CC101-unapproved-use.yaml")
    (result,) = run_rule_tests(PACK, [copy])
    assert any("no 'ok: CC101'" in p for p in result.problems)


def test_a_todo_the_rule_now_gets_right_is_reported_as_fixed(tmp_path):
    """What makes the strict check above bite: run_rule_tests reports a passing todo as fixed."""
    from tests.conftest import ROOT

    checks = tmp_path / "pack" / "checks"
    checks.mkdir(parents=True)
    rule = (ROOT / "rules/checks/efficacy/CC101-unapproved-use.yaml").read_text().replace("CC101", "CC199")
    (checks / "CC199-copy.yaml").write_text(rule.replace("name: unapproved-use", "name: unapproved-use-copy"))
    (checks / "CC199-copy.md").write_text(
        "<!-- todoruleid: CC199 -->\nOur stem cell injections heal arthritic knees.\n\n"
        "<!-- ok: CC199 -->\nThe FDA has not approved stem cells for knee arthritis.\n")
    pack = load_pack((str(tmp_path / "pack"),))
    (result,) = run_rule_tests(pack, [pack.rule("CC199")])
    assert [e.kind for e in result.fixed] == ["todoruleid"] and not result.failed
