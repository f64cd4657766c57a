"""corpus/tools/firstrun.py: a first run's tables and the shipping rule."""
from __future__ import annotations

import json
import shutil
import sys

import pytest

from claimcheck.extract.learned import SHIPPED_MODEL
from tests.conftest import ROOT, write_page_record

sys.path.insert(0, str(ROOT / "corpus" / "tools"))
import firstrun  # noqa: E402
from firstrun import (  # noqa: E402
    PAGE_WEIGHING, Comparison, compare, judge, main, parse_models, unweighed, weighing_line)

SELLING = ("Knee Relief Center\nOur stem cell injections cure arthritis and regrow cartilage in every patient.\n"
           "Book your free consultation today and walk without pain again.\n")
INFORMING = ("Hospital news\nThe transplant unit treats leukaemia with bone marrow transplants from matched donors.\n"
             "Ask your haematologist whether a transplant is right for you.\n")


def test_the_sign_test_gives_the_chance_of_at_least_that_many_items_against_the_candidate():
    assert Comparison("false alarms", better=0, worse=0).chance_of_worse == 1.0
    assert Comparison("false alarms", better=0, worse=3).chance_of_worse == pytest.approx(1 / 8)
    assert Comparison("false alarms", better=1, worse=4).chance_of_worse == pytest.approx(6 / 32)
    assert Comparison("false alarms", better=2, worse=12).chance_of_worse == pytest.approx(106 / 16384)


def test_a_figure_is_worse_only_beyond_chance():
    assert not Comparison("false alarms", better=5, worse=9).worse_beyond_chance  # chance 0.21
    assert Comparison("false alarms", better=2, worse=12).worse_beyond_chance  # chance 0.006
    assert not Comparison("false alarms", better=12, worse=2).worse_beyond_chance


def test_items_are_compared_one_by_one_and_a_flag_is_good_only_for_claims_and_failing_pages():
    shipped = {("claim", "s", "p1", 0): False, ("claim", "s", "p1", 1): True, ("compliant", "s", "p1", 2): False,
               ("compliant", "s", "p1", 3): True, ("fail page", "s", "p1"): False, ("pass page", "s", "p2"): True}
    candidate = {("claim", "s", "p1", 0): True, ("claim", "s", "p1", 1): True, ("compliant", "s", "p1", 2): True,
                 ("compliant", "s", "p1", 3): True, ("fail page", "s", "p1"): True, ("pass page", "s", "p2"): False}
    by_figure = {c.figure: (c.better, c.worse) for c in compare(candidate, shipped)}
    assert by_figure == {"claim sentences found": (1, 0), "false alarms": (0, 1),
                         "failing pages failing": (1, 0), "honest pages failing": (1, 0)}


def test_the_rule_asks_for_enough_pages_and_no_figure_worse_beyond_chance():
    even = [Comparison("claim sentences found", 5, 5), Comparison("false alarms", 7, 4)]
    assert judge(even, pages=80) == []
    assert judge(even, pages=40) == ["40 pages are too few to judge (the rule asks for at least 75)"]
    reasons = judge(even + [Comparison("honest pages failing", 0, 6)], pages=80)
    assert reasons == ["honest pages failing: worse on 6 items, better on 0 (chance 0.016 < 0.05)",
                       "pages: worse on 6 items in all, better on 0"]


def test_the_rule_asks_that_neither_sentences_nor_pages_go_against_the_candidate_on_balance():
    # No figure is worse beyond chance, yet the pages go against the candidate three to one.
    pages_lost = [Comparison("claim sentences found", 9, 6), Comparison("false alarms", 5, 5),
                  Comparison("failing pages failing", 0, 2), Comparison("honest pages failing", 1, 2)]
    assert not any(c.worse_beyond_chance for c in pages_lost)
    assert judge(pages_lost, pages=110) == ["pages: worse on 4 items in all, better on 1"]
    # A tie at a level is no loss: the candidate, trained on more pages, is the prior.
    tied = [Comparison("claim sentences found", 4, 6), Comparison("false alarms", 3, 1),
            Comparison("failing pages failing", 1, 1)]
    assert judge(tied, pages=110) == []
    sentences_lost = tied[:1] + [Comparison("false alarms", 1, 3)]
    assert judge(sentences_lost, pages=110) == ["sentences: worse on 9 items in all, better on 5"]


