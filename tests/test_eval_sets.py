"""The regression sets (regression/): labelled sets that were tuned on, so they
measure memory, not reading. Detection must not regress on them; the thresholds
sit under today's figures. How detection carries over to unseen text is measured
by site-grouped cross-validation over corpus/ (README) and by first runs on new sets
(docs/detection-record.md)."""
from __future__ import annotations

import pytest

from claimcheck.testing.measure import check_corpus, read_corpus, score_pages, score_sentences
from claimcheck.pack.rulepack import load_pack
from tests.conftest import ROOT

EVAL = ROOT / "regression"


@pytest.fixture(scope="module")
def pack():
    return load_pack()


@pytest.mark.parametrize("name", ["sentences.jsonl", "heldout/sentences.jsonl", "blind3/sentences.jsonl",
                                  "blind4/sentences.jsonl", "blind5/sentences.jsonl"])
def test_sentences(pack, name):
    corpus = read_corpus(EVAL / name)
    scores = score_sentences(corpus, check_corpus(corpus, pack))
    assert scores.recall >= 0.90, scores.misses
    assert scores.false_positive_rate <= 0.05, scores.false_alarms
    assert scores.category_recall >= 0.70


@pytest.mark.parametrize("name", ["pages.jsonl", "heldout/pages.jsonl", "blind3/pages.jsonl", "blind4/pages.jsonl",
                                  "blind5/pages.jsonl"])
def test_pages(pack, name):
    corpus = read_corpus(EVAL / name)
    scores = score_pages(corpus, check_corpus(corpus, pack))
    assert scores["fail_pages_failed"] >= 0.90, scores["misses"]
    assert scores["pass_pages_failed"] <= 0.05, scores["noisy"]
