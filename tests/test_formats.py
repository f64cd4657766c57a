"""Every output format on the same run: SARIF against the official 2.1.0 schema,
GitHub workflow commands, CSV, JUnit XML and the pull-request Markdown."""
from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import pytest
from tests.clitools import RISKS_LINE, VIOLATING_LINE, check_json, findings, invoke, write
from jsonschema import Draft7Validator, FormatChecker

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
REASON = "approved by legal, MR-12"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("formats")
    ad = write(folder / "spring, 2024.md", f"""
        # Knee care

        <!-- claimcheck-disable-next-line CC101,CC102 -- {REASON} -->
        {VIOLATING_LINE}

        Exosome therapy can reverse the damage of COPD.

        {RISKS_LINE}
        """)
    clean = write(folder / "news.txt", "The FDA warns patients about unapproved stem cell clinics.\n")
    report, _ = check_json(ad, clean)
    return [ad, clean], report


def render(fmt, paths, *extra):
    result = invoke("check", "--format", fmt, *extra, *paths)
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def test_sarif_is_valid_against_the_official_schema(inputs):
    paths, report = inputs
    log = json.loads(render("sarif", paths))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in Draft7Validator(schema, format_checker=FormatChecker()).iter_errors(log)]
    assert not errors, errors
    run = log["runs"][0]
    assert len(run["results"]) == len(findings(report, suppressed=None))
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        rule = rules[result["ruleIndex"]]
        assert rule["id"] == result["ruleId"]
        # No pack names a docs-url: the rule's help travels in the log, and no link is made.
        assert "helpUri" not in rule and "Full documentation" not in rule["help"]["markdown"]
        assert rule["help"]["text"] and rule["help"]["markdown"]
        expected = {"critical": "error", "major": "error", "minor": "warning", "info": "note"}
        assert result["level"] == expected[result["properties"]["severity"]]
        assert result["partialFingerprints"]["claimcheckClaim/v1"]
    suppressed = [r for r in run["results"] if "suppressions" in r]
    assert {r["ruleId"] for r in suppressed} == {"CC101", "CC102"}
    assert all(r["suppressions"] == [{"kind": "inSource", "state": "accepted", "justification": REASON}]
               for r in suppressed)
    uri = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert " " not in uri and unquote(uri).endswith("/spring, 2024.md")  # a valid URI of the file


def test_sarif_reports_input_problems_and_stays_valid(tmp_path):
    result = invoke("check", "--format", "sarif", tmp_path / "missing.md",
                    write(tmp_path / "ad.md", VIOLATING_LINE + "\n"))
    assert result.exit_code == 2
    log = json.loads(result.stdout)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    assert not list(Draft7Validator(schema, format_checker=FormatChecker()).iter_errors(log))
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["descriptor"]["id"] == "CC901"


def test_sarif_fingerprints_survive_moving_a_claim(tmp_path):
    def fingerprints(text):
        ad = write(tmp_path / "ad.md", text)
        log = json.loads(render("sarif", [ad]))
        return {(r["ruleId"], r["partialFingerprints"]["claimcheckClaim/v1"]) for r in log["runs"][0]["results"]}
    assert fingerprints(f"# A\n\n{VIOLATING_LINE}\n") == fingerprints(f"# A\n\nIntro.\n\nMore.\n\n{VIOLATING_LINE}\n")


def test_github_annotations(inputs):
    paths, report = inputs
    lines = render("github", paths).splitlines()
    pattern = re.compile(r"::(error|warning|notice) file=[^,]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,"
                         r"title=claimcheck CC\d{3} \([a-z-]+\)::\[(critical|major|minor|info)\] .+")
    assert lines and all(pattern.fullmatch(line) for line in lines), lines
    assert len(lines) == len(findings(report))  # suppressed findings are not annotated
    assert all("spring%2C 2024.md" in line for line in lines if "spring" in line)  # commas escaped in properties
    assert all("\n" not in line and "%0AHelp: " in line for line in lines)


def test_csv_has_every_finding_with_its_suppression(inputs):
    paths, report = inputs
    rows = list(csv.DictReader(io.StringIO(render("csv", paths))))
    assert len(rows) == len(findings(report, suppressed=None))
    assert {r["code"] for r in rows if r["suppressed"] == "comment"} == {"CC101", "CC102"}
    assert all(r["suppression_reason"] == REASON for r in rows if r["suppressed"])
    assert rows[0]["path"].endswith("spring, 2024.md")
    assert {"document_grade", "severity", "message", "text"} <= set(rows[0])