def test_models_must_be_named_once_and_hold_a_trained_model(tmp_path):
    assert parse_models([])["rules"] is None
    with pytest.raises(SystemExit, match="no trained model"):
        parse_models([f"empty={tmp_path}"])
    with pytest.raises(SystemExit, match="is taken"):
        parse_models([f"shipped={SHIPPED_MODEL}"])
    with pytest.raises(SystemExit, match="NAME=DIR"):
        parse_models(["nameless"])


@pytest.mark.skipif(not (SHIPPED_MODEL / "meta.json").is_file(), reason="needs the shipped model")
def test_a_first_run_prints_each_reader_s_counts_and_judges_the_candidate(tmp_path, capsys, monkeypatch):
    pages = tmp_path / "set"
    pages.mkdir()
    claim = "Our stem cell injections cure arthritis and regrow cartilage in every patient."
    write_page_record(pages, "t-001", "fail", SELLING, [claim], categories=("unapproved-use",))
    write_page_record(pages, "t-002", "pass", INFORMING, sells=False)
    twin = tmp_path / "twin"
    shutil.copytree(SHIPPED_MODEL, twin)  # the same weights: a candidate that reads exactly as well

    assert main([str(pages), "--model", f"twin={twin}", "--candidate", "twin"]) == 1
    assert "twin does not ship: 2 pages are too few to judge" in capsys.readouterr().out
    monkeypatch.setattr(firstrun, "MIN_PAGES", 2)
    assert main([str(pages), "--model", f"twin={twin}", "--candidate", "twin"]) == 0
    out = capsys.readouterr().out
    shipped_row = next(line for line in out.splitlines() if line.startswith("| shipped |"))
    assert "(1/1)" in shipped_row.split("|")[2]  # the labelled claim is found
    assert shipped_row.split("|")[5].strip() == "0.000 (0/1)"  # the hospital page passes
    assert next(line for line in out.splitlines() if line.startswith("| twin |")).split("|")[2:] == \
        shipped_row.split("|")[2:]
    assert "| claim sentences found | 0 | 0 | 1.000 |" in out
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


@pytest.mark.skipif(not (SHIPPED_MODEL / "meta.json").is_file(), reason="needs the shipped model")
def test_the_unweighed_model_is_the_shipped_one_without_the_page_weighing(tmp_path):
    plain = unweighed(SHIPPED_MODEL, tmp_path / "plain")
    shipped = json.loads((SHIPPED_MODEL / "meta.json").read_text())["thresholds"]
    assert set(PAGE_WEIGHING) <= set(shipped)
    assert json.loads((plain / "meta.json").read_text())["thresholds"] == \
        {k: v for k, v in shipped.items() if k not in PAGE_WEIGHING}
    assert (plain / "sentences").resolve() == (SHIPPED_MODEL / "sentences").resolve()


def test_the_weighing_line_counts_the_pages_the_weighing_moved_each_way():
    weighed = {("fail page", "s", "p1"): True, ("fail page", "s", "p2"): False, ("pass page", "s", "p3"): False,
               ("pass page", "s", "p4"): False, ("claim", "s", "p1", 0): True}
    plain = {("fail page", "s", "p1"): False, ("fail page", "s", "p2"): False, ("pass page", "s", "p3"): True,
             ("pass page", "s", "p4"): True, ("claim", "s", "p1", 0): False}
    assert weighing_line(weighed, plain) == ("The page weighing caught 1 failing pages and lost 0; "
                                            "it held 2 honest pages out of failing and failed 0.")
