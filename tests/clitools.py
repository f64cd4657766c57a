"""Helpers for tests that drive the command line in-process (click's runner), so
that the pipeline is built once per test session, not once per command."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

from click.testing import CliRunner

from claimcheck.cli import cli

# One claim that several rules flag (unapproved use, cure) on a page that names
# risks, so that only that line blocks.
VIOLATING_LINE = "Our stem cell injections cure knee arthritis."
RISKS_LINE = "Risks include infection and pain at the injection site."


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def check_json(*args) -> tuple[dict, int]:
    """``claimcheck check --format json ARGS`` -> (report, exit code)."""
    result = invoke("check", "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout), result.exit_code


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def findings(report: dict, path: str | Path | None = None, *, suppressed: bool | None = False) -> list[dict]:
    """Findings of one document (or all), by default only those not suppressed."""
    found = []
    for document in report["documents"]:
        if path is not None and Path(document["path"]).resolve() != Path(path).resolve():
            continue
        for finding in document["findings"]:
            if suppressed is None or ("suppressed" in finding) == suppressed:
                found.append(finding)
    return found


def codes(report: dict, path=None, **kwargs) -> set[str]:
    return {f["code"] for f in findings(report, path, **kwargs)}


def write_rule_pack(folder: Path, code: str, reference: str) -> Path:
    """A one-rule pack (a company's house rule on patient stories) with its fixture."""
    write(folder / "checks" / f"{code}-house-patient-story.yaml", f"""
        code: {code}
        name: house-patient-story
        kind: claim_phrase
        category: testimonial
        severity: major
        scope: claim
        message: "House rule: no patient stories about {{product}}"
        parameters:
          predicates: [testimonial]
          cell_context: document
        docs:
          what: Flags patient stories, which the house legal team bans outright.
          why: Our counsel rules out testimonials in ads.
          example: "She was back on the golf course in three weeks."
          use_instead: "Describe the treatment and its risks, not a patient."
          references: [{reference}]
        """)
    write(folder / "checks" / f"{code}-house-patient-story.md", f"""
        # Fixture for {code}

        <!-- ruleid: {code} -->
        After her stem cell injection, she was back on the golf course in three weeks.

        <!-- ok: {code} -->
        Stem cell therapy has not been proven to help knee pain.
        """)
    return folder
