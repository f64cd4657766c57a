"""corpus/tools/common.py word_runs: the copy check that validate.py runs against each page's source."""
from __future__ import annotations

import sys

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "corpus" / "tools"))
from common import word_runs  # noqa: E402


def test_a_run_typed_with_curly_apostrophes_is_the_same_run():
    source = "Every spring the lighthouse keeper\u2019s daughter paints the old blue fishing boats again."
    paraphrase = "Each year the lighthouse keeper's daughter paints the old blue fishing boats by hand."
    assert word_runs(source) & word_runs(paraphrase)


def test_reworded_text_shares_no_run_of_eight_words():
    source = "Every spring the lighthouse keeper\u2019s daughter paints the old blue fishing boats again."
    paraphrase = "When the weather turns warm, the keeper's girl gives the harbour's small craft fresh colour."
    assert not word_runs(source) & word_runs(paraphrase)
