"""Lists of links (menus, lists of related pages), found by structure, and texts without them.

The HTML parser counts, for each block, its link text, its links and whether it lies
in a ``<nav>``; ``LinkMarkingBuilder`` keeps those counts per block as it closes them.
A block that is mostly link text (``LINK_DENSITY`` of its visible characters) is a
list of links when it is a list item or table cell, or holds two links or more: a
menu wherever it sits. A paragraph that is one link is a call to action ("Book your
consultation"): ad copy, never a list, except in a ``<nav>``, where it is a menu item. ``keep_blocks`` rebuilds a text from some of
its blocks, every character keeping its raw offset.
"""
from __future__ import annotations

from array import array

from claimcheck.model import Block, NormalizedText
from claimcheck.normalize.builder import TextBuilder

LINK_DENSITY = 0.6


class LinkMarkingBuilder(TextBuilder):
    """A TextBuilder that remembers, for each block it closes, (link characters, links,
    inside a nav). The parser adds to ``link_chars`` and ``links`` and sets ``in_nav``."""

    def __init__(self) -> None:
        super().__init__()
        self.link_chars = 0
        self.links = 0
        self.in_nav = False
        self.marks: list[tuple[int, int, bool]] = []

    def end_block(self) -> None:
        before = len(self._blocks)
        super().end_block()
        if len(self._blocks) > before:
            self.marks.append((self.link_chars, self.links, self.in_nav))
        self.link_chars = self.links = 0
        self.in_nav = False


def is_link_list(body: str, kind: str, link_chars: int, links: int, in_nav: bool = False) -> bool:
    visible = len(body) - body.count(" ")
    return visible > 0 and (links >= 2 or in_nav or kind in ("list_item", "cell")) \
        and link_chars >= LINK_DENSITY * visible


def without_menus(text: NormalizedText, marks: list[tuple[int, int, bool]]) -> NormalizedText:
    """``text`` without the lists of links inside a ``<nav>``: a site's menu is not ad copy,
    but whatever else a nav holds is read like any other text."""
    if len(marks) != len(text.blocks) or not any(in_nav for _, _, in_nav in marks):
        return text
    keep = [not (in_nav and is_link_list(text.text[block.start:block.end], block.kind, link_chars, links, in_nav))
            for block, (link_chars, links, in_nav) in zip(text.blocks, marks)]
    return keep_blocks(text, keep)


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
