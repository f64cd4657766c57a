"""Loaders for binary document formats: Word (``docx.py``) and PDF (``pdf.py``).

``claimcheck.load.files`` imports one of them by suffix (``load.EXTRA_LOADERS``) and calls
``load(path, max_bytes) -> Source | InputProblem``.

Each writes its document out as light Markdown, one block per paragraph: ``#``
headings, ``-`` list items, plain paragraphs, every character that Markdown would
read as markup backslash-escaped. So the Markdown normalizer sees the document's
structure (a heading and the list under it, as the checks' lead-in rule needs) and a
Word or PDF copy of an ad gives the same findings as the ad itself. ``Source.locations``
records where each paragraph (Word) or line (PDF) begins, so findings are located the
way a reader of the original looks for them.
"""
from __future__ import annotations

import re
from pathlib import Path

from claimcheck.model import Source

_INLINE_MARKUP = re.compile(r"([\\`*_\[\]<>&#!|~])")
# What starts a list item, quote, thematic break or setext underline at a line's start.
_BLOCK_START = re.compile(r"^(?:[-+](?=\s|$)|[-=]{2,}|>|\d{1,9}(?=[.)](?:\s|$)))")


def escape_markdown(text: str) -> str:
    """``text`` as Markdown that reads back as exactly this text."""
    text = _INLINE_MARKUP.sub(r"\\\1", text)
    match = _BLOCK_START.match(text)
    if match:  # a leading "-", "+", ">" or "1." would start a list or a quote
        at = match.end() if match.group()[0].isdigit() else 0
        text = text[:at] + "\\" + text[at:]
    return text


class TextTooLong(Exception):
    """The extracted text has grown over the limit; the message says so."""


class TextAssembler:
    """Builds the Markdown text and its locations, piece by piece, up to ``max_chars``
    characters (the text extracted from a Word or PDF file is held to ``--max-file-size``
    as a text file is, so 800,000 short paragraphs are one error, not 800,000 blocks)."""

    def __init__(self, max_chars: int | None = None) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._max_chars = max_chars
        self.locations: list[tuple[int, dict]] = []

    def add(self, text: str, location: dict, separator: str = "\n\n", prefix: str = "") -> None:
        """Append ``text`` (plain, escaped here) found at ``location``. ``separator`` joins it
        to what came before (a blank line between blocks, a space between wrapped lines);
        ``prefix`` is its Markdown block marker (``"## "``, ``"- "``)."""
        if self._length:
            self._parts.append(separator)
            self._length += len(separator)
        self.locations.append((self._length, location))
        piece = prefix + escape_markdown(text)
        self._parts.append(piece)
        self._length += len(piece)
        if self._max_chars is not None and self._length > self._max_chars:
            raise TextTooLong(f"the text in this file is over the {self._max_chars / 1_048_576:g} MB limit "
                              f"(--max-file-size); not checked")

    def source(self, path: Path) -> Source:
        return Source(origin=str(path), media_type="text/markdown", raw="".join(self._parts),
                      locations=self.locations)
