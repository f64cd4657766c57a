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

* an ``&#`` that starts no character reference has its ``#`` masked, so the parser reads
  it as text and goes on (the standard parser, at the second such ``&#``, hands the rest of
  the document over as text, tags and all, and hidden text would read as shown).

On a document whose tail has no ``<`` (every ordinary page) the parser sees exactly
the document and calls the same handlers with the same arguments. In a tail that has
one (a page cut inside a tag, a run of unclosed comments) the text read is the same,
except that character references there are decoded, as in the rest of the text
(the standard parser copies a failed construct's text raw).
"""
from __future__ import annotations

import re
from html.parser import HTMLParser, charref

# Stands for a "<" after the document's last ">": plain text to the parser's every pattern,
# as "<" is in attribute names and values (neither a space, a quote, "/", "=", ">", NUL nor a letter).
_MASK = "\x01"
_SECTION_NAME = re.compile(r"[a-zA-Z][-_.a-zA-Z0-9]*")
# Stands for the "#" of an "&#" that starts no character reference ("&#;", "&#x;", "&#12a;").
# The standard parser stops at such an "&#" when a ";" follows anywhere; at the second
# one, while closing, it hands the whole rest of the document over as text, tags and
# all, so text a page hides (a display:none disclaimer) would read as shown.
_HASH_MASK = "\x02"
_AMP_HASH = re.compile("&#")


def mask_stray_references(text: str) -> str:
    """``text`` with the ``#`` of each ``&#`` that starts no character reference masked (same
    length, same offsets). Only where the mask cannot be confused with the document's own
    characters, so that ``unmasked`` and ``source_text`` give back exactly what it has."""
    if "&#" not in text or _HASH_MASK in text:
        return text
    return _AMP_HASH.sub(lambda m: m[0] if charref.match(text, m.start()) else "&" + _HASH_MASK, text)


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
        text = mask_stray_references(self.raw)
        last_close = text.rfind(">")
        if "<" in text[last_close + 1:]:
            self._masked_from = last_close + 1
            text = text[:last_close + 1] + text[last_close + 1:].replace("<", _MASK)
        self.feed(text)
        self.close()

    def _offset(self) -> int:
        """The source offset of the parser's position."""
        line, column = self.getpos()
        return self.base + self._line_starts[line - 1] + column

    def source_text(self, data: str) -> str:
        """``data`` as the document has it: text handed over at the parser's position,
        with any masked ``<`` given back."""
        local = self._offset() - self.base
        if local + len(data) > self._masked_from or _HASH_MASK in data:
            return self.raw[local:local + len(data)]
        return data

    @staticmethod
    def unmasked(data: str) -> str:
        """Markup's text (a comment, an attribute value) as the document has it: the parser
        hands those over without ``source_text``, so a masked ``&#`` is given back here."""
        return data.replace("&" + _HASH_MASK, "&#") if _HASH_MASK in data else data

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
