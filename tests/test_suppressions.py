"""Suppression comments: a reasoned one hides a finding (kept in JSON, marked);
no reason, unused codes and broken directives are findings of their own."""
from __future__ import annotations

from tests.clitools import RISKS_LINE, VIOLATING_LINE, check_json, codes, findings, invoke, write

REASON = "approved by medical review, ticket MR-7"


def page(*lines: str) -> str:
    return "\n\n".join(("# Knee care",) + lines + (RISKS_LINE,)) + "\n"


def blocking_codes(report, path=None):
    return {f["code"] for f in findings(report, path) if f["severity"] in ("critical", "major")}


def codes_on_line(report, line: int) -> set[str]:
    return {f["code"] for f in findings(report) if f["line"] <= line <= f["end_line"]}


def test_reasoned_next_line_suppression_hides_the_finding_and_keeps_it_marked(tmp_path):
    plain, _ = check_json(write(tmp_path / "plain.md", page(VIOLATING_LINE)))
    fired = codes_on_line(plain, 3)
    assert {"CC101", "CC102"} <= fired
    ad = write(tmp_path / "ad.md", page(f"<!-- claimcheck-disable-next-line {','.join(sorted(fired))} -- {REASON} -->",
                                        VIOLATING_LINE))
    report, exit_code = check_json(ad)
    assert not blocking_codes(report), findings(report)
    assert exit_code == 0
    suppressed = findings(report, suppressed=True)
    assert {f["code"] for f in suppressed} == fired
    assert all(f["suppressed"] == {"kind": "comment", "reason": REASON, "line": 3} for f in suppressed)
    assert report["documents"][0]["score"] > plain["documents"][0]["score"]  # suppressed findings cost nothing
    assert not codes(report) & {"CC920", "CC921", "CC922"}


def test_codes_and_names_comma_separated_with_spaces(tmp_path):
    ad = write(tmp_path / "ad.md", page(f"<!-- claimcheck-disable-next-line unapproved-use , CC102 -- {REASON} -->",
                                        VIOLATING_LINE))
    report, _ = check_json(ad)
    assert {"CC101", "CC102"} <= codes(report, suppressed=True)


def test_suppression_without_reason_still_suppresses_but_is_reported(tmp_path):
    ad = write(tmp_path / "ad.md", page("<!-- claimcheck-disable-next-line CC101, CC102 -->", VIOLATING_LINE))
    report, _ = check_json(ad)
    assert {"CC101", "CC102"} <= codes(report, suppressed=True)
    (meta,) = [f for f in findings(report) if f["code"] == "CC920"]
    assert (meta["severity"], meta["category"], meta["scope"], meta["line"]) == ("minor", "input-problem",
                                                                               "document", 3)
    assert findings(report, suppressed=True)[0]["suppressed"]["reason"] == ""


def test_unused_suppression_is_reported_per_code(tmp_path):
    ad = write(tmp_path / "ad.md", page(f"<!-- claimcheck-disable-next-line CC101,CC104 -- {REASON} -->",
                                        VIOLATING_LINE,
                                        f"<!-- claimcheck-disable-next-line CC301 -- {REASON} -->",
                                        "Book your consultation with our team."))
    report, _ = check_json(ad)
    unused = [f for f in findings(report) if f["code"] == "CC921"]
    assert [(f["line"], f["explanation"]["unused"]) for f in unused] == [(3, ["CC104"]), (7, ["CC301"])]
    assert "CC101" in codes(report, suppressed=True)


def test_suppressing_a_rule_that_is_not_enabled_says_so(tmp_path):
    ad = write(tmp_path / "ad.md", page(f"<!-- claimcheck-disable-next-line CC102 -- {REASON} -->", VIOLATING_LINE))
    report, _ = check_json("--ignore", "CC102", ad)
    (unused,) = [f for f in findings(report) if f["code"] == "CC921"]
    assert "CC102 is not enabled for this file" in unused["message"]


def test_whole_file_disable(tmp_path):
    ad = write(tmp_path / "ad.md", f"<!-- claimcheck-disable CC102 -- {REASON} -->\n\n"
                                   + page(VIOLATING_LINE, VIOLATING_LINE.replace("knee", "hip")))
    report, _ = check_json(ad)
    assert "CC102" not in codes(report)
    assert [f["line"] for f in findings(report, suppressed=True)] == [5, 7]


def test_invalid_directives_suppress_nothing_and_say_why(tmp_path):
    ad = write(tmp_path / "ad.md", page(f"<!-- claimcheck-disable-nextline CC101 -- {REASON} -->", VIOLATING_LINE,
                                        "<!-- claimcheck-disable-next-line CC101 CC102 -->", VIOLATING_LINE,
                                        f"<!-- claimcheck-disable-next-line CC777 -- {REASON} -->", VIOLATING_LINE,
                                        "<!-- an ordinary comment mentioning CC101 -->", VIOLATING_LINE))
    report, exit_code = check_json(ad)
    invalid = [f for f in findings(report) if f["code"] == "CC922"]
    assert [f["line"] for f in invalid] == [3, 7, 11]
    assert "did you mean claimcheck-disable-next-line?" in invalid[0]["message"]
    assert "separate codes with commas" in invalid[1]["message"]
    assert "no rule CC777" in invalid[2]["message"]
    assert not findings(report, suppressed=True)
    assert exit_code == 1


