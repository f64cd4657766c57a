"""Main-content extraction for crawled HTML, with exact offsets into the original page.

A crawled page is mostly template: menus, the site header and footer, sidebars,
cookie banners, sign-up forms. Linting them would repeat the same findings on
every page of a site and drown the page's own copy, so ``scan`` drops them.

The heuristic (no library: the maintained ones - trafilatura, jusText,
readability - return text without source positions, and every finding must
point at a line and column of the page as crawled):

1. The page is parsed by the same ``html.parser`` normalizer as ``check``
   (``claimcheck.normalize.html``), so offsets stay exact. This module only
   watches the elements go by and marks each text block as boilerplate when it
   lies inside:

   * a template element: ``header``, ``footer``, ``aside``, ``form``,
     ``dialog``, ``menu`` (``nav`` is already skipped by the normalizer);
   * an element whose ARIA role is a template landmark (``banner``,
     ``navigation``, ``contentinfo``, ``complementary``, ``search``,
     ``dialog``, ``alertdialog``, ``menu``, ``menubar``) or ``aria-hidden="true"``;
   * an element whose ``class`` or ``id`` has a word naming a template part
     (``cookie``, ``consent``, ``gdpr``, ``navbar``, ``menu``, ``breadcrumb``,
     ``sidebar``, ``footer``, ``header``, ``masthead``, ``share``, ``social``,
     ``newsletter``, ``subscribe``, ``popup``, ``modal``, ``related``,
     ``comments``, ``pagination``; words are split on ``-``, ``_`` and case,
     so ``site-footer`` and ``cookieBanner`` count, ``headerless`` does not).

   Only elements that need an end tag are considered (``div``, ``section`` ...),
   so an unclosed ``<p class="share">`` cannot swallow the rest of the page.
2. A block that is mostly link text (at least ``LINK_DENSITY`` of its
   characters inside ``<a>``) is a menu or a list of related links wherever it
   sits, and is boilerplate too, when it is a list item or table cell, or holds
   two links or more. A paragraph that is one link is a call to action
   ("Start your rejuvenation journey"): ad copy, kept.
3. A boilerplate block that discloses something (a knowledge-base risk term,
   or a disclosure phrase such as "not FDA-approved") is kept: footers are
   where clinics put their disclaimers, and dropping them would make the
   document-level "missing disclosure" rules fire on every page.

The blocks that remain are joined exactly as the normalizer joins blocks (a
blank line between them), and every character keeps its raw offset, so a
finding maps to the original page's line, column and offset.

Boilerplate that a site repeats in its main content (outside any of the
markers above) is not detected across pages: the README ("Scanning crawled
websites", "What is linted") says why.
"""
from __future__ import annotations

import re
from array import array
from dataclasses import dataclass

from claimcheck.model import Block, NormalizedText
from claimcheck.normalize.builder import TextBuilder
from claimcheck.normalize.html import VOID, VisibleTextParser

TEMPLATE_TAGS = frozenset({"header", "footer", "aside", "form", "dialog", "menu"})
TEMPLATE_ROLES = frozenset({"banner", "navigation", "contentinfo", "complementary", "search", "dialog",
                            "alertdialog", "menu", "menubar"})
TEMPLATE_WORDS = frozenset({
    "cookie", "cookies", "consent", "gdpr", "navbar", "nav", "navigation", "menu", "breadcrumb", "breadcrumbs",
    "sidebar", "footer", "header", "masthead", "share", "sharing", "social", "newsletter", "subscribe",
    "popup", "modal", "related", "comments", "pagination", "pager", "topbar",
})
# Elements that always have an end tag in real pages; others (p, li, td ...) may be
# closed implicitly, which html.parser does not report.
CONTAINERS = frozenset({"div", "section", "header", "footer", "aside", "form", "dialog", "menu", "ul", "ol",
                        "table", "span", "article", "main", "details", "figure", "nav", "center"})
LINK_DENSITY = 0.6

_CLASS_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def _class_words(value: str) -> set[str]:
    return {word.lower() for word in _CLASS_WORDS.findall(value)}


