"""The data that flows between stages.

``Source`` (load) -> ``NormalizedText`` (normalize) -> ``Claim`` (extract) ->
``Finding`` (evaluate) -> ``DocumentResult`` (grade, report). Everything here
is plain data so that worker processes can return it and reporters can render
it without spaCy.
"""
from __future__ import annotations

import bisect
from array import array
from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("critical", "major", "minor", "info")
SEVERITY_RANK = {name: rank for rank, name in enumerate(reversed(SEVERITIES))}  # info=0 .. critical=3


@dataclass
class Source:
    """One document as read: ``origin`` is what the user sees (a path, ``-`` or a URL)."""

    origin: str
    media_type: str  # text/plain | text/markdown | text/html
    raw: str
    site: str | None = None
    # For text extracted from a Word or PDF file: (raw offset, location) pairs in
    # offset order, one where each paragraph or line begins, e.g. (0, {"paragraph": 1})
    # or (812, {"page": 2, "line": 1}). Findings in such a text are located by them.
    locations: list[tuple[int, dict]] | None = None
    # For an HTML file: the texts of the local stylesheets it links (load/linked_styles.py).
    stylesheets: tuple[str, ...] = ()

    def locate(self, offset: int) -> dict | None:
        """Where a reader finds raw ``offset`` (paragraph, or page and line), if known."""
        if not self.locations:
            return None
        index = bisect.bisect_right(self.locations, offset, key=lambda pair: pair[0]) - 1
        return dict(self.locations[max(index, 0)][1])


def location_label(location: dict) -> str:
    """``{"page": 2, "line": 5}`` -> ``page 2, line 5``; ``{"paragraph": 3}`` -> ``paragraph 3``."""
    return ", ".join(f"{key} {value}" for key, value in location.items())


@dataclass(frozen=True)
class Block:
    """A block of normalized text (heading, paragraph, list item ...)."""

    start: int
    end: int
    kind: str
    level: int = 0


@dataclass(frozen=True)
class Comment:
    """A markup comment: never linted, read for suppressions. Offsets are raw."""

    start: int
    end: int
    text: str


class LineIndex:
    """Maps 0-based character offsets of a raw text to 1-based line and column."""

    def __init__(self, raw: str):
        starts = [0]
        find = raw.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        self._starts = starts

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1

    def line_start(self, line: int) -> int:
        return self._starts[line - 1]

    @property
    def line_count(self) -> int:
        return len(self._starts)


@dataclass
class NormalizedText:
    """Lintable text with, for every character, its offset in the raw source."""

    text: str
    raw_offsets: array  # len(text) + 1 entries; the last one is the end of the raw text
    blocks: list[Block] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    # For characters that stand for a longer raw run (an entity such as
    # ``&eacute;``): normalized index -> raw end of that run.
    replaced_ends: dict[int, int] = field(default_factory=dict)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw [start, end) covering normalized [start, end)."""
        if end <= start:
            return self.raw_offsets[start], self.raw_offsets[start]
        last = end - 1
        return self.raw_offsets[start], self.replaced_ends.get(last, self.raw_offsets[last] + 1)


@dataclass
class Claim:
    """A claim found by the extract stage; offsets are in the normalized text."""

    start: int
    end: int
    # The whole normalized text, shared by every claim of the document: a claim's own text is
    # a slice of it taken when asked for. (A slice kept per claim cost a long run-on sentence's
    # length for each of its thousands of claims: 360 MB at 5 MB of text.)
    document_text: str = field(repr=False, compare=False)
    predicate: str  # predicate class, e.g. "treat", "cure", "approval"
    predicate_text: str
    predicate_pattern: str  # id of the lexicon entry that matched
    predicate_start: int = 0
    predicate_end: int = 0
    product: str | None = None  # product id from the knowledge base
    product_text: str | None = None
    conditions: list[str] = field(default_factory=list)  # condition ids
    condition_texts: list[str] = field(default_factory=list)
    approved_products: list[str] = field(default_factory=list)
    procedures: list[str] = field(default_factory=list)
    sentence_products: list[str] = field(default_factory=list)  # every cell product named in the sentence
    other_treatment: str | None = None  # a non-cell treatment named instead of a cell product
    # What the claim names as treated when the knowledge base knows no condition in it
    # ("injections for tinnitus"): the words themselves, so a rule can still judge the use.
    unlisted_condition: str | None = None
    modality: str = "asserted"
    cues: list[dict] = field(default_factory=list)  # the modality cues that applied
    sentence_start: int = 0
    sentence_end: int = 0
    inherited_from: str | None = None  # "lead-in", "answer": when context supplied the predicate
    # Does the knowledge base call treating the claim's conditions (body sites aside) with what
    # it names an approved use? None when it names no such condition.
    use_approved: bool | None = None

    @property
    def text(self) -> str:
        return self.document_text[self.start:self.end]

    def summary(self) -> dict:
        return {
            "predicate": self.predicate,
            "predicate_text": self.predicate_text,
            "product": self.product,
            "product_text": self.product_text,
            "condition": self.conditions[0] if self.conditions else None,
            "conditions": list(self.conditions),
            "modality": self.modality,
            "cues": list(self.cues),
        }


@dataclass
class Finding:
    """A rule's verdict on a claim or a document, with its explanation."""

    code: str
    name: str
    category: str
    severity: str
    scope: str  # claim | document
    message: str
    start: int  # raw offsets (0-based)
    end: int
    line: int = 0
    column: int = 0
    end_line: int = 0
    end_column: int = 0
    text: str = ""
    claim: dict | None = None
    references: list[dict] = field(default_factory=list)
    suggestion: str = ""
    explanation: dict = field(default_factory=dict)
    suppressed: dict | None = None
    location: dict | None = None  # paragraph, or page and line, for Word and PDF inputs

    def to_dict(self) -> dict[str, Any]:
        out = {
            "code": self.code, "name": self.name, "category": self.category,
            "severity": self.severity, "scope": self.scope, "message": self.message,
            "line": self.line, "column": self.column,
            "end_line": self.end_line, "end_column": self.end_column,
            "start": self.start, "end": self.end, "text": self.text,
            "claim": self.claim, "references": self.references,
            "suggestion": self.suggestion, "explanation": self.explanation,
        }
        if self.suppressed is not None:
            out["suppressed"] = self.suppressed
        if self.location is not None:
            out["location"] = self.location
        return out


@dataclass
class DocumentResult:
    """Everything known about one checked document."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    score: int = 100
    grade: str = "A"
    status: str = "pass"
    words: int = 0
    claims: int = 0
    site: str | None = None
    media_type: str = "text/plain"

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path, "score": self.score, "grade": self.grade, "status": self.status,
            "words": self.words, "claims": self.claims,
            "findings": [f.to_dict() for f in self.findings],
        }