def test_meta_rules_can_be_ignored_like_any_rule(tmp_path):
    ad = write(tmp_path / "ad.md", page("<!-- claimcheck-disable-next-line CC104 -->", VIOLATING_LINE))
    assert {"CC920", "CC921"} <= codes(check_json(ad)[0])
    write(tmp_path / ".claimcheck.yaml", "ignore: [CC92]\n")
    assert not codes(check_json(ad)[0]) & {"CC920", "CC921"}


def test_html_comments_and_stacked_directives(tmp_path):
    html = write(tmp_path / "ad.html", f"""
        <html><body>
        <h1>Knee care</h1>
        <!-- claimcheck-disable-next-line CC101 -- {REASON} -->
        <!-- claimcheck-disable-next-line CC102 -- {REASON} -->
        <p>{VIOLATING_LINE}</p>
        <p>{RISKS_LINE}</p>
        </body></html>
        """)
    report, _ = check_json(html)
    assert {"CC101", "CC102"} <= codes(report, suppressed=True)
    assert not {"CC101", "CC102", "CC921"} & codes(report)


def test_plain_text_uses_the_same_comment_on_a_line_of_its_own(tmp_path):
    text = write(tmp_path / "ad.txt", f"Knee care\n\n<!-- claimcheck-disable-next-line CC101,CC102 -- {REASON} -->\n"
                                      f"{VIOLATING_LINE}\n\n{RISKS_LINE}\n")
    report, _ = check_json(text)
    assert {"CC101", "CC102"} <= codes(report, suppressed=True)
    assert not any("claimcheck" in f["text"] for f in findings(report, suppressed=None)
                   if not f["code"].startswith("CC92"))  # the comment itself is never linted


def test_plain_text_reads_a_comment_at_the_end_of_a_line_as_markdown_does(tmp_path):
    """Issue 13: the same bytes were honoured in .md and ignored in silence in .txt. A directive
    after the text, as ruff's noqa and eslint's comments are written, works in both; its
    words are not linted, and an invalid one is reported as in Markdown."""
    lines = (f"{RISKS_LINE} <!-- claimcheck-disable-next-line CC101,CC102 -- {REASON} -->\n"
             f"{VIOLATING_LINE}\n\n{VIOLATING_LINE} <!-- claimcheck-disable-nextline CC101 -- cure approved -->\n"
             "Book your consultation.\n")
    results = {}
    for suffix in ("md", "txt"):
        report, _ = check_json(write(tmp_path / f"ad.{suffix}", lines))
        results[suffix] = sorted((f["line"], f["code"], bool(f.get("suppressed"))) for f in findings(report, suppressed=None))
        assert {(2, "CC101", True), (2, "CC102", True)} <= set(results[suffix])
        (invalid,) = [f for f in findings(report) if f["code"] == "CC922"]
        assert invalid["line"] == 4 and "did you mean claimcheck-disable-next-line" in invalid["message"]
        # The comment's own words ("cure approved") are not a claim on line 4.
        assert not any("claimcheck" in f["text"] for f in findings(report, suppressed=None)
                       if not f["code"].startswith("CC92"))
    assert results["txt"] == results["md"]


def test_text_report_marks_suppressed_findings_with_their_reason(tmp_path):
    ad = write(tmp_path / "ad.md", page(f"<!-- claimcheck-disable-next-line CC101 -- {REASON} -->", VIOLATING_LINE))
    result = invoke("check", "--no-color", ad)
    assert f"[suppressed: {REASON}]" in result.stdout


def test_an_off_on_range_covers_the_lines_between_and_only_its_codes(tmp_path):
    ad = write(tmp_path / "ad.md", page(VIOLATING_LINE,                                          # line 3
                                        f"<!-- claimcheck-off CC101,CC102 -- {REASON} -->",      # line 5
                                        VIOLATING_LINE.replace("knee", "hip"),                   # line 7
                                        "<!-- claimcheck-on -->",                                # line 9
                                        VIOLATING_LINE.replace("knee", "shoulder")))             # line 11
    report, _ = check_json(ad)
    suppressed = {(f["line"], f["code"]) for f in findings(report, suppressed=True)}
    assert suppressed == {(7, "CC101"), (7, "CC102")}
    assert {"CC101", "CC102"} <= codes_on_line(report, 3) and {"CC101", "CC102"} <= codes_on_line(report, 11)
    assert all(f["suppressed"]["reason"] == REASON for f in findings(report, suppressed=True))
    assert not codes(report) & {"CC920", "CC921", "CC922"}


def test_an_off_without_on_runs_to_the_end_and_a_stray_on_is_invalid(tmp_path):
    ad = write(tmp_path / "ad.md", page("<!-- claimcheck-on CC101 -->",                           # line 3
                                        f"<!-- claimcheck-off CC101 -- {REASON} -->",             # line 5
                                        VIOLATING_LINE,                                           # line 7
                                        VIOLATING_LINE.replace("knee", "hip")))                   # line 9
    report, _ = check_json(ad)
    assert {f["line"] for f in findings(report, suppressed=True) if f["code"] == "CC101"} == {7, 9}
    (stray,) = [f for f in findings(report) if f["code"] == "CC922"]
    assert stray["line"] == 3 and "ends no claimcheck-off range" in stray["message"]


def test_another_linters_spelling_of_a_directive_is_invalid_with_the_right_one_named(tmp_path):
    ad = write(tmp_path / "ad.md", page("<!-- claimcheck: off -->", VIOLATING_LINE))
    report, _ = check_json(ad)
    (invalid,) = [f for f in findings(report) if f["code"] == "CC922"]
    assert "did you mean claimcheck-off?" in invalid["message"]
    assert "CC101" in codes(report)  # and it suppresses nothing