def test_junit_has_a_failure_per_reported_finding(inputs):
    paths, report = inputs
    root = ET.fromstring(render("junit", paths))
    assert root.tag == "testsuites"
    assert int(root.get("failures")) == len(findings(report)) == len(root.findall(".//failure"))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [str(p) for p in paths]
    clean_suite = suites[1]
    assert clean_suite.get("failures") == "0" and clean_suite.find("testcase").get("name") == "no findings"


def test_markdown_summary_for_a_pull_request(inputs):
    paths, report = inputs
    text = render("markdown", paths)
    reported = findings(report)
    assert text.startswith(f"## claimcheck: {len(reported)} finding")
    assert "| Document | Grade | Score | Status | Findings |" in text
    for finding in reported:  # no docs-url: the code, never a dead link
        assert f"| {finding['line']}:{finding['column']} | {finding['code']} {finding['name']} |" in text
    assert "](" not in text
    assert "Not listed: 2 suppressed by comments." in text


def test_rule_links_go_where_the_pack_publishes_its_pages_and_nowhere_else(tmp_path):
    """Issue 13: SARIF, Markdown and the language server linked every rule to
    claimcheck.invalid, and the HTML report to a path relative to itself, dead once the
    report is forwarded. A pack's pack.yaml docs-url is where its pages are; a pack without
    one gets no link: SARIF carries the help text, and the HTML report the rule's
    documentation, inside the page, which its links point to."""
    import re

    from tests.clitools import write_rule_pack
    pack = write_rule_pack(tmp_path / "house", "HSE101", "ftc-endorsement-guides-2023")
    write(pack / "pack.yaml", "name: house rules\ndocs-url: https://compliance.example/rules/\n")
    ad = write(tmp_path / "ad.md", "After her stem cell injection, she was back on the golf course in three weeks.\n\n"
                                   "Our stem cell injections cure knee arthritis.\n")
    paths = ["--rule-path", pack, ad]
    log = json.loads(render("sarif", paths))
    rules = {rule["id"]: rule for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["HSE101"]["helpUri"] == "https://compliance.example/rules/HSE101-house-patient-story.md"
    assert rules["HSE101"]["help"]["markdown"].endswith(
        "Full documentation: https://compliance.example/rules/HSE101-house-patient-story.md")
    assert "helpUri" not in rules["CC101"] and rules["CC101"]["help"]["text"]
    assert "informationUri" in log["runs"][0]["tool"]["driver"]  # one pack publishes: its index
    markdown = render("markdown", paths)
    assert "[HSE101](https://compliance.example/rules/HSE101-house-patient-story.md)" in markdown
    assert "| CC101 unapproved-use |" in markdown
    html = render("html", paths)
    assert 'href="https://compliance.example/rules/HSE101-house-patient-story.md"' in html
    # Every other link to a rule is an anchor of the report that exists in it, with the rule's text.
    anchors = set(re.findall(r'href="#(rule-[A-Z0-9]+)"', html))
    assert "rule-CC101" in anchors and all(f'id="{anchor}"' in html for anchor in anchors)
    assert "Flags a cell product" in html  # CC101's documentation, in the report itself
    assert "docs/rules/" not in html and "claimcheck.invalid" not in html


def test_output_option_writes_the_report_to_a_file(inputs, tmp_path):
    paths, _ = inputs
    target = tmp_path / "report.sarif"
    result = invoke("check", "--format", "sarif", "-o", target, *paths)
    assert result.stdout == ""
    assert json.loads(target.read_text())["version"] == "2.1.0"


def test_json_marks_suppressed_findings_and_records_jurisdiction(inputs):
    _, report = inputs
    assert report["jurisdiction"] == "US"
    marked = findings(report, suppressed=True)
    assert marked and all(f["suppressed"]["reason"] == REASON for f in marked)
    assert report["summary"]["findings"] == len(findings(report))


def test_fast_json_writes_the_same_bytes_as_the_standard_encoder():
    import json

    from claimcheck.report import dumps_json

    data = {"ascii": "FDA", "accents": "café – “quoted” ✓ 🧬", "escapes": "tab\there\nquote\" back\\slash \u2028",
            # Floats as claimcheck writes them (at most 4 decimals); orjson writes 1e-07 as 1e-7.
            "numbers": [0, -1, 2 ** 40, 0.1, 0.0001, 12.5, 0.9871, 1234567.25], "empty": {"list": [], "dict": {}},
            "nested": [{"a": None, "b": True, "c": False}], "control": "\x01\x1f"}
    assert dumps_json(data) == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    huge = {"big": 2 ** 70}  # beyond orjson's integers: the standard encoder takes over
    assert dumps_json(huge) == json.dumps(huge, indent=2, ensure_ascii=False) + "\n"


def test_control_characters_never_reach_the_terminal(tmp_path):
    from tests.clitools import invoke

    ad = tmp_path / "ad\x1b[2K.txt"
    ad.write_text("Our stem cells cure arthritis \x1b[1A\x1b[2K today.\n", encoding="utf-8")
    out = invoke("check", "--model", "none", "--select", "CC102", ad).output
    assert "\x1b" not in out and "\u241b[1A" in out and "ad\u241b[2K.txt:1:5" in out
    # Nor through a problem's line (an empty file's warning names the file).
    empty = tmp_path / "e\x1b[1A\x1b[2Kmpty.md"
    empty.write_text("", encoding="utf-8")
    result = invoke("check", "--model", "none", empty)
    assert "\x1b" not in result.stderr and "e\u241b[1A\u241b[2Kmpty.md: warning: empty file" in result.stderr


def test_a_long_line_is_shown_as_a_window_around_the_claim(tmp_path):
    from tests.clitools import invoke

    ad = tmp_path / "long.txt"
    ad.write_text("word " * 20000 + "Our stem cells cure arthritis. " + "more " * 20000 + "\n", encoding="utf-8")
    out = invoke("check", "--model", "none", "--select", "CC102", ad).output
    shown = next(line for line in out.splitlines() if line.startswith("    1 | "))
    caret = next(line for line in out.splitlines() if line.strip().startswith("| ") and "^" in line)
    assert len(shown) < 500 and shown.startswith("    1 | …") and shown.endswith("…")
    marked = shown[caret.index("^"):caret.index("^") + caret.count("^")]
    assert marked == "stem cells cure arthritis"


def test_csv_cells_that_start_like_formulas_are_kept_as_text():
    from claimcheck.report.csv_format import spreadsheet_safe

    assert spreadsheet_safe('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert [spreadsheet_safe(v) for v in ("+1", "-2", "@SUM(A1)", "plain", 7)] == ["'+1", "'-2", "'@SUM(A1)", "plain", 7]


def test_a_finding_over_two_lines_shows_both_with_carets_under_its_own_words(tmp_path):
    ad = tmp_path / "ad.md"
    ad.write_text("Our stem cell injections\nheal torn knee cartilage in days.\n", encoding="utf-8")
    result = invoke("check", "--model", "none", "--select", "CC101", ad)
    lines = result.output.splitlines()
    at = next(i for i, line in enumerate(lines) if "CC101" in line)
    assert lines[at + 1:at + 5] == ["    1 | Our stem cell injections",
                                    "      |     ^^^^^^^^^^^^^^^^^^^^",
                                    "    2 | heal torn knee cartilage in days.",
                                    "      | ^^^^^^^^^^^^^^^^^^^^^^^^"]


def test_a_finding_over_many_lines_shows_its_first_and_last_lines_around_a_gap():
    from types import SimpleNamespace

    from claimcheck.report.text import MAX_LINES, _marked_lines

    finding = SimpleNamespace(line=3, end_line=14, end_column=9)
    assert _marked_lines(finding) == [3, 4, 5, 6, 0, 14] and len(_marked_lines(finding)) == MAX_LINES
    assert _marked_lines(SimpleNamespace(line=3, end_line=4, end_column=1)) == [3]  # ends where line 4 starts


def test_a_configuration_says_where_the_built_in_rules_are_published(tmp_path):
    """A team that publishes `claimcheck docs` for the built-in rules names the place in its
    configuration (rule-docs-url); a pack's own docs-url still wins for its rules."""
    from tests.clitools import write_rule_pack
    pack = write_rule_pack(tmp_path / "house", "HSE101", "ftc-endorsement-guides-2023")
    write(pack / "pack.yaml", "name: house rules\ndocs-url: https://compliance.example/rules/\n")
    write(tmp_path / ".claimcheck.yaml", "rule-docs-url: https://intranet.example/claimcheck/\n")
    ad = write(tmp_path / "ad.md", "After her stem cell injection, she was back on the golf course in three weeks.\n\n"
                                   "Our stem cell injections cure knee arthritis.\n")
    log = json.loads(render("sarif", ["--rule-path", pack, ad]))
    rules = {rule["id"]: rule for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["CC101"]["helpUri"] == "https://intranet.example/claimcheck/CC101-unapproved-use.md"
    assert rules["HSE101"]["helpUri"] == "https://compliance.example/rules/HSE101-house-patient-story.md"
    assert "[CC101](https://intranet.example/claimcheck/CC101-unapproved-use.md)" in render("markdown", [ad])
    # Not a URL that a link could be made of: one line naming the file, exit 2.
    write(tmp_path / ".claimcheck.yaml", "rule-docs-url: intranet/claimcheck\n")
    result = invoke("check", ad)
    assert result.exit_code == 2 and ".claimcheck.yaml" in result.output and "rule-docs-url" in result.output