def is_template_element(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    """Does this start tag open a part of the site's template rather than the page's copy?"""
    if tag not in CONTAINERS:
        return False
    if tag in TEMPLATE_TAGS:
        return True
    for name, value in attrs:
        if not value:
            continue
        if name == "role" and value.strip().lower() in TEMPLATE_ROLES:
            return True
        if name == "aria-hidden" and value.strip().lower() == "true":
            return True
        if name in ("class", "id") and not TEMPLATE_WORDS.isdisjoint(_class_words(value)):
            return True
    return False


class _MarkingBuilder(TextBuilder):
    """A TextBuilder that remembers, for each block it closes, whether it was template
    and how many of its characters were link text."""

    def __init__(self) -> None:
        super().__init__()
        self.template_depth = 0
        self.link_chars = 0
        self.links = 0
        self.marks: list[tuple[bool, int, int]] = []  # per block: in template, link characters, links

    def end_block(self) -> None:
        before = len(self._blocks)
        super().end_block()
        if len(self._blocks) > before:
            self.marks.append((self.template_depth > 0, self.link_chars, self.links))
        self.link_chars = self.links = 0


class _MainContentParser(VisibleTextParser):
    """The normalizer's parser, also tracking template elements and links."""

    def __init__(self, raw: str, builder: _MarkingBuilder):
        super().__init__(raw, builder)
        self.template_stack: list[str] = []  # tag names of the open template elements and their same-name children
        self.link_depth = 0

    def handle_starttag(self, tag, attrs):
        if not self.skipping and tag not in VOID:
            if self.template_stack:
                if tag == self.template_stack[0]:  # same-name nesting: count it to find the real end tag
                    self.template_stack.append(tag)
            elif is_template_element(tag, attrs):
                self.builder.end_block()
                self.template_stack.append(tag)
                self.builder.template_depth = 1
        super().handle_starttag(tag, attrs)
        if tag == "a" and not self.skipping:
            self.link_depth += 1
            self.builder.links += 1

    def handle_endtag(self, tag):
        super().handle_endtag(tag)
        if tag == "a" and self.link_depth:
            self.link_depth -= 1
        if self.template_stack and tag == self.template_stack[0] and not self.skipping:
            self.template_stack.pop()
            if not self.template_stack:
                self.builder.end_block()
                self.builder.template_depth = 0

    def handle_data(self, data):
        super().handle_data(data)
        if self.link_depth and self._visible():
            self.builder.link_chars += len(data) - data.count(" ") - data.count("\n")


@dataclass(frozen=True)
class Disclosures:
    """Words that make a block worth keeping even in the template: risks and disclaimers."""

    pattern: re.Pattern

    @classmethod
    def from_pack(cls, pack) -> "Disclosures":
        phrases = [term for risk in pack.kb.risks.values() for term in risk.get("terms", [])]
        phrases += [p for entry in pack.lexicon if entry.label == "disclosure" for p in entry.phrases]
        return cls(phrase_pattern(phrases))

    def found_in(self, text: str) -> bool:
        return self.pattern.search(text.lower()) is not None


def phrase_pattern(phrases) -> re.Pattern:
    """One regular expression for lower-case phrases: whole words, any whitespace between them."""
    parts = sorted({re.escape(p.lower()).replace(r"\ ", r"\s+") for p in phrases if p.strip()}, key=len, reverse=True)
    if not parts:
        return re.compile(r"(?!)")
    return re.compile(r"(?<!\w)(?:%s)(?!\w)" % "|".join(parts))


def main_content(raw: str, disclosures: Disclosures | None = None) -> NormalizedText:
    """The page's own copy as lintable text; offsets point into ``raw``."""
    builder = _MarkingBuilder()
    parser = _MainContentParser(raw, builder)
    parser.feed(raw)
    parser.close()
    full = builder.build(len(raw))
    if len(builder.marks) != len(full.blocks):  # never expected; keep everything rather than guess
        return full
    keep = []
    for block, (in_template, link_chars, links) in zip(full.blocks, builder.marks):
        body = full.text[block.start:block.end]
        visible = len(body) - body.count(" ")
        link_list = (links >= 2 or block.kind in ("list_item", "cell")) and link_chars >= LINK_DENSITY * visible
        boilerplate = in_template or (visible > 0 and link_list)
        keep.append(not boilerplate or (disclosures is not None and disclosures.found_in(body)))
    return keep_blocks(full, keep)


def keep_blocks(text: NormalizedText, keep: list[bool]) -> NormalizedText:
    """``text`` with only the blocks marked True, joined by blank lines, offsets kept."""
    if all(keep):
        return text
    parts: list[str] = []
    offsets = array("i")
    blocks: list[Block] = []
    replaced: dict[int, int] = {}
    length = 0
    for block, kept in zip(text.blocks, keep):
        if not kept:
            continue
        if length:
            # The separator points at the next block's start, as TextBuilder does.
            parts.append("\n\n")
            start_raw = text.raw_offsets[block.start]
            offsets.extend((start_raw, start_raw))
            length += 2
        parts.append(text.text[block.start:block.end])
        offsets.extend(text.raw_offsets[block.start:block.end])
        shift = length - block.start
        for index, end in text.replaced_ends.items():
            if block.start <= index < block.end:
                replaced[index + shift] = end
        blocks.append(Block(block.start + shift, block.end + shift, block.kind, block.level))
        length += block.end - block.start
    offsets.append(text.raw_offsets[-1])
    return NormalizedText(text="".join(parts), raw_offsets=offsets, blocks=blocks,
                          comments=text.comments, replaced_ends=replaced)
