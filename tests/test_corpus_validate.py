"""corpus/tools/common.py word_runs: the copy check that validate.py runs against each page's source."""
from __future__ import annotations

import sys

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "corpus" / "tools"))
from common import word_runs  # noqa: E402


def test_a_run_typed_with_curly_apostrophes_is_the_same_run():
    source = "Most parents at our partner hospitals donate their baby\u2019s umbilical cord blood today."
    paraphrase = "As many as half at our partner hospitals donate their baby's umbilical cord blood now."
    assert word_runs(source) & word_runs(paraphrase)


def test_reworded_text_shares_no_run_of_eight_words():
    source = "Up to half of the parents giving birth at partner hospitals give the cord blood away."
    paraphrase = "About one parent in two delivering at these hospitals donates the baby's cord blood."
    assert not word_runs(source) & word_runs(paraphrase)
