"""Loaders for binary document formats: Word (``docx.py``) and PDF (``pdf.py``).

``claimcheck.load`` imports one of them by suffix (``load.EXTRA_LOADERS``) and calls
``load(path, max_bytes) -> Source | InputProblem``. Each turns its file into plain
text, one paragraph per block separated by a blank line, and records where each
paragraph (Word) or line (PDF) begins in ``Source.locations`` so that findings can
be located the way a reader of the original looks for them. The text then goes
through the plain-text normalizer like any ``.txt`` file.
"""
from __future__ import annotations

from pathlib import Path

from claimcheck.errors import InputProblem
from claimcheck.model import Source

# Code for a document that opens but holds no text we can read (encrypted, scanned).
NO_TEXT = "CC909"


class TextAssembler:
    """Builds the extracted text and its locations, piece by piece."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self.locations: list[tuple[int, dict]] = []

    def add(self, text: str, location: dict, separator: str = "\n\n") -> None:
        """Append ``text`` found at ``location``; ``separator`` joins it to what came before
        (a blank line between paragraphs, a space between wrapped lines)."""
        if self._length:
            self._parts.append(separator)
            self._length += len(separator)
        self.locations.append((self._length, location))
        self._parts.append(text)
        self._length += len(text)

    def source(self, path: Path) -> Source:
        return Source(origin=str(path), media_type="text/plain", raw="".join(self._parts),
                      locations=self.locations)


def too_large(path: Path, max_bytes: int) -> InputProblem | None:
    """The same size and readability checks as for text files."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        return InputProblem(str(path), "CC904", f"cannot read file: {exc.strerror or exc}")
    if size > max_bytes:
        return InputProblem(
            str(path), "CC905",
            f"file is {size / 1_048_576:.1f} MB, over the {max_bytes / 1_048_576:.0f} MB limit (--max-file-size)")
    return None
