"""Linear time for the standard library's HTML parser on markup that never closes.

``html.parser`` looks for the end of a comment, a marked section (``<![CDATA[``) or a
tag from where it starts to the end of the document. When the end is not there, it
reads the ``<`` as text, steps one construct on and looks again: a run of unclosed
``<!--`` (or ``<a``, ``</``, ``<?``) costs time in the square of its length (160 KB of
``<!--`` took 25 s). This module owns the base parser that keeps every such search
to one:

* a comment or marked section found unclosed at some position is unclosed at every
  later position of the same buffer (its closer is searched from its start to the end),
  so later ones are answered from memory, not searched again;
* after the last ``>`` of a document no tag, comment, declaration or processing
  instruction can end, and the parser reads each ``<`` there as text after searching the
  rest of the document for a ``>``. That tail is fed with its ``<`` masked, so the parser
  reads it as text at once; every piece of text keeps its position, and
  ``source_text`` gives back the characters the document has there.

On a document whose tail has no ``<`` (every ordinary page) the parser sees exactly
the document and calls the same handlers with the same arguments. In a tail that has
one (a page cut inside a tag, a run of unclosed comments) the text read is the same,
except that character references there are decoded, as in the rest of the text
(the standard parser copies a failed construct's text raw).
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

# Stands for a "<" after the document's last ">": plain text to the parser's every pattern,
# as "<" is in attribute names and values (neither a space, a quote, "/", "=", ">", NUL nor a letter).
_MASK = "\x01"
_SECTION_NAME = re.compile(r"[a-zA-Z][-_.a-zA-Z0-9]*")


class LinearHTMLParser(HTMLParser):
    """An ``HTMLParser`` over one whole document (``raw``, which starts at offset ``base``
    of the source), parsed with ``parse()`` in time linear in its length."""

    def __init__(self, raw: str, base: int = 0):
        super().__init__(convert_charrefs=False)
        self.raw = raw
        self.base = base
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", raw)]
        self._masked_from = len(raw)
        # (buffer, position) from which a comment's closer is known to be missing; per
        # marked-section keyword for sections (the closer depends on the keyword).
        self._unclosed_comment: tuple[str, int] | None = None
        self._unclosed_sections: dict[str, tuple[str, int]] = {}

    def parse(self) -> None:
        """Parse the whole document."""
        last_close = self.raw.rfind(">")
        if "<" in self.raw[last_close + 1:]:
            self._masked_from = last_close + 1
            self.feed(self.raw[:last_close + 1] + self.raw[last_close + 1:].replace("<", _MASK))
        else:
            self.feed(self.raw)
        self.close()

    def _offset(self) -> int:
        """The source offset of the parser's position."""
        line, column = self.getpos()
        return self.base + self._line_starts[line - 1] + column

    def source_text(self, data: str) -> str:
        """``data`` as the document has it: text handed over at the parser's position,
        with any masked ``<`` given back."""
        local = self._offset() - self.base
        if local + len(data) > self._masked_from:
            return self.raw[local:local + len(data)]
        return data

    # Buffers are compared by identity: the parser replaces its buffer when it drops what
    # it has read, and positions in the old one mean nothing in the new one.
    def parse_comment(self, i, report=1):
        known = self._unclosed_comment
        if known is not None and known[0] is self.rawdata and i >= known[1]:
            return -1
        end = super().parse_comment(i, report)
        if end < 0:
            self._unclosed_comment = (self.rawdata, i)
        return end

    def parse_marked_section(self, i, report=1):
        name = _SECTION_NAME.match(self.rawdata, i + 3)
        keyword = name.group().lower() if name else None
        known = self._unclosed_sections.get(keyword) if keyword else None
        if known is not None and known[0] is self.rawdata and i >= known[1]:
            return -1
        position = self.getpos()
        try:
            end = super().parse_marked_section(i, report)
        except AssertionError:
            # An unknown keyword ("<![foo[", "<![ x"): the standard parser gives up on the
            # whole document, which would leave a page unchecked for one stray "<![". A
            # browser reads it as a bogus comment to the next ">", and so do we. (Before
            # raising on a missing name, the parser has moved its position past "<![".)
            self.lineno, self.offset = position
            close = self.rawdata.find(">", i + 3)
            return -1 if close < 0 else close + 1
        if end < 0 and keyword:
            self._unclosed_sections[keyword] = (self.rawdata, i)
        return end
