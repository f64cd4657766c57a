"""Markdown: block structure from markdown-it-py, inline text mapped back to raw.

markdown-it gives each block its source lines and each inline run as a token;
we find every text token in the raw lines in order (a forward-only cursor), so
the normalized text keeps exact offsets: emphasis markers, link targets and
code fences are dropped, image alt text and link text are kept, entities and
backslash escapes are decoded. Raw HTML blocks go through the HTML normalizer
with their offset; HTML comments (inline or block) are recorded for
suppressions. YAML front matter is skipped.
"""
from __future__ import annotations

import re

from markdown_it import MarkdownIt

from claimcheck.model import NormalizedText
from claimcheck.normalize.builder import TextBuilder
from claimcheck.normalize.html import WORD_INTERNAL, parse_into
from claimcheck.normalize.stylesheet import page_stylesheet

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
_COMMENT = re.compile(r"<!--(.*?)-->", re.S)

_parser: MarkdownIt | None = None


def _markdown() -> MarkdownIt:
    global _parser
    if _parser is None:
        _parser = MarkdownIt("commonmark").enable("table")
        _parser.disable("text_join")  # keep entities and escapes as their own tokens
    return _parser


class _Walker:
    def __init__(self, raw: str, builder: TextBuilder):
        self.raw = raw
        self.builder = builder
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", raw)]
        self.cursor = 0

    def line_offset(self, line: int) -> int:
        return self.line_starts[min(line, len(self.line_starts) - 1)]

    def locate(self, needle: str, limit: int) -> int | None:
        if not needle:
            return None
        found = self.raw.find(needle, self.cursor, limit)
        return None if found < 0 else found

    def inline(self, token, line_range) -> None:
        start_line, end_line = line_range
        self.cursor = max(self.cursor, self.line_offset(start_line))
        limit = self.line_offset(end_line) if end_line < len(self.line_starts) else len(self.raw)
        for child in token.children or []:
            kind = child.type
            if kind in ("text", "code_inline"):
                self._copy(child.content, limit)
            elif kind == "text_special":
                at = self.locate(child.markup, limit)
                if at is None:
                    self.builder.add_replacement(child.content, self.cursor, self.cursor)
                else:
                    self.builder.add_replacement(child.content, at, at + len(child.markup))
                    self.cursor = at + len(child.markup)
            elif kind == "image":
                self.builder.space(self.cursor)
                self._copy(child.content, limit)
                self.builder.space(self.cursor)
            elif kind in ("softbreak", "hardbreak"):
                self.builder.space(self.cursor)
            elif kind == "html_inline":
                at = self.locate(child.content, limit)
                if at is not None:
                    self.cursor = at + len(child.content)
                    for match in _COMMENT.finditer(child.content):
                        self.builder.comment(at + match.start(), at + match.end(), match.group(1))
                tag = _TAG_NAME.match(child.content)
                if not (tag and tag.group(1).lower() in WORD_INTERNAL):  # "F<b>DA</b>" is one word, as in HTML
                    self.builder.space(self.cursor)
            elif kind.endswith(("_open", "_close")):
                # Emphasis markers touch the word: no space. Links keep their text.
                pass

    def _copy(self, content: str, limit: int) -> None:
        at = self.locate(content, limit)
        if at is None:
            self.builder.add_replacement(content, self.cursor, self.cursor)
            return
        self.builder.add(content, at)
        self.cursor = at + len(content)


def normalize_markdown(raw: str) -> NormalizedText:
    builder = TextBuilder()
    source = raw
    front = _FRONT_MATTER.match(raw)
    if front:
        # Keep line numbers: blank out the front matter instead of cutting it.
        source = "\n" * front.group().count("\n") + raw[front.end():]
    walker = _Walker(raw, builder)
    stylesheet = page_stylesheet(raw)  # a <style> block's rules reach the HTML blocks after it too
    block_kind = ["paragraph"]
    heading_level = 0
    covered, deepest = 0, 0  # the last line a leaf block came from; the deepest nesting seen
    for token in _markdown().parse(source):
        kind = token.type
        deepest = max(deepest, token.level)
        if token.map and kind in ("inline", "html_block", "fence", "code_block", "hr"):
            covered = max(covered, token.map[1])
        if kind == "heading_open":
            heading_level = int(token.tag[1])
            block_kind.append("heading")
        elif kind == "list_item_open":
            block_kind.append("list_item")
        elif kind == "blockquote_open":
            block_kind.append("blockquote")
        elif kind in ("th_open", "td_open"):
            block_kind.append("cell")
        elif kind in ("heading_close", "list_item_close", "blockquote_close", "th_close", "td_close"):
            if len(block_kind) > 1:
                block_kind.pop()
            builder.end_block()
        elif kind == "inline":
            builder.end_block()
            builder.set_block_kind(block_kind[-1], heading_level if block_kind[-1] == "heading" else 0)
            if token.map:
                walker.inline(token, token.map)
            builder.end_block()
        elif kind == "html_block" and token.map:
            builder.end_block()
            start = walker.line_offset(token.map[0])
            end = walker.line_offset(token.map[1]) if token.map[1] < len(walker.line_starts) else len(raw)
            parse_into(builder, raw[start:end], base=start, stylesheet=stylesheet)
            builder.end_block()
            walker.cursor = max(walker.cursor, end)
        elif kind in ("fence", "code_block", "hr"):
            builder.end_block()
    if deepest >= _markdown().options["maxNesting"] - 2:
        _read_rest_as_lines(raw, walker, covered, builder)
    return builder.build(len(raw))


def _read_rest_as_lines(raw: str, walker: _Walker, covered: int, builder: TextBuilder) -> None:
    """markdown-it stops at its nesting limit (20 levels of lists or quotes) and drops the rest
    of the file: ten nested list items would hide the ad under them. Whatever it left unread
    is read line by line, one block a line, so nothing after such a construct is lost."""
    if covered >= len(walker.line_starts) or not raw[walker.line_offset(covered):].strip():
        return
    builder.end_block()
    for line_number in range(max(covered, 0), len(walker.line_starts)):
        start = walker.line_offset(line_number)
        end = walker.line_starts[line_number + 1] if line_number + 1 < len(walker.line_starts) else len(raw)
        line = raw[start:end]
        stripped = line.lstrip(" \t>-*+")
        if stripped.strip():
            builder.add(stripped.rstrip("\n"), start + len(line) - len(stripped))
            builder.end_block()
