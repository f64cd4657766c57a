"""Write every reporter's output on a few fixtures to tests/golden/, and the findings of a
whole run over the corpus (``test_golden.py`` compares both).

    python tests/golden/make_golden.py

Run it after a change that is meant to alter a report or a finding, and review the
diff. The reporters' goldens run the rules alone (``--model none``) so that retraining
the model does not touch them; the checkout's path is written as ``<root>`` and the
HTML report's time of making as ``<when>``.

``corpus-findings.tsv`` is ``check`` as users run it (the shipped model, one worker per
core) over every corpus page, one line per document (grade, score, status) and per
finding (code, severity, raw offsets): a speed-up must leave it unchanged, byte for byte,
and a change to the rules, the knowledge base, the corpus or the model shows here as
the findings it adds and removes.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
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


CORPUS_FINDINGS = GOLDEN / "corpus-findings.tsv"


def corpus_findings() -> str:
    """One line per corpus page and per finding of ``check --format json`` over the corpus."""
    from claimcheck.train.corpus import write_page_files

    with tempfile.TemporaryDirectory() as scratch:
        write_page_files(ROOT / "corpus" / "pages", scratch)
        env = {k: v for k, v in os.environ.items() if k not in ("CLAIMCHECK_MODEL", "CLAIMCHECK_JOBS")}
        result = subprocess.run([sys.executable, "-m", "claimcheck", "check", "--isolated", "--format", "json",
                                 "--jobs", "2", scratch], cwd=ROOT, capture_output=True, text=True, env=env)
        if result.returncode not in (0, 1):
            raise SystemExit(f"corpus: exit {result.returncode}: {result.stderr[-2000:]}")
        report = json.loads(result.stdout)
    lines = ["# page\tgrade\tscore\tstatus | page\tcode\tseverity\tstart\tend"]
    for document in sorted(report["documents"], key=lambda d: Path(d["path"]).name):
        name = Path(document["path"]).name
        lines.append(f"{name}\t{document['grade']}\t{document['score']}\t{document['status']}")
        lines += [f"{name}\t{f['code']}\t{f['severity']}\t{f['start']}\t{f['end']}" for f in document["findings"]]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    for fmt in FORMATS:
        golden_path(fmt).write_text(render(fmt), encoding="utf-8")
        print(golden_path(fmt).relative_to(ROOT))
    CORPUS_FINDINGS.write_text(corpus_findings(), encoding="utf-8")
    print(CORPUS_FINDINGS.relative_to(ROOT))
