"""Text written to make a matcher backtrack or a tokenizer go quadratic: a suppression
comment over a line of empty comments, runs of punctuation or emoji with no space, and
regular expressions (claimcheck's own and a rule pack's) that nest unbounded repeats.

Each attack is run in a child process with a generous time limit: a hang guard, not a
speed assertion (benchmarks/bench_scaling.py measures time against size)."""
from __future__ import annotations

import importlib
import json
import pkgutil
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from limits_inputs import ROOT, VIOLATING  # noqa: E402

import claimcheck  # noqa: E402
from claimcheck.pack.regex_safety import regex_problem  # noqa: E402
from claimcheck.project.suppress import _only_comments  # noqa: E402
from tests.clitools import invoke  # noqa: E402

HANG_GUARD_SECONDS = 90  # each of these took minutes or never ended before the fix


def _check_in_child(path: Path) -> tuple[dict, subprocess.CompletedProcess]:
    done = subprocess.run([sys.executable, "-m", "claimcheck", "check", "--format", "json", str(path)],
                          capture_output=True, text=True, timeout=HANG_GUARD_SECONDS, cwd=ROOT)
    assert done.returncode in (0, 1), done.stderr[-800:]
    return json.loads(done.stdout), done


def _codes(report: dict) -> set[str]:
    return {finding["code"] for document in report["documents"] for finding in document["findings"]}


@pytest.mark.parametrize("unit", ["!", "\U0001f600", "-="], ids=["bangs", "emoji", "symbols"])
def test_a_long_run_without_spaces_is_read_in_time(unit, tmp_path):
    path = tmp_path / "ad.txt"
    path.write_text(f"{VIOLATING} {unit * (60_000 // len(unit))}\nCall today.\n", encoding="utf-8")
    report, _ = _check_in_child(path)
    assert "CC101" in _codes(report)


def test_tokens_of_a_long_run_keep_the_text_exactly():
    from claimcheck.extract.pipeline import build_pipeline, make_doc
    from claimcheck.pack.rulepack import load_pack

    nlp = build_pipeline(load_pack(), learned=False)
    text = "FDA approved " + "!?" * 400 + "  cells\n" + "a" * 450 + "\u2014" + "\U0001f525" * 300 + " end."
    doc = make_doc(nlp, text)
    assert doc.text == text
    assert [t.text for t in doc[:2]] == ["FDA", "approved"] and doc[-1].text == "."
    assert max(len(t) for t in doc) <= 200


def test_a_suppression_over_a_line_of_empty_comments_is_parsed_in_time(tmp_path):
    path = tmp_path / "ad.md"
    path.write_text("<!-- claimcheck-disable-next-line CC101 -- reviewed -->\n"
                    + "<!---->" * 40 + f" {VIOLATING}\n", encoding="utf-8")
    report, _ = _check_in_child(path)
    findings = report["documents"][0]["findings"]
    cure = [f for f in findings if f["code"] == "CC101"]
    # The directive reaches that line: the line has text besides its comments.
    assert cure and all(f.get("suppressed") for f in cure)


@pytest.mark.parametrize("line, only_comments", [
    ("<!-- a -->", True), (" <!-- a --> <!--b--> ", True), ("<!---->" * 40, True),
    ("<!-- a --> b", False), ("<!-- a --> b <!-- c -->", False), ("<!-- never closed", False),
    ("<!---->" * 40 + "x", False), ("<!--" * 20_000, False)])
def test_comment_only_lines(line, only_comments):
    assert _only_comments(line) is only_comments


def _module_patterns():
    for module in pkgutil.walk_packages(claimcheck.__path__, "claimcheck."):
        if module.name.endswith("__main__"):
            continue
        for name, value in vars(importlib.import_module(module.name)).items():
            if isinstance(value, re.Pattern):
                yield f"{module.name}.{name}", value.pattern


def test_no_regular_expression_of_claimcheck_nests_unbounded_repeats():
    patterns = dict(_module_patterns())
    assert len(patterns) > 40  # the walk found the modules' patterns
    unsafe = {name: regex_problem(pattern) for name, pattern in patterns.items()
              if isinstance(pattern, str) and regex_problem(pattern)}
    assert unsafe == {}


@pytest.mark.parametrize("pattern, unsafe", [
    (r"(a+)+$", True), (r"\s*(?:<!--.*?-->\s*)+\Z", True), (r"(?:x*y)*", True),
    (r"a++(?:-a++)*+", False), (r"(?>a+)+", False), (r"(?:ab){1,3}c+", False), (r"[a-z]{2,4}\d+", False)])
def test_nested_repeats_are_told_apart(pattern, unsafe):
    assert bool(regex_problem(pattern)) is unsafe


def test_a_rule_pack_pattern_with_nested_repeats_is_rejected(tmp_path):
    lexicon = tmp_path / "pack" / "lexicon"
    lexicon.mkdir(parents=True)
    (lexicon / "slow.yaml").write_text(textwrap.dedent("""\
        label: predicate
        entries:
          - id: slow
            class: cure
            patterns:
              - [{LOWER: "cures"}, {TEXT: {REGEX: "^(a+)+$"}}]
        """), encoding="utf-8")
    result = invoke("test", tmp_path / "pack")
    assert result.exit_code == 1 and "1 broken rule file problem" in result.stdout
    assert "slow.yaml:6" in result.stderr and "unbounded repeat inside another" in result.stderr
