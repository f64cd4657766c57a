"""Shared test helpers: the built-in pack and a one-call way to check text."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# The suite tests the rules, fixtures and commands as the rule pack defines them, so it
# runs without the shipped learned model (commands started in subprocesses inherit this);
# tests of the learned components name their model explicitly (tests/test_learned.py).
os.environ["CLAIMCHECK_MODEL"] = "none"
# The compiled cache (claimcheck/runtime/cache.py) of the whole session, commands included, goes to a
# folder of its own, never to the user's cache; it starts empty, so each session builds once.
_CACHE = tempfile.TemporaryDirectory(prefix="claimcheck-test-cache-")
os.environ["CLAIMCHECK_CACHE_DIR"] = _CACHE.name
os.environ.pop("CLAIMCHECK_NO_CACHE", None)
# Commands run in this process (click's runner) check in this process: forking pytest, with
# the threads other tests leave behind, is not what the suite tests. tests/test_parallel.py
# runs the command in subprocesses with --jobs.
os.environ["CLAIMCHECK_JOBS"] = "1"

from claimcheck.model import Source
from claimcheck.pack.rulepack import load_pack
from claimcheck.project.runner import check_sources

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


@pytest.fixture(scope="session")
def pack():
    return load_pack()


def check_text(text: str, media_type: str = "text/plain", pack=None, origin="sample"):
    """Run the whole pipeline on one text; returns the CheckedDocument."""
    pack = pack or load_pack()
    problems = []
    checked = list(check_sources([Source(origin, media_type, text)], pack, problems))
    assert not [p for p in problems if p.fatal], problems
    return checked[0]


def codes(text: str, media_type: str = "text/plain") -> set[str]:
    return {f.code for f in check_text(text, media_type).result.findings}


def write_page_record(folder, ident: str, verdict: str, text: str, claims=(), sells: bool = True,
                      categories=("cure-guarantee",)) -> None:
    """A page record in the corpus format (corpus/GUIDE.md), as ``eval FOLDER`` and a first run read it."""
    import json

    record = {"id": ident, "url": f"https://{ident}.example/", "title": ident, "genre": "clinic-us",
              "sells": sells, "verdict": verdict, "text": text,
              "claims": [{"text": claim, "categories": list(categories)} for claim in claims]}
    (folder / f"{ident}.json").write_text(json.dumps(record), encoding="utf-8")
