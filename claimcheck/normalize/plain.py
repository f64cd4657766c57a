"""Plain text: paragraphs are separated by blank lines; a single line break
inside a paragraph is a space (hard-wrapped prose), except that a list item, or
a line with no closing punctuation followed by a line starting a new sentence
(a heading, a slogan), stands as its own block. A line that is only an
HTML-style comment (``<!-- ... -->``) is a comment, as in Markdown.
"""
from __future__ import annotations

import re

from claimcheck.normalize.builder import TextBuilder
from claimcheck.model import NormalizedText

# A line that is only an HTML-style comment is a suppression comment's home in
# plain text (the same syntax as in Markdown); it is recorded, never linted.
_COMMENT_LINE = re.compile(r"^\s*<!--(.*?)-->\s*$")
_LIST_MARKER = re.compile(r"^\s*(?:[-*•·▪◦‣+]|\d{1,3}[.)])\s+")
_SENTENCE_END = (".", ",", ";", ":", "!", "?", "\u201d", '"', ")")


def _is_own_block(line: str, next_line: str | None) -> bool:
    stripped = line.strip()
    if _LIST_MARKER.match(line):
        return True
    if next_line is not None and _LIST_MARKER.match(next_line):
        return True
    if stripped.endswith(_SENTENCE_END) or next_line is None:
        return next_line is None
    # A line that does not end like running prose, followed by a line that
    # starts a new sentence, is a heading or a slogan; a hard-wrapped sentence
    # goes on in lower case.
    following = next_line.strip()
    return not following or not following[0].islower()


def normalize_plain(raw: str) -> NormalizedText:
    builder = TextBuilder()
    lines = raw.split("\n")
    offset = 0
    for index, line in enumerate(lines):
        next_line = lines[index + 1] if index + 1 < len(lines) else None
        comment = _COMMENT_LINE.match(line)
        if comment:
            builder.end_block()
            builder.comment(offset + line.index("<!--"), offset + line.rindex("-->") + 3, comment.group(1))
        elif not line.strip():
            builder.end_block()
        else:
            marker = _LIST_MARKER.match(line)
            if marker:
                builder.end_block()
                builder.set_block_kind("list_item")
                builder.add(line[marker.end():], offset + marker.end())
            else:
                builder.add(line, offset)
            if _is_own_block(line, next_line):
                builder.end_block()
            else:
                builder.space(offset + len(line))
        offset += len(line) + 1
    return builder.build(len(raw))
