"""claimcheck eval: the figures, the formats, and agreement with the shared evaluation script."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from claimcheck.cli import cli
from tests.conftest import ROOT, write_page_record

SENTENCES = [
    {"id": "v1", "text": "Our stem cell injections cure knee arthritis.", "label": "violation",
     "categories": ["cure-guarantee"]},
    {"id": "v2", "text": "Exosome therapy is 100% safe with no side effects.", "label": "violation",
     "categories": ["safety-overclaim"]},
    {"id": "v3", "text": "We care about every patient.", "label": "violation", "categories": ["testimonial"]},
    {"id": "c1", "text": "Stem cell injections for knee pain are not FDA-approved.", "label": "compliant"},
    {"id": "c2", "text": "Researchers are studying whether stem cells might help heart failure.",
     "label": "compliant"},
]
PAGES = [
    {"id": "p1", "verdict": "fail", "text": "Book now! Our stem cells cure MS and ALS. Guaranteed results."},
    {"id": "p2", "verdict": "pass", "text": "Bone marrow transplants treat leukemia. Risks include infection."},
]
EVALUATE = ROOT.parent / "shared" / "eval" / "evaluate.py"


def write(path, items):
    path.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    return path


def test_sentence_figures_and_json(tmp_path):
    corpus = write(tmp_path / "s.jsonl", SENTENCES)
    out = tmp_path / "figures.json"
    result = CliRunner().invoke(cli, ["eval", str(corpus), "--show", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "recall     0.667 (2/3 violations flagged)" in result.output
    assert "fpr        0.000 (0/2 compliant items flagged)" in result.output
    assert "MISS  v3: We care about every patient." in result.output
    data = json.loads(out.read_text())
    assert data["confusion"] == {"true_positive": 2, "false_negative": 1, "false_positive": 0, "true_negative": 2}
    assert data["per_category"]["cure-guarantee"] == {"found": 1, "total": 1}
    assert data["precision"] == 1.0


def test_by_rule_counts_each_rule_and_pattern_on_both_sides(tmp_path):
    # A sentence labelled compliant that the rules read as a claim: its rows carry the false hit.
    flagged = {"id": "c3", "text": "Thousands of patients have trusted our clinic with stem cells for knee pain.",
               "label": "compliant"}
    corpus = write(tmp_path / "s.jsonl", SENTENCES + [flagged])
    out = tmp_path / "figures.json"
    result = CliRunner().invoke(cli, ["eval", str(corpus), "--by-rule", "--model", "none", "--json", str(out)])
    rows = {(row["code"], row["source"]): row for row in json.loads(out.read_text())["by_rule"]}
    assert rows[("CC102", "cure-words")] == {"code": "CC102", "source": "cure-words", "true_hits": 1,
                                              "false_hits": 0, "precision": 1.0}
    assert rows[("CC402", "patients-report")]["false_hits"] == 1
    assert rows[("CC402", "patients-report")]["precision"] == 0.0
    # Worst first: the rows with false hits lead the table.
    lines = result.output.split("by rule and source", 1)[1].splitlines()[1:]
    assert lines[0].split()[-2:] == ["1", "0.000"]
    assert any(line.split()[:2] == ["CC301", "no-risk"] for line in lines)


def test_by_rule_on_pages_counts_page_level_checks(tmp_path):
    corpus = write(tmp_path / "p.jsonl", PAGES)
    out = tmp_path / "figures.json"
    CliRunner().invoke(cli, ["eval", str(corpus), "--by-rule", "--model", "none", "--json", str(out)])
    rows = json.loads(out.read_text())["by_rule"]
    assert rows and all(row["false_hits"] == 0 for row in rows)  # the passing page has no counted finding
    assert any(row["source"].startswith("kind:") for row in rows)  # the missing-disclosure checks read no pattern


def test_without_by_rule_there_is_no_table(tmp_path):
    corpus = write(tmp_path / "s.jsonl", SENTENCES)
    out = tmp_path / "figures.json"
    result = CliRunner().invoke(cli, ["eval", str(corpus), "--json", str(out)])
    assert "by rule and source" not in result.output and "by_rule" not in json.loads(out.read_text())


def test_a_folder_of_page_records_is_scored_sentence_by_sentence(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    cure = "Our stem cell injections cure knee arthritis."
    write_page_record(folder, "sells", "fail", f"Knee Clinic\n\n{cure} Book a free consultation today.\n", [cure])
    write_page_record(folder, "informs", "pass", "Bone marrow transplants treat leukemia. Risks include infection "
                 "and graft-versus-host disease.\n\nThousands of patients have trusted our clinic with stem "
                 "cells for knee pain.\n")
    out = tmp_path / "figures.json"
    result = CliRunner().invoke(cli, ["eval", str(folder), "--model", "none", "--by-rule", "--show",
                                      "--json", str(out)])
    assert "recall     1.000 (1/1 claim sentences found)" in result.output, result.output
    assert "fail pages failed   1.000 (1/1)" in result.output
    data = json.loads(out.read_text())
    assert data["kind"] == "corpus" and data["counts"]["claim_sentences"] == 1
    rows = {(row["code"], row["source"]): row for row in data["by_rule"]}
    assert rows[("CC102", "cure-words")]["true_hits"] == 1
    # The testimonial pattern's hit on a sentence labelled compliant is a false alarm, named by its pattern.
    assert rows[("CC402", "patients-report")]["false_hits"] == 1
    # Listed with the rule and pattern that flagged it, for the author who would mend it.
    assert ("FALSE informs [CC101:patients-report,CC402:patients-report]: Thousands of patients have trusted"
            in result.output)
    assert result.exit_code == 0


def test_a_folder_with_a_broken_record_is_one_line(tmp_path):
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", str(tmp_path), "--model", "none"])
    assert result.exit_code == 2
    assert result.stderr.strip().startswith(f"{tmp_path}: error: cannot read the corpus: JSONDecodeError")
    assert result.stderr.strip().endswith("[CC930]") and "Traceback" not in result.output


def test_thresholds_set_the_exit_code(tmp_path):
    corpus = write(tmp_path / "s.jsonl", SENTENCES)
    assert CliRunner().invoke(cli, ["eval", str(corpus), "--min-recall", "0.9"]).exit_code == 1


def test_page_corpus_is_judged_by_status(tmp_path):
    corpus = write(tmp_path / "p.jsonl", PAGES)
    out = tmp_path / "figures.json"
    result = CliRunner().invoke(cli, ["eval", str(corpus), "--json", str(out)])
    assert "fail pages failed   1.000" in result.output and "pass pages failed   0.000" in result.output
    # The figures file is JSON too (a page corpus's status counts once had tuple keys, and --json crashed).
    assert json.loads(out.read_text())["statuses"] == {"fail->fail": 1, "pass->pass": 1}


def test_a_bad_corpus_is_one_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "x", "label": "violation"}\nnot json\n')
    result = CliRunner().invoke(cli, ["eval", str(bad)])
    assert result.exit_code == 2 and result.stderr.strip().startswith(f"{bad}:2: error: not JSON")


def _figures(text):
    return re.search(r"recall (\d\.\d+).*fpr (\d\.\d+)", text).groups()


@pytest.mark.skipif(not EVALUATE.exists() or not shutil.which("claimcheck"),
                    reason="needs shared/eval/evaluate.py and claimcheck on PATH")
@pytest.mark.parametrize("corpus_name", ["own", "dev"])
def test_same_figures_as_the_shared_script(tmp_path, corpus_name):
    corpus = write(tmp_path / "s.jsonl", SENTENCES) if corpus_name == "own" else EVALUATE.parent / "dev.jsonl"
    if not corpus.exists():
        pytest.skip("no dev set")
    script = subprocess.run([sys.executable, str(EVALUATE), str(corpus)], capture_output=True, text=True)
    ours = CliRunner().invoke(cli, ["eval", str(corpus)]).output
    recall = re.search(r"recall\s+(\d\.\d+)", ours).group(1)
    fpr = re.search(r"fpr\s+(\d\.\d+)", ours).group(1)
    assert (recall, fpr) == _figures(script.stdout.splitlines()[-1])
