"""Character offsets in a document <-> LSP positions (line, character).

claimcheck counts offsets in code points (Python ``str`` indices); LSP counts a
line's characters in the code units of the encoding agreed at initialize:
UTF-16 unless the client offered another (a character outside the Basic
Multilingual Plane, such as an emoji, is two UTF-16 units and four UTF-8 ones).
Lines end at ``\\n``, ``\\r\\n`` or ``\\r`` and nowhere else, as the protocol says
(``str.splitlines`` would also break at U+2028, form feeds and others, and
shift every position after them).
"""
from __future__ import annotations

import bisect
import re

_LINE_BREAK = re.compile(r"\r\n|\r|\n")

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def _units(text: str, encoding: str) -> int:
    """Length of ``text`` in the encoding's code units."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


class PositionMap:
    """Positions of one version of a document's text."""

    def __init__(self, text: str, encoding: str = UTF16):
        self.text = text
        self.encoding = encoding
        self._starts = [0] + [match.end() for match in _LINE_BREAK.finditer(text)]
        # Where each line's content ends (before its line break); the last line ends with the text.
        self._ends = [match.start() for match in _LINE_BREAK.finditer(text)] + [len(text)]

    def position(self, offset: int) -> tuple[int, int]:
        """(line, character), both 0-based, of code-point ``offset``. An offset inside a
        ``\\r\\n`` pair, or past the text, is clamped to the line's end."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._starts, offset) - 1
        start = self._starts[line]
        return line, _units(self.text[start:min(offset, self._ends[line])], self.encoding)

    def offset(self, line: int, character: int) -> int:
        """The code-point offset of an LSP position; a character past the line's end
        means its end, a line past the last means the end of the text."""
        if line < 0:
            return 0
        if line >= len(self._starts):
            return len(self.text)
        start, end = self._starts[line], self._ends[line]
        if self.encoding == UTF32:
            return min(start + max(character, 0), end)
        counted = 0
        for index in range(start, end):
            if counted >= character:
                return index
            counted += _units(self.text[index], self.encoding)
        return end
