"""Write every reporter's output on a few fixtures to tests/golden/ (``test_golden.py`` compares).

    python tests/golden/make_golden.py

Run it after a change that is meant to alter a report, and review the diff. The
rules run alone (``--model none``) so that retraining the model does not touch the
reporters' goldens; the checkout's path is written as ``<root>`` and the HTML report's
time of making as ``<when>``.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
GOLDEN = Path(__file__).resolve().parent
FORMATS = ("text", "json", "sarif", "github", "csv", "junit", "markdown", "html")
WHEN = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(?::\d{2})? UTC")
INPUTS = ("fixtures/violating/knee-clinic.md", "fixtures/violating/mixed-disclaimer.md",
          "fixtures/compliant/transplant-center.html")


def render(fmt: str) -> str:
    result = subprocess.run([sys.executable, "-m", "claimcheck", "check", "--model", "none", "--format", fmt,
                             *INPUTS], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "NO_COLOR": "1"})
    if result.returncode not in (0, 1):
        raise SystemExit(f"{fmt}: exit {result.returncode}: {result.stderr[-2000:]}")
    # The HTML report says when it was made; that minute is not part of what is compared.
    return WHEN.sub("<when>", result.stdout.replace(str(ROOT), "<root>"))


def golden_path(fmt: str) -> Path:
    return GOLDEN / f"report.{fmt}"


if __name__ == "__main__":
    for fmt in FORMATS:
        golden_path(fmt).write_text(render(fmt), encoding="utf-8")
        print(golden_path(fmt).relative_to(ROOT))
