"""HTML: visible text only, with offsets into the raw markup.

Uses the standard library's ``html.parser`` with ``convert_charrefs=False`` so
that every text run and every entity arrives with its own position. Never
linted: script, style, template, svg, noscript, iframe, nav and the document
head (except the title and the meta description, which searchers and patients
read as ad copy). Comments are recorded for suppressions. Block elements end
a block (and so a sentence); ``img`` alt text is a block of its own.
"""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from claimcheck.model import NormalizedText
from claimcheck.normalize.builder import TextBuilder

SKIPPED = {"script", "style", "template", "svg", "math", "noscript", "iframe", "object",
           "canvas", "nav", "select", "head"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr"}
# Phrasing elements that style part of a word without separating it: "F<b>DA</b>" reads
# "FDA" in a browser, so it must here too. Any other inline tag is a word boundary.
WORD_INTERNAL = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins",
                 "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time",
                 "tt", "u", "var"}
# Inline styles that keep an element off the screen (or too small to read).
_HIDING_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|opacity\s*:\s*0(?:\.0*)?\s*(?:;|$)"
                           r"|font-size\s*:\s*[01](?:\.\d+)?\s*(?:px|pt)?\s*(?:;|$)", re.I)
_DECLARATION = re.compile(r"([A-Za-z-]+)\s*:\s*([^;]*)")
# A colour in a style value: #rgb(a), #rrggbb(aa), rgb()/rgba(), or one of the names a page uses to
# hide text (white on white is the classic).
_COLOUR = re.compile(r"#[0-9a-f]{3,8}\b|rgba?\([^)]*\)|\b(?:white|black|transparent)\b", re.I)
_NAMED = {"white": "#ffffff", "black": "#000000"}


def _colour(value: str | None) -> str | None:
    """The first colour in a CSS value, as #rrggbb (None for none, or a see-through one)."""
    match = _COLOUR.search(value or "")
    if not match:
        return None
    found = match.group().lower()
    if found in _NAMED:
        return _NAMED[found]
    if found.startswith("#"):
        digits = found[1:]
        if len(digits) in (3, 4):
            digits = "".join(c * 2 for c in digits)
        if len(digits) == 8 and digits[6:] != "ff" or len(digits) not in (6, 8):
            return None  # partly see-through, or not a colour
        return "#" + digits[:6]
    if found.startswith("rgb"):
        parts = [p.strip() for p in found[found.index("(") + 1:-1].replace("/", ",").replace(" ", ",").split(",")
                 if p.strip()]
        try:
            channels = [min(255, max(0, round(float(p[:-1]) * 2.55 if p.endswith("%") else float(p))))
                        for p in parts[:3]]
            alpha = float(parts[3].rstrip("%")) / (100 if parts[3].endswith("%") else 1) if len(parts) > 3 else 1.0
        except ValueError:
            return None
        return "#%02x%02x%02x" % tuple(channels) if len(channels) == 3 and alpha >= 1 else None
    return None  # transparent


def _declarations(style: str) -> dict[str, str]:
    return {name.lower(): value for name, value in _DECLARATION.findall(style)}


def _hidden(values: dict[str, str], style: dict[str, str], background: str | None) -> bool:
    """Does an element with these attributes (lower-case names), inline style declarations and
    background (its own or its nearest ancestor's inline one) hide its content from a reader?"""
    if "hidden" in values or values.get("aria-hidden", "").lower() == "true":
        return True
    if _HIDING_STYLE.search(values.get("style", "")):
        return True
    colour = _colour(style.get("color"))
    if colour is not None and colour == background:  # text the colour of what is behind it
        return True
    return values.get("width", "").strip() in ("0", "1") and values.get("height", "").strip() in ("0", "1")


BLOCKS = {
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hr", "html", "legend", "li", "main", "ol", "option", "p", "pre",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "ul", "br",
    "button", "label",
}
BLOCK_KINDS = {"h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading",
               "h6": "heading", "li": "list_item", "td": "cell", "th": "cell", "title": "title",
               "blockquote": "blockquote", "dt": "term", "dd": "definition", "figcaption": "caption",
               "button": "control", "label": "control", "option": "control"}
_ENTITY = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")


def add_with_entities(builder: TextBuilder, raw_text: str, raw_start: int) -> None:
    """Add raw text that may contain character references, keeping offsets."""
    cursor = 0
    for match in _ENTITY.finditer(raw_text):
        decoded = html.unescape(match.group())
        if decoded == match.group():
            continue
        builder.add(raw_text[cursor:match.start()], raw_start + cursor)
        builder.add_replacement(decoded, raw_start + match.start(), raw_start + match.end())
        cursor = match.end()
    builder.add(raw_text[cursor:], raw_start + cursor)


def _attribute_span(tag_text: str, name: str) -> tuple[int, int] | None:
    match = re.search(r"""\s%s\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""" % name, tag_text, re.I)
    if not match:
        return None
    group = next(g for g in (1, 2, 3) if match.group(g) is not None)
    return match.start(group), match.end(group)


