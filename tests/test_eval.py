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
from tests.conftest import ROOT

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


def test_thresholds_set_the_exit_code(tmp_path):
    corpus = write(tmp_path / "s.jsonl", SENTENCES)
    assert CliRunner().invoke(cli, ["eval", str(corpus), "--min-recall", "0.9"]).exit_code == 1


def test_page_corpus_is_judged_by_status(tmp_path):
    corpus = write(tmp_path / "p.jsonl", PAGES)
    result = CliRunner().invoke(cli, ["eval", str(corpus)])
    assert "fail pages failed   1.000" in result.output and "pass pages failed   0.000" in result.output


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
