"""Text written to make a matcher backtrack or a tokenizer go quadratic: a suppression
comment over a line of empty comments, runs of punctuation or emoji with no space, runs
of markup that never closes (``<!--``, ``<a b``, ``<![CDATA[``) for the HTML parser, and
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
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
from limits_inputs import ROOT, VIOLATING  # noqa: E402

import claimcheck  # noqa: E402
from claimcheck.normalize.html import VisibleTextParser  # noqa: E402
from claimcheck.normalize.link_lists import LinkMarkingBuilder  # noqa: E402
from claimcheck.normalize.linear_html import mask_stray_references  # noqa: E402
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


def test_a_long_run_of_symbols_is_a_few_tokens_not_one_a_symbol():
    # A 5 MB run of "<!--" was four million tokens and 3 GB of memory; short runs keep
    # a token per symbol, as spaCy's tokenizer gives them.
    from claimcheck.extract.pipeline import LONG_CHUNK, build_pipeline, make_doc
    from claimcheck.pack.rulepack import load_pack

    nlp = build_pipeline(load_pack(), learned=False)
    text = "<!--" * 10_000 + "FDA-approved!!"
    doc = make_doc(nlp, text)
    assert doc.text == text
    assert len(doc) <= len(text) // LONG_CHUNK + 6
    assert [t.text for t in doc[-5:]] == ["FDA", "-", "approved", "!", "!"]


def test_a_suppression_over_a_line_of_empty_comments_is_parsed_in_time(tmp_path):
    path = tmp_path / "ad.md"
    path.write_text("<!-- claimcheck-disable-next-line CC101 -- reviewed -->\n"
                    + "<!---->" * 40 + f" {VIOLATING}\n", encoding="utf-8")
    report, _ = _check_in_child(path)
    findings = report["documents"][0]["findings"]
    cure = [f for f in findings if f["code"] == "CC101"]
    # The directive reaches that line: the line has text besides its comments.
    assert cure and all(f.get("suppressed") for f in cure)


# Each took minutes before the HTML parser stopped searching the rest of the document at
# every construct that never closes (``normalize/linear_html.py``); a few seconds now.
UNCLOSED_MARKUP = {
    # the reproduction: the comment never ends, the claim is read as text after it
    "comments.md": ("<!--" * 250_000 + "\n" + VIOLATING + "\n", (2, 5)),
    # a ">" after each one: the comment's end is searched for, in vain, from each
    "comments-with-gt.html": ("<!--x>" * 120_000 + "\n<p>" + VIOLATING + "</p>\n", (2, 8)),
    "cdata-sections.html": ("<![CDATA[x]> ]" * 60_000 + "\n<p>" + VIOLATING + "</p>\n", (2, 8)),
    # after the page's last ">": tags that cannot end
    "open-tags.html": ("<p>" + VIOLATING + "</p>\n" + "<a b" * 50_000 + "\n", (1, 8)),
}


@pytest.mark.parametrize("name", UNCLOSED_MARKUP)
def test_markup_that_never_closes_is_read_in_time_with_its_positions(name, tmp_path):
    text, (line, column) = UNCLOSED_MARKUP[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report, _ = _check_in_child(path)
    cure = [f for f in report["documents"][0]["findings"] if f["code"] == "CC101"]
    assert cure and (cure[0]["line"], cure[0]["column"]) == (line, column)
    assert text[cure[0]["start"]:cure[0]["end"]].startswith("stem cell injections cure")


class _StandardParser(VisibleTextParser):
    """The same reader fed as the standard library's parser is fed by itself: the reference."""
    parse_comment = HTMLParser.parse_comment
    parse_marked_section = HTMLParser.parse_marked_section

    def parse(self):
        # Stray "&#" are masked for both: how the standard parser reads them (the rest of the
        # page as text, tags and all) is the evasion tests/test_evasion.py covers.
        self.feed(mask_stray_references(self.raw))
        self.close()


def _read(parser_class, raw: str):
    builder = LinkMarkingBuilder()
    try:
        parser_class(raw, builder).parse()
    except AssertionError as exc:  # html.parser's answer to "<![foo[": the same from both
        return type(exc)
    normalized = builder.build(len(raw))
    return (normalized.text, list(normalized.raw_offsets), normalized.blocks, normalized.comments,
            normalized.replaced_ends, builder.marks)


MARKUP_PIECES = ["<!--", "-->", "--", ">", "<", "<![CDATA[", "<![if ", "]]>", "]>", "]", "<a", "<p", " b=", '"', "'",
                 "</", "</p>", "<?", "<!x", "<!doctype", "&amp;", "&#", "&#65;", ";", "&", "\n", " ", "x",
                 "<script>", "</script>", '<span style="display:none">', "</span>", VIOLATING]
markup = st.lists(st.sampled_from(MARKUP_PIECES), max_size=60).map("".join)


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(markup)
def test_the_linear_parser_reads_what_the_standard_parser_reads(raw):
    # Ending in ">" leaves no tail to mask: only the remembered unclosed comments and
    # sections differ from the standard parser, and they must not change a thing.
    raw += ">"
    assert _read(VisibleTextParser, raw) == _read(_StandardParser, raw)


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(markup, st.lists(st.sampled_from([p for p in MARKUP_PIECES if ">" not in p and "&" not in p]),
                        min_size=1, max_size=30).map("".join))
def test_text_after_the_last_gt_is_read_as_the_standard_parser_reads_it(head, tail):
    # The masked tail's text is the standard parser's, character references apart (none here),
    # every character at the same offset. Only where a run of spaces stands (the standard
    # parser hands the text over in more pieces) may the one space kept stand for another.
    raw = head + ">" + tail
    standard = _read(_StandardParser, raw)
    if standard is AssertionError:  # a "<![" it cannot read; the linear one reads it as text
        return
    linear = _read(VisibleTextParser, raw)

    def characters(read):
        return read[0], [offset for char, offset in zip(read[0], read[1]) if not char.isspace()]
    assert characters(linear) == characters(standard)


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