class _VisibleText(HTMLParser):
    def __init__(self, raw: str, builder: TextBuilder, base: int = 0):
        super().__init__(convert_charrefs=False)
        self.raw = raw
        self.base = base
        self.builder = builder
        self.skipping: list[str] = []
        # Open elements: name, whether it hides its content, its background (inline, or inherited).
        self.open: list[tuple[str, bool, str | None]] = []
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", raw)]

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.base + self._line_starts[line - 1] + column

    # -- tags ----------------------------------------------------------------
    def handle_starttag(self, tag, attrs):
        if self.skipping:
            if tag in SKIPPED and tag not in VOID:
                self.skipping.append(tag)
            if tag == "title" or (tag == "meta" and self.skipping == ["head"]):
                self._head_text(tag, attrs)
            return
        if tag in SKIPPED:
            self.skipping.append(tag)
            return
        values = {name.lower(): (value or "") for name, value in attrs}
        style = _declarations(values["style"]) if "style" in values else {}
        background = _colour(style.get("background-color") or style.get("background")) \
            or (self.open[-1][2] if self.open else None)
        hides = _hidden(values, style, background)
        if tag not in VOID:
            self.open.append((tag, hides, background))
            if hides:
                self.builder.enter_hidden()
        if tag in BLOCKS:
            self.builder.end_block()
            kind = BLOCK_KINDS.get(tag)
            if kind:
                self.builder.set_block_kind(kind, int(tag[1]) if kind == "heading" else 0)
        elif tag not in WORD_INTERNAL:
            self.builder.space(self._offset())
        if tag == "img":
            if hides:  # a 1x1 or hidden image's alt text is read, but shown to no one
                self.builder.enter_hidden()
            self._attribute_block("alt", "alt")
            if hides:
                self.builder.leave_hidden()
        elif tag == "meta":
            self._head_text(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        if tag in VOID or tag not in SKIPPED:
            self.handle_starttag(tag, attrs)
            if tag not in VOID:
                self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "title" and self.skipping and self.skipping[-1] == "#title":
            self.skipping.pop()
            self.builder.end_block()
            return
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            elif tag in self.skipping:  # broken nesting: close up to the matching tag
                del self.skipping[self.skipping.index(tag):]
            return
        if tag in BLOCKS:
            self.builder.end_block()
        elif tag not in WORD_INTERNAL:
            self.builder.space(self._offset())
        self._close(tag)

    def _close(self, tag: str) -> None:
        """Close ``tag`` and whatever its end tag implicitly closes; leave hidden content
        when a hiding element closes."""
        if not any(name == tag for name, _, _ in self.open):
            return
        while self.open:
            name, hides, _ = self.open.pop()
            if hides:
                self.builder.leave_hidden()
            if name == tag:
                return

    def _head_text(self, tag, attrs):
        if tag == "title":
            # Title text arrives as data while "head" is being skipped; let it through.
            self.skipping.append("#title")
            self.builder.end_block()
            self.builder.set_block_kind("title")
        elif tag == "meta" and dict(attrs).get("name", "").lower() == "description":
            self._attribute_block("content", "meta")

    def _attribute_block(self, attribute: str, kind: str) -> None:
        tag_text = self.get_starttag_text() or ""
        span = _attribute_span(tag_text, attribute)
        if span is None or not tag_text[span[0]:span[1]].strip():
            return
        self.builder.end_block()
        self.builder.set_block_kind(kind)
        add_with_entities(self.builder, tag_text[span[0]:span[1]], self._offset() + span[0])
        self.builder.end_block()

    # -- text ------------------------------------------------------------------
    def _visible(self) -> bool:
        return not self.skipping or self.skipping[-1] == "#title"

    def handle_data(self, data):
        if self._visible():
            self.builder.add(data, self._offset())

    def handle_entityref(self, name):
        self._reference(f"&{name}")

    def handle_charref(self, name):
        self._reference(f"&#{name}")

    def _reference(self, prefix: str) -> None:
        if not self._visible():
            return
        start = self._offset()
        local = start - self.base
        end = start + len(prefix) + (1 if self.raw.startswith(";", local + len(prefix)) else 0)
        raw_ref = self.raw[local:end - self.base]
        self.builder.add_replacement(html.unescape(raw_ref if raw_ref.endswith(";") else raw_ref + ";"), start, end)

    def handle_comment(self, data):
        start = self._offset()
        self.builder.comment(start, start + len(data) + 7, data)

    def handle_pi(self, data):
        pass

    def unknown_decl(self, data):
        pass


# The parser, public for callers that watch the elements go by while it builds the
# text (``normalize/main_content.py`` marks a crawled page's template this way).
VisibleTextParser = _VisibleText


def parse_into(builder: TextBuilder, raw: str, base: int = 0) -> None:
    """Feed an HTML fragment that starts at raw offset ``base`` into ``builder``."""
    parser = _VisibleText(raw, builder, base)
    parser.feed(raw)
    parser.close()


def normalize_html(raw: str) -> NormalizedText:
    builder = TextBuilder()
    parse_into(builder, raw)
    return builder.build(len(raw))
