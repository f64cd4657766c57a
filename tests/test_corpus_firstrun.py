"""corpus/tools/firstrun.py: a first run's tables and the shipping rule."""
from __future__ import annotations

import shutil
import sys

import pytest

from claimcheck.extract.learned import SHIPPED_MODEL
from claimcheck.train.crossval import Tally
from tests.conftest import ROOT, write_page_record

sys.path.insert(0, str(ROOT / "corpus" / "tools"))
from firstrun import main, parse_models, worse_figures  # noqa: E402

SELLING = ("Knee Relief Center\nOur stem cell injections cure arthritis and regrow cartilage in every patient.\n"
           "Book your free consultation today and walk without pain again.\n")
INFORMING = ("Hospital news\nThe transplant unit treats leukaemia with bone marrow transplants from matched donors.\n"
             "Ask your haematologist whether a transplant is right for you.\n")


def _tally(found: int, alarms: int, failing: int, honest: int) -> Tally:
    return Tally(claims=10, claims_found=found, compliant=100, false_alarms=alarms,
                 fail_pages=5, fail_pages_failed=failing, pass_pages=5, pass_pages_failed=honest)


def test_a_candidate_ships_only_when_no_figure_is_worse():
    shipped = _tally(found=5, alarms=4, failing=3, honest=1)
    assert worse_figures(_tally(5, 4, 3, 1), shipped) == []
    assert worse_figures(_tally(7, 2, 4, 0), shipped) == []
    worse = worse_figures(_tally(9, 5, 5, 0), shipped)
    assert worse == ["false alarms 5 > 4"]
    assert len(worse_figures(_tally(4, 5, 2, 2), shipped)) == 4


def test_models_must_be_named_once_and_hold_a_trained_model(tmp_path):
    assert parse_models([])["rules"] is None
    with pytest.raises(SystemExit, match="no trained model"):
        parse_models([f"empty={tmp_path}"])
    with pytest.raises(SystemExit, match="is taken"):
        parse_models([f"shipped={SHIPPED_MODEL}"])
    with pytest.raises(SystemExit, match="NAME=DIR"):
        parse_models(["nameless"])


@pytest.mark.skipif(not (SHIPPED_MODEL / "meta.json").is_file(), reason="needs the shipped model")
def test_a_first_run_prints_each_reader_s_counts_and_judges_the_candidate(tmp_path, capsys):
    pages = tmp_path / "set"
    pages.mkdir()
    claim = "Our stem cell injections cure arthritis and regrow cartilage in every patient."
    write_page_record(pages, "t-001", "fail", SELLING, [claim], categories=("unapproved-use",))
    write_page_record(pages, "t-002", "pass", INFORMING, sells=False)
    twin = tmp_path / "twin"
    shutil.copytree(SHIPPED_MODEL, twin)  # the same weights: a candidate that reads exactly as well

    assert main([str(pages), "--model", f"twin={twin}", "--candidate", "twin"]) == 0
    out = capsys.readouterr().out
    shipped_row = next(line for line in out.splitlines() if line.startswith("| shipped |"))
    assert "(1/1)" in shipped_row.split("|")[2]  # the labelled claim is found
    assert shipped_row.split("|")[5].strip() == "0.000 (0/1)"  # the hospital page passes
    assert next(line for line in out.splitlines() if line.startswith("| twin |")).split("|")[2:] == \
        shipped_row.split("|")[2:]
    assert "twin may replace the shipped model" in out


def test_an_empty_set_or_a_broken_record_is_named_in_one_line(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main([str(tmp_path)])
    assert capsys.readouterr().err.strip() == f"{tmp_path}: error: no page records (*.json) found [CC930]"
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(SystemExit):
        main([str(tmp_path)])
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"{tmp_path}: error: cannot read the corpus: JSONDecodeError") and "\n" not in err
