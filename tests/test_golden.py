"""Every reporter's output on three fixtures, byte for byte against tests/golden/
(regenerate with ``python tests/golden/make_golden.py`` and review the diff)."""
from __future__ import annotations

import pytest

from tests.golden.make_golden import FORMATS, golden_path, render


@pytest.mark.parametrize("fmt", FORMATS)
def test_report_matches_its_golden_output(fmt):
    expected = golden_path(fmt).read_text(encoding="utf-8")
    assert render(fmt) == expected, f"--format {fmt} changed: rerun tests/golden/make_golden.py and review the diff"
