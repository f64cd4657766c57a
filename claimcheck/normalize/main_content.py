"""Main-content extraction for crawled HTML, with exact offsets into the original page.

A crawled page is mostly template: menus, the site header and footer, sidebars,
cookie banners, sign-up forms. Linting them on every page would repeat the same
findings on every page of a site and drown the page's own copy, so ``scan``
leaves out what a site repeats. What counts as template is decided by what
a reader sees, never by the words in class names, ids or roles: a clinic that
wraps its claims in ``<header class="hero">``, ``<aside>``,
``<div id="comments">`` or ``role="complementary"`` is still read (such wrappers
once turned every failing page into a pass).

No library: the maintained ones - trafilatura, jusText, readability - return
text without source positions, and every finding must point at a line and
column of the page as crawled.

1. The page is parsed by the same ``html.parser`` normalizer as ``check``
   (``claimcheck.normalize.html``), so offsets stay exact and hidden text is
   read the same way (blocks of kind ``hidden``).
2. Structure (``claimcheck.normalize.link_lists``): a block that is mostly link
   text is a menu or a list of related links, and is left out when it is a list
   item or table cell, holds two links or more, or lies in a ``<nav>``. A
   paragraph that is one link is a call to action ("Start your rejuvenation
   journey"): ad copy, kept.
3. Repetition across a site's pages (``claimcheck.normalize.site_template``):
   a block whose text recurs on many pages of the same site is template. The
   caller passes the fingerprints (``block_fingerprint``) of those blocks; each
   is linted on one page of the site (its representative) and left out of the
   others, so a claim in a site-wide banner is reported once instead of never.
   A page seen alone keeps everything.
4. A left-out block that discloses something (a knowledge-base risk term, or a
   disclosure phrase such as "not FDA-approved") is kept: footers are where
   clinics put their disclaimers, and dropping them would make the
   document-level "missing disclosure" rules fire on every page.

The blocks that remain are joined exactly as the normalizer joins blocks (a
blank line between them), and every character keeps its raw offset, so a
finding maps to the original page's line, column and offset.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Container
from dataclasses import dataclass

from claimcheck.model import NormalizedText
from claimcheck.normalize.html import VisibleTextParser
from claimcheck.normalize.link_lists import LinkMarkingBuilder, is_link_list, keep_blocks


def block_fingerprint(block_text: str) -> int:
    """A 64-bit fingerprint of a block's normalized text, the same in every process
    (Python's ``hash`` of a string is salted per process, and Dask workers are processes)."""
    return int.from_bytes(hashlib.blake2b(block_text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


def _parse(raw: str, linked_stylesheets: tuple[str, ...] = ()
           ) -> tuple[NormalizedText, list[tuple[int, int, bool]] | None]:
    """The whole page as the normalizer reads it (with the texts of the stylesheets it links),
    and each block's link marks (None if they do not line up with the blocks: never expected)."""
    builder = LinkMarkingBuilder()
    VisibleTextParser(raw, builder, linked_stylesheets=linked_stylesheets).parse()
    full = builder.build(len(raw))
    return full, (builder.marks if len(builder.marks) == len(full.blocks) else None)


def page_fingerprints(raw: str) -> set[int]:
    """Fingerprints of the page's blocks that ``main_content`` would keep by structure:
    what a site's pages are compared on to find its template."""
    full, marks = _parse(raw)
    fingerprints = set()
    for index, block in enumerate(full.blocks):
        body = full.text[block.start:block.end]
        if marks is None or not is_link_list(body, block.kind, *marks[index]):
            fingerprints.add(block_fingerprint(body))
    return fingerprints


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


def main_content(raw: str, disclosures: Disclosures | None = None,
                 repeated: Container[int] = frozenset(), linked_stylesheets: tuple[str, ...] = ()) -> NormalizedText:
    """The page's own copy as lintable text; offsets point into ``raw``. ``repeated``:
    fingerprints of blocks that this page shares with the rest of its site and that
    are linted elsewhere (``site_template.SiteTemplates.repeated``)."""
    full, marks = _parse(raw, linked_stylesheets)
    if marks is None:  # never expected; keep everything rather than guess
        return full
    keep = []
    for block, (link_chars, links, in_nav) in zip(full.blocks, marks):
        body = full.text[block.start:block.end]
        boilerplate = is_link_list(body, block.kind, link_chars, links, in_nav) or \
            (bool(repeated) and block_fingerprint(body) in repeated)
        keep.append(not boilerplate or (disclosures is not None and disclosures.found_in(body)))
    return keep_blocks(full, keep)
