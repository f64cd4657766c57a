"""The baseline: made on a page, it survives moved lines and reports exactly
what is new; entries that no longer match are counted."""
from __future__ import annotations

import json

from tests.clitools import RISKS_LINE, check_json, findings, invoke, write

from claimcheck.project.baseline import normalize_claim_text

OLD_CLAIMS = [
    "Our stem cell injections cure knee arthritis.",
    "Exosome therapy can reverse the damage of COPD.",
    "The treatment has no side effects and no downtime.",
]
NEW_CLAIM = "Umbilical cord stem cells heal torn rotator cuffs in weeks."


def page(claims) -> str:
    return "# Regenerative care\n\n" + "\n\n".join(claims) + f"\n\n{RISKS_LINE}\n"


def make_baseline(tmp_path, ad):
    baseline = tmp_path / ".claimcheck-baseline.json"
    result = invoke("baseline", ad, "-o", baseline)
    assert result.exit_code == 0, result.output
    return baseline


def test_moved_lines_stay_baselined_and_only_the_new_sentence_is_reported(tmp_path):
    ad = write(tmp_path / "ads" / "regen.md", page(OLD_CLAIMS))
    before, _ = check_json(ad)
    assert len(findings(before)) >= 3
    baseline = make_baseline(tmp_path, ad)

    # Edit the page: reorder every line, re-wrap one claim and add one new violating sentence.
    moved = [OLD_CLAIMS[2], NEW_CLAIM, OLD_CLAIMS[0].replace("cure ", "cure\n"), OLD_CLAIMS[1]]
    write(ad, "Intro paragraph about our clinic.\n\n" + page(moved))
    fresh, _ = check_json(ad)
    new_lines = {f["line"] for f in findings(fresh)} - {f["line"] for f in findings(before)}
    assert new_lines, "the edit should move findings to other lines"

    report, exit_code = check_json("--baseline", baseline, ad)
    reported = findings(report)
    assert reported, "the new sentence must be reported"
    assert {normalize_claim_text(f["text"]) for f in reported} <= {normalize_claim_text(t) for t in (
        "Umbilical cord stem cells heal torn rotator cuffs", NEW_CLAIM)} | {""}, reported
    assert all(f["line"] == 7 for f in reported), [(f["line"], f["text"]) for f in reported]
    assert exit_code == 1
    marked = findings(report, suppressed=True)
    assert len(marked) == len(findings(before))
    assert all(f["suppressed"]["kind"] == "baseline" for f in marked)
    assert report["baseline"]["baselined"] == len(findings(before))
    assert report["baseline"]["unmatched_entries"] == 0


def test_text_report_counts_baselined_and_stale_entries(tmp_path):
    ad = write(tmp_path / "regen.md", page(OLD_CLAIMS))
    baseline = make_baseline(tmp_path, ad)
    write(ad, page(OLD_CLAIMS[1:]))  # the first claim was fixed
    result = invoke("check", "--no-color", "--baseline", baseline, ad)
    assert result.exit_code == 0, result.output
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith(f"{len(findings(check_json(ad)[0]))} finding(s) baselined in {baseline}")
    assert "2 baseline entries no longer match" in last  # CC101 and CC102 of the fixed claim
    assert "cure knee arthritis" not in result.stdout  # baselined findings are not listed


def test_baseline_file_is_stable_and_relative(tmp_path):
    ad = write(tmp_path / "ads" / "regen.md", page(OLD_CLAIMS))
    baseline = make_baseline(tmp_path, ad)
    first = baseline.read_text()
    make_baseline(tmp_path, ad)
    assert baseline.read_text() == first  # no timestamps: a clean diff in review
    data = json.loads(first)
    assert data["claimcheck_baseline"] == 1
    assert {entry["path"] for entry in data["entries"]} == {"ads/regen.md"}
    assert all(set(entry) == {"path", "code", "text", "count"} for entry in data["entries"])


def test_identical_claims_need_one_entry_each(tmp_path):
    ad = write(tmp_path / "regen.md", page(OLD_CLAIMS[:1]))
    baseline = make_baseline(tmp_path, ad)
    write(ad, page(OLD_CLAIMS[:1] * 2))
    report, _ = check_json("--baseline", baseline, ad)
    assert {f["line"] for f in findings(report)} == {5}  # the copy is new


def test_an_unusable_baseline_is_one_clear_error(tmp_path):
    ad = write(tmp_path / "regen.md", page(OLD_CLAIMS))
    for content, expected in (("{not json", "not a baseline file: invalid JSON"),
                              ('{"entries": []}', "not a claimcheck baseline")):
        bad = write(tmp_path / "bad.json", content)
        result = invoke("check", "--baseline", bad, ad)
        assert result.exit_code == 2
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith(str(bad)) and expected in line
    result = invoke("check", "--baseline", tmp_path / "missing.json", ad)
    assert result.exit_code == 2 and "cannot read baseline" in result.stderr


def test_normalized_text_ignores_markup_case_and_wrapping():
    assert normalize_claim_text("Our **stem cells**\n  CURE knees!") == normalize_claim_text("our stem cells cure knees")


def test_a_page_of_baselined_findings_says_so_beside_its_grade(tmp_path):
    from tests.clitools import invoke, write

    ad = write(tmp_path / "a.md", "Our stem cells cure arthritis.\n\nOur stem cells heal back pain.\n")
    baseline = tmp_path / "base.json"
    assert invoke("baseline", ad, "-o", baseline).exit_code == 0
    out = invoke("check", "--baseline", baseline, ad).output
    grade_line = next(line for line in out.splitlines() if ": grade " in line)
    assert grade_line.endswith("pass - no findings (5 suppressed by the baseline)"), grade_line
    assert any(line.startswith("Grade: A-F from the score") and "Status: fail if" in line for line in out.splitlines())
