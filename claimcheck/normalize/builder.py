"""``TextBuilder``: the one place that writes normalized text and its offset map.

Normalizers call ``add`` for text copied from the raw source (each character
keeps its own raw offset), ``add_replacement`` for text that stands for a
longer raw run (an HTML entity: every character maps to the entity's start),
and ``end_block`` at block boundaries. Whitespace runs collapse to one space;
blocks are separated by a blank line, which the pipeline turns into a sentence
boundary.
"""
from __future__ import annotations

import bisect
import re
from array import array

import numpy

from claimcheck.model import Block, Comment, NormalizedText
from claimcheck.normalize.evasion import fold, needs_folding

_WORD_RUN = re.compile(r"\S++(?:\s\S++)*+")  # possessive: nothing after it needs a step back
_OTHER_SPACE = re.compile(r"[^\S ]")  # whitespace other than the space character
_SHORT_RUN = 16  # below this many offsets, extending the array from a range is as quick


class TextBuilder:
    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._offsets = array("i")
        self._blocks: list[Block] = []
        self.comments: list[Comment] = []
        self._replaced_ends: dict[int, int] = {}
        self._block_start: int | None = None
        self._block_kind = "paragraph"
        self._block_level = 0
        self._space_at: int | None = None  # raw offset of pending whitespace
        self._hidden = 0  # depth of elements a reader never sees (display:none, aria-hidden ...)

    # -- writing -----------------------------------------------------------------
    def _emit(self, text: str, raw_offsets) -> None:
        self._parts.append(text)
        self._length += len(text)
        if isinstance(raw_offsets, range) and len(raw_offsets) > _SHORT_RUN:
            # A run of consecutive offsets is written as one block of machine integers:
            # array.extend makes a Python int of each (a fifth of normalizing a page).
            self._offsets.frombytes(numpy.arange(raw_offsets.start, raw_offsets.stop, dtype=numpy.intc).tobytes())
        else:
            self._offsets.extend(raw_offsets)

    def _open_content(self, raw_at: int) -> None:
        if self._block_start is None:
            if self._length:
                self._emit("\n\n", (raw_at, raw_at))
            self._block_start = self._length
            self._space_at = None
        elif self._space_at is not None:
            self._emit(" ", (self._space_at,))
            self._space_at = None

    def set_block_kind(self, kind: str, level: int = 0) -> None:
        """Kind of the block being started (or, if empty so far, of the current one)."""
        if self._hidden:
            kind, level = "hidden", 0
        if self._block_start is None or self._block_start == self._length:
            self._block_kind, self._block_level = kind, level

    def add(self, text: str, raw_start: int) -> None:
        """Text copied verbatim from the raw source starting at ``raw_start``."""
        # Words one whitespace character apart come out as they are (that character as a
        # space), each character at its own raw offset: one piece of text and one range of
        # offsets per run of them instead of a call per word. A longer gap is one space,
        # at the offset of its last character, as between runs.
        for match in _WORD_RUN.finditer(text):
            begin = raw_start + match.start()
            if match.start() > 0:
                self.space(begin - 1)
            self._open_content(begin)
            run = match.group()
            self._emit(_OTHER_SPACE.sub(" ", run), range(begin, begin + len(run)))
        if text and text[-1].isspace():
            self.space(raw_start + len(text.rstrip()))

    def add_replacement(self, text: str, raw_start: int, raw_end: int) -> None:
        """Text that stands for raw[raw_start:raw_end], e.g. a decoded entity."""
        if not text:
            return
        if text.isspace():
            self.space(raw_start)
            return
        self._open_content(raw_start)
        for index in range(self._length, self._length + len(text)):
            self._replaced_ends[index] = raw_end
        self._emit(text, [raw_start] * len(text))

    def space(self, raw_at: int) -> None:
        """A word boundary that produces no visible text (e.g. an inline tag)."""
        if self._block_start is not None and self._space_at is None:
            self._space_at = raw_at

    def end_block(self) -> None:
        if self._block_start is not None and self._length > self._block_start:
            self._blocks.append(Block(self._block_start, self._length, self._block_kind, self._block_level))
        self._block_start = None
        self._space_at = None
        self._block_kind, self._block_level = ("hidden" if self._hidden else "paragraph"), 0

    def enter_hidden(self) -> None:
        """Text from here to ``leave_hidden`` is in the file but not on the screen: it is still
        read for claims, in blocks of kind ``hidden``, but it discloses nothing to a reader."""
        self.end_block()
        self._hidden += 1
        self._block_kind = "hidden"

    def leave_hidden(self) -> None:
        self.end_block()
        self._hidden = max(0, self._hidden - 1)
        self._block_kind = "hidden" if self._hidden else "paragraph"

    def comment(self, start: int, end: int, text: str) -> None:
        self.comments.append(Comment(start, end, text))

    def build(self, raw_length: int) -> NormalizedText:
        self.end_block()
        offsets = self._offsets
        offsets.append(raw_length)
        text, blocks, replaced_ends = "".join(self._parts), self._blocks, self._replaced_ends
        if needs_folding(text):
            # Zero-width characters, look-alike letters and the like, undone (normalize/evasion.py).
            text, offsets, origin = fold(text, offsets)
            position = lambda old: bisect.bisect_left(origin, old)  # noqa: E731
            blocks = [Block(position(b.start), position(b.end), b.kind, b.level) for b in blocks]
            replaced_ends = {new: replaced_ends[old] for new, old in enumerate(origin) if old in replaced_ends}
        return NormalizedText(text=text, raw_offsets=offsets, blocks=blocks, comments=self.comments,
                              replaced_ends=replaced_ends)
