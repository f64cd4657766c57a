"""Every reporter's output on three fixtures, and the findings of a run over the whole corpus,
byte for byte against tests/golden/ (regenerate with ``python tests/golden/make_golden.py``
and review the diff)."""
from __future__ import annotations

import pytest

from tests.golden.make_golden import CORPUS_FINDINGS, FORMATS, corpus_findings, golden_path, render


@pytest.mark.parametrize("fmt", FORMATS)
def test_report_matches_its_golden_output(fmt):
    expected = golden_path(fmt).read_text(encoding="utf-8")
    assert render(fmt) == expected, f"--format {fmt} changed: rerun tests/golden/make_golden.py and review the diff"


def test_the_corpus_gets_the_findings_it_got():
    """``check`` as users run it over every corpus page (the benchmark corpus): a speed-up must
    not change one finding, and a detection change shows as the lines it changes."""
    expected = CORPUS_FINDINGS.read_text(encoding="utf-8")
    actual = corpus_findings()
    if actual != expected:
        import difflib
        diff = "".join(list(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), "golden",
                                                 "now", n=0))[:40])
        pytest.fail(f"findings on the corpus changed: rerun tests/golden/make_golden.py and review the diff\n{diff}")
