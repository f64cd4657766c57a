"""corpus/tools/agreement.py: the second-labeller figures are computed as they say."""
from __future__ import annotations

import sys

import pytest

from claimcheck.train.corpus import CorpusPage, LabelledSentence
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "corpus" / "tools"))
from agreement import kappa, rows  # noqa: E402


def test_kappa_is_one_for_identical_labels_and_follows_cohens_formula():
    assert kappa([(True, True), (False, False), (True, True)]) == 1.0
    # 20 items: both yes 9, both no 6, first only 3, second only 2: observed 0.75; the first
    # says yes to 0.6, the second to 0.55, so chance agreement is 0.6 * 0.55 + 0.4 * 0.45 = 0.51
    pairs = [(True, True)] * 9 + [(False, False)] * 6 + [(True, False)] * 3 + [(False, True)] * 2
    assert kappa(pairs) == pytest.approx((0.75 - 0.51) / (1 - 0.51))
    assert kappa([(True, True)] * 4) is None  # one class only: chance agreement is total


def _page(verdict: str, sells: bool, claim_flags: list[bool]) -> CorpusPage:
    sentences = [LabelledSentence(i * 10, i * 10 + 9, f"s{i}", ["unapproved-use"] if flag else [])
                 for i, flag in enumerate(claim_flags)]
    return CorpusPage(id="p", site="s", genre="clinic-us", sells=sells, verdict=verdict, text="",
                      claims=[], path="", sentences=sentences)


def test_the_second_labeller_is_scored_against_the_first_as_claimcheck_is():
    first = [_page("fail", True, [True, True, False, False]), _page("pass", False, [False, False])]
    second = [_page("fail", True, [True, False, True, False]), _page("fail", True, [False, False])]
    table = {label: value for label, value, _ in rows(first, second)}
    assert table["page verdict (fail or pass)"] == "0.500 (1/2)"
    assert table["the sentence makes a claim"] == "0.667 (4/6)"
    assert table["second labeller, scored as claimcheck is: sentences: recall"] == "0.500 (1/2)"
    assert table["second labeller: sentences: false-positive rate"] == "0.250 (1/4)"
    assert table["second labeller: honest pages that fail"] == "1.000 (1/1)"
