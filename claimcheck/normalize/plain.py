"""Plain text: paragraphs are separated by blank lines; a line break inside a
paragraph is a space when the next line goes on in lower case (hard-wrapped
prose). Otherwise every line is a block: a list item, a heading or slogan, or a
paragraph stored on one line, as scraped pages are. Scraped pages lose their
bullets, so the short unpunctuated lines after a line ending with a colon are
list items too ("Clinics claim the products can:" / "Regrow cartilage"), even
when a blank line sets the list apart from its lead-in, and so is a run of two
or more of them under a short heading ("Warning signs" / "Promises of a cure" /
"Claims of no risk"). A
line that is only an HTML-style comment (``<!-- ... -->``) is a comment, as in
Markdown.
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
# A bulleted line that lost its bullet: short, and not closed like a sentence.
LIST_ITEM_MAX_WORDS = 16


HEADING_MAX_WORDS = 8


_QUOTED_LINE = re.compile(r'^["\u201c\'\u2018].+["\u201d\'\u2019]$')


def _reads_as_item(line: str | None) -> bool:
    """Short and not closed like a sentence; or a whole quotation ("Statements such as:" / a quote a line)."""
    stripped = (line or "").strip()
    if not stripped or len(stripped.split()) > LIST_ITEM_MAX_WORDS:
        return False
    return bool(_QUOTED_LINE.match(stripped)) or not stripped.endswith((".", "!", "?", ":"))


def _opens_list(lines: list[str], index: int) -> bool:
    """Does the line at ``index`` lead a list: it ends with a colon, or it is a short heading
    followed by at least two item-like lines?"""
    line = lines[index].rstrip()
    if line.endswith(":"):
        return True
    return (len(line.split()) <= HEADING_MAX_WORDS and _reads_as_item(line)
            and _two_unbulleted_items(lines[index + 1:index + 3]))


def _two_unbulleted_items(following: list[str]) -> bool:
    """Are these two lines items of a list that lost its bullets?"""
    return len(following) == 2 and all(_reads_as_item(item) and not _LIST_MARKER.match(item) for item in following)


def _unbulleted_run_follows(lines: list[str], index: int) -> bool:
    """After the blank line at ``index``: do two item-like lines without bullets come next?
    Looks past further blank lines without copying the rest of the document, so a page of
    lead-ins and blank lines stays linear."""
    first = index + 1
    while first < len(lines) and not lines[first].strip():
        first += 1
    return _two_unbulleted_items(lines[first:first + 2])


def _is_own_block(line: str, next_line: str | None) -> bool:
    stripped = line.strip()
    if _LIST_MARKER.match(line):
        return True
    if next_line is not None and _LIST_MARKER.match(next_line):
        return True
    if next_line is None:
        return True
    following = next_line.strip()
    if not following:
        return True
    if stripped.endswith((",", ";", "(")):
        return False
    # A line followed by one that starts a new sentence ends a block: a heading,
    # a slogan, or a paragraph stored on one line (as scraped pages are). Only a
    # hard-wrapped sentence goes on in lower case, and one block per sentence
    # costs hard-wrapped prose nothing.
    return not following[0].islower()


def normalize_plain(raw: str) -> NormalizedText:
    builder = TextBuilder()
    lines = raw.split("\n")
    offset = 0
    in_list = False  # the lines just after a lead-in ending with ':' are a list
    list_started = False  # a list item has been taken since the lead-in
    for index, line in enumerate(lines):
        next_line = lines[index + 1] if index + 1 < len(lines) else None
        comment = _COMMENT_LINE.match(line)
        if comment:
            builder.end_block()
            builder.comment(offset + line.index("<!--"), offset + line.rindex("-->") + 3, comment.group(1))
        elif not line.strip():
            builder.end_block()
            # Scraped pages often set the list apart from its lead-in by a blank line
            # ("among them:" / "" / "Stroke" / "Epilepsy"); a blank line after items ends the
            # list, and so does one before a lone short line (a heading over a new section).
            in_list = in_list and not list_started and _unbulleted_run_follows(lines, index)
        else:
            marker = _LIST_MARKER.match(line)
            own_block = _is_own_block(line, next_line)
            if marker:
                builder.end_block()
                builder.set_block_kind("list_item")
                builder.add(line[marker.end():], offset + marker.end())
                list_started = True
            elif in_list and own_block and _reads_as_item(line):
                builder.end_block()
                builder.set_block_kind("list_item")
                builder.add(line, offset)
                list_started = True
            else:
                builder.add(line, offset)
                in_list = False
            if own_block and _opens_list(lines, index):
                in_list, list_started = True, False
            if own_block:
                builder.end_block()
            else:
                builder.space(offset + len(line))
        offset += len(line) + 1
    return builder.build(len(raw))
