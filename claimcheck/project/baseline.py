"""The baseline: today's findings recorded so that later runs report only new ones.

An entry is keyed by (file, code, normalized claim text), never by line, so
moving text up or down a file, re-wrapping a paragraph or changing emphasis
keeps it matched; editing the claim's words makes it a new finding. A
document-scope finding (a page with no risk disclosure) is keyed by file and
code alone: it is about the page, whatever claim it points at. Counts make
it a multiset: two identical claims need two entries.

Paths are stored relative to the baseline file's folder, so the baseline
works from any current folder. The file is sorted JSON with no timestamps,
so that regenerating it gives a clean diff in review.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from claimcheck import __version__
from claimcheck.errors import BAD_BASELINE, InputProblem
from claimcheck.project.suppress import META_CODES

FORMAT_VERSION = 1
_NON_WORD = re.compile(r"[\W_]+")


def normalize_claim_text(text: str) -> str:
    """Words only, case-folded: markup, punctuation and line breaks do not count."""
    return " ".join(_NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).split())


def key_text(finding) -> str:
    if finding.scope == "document" and finding.code not in META_CODES:
        return ""
    return normalize_claim_text(finding.text)


def fingerprint(finding) -> str:
    """A stable id of a finding within its file (for SARIF partialFingerprints)."""
    return hashlib.sha256(f"{finding.code}\0{key_text(finding)}".encode()).hexdigest()[:32]


def relative_key(path: str, folder: Path) -> str:
    if path == "-":
        return path
    return os.path.relpath(os.path.abspath(path), folder).replace(os.sep, "/")


def build(documents, baseline_path: Path) -> dict:
    """The baseline file's content for these results (unsuppressed findings only)."""
    folder = baseline_path.resolve().parent
    counts: Counter = Counter()
    for document in documents:
        path = relative_key(document.path, folder)
        for finding in document.findings:
            if finding.suppressed is None:
                counts[(path, finding.code, key_text(finding))] += 1
    entries = [{"path": path, "code": code, "text": text, "count": count}
               for (path, code, text), count in sorted(counts.items())]
    return {"claimcheck_baseline": FORMAT_VERSION, "tool": {"name": "claimcheck", "version": __version__},
            "entries": entries}


def write(documents, baseline_path: Path) -> dict:
    data = build(documents, baseline_path)
    baseline_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return data


@dataclass
class Baseline:
    """A loaded baseline; ``apply`` is a runner post-processing step."""

    path: Path
    remaining: Counter = field(default_factory=Counter)
    total: int = 0
    matched: int = 0
    checked_paths: set = field(default_factory=set)

    @classmethod
    def load(cls, path: Path) -> "Baseline":
        """Raises ``BaselineError`` with one clear line when the file is unusable."""
        origin = str(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise BaselineError(InputProblem(origin, BAD_BASELINE, f"cannot read baseline: {exc.strerror or exc}"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            line = getattr(exc, "lineno", None)
            raise BaselineError(InputProblem(origin, BAD_BASELINE, f"not a baseline file: invalid JSON ({exc})",
                                             line=line))
        if not isinstance(data, dict) or data.get("claimcheck_baseline") != FORMAT_VERSION:
            raise BaselineError(InputProblem(origin, BAD_BASELINE,
                                             f"not a claimcheck baseline (version {FORMAT_VERSION}); "
                                             "make one with 'claimcheck baseline PATHS -o FILE'"))
        baseline = cls(path)
        for number, entry in enumerate(data.get("entries") or []):
            try:
                key = (str(entry["path"]), str(entry["code"]), str(entry["text"]))
                count = int(entry.get("count", 1))
            except (TypeError, KeyError, ValueError):
                raise BaselineError(InputProblem(origin, BAD_BASELINE,
                                                 f"entries/{number}: expected path, code, text and count")) from None
            baseline.remaining[key] += count
            baseline.total += count
        return baseline

    def apply(self, checked) -> None:
        folder = self.path.resolve().parent
        path = relative_key(checked.result.path, folder)
        self.checked_paths.add(path)
        for finding in checked.result.findings:
            if finding.suppressed is not None:
                continue
            key = (path, finding.code, key_text(finding))
            if self.remaining[key] > 0:
                self.remaining[key] -= 1
                self.matched += 1
                finding.suppressed = {"kind": "baseline", "reason": f"in baseline {self.path.name}"}

    def unmatched(self) -> int:
        """Entries that matched nothing, in the files checked or in files that are gone."""
        folder = self.path.resolve().parent
        return sum(count for (path, _, _), count in self.remaining.items()
                   if count > 0 and (path in self.checked_paths or not (folder / path).exists()))

    def summary(self) -> dict:
        return {"path": str(self.path), "entries": self.total, "baselined": self.matched,
                "unmatched_entries": self.unmatched()}

    def note(self) -> str:
        unmatched = self.unmatched()
        text = f"{self.matched} finding(s) baselined in {self.path}"
        if unmatched:
            text += (f"; {unmatched} baseline {'entry no longer matches' if unmatched == 1 else 'entries no longer match'} "
                     f"(fixed or reworded: refresh with 'claimcheck baseline')")
        return text


class BaselineError(Exception):
    def __init__(self, problem: InputProblem):
        super().__init__(problem.render())
        self.problem = problem
