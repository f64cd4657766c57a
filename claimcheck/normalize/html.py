"""HTML: what a reader sees, with offsets into the raw markup.

Uses the standard library's ``html.parser`` with ``convert_charrefs=False`` so
that every text run and every entity arrives with its own position, through
``linear_html.py``, which keeps it linear on markup that never closes. Never
linted: script, style, template, math, iframe and the document head
(except the title and the meta and Open Graph descriptions, which searchers
and patients read as ad copy). Comments are recorded for suppressions. Block
elements end a block (and so a sentence); ``img`` alt text is a block of its
own. Also read, because a reader sees them: ``<noscript>`` content, ``<option>``
text, the ``<text>`` of an inline SVG, and, each as a block of its own placed
after the block it appears in (so that it cannot split a sentence), ``title``
attributes (tooltips; one that repeats the words right after it is skipped) and
the labels of ``<input type=button|submit|reset>``. Text a reader cannot see
(``display:none``, same colour as its background ..., set inline or by a class or id
rule of the page's ``<style>``: ``stylesheet.py``) is read into blocks of kind
``hidden``. A ``<nav>`` is read too, except its lists of links (``link_lists.py``):
a menu is not ad copy, a paragraph of claims in a nav is.
"""
from __future__ import annotations

import html
import re
from typing import NamedTuple

from claimcheck.model import NormalizedText
from claimcheck.normalize.builder import TextBuilder
from claimcheck.normalize.linear_html import LinearHTMLParser
from claimcheck.normalize.link_lists import LinkMarkingBuilder, without_menus
from claimcheck.normalize.stylesheet import MAX_ANCESTORS, Element, Stylesheet, page_stylesheet

SKIPPED = {"script", "style", "template", "svg", "math", "iframe", "object", "canvas", "head"}
# Inside a skipped <svg>, the elements whose text is drawn: read, each a block.
SVG_TEXT = "text"
# <tspan> attributes that move the text elsewhere: a word boundary, not a style change.
_TSPAN_MOVES = frozenset({"x", "y", "dx", "dy"})
BUTTON_INPUTS = frozenset({"button", "submit", "reset"})
# Head <meta> whose content searchers read as the page's summary.
DESCRIPTION_METAS = frozenset({"description", "og:description", "twitter:description"})
# How far after a tooltip's tag its words are looked for (a link titled with its own text).
_TOOLTIP_NEAR = 1000
_TAG = re.compile(r"<[^>]*>")
_NOT_WORD = re.compile(r"[\W_]+")
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
    if values.get("width", "").strip() in ("0", "1") and values.get("height", "").strip() in ("0", "1"):
        return True
    return _hidden_by_layout(style)


_LENGTH = re.compile(r"\s*(-?\d+(?:\.\d+)?)\s*(px|pt|em|rem|%)?\s*(?:!important)?\s*$", re.I)


def _length(value: str | None) -> float | None:
    """A CSS length in pixels-ish units (em and rem as 16px), or None when it is not one."""
    match = _LENGTH.match(value or "")
    if not match:
        return None
    number, unit = float(match.group(1)), (match.group(2) or "px").lower()
    return number * 16 if unit in ("em", "rem") else None if unit == "%" else number


def _hidden_by_layout(style: dict[str, str]) -> bool:
    """Layout that keeps content from a reader: sized to a pixel or none (``width:1px;height:1px``),
    collapsed with its overflow hidden (``height:0;overflow:hidden``), or placed far off the
    screen (``position:absolute;left:-9999px``, ``text-indent:-9999px``): the "visually hidden"
    patterns, which a screen reader reads and a customer never sees."""
    width, height = _length(style.get("width")), _length(style.get("height"))
    if width is not None and height is not None and width <= 1 and height <= 1:
        return True
    collapsed = [_length(style.get(name)) for name in ("height", "max-height", "width", "max-width")]
    if "hidden" in style.get("overflow", "").lower() and any(v is not None and v <= 1 for v in collapsed):
        return True
    if style.get("position", "").strip().lower() in ("absolute", "fixed"):
        offsets = [_length(style.get(name)) for name in ("left", "top", "right")]
        if any(v is not None and v <= -1000 for v in offsets):
            return True
    if _clipped_away(style):
        return True
    indent = _length(style.get("text-indent"))
    return indent is not None and indent <= -1000


_RECT = re.compile(r"\s*rect\(([^)]*)\)", re.I)
_INSET = re.compile(r"\s*inset\(\s*(\d+(?:\.\d+)?)%", re.I)


def _clipped_away(style: dict[str, str]) -> bool:
    """Clipped to nothing: ``clip: rect(0 0 0 0)`` (or to a pixel) on a positioned element, as
    the "visually hidden" patterns do, or ``clip-path: inset(50%)``."""
    inset = _INSET.match(style.get("clip-path", ""))
    if inset and float(inset.group(1)) >= 50:
        return True
    rect = _RECT.match(style.get("clip", ""))
    if not rect or style.get("position", "").strip().lower() not in ("absolute", "fixed"):
        return False
    sides = [_length(side) for side in re.split(r"[\s,]+", rect.group(1).strip())]
    if len(sides) != 4 or None in sides:
        return False
    top, right, bottom, left = sides
    return bottom - top <= 1 or right - left <= 1


def _hidden_by_sheet(declarations: dict[str, str]) -> bool:
    """Do these declarations (a page's ``<style>`` rules for an element, its inline style over
    them) hide it? The same tests as an inline style's."""
    return bool(_HIDING_STYLE.search(";".join(f"{name}:{value}" for name, value in declarations.items()))) \
        or _hidden_by_layout(declarations)


BLOCKS = {
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hr", "html", "legend", "li", "main", "ol", "option", "p", "pre",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "ul", "br", "nav",
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


class _OpenElement(NamedTuple):
    """An open element: what selectors read of it, whether it hides its content, and its
    background (its own, from its inline style or the page's rules, or inherited)."""

    element: Element
    hides: bool
    background: str | None


class _VisibleText(LinearHTMLParser):
    def __init__(self, raw: str, builder: TextBuilder, base: int = 0, stylesheet: Stylesheet | None = None,
                 linked_stylesheets: tuple[str, ...] = ()):
        super().__init__(raw, base)
        self.builder = builder
        # The rules that can hide: a Markdown file's, for each of its HTML blocks, or the page's
        # own <style> rules after those of the stylesheets it links.
        self.stylesheet = stylesheet if stylesheet is not None else page_stylesheet(raw, linked_stylesheets)
        self.skipping: list[str] = []
        self.open: list[_OpenElement] = []
        self.hiding_open = 0  # how many of the open elements hide their content
        self.svg_hides = False  # the <svg> being skipped is itself hidden
        # Attribute text read after the current block ends: (text, raw start, block kind, hidden).
        self.deferred: list[tuple[str, int, str, bool]] = []
        self.head_texts: set[str] = set()  # descriptions read, so og:description = description is read once
        # Links and navs, counted into the builder's block marks when it keeps them (link_lists.py).
        self.marking = isinstance(builder, LinkMarkingBuilder)
        self.link_depth = 0
        self.nav_depth = 0

    # -- tags ----------------------------------------------------------------
    def handle_starttag(self, tag, attrs):
        attrs = [(name, self.unmasked(value) if value else value) for name, value in attrs]
        if self.skipping:
            self._skipped_starttag(tag, attrs)
            return
        values = {name.lower(): (value or "") for name, value in attrs}
        style = _declarations(values["style"]) if "style" in values else {}
        declared = self.stylesheet.declarations(
            tag, values, lambda: [o.element for o in self.open[-MAX_ANCESTORS:]]) if self.stylesheet is not None else {}
        # The page's rules under the inline style, as the cascade has it (bar !important).
        effective = {**declared, **style} if declared else style
        background = _colour(effective.get("background-color") or effective.get("background")) \
            or (self.open[-1].background if self.open else None)
        hides = _hidden(values, effective, background) or (bool(declared) and _hidden_by_sheet(effective))
        if tag in SKIPPED:
            self.skipping.append(tag)
            self.svg_hides = hides or self.hiding_open > 0
            return
        if tag not in VOID:
            self.open.append(_OpenElement(Element.of(tag, values), hides, background))
            if hides:
                self._flush_deferred()
                self.hiding_open += 1
                self.builder.enter_hidden()
        if "title" in values:
            self._defer_attribute("title", "tooltip", hides)
        if tag in BLOCKS and not (tag == "br" and self._line_goes_on()):
            self._end_block()
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
        elif tag == "a":
            self.link_depth += 1
            if self.marking:
                self.builder.links += 1
        elif tag == "nav":
            self.nav_depth += 1
        elif tag == "input" and values.get("type", "").strip().lower() in BUTTON_INPUTS:
            self._defer_attribute("value", "control", hides)

    def _line_goes_on(self) -> bool:
        """After a <br>: does the next line go on with the same sentence, in lower case
        ("FDA<br>approved")? Then the break is a space, as a reader reads it; a line that
        starts with a capital, a digit or another <br> starts a block, as before."""
        position = self._offset() - self.base + len(self.get_starttag_text() or "")
        limit = min(len(self.raw), position + 200)
        while position < limit:
            char = self.raw[position]
            if char.isspace():
                position += 1
            elif char == "<" and not self.raw.startswith(("<br", "<BR", "<Br"), position):
                end = self.raw.find(">", position, limit)
                if end < 0:
                    return False
                position = end + 1
            else:
                return char.islower()
        return False

    def _skipped_starttag(self, tag, attrs) -> None:
        """A start tag inside a skipped element: only a title, head descriptions and SVG text are read."""
        top = self.skipping[-1]
        if tag == SVG_TEXT and top == "svg":
            self.skipping.append("#svgtext")
            self._end_block()
            if self.svg_hides:
                self.builder.enter_hidden()
            return
        if top == "#svgtext":
            if tag == "tspan" and not _TSPAN_MOVES.isdisjoint(name for name, _ in attrs):
                self.builder.space(self._offset())
            return
        if tag in SKIPPED and tag not in VOID:
            self.skipping.append(tag)
        if tag == "title" or (tag == "meta" and self.skipping == ["head"]):
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
            if self.skipping[-1] == "#svgtext" and tag in (SVG_TEXT, "svg"):
                self.skipping.pop()
                self._end_block()
                if self.svg_hides:
                    self.builder.leave_hidden()
            if tag == self.skipping[-1]:
                self.skipping.pop()
            elif tag in self.skipping:  # broken nesting: close up to the matching tag
                del self.skipping[self.skipping.index(tag):]
            return
        if tag in BLOCKS:
            self._end_block()
        elif tag not in WORD_INTERNAL:
            self.builder.space(self._offset())
        if tag == "a" and self.link_depth:
            self.link_depth -= 1
        elif tag == "nav" and self.nav_depth:
            self.nav_depth -= 1
        self._close(tag)

    def _close(self, tag: str) -> None:
        """Close ``tag`` and whatever its end tag implicitly closes; leave hidden content
        when a hiding element closes."""
        if not any(open_element.element.tag == tag for open_element in self.open):
            return
        while self.open:
            closed = self.open.pop()
            if closed.hides:
                self.hiding_open -= 1
                self.builder.leave_hidden()
            if closed.element.tag == tag:
                return

    def _head_text(self, tag, attrs):
        if tag == "title":
            # Title text arrives as data while "head" is being skipped; let it through.
            self.skipping.append("#title")
            self.builder.end_block()
            self.builder.set_block_kind("title")
        elif tag == "meta":
            names = {(value or "").strip().lower() for name, value in attrs if name in ("name", "property")}
            if not DESCRIPTION_METAS.isdisjoint(names):
                content = html.unescape(dict(attrs).get("content") or "")
                if _NOT_WORD.sub(" ", content.casefold()).strip() not in self.head_texts:
                    self.head_texts.add(_NOT_WORD.sub(" ", content.casefold()).strip())
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

    def _defer_attribute(self, attribute: str, kind: str, hides: bool) -> None:
        """Read an attribute a reader sees (a tooltip, a button's label) as a block of its own
        once the current block ends: read where it stands, it would split a sentence."""
        tag_text = self.get_starttag_text() or ""
        span = _attribute_span(tag_text, attribute)
        if span is None or not tag_text[span[0]:span[1]].strip():
            return
        text, start = tag_text[span[0]:span[1]], self._offset()
        if kind == "tooltip":
            # A link or image titled with its own words ("<a title='Knee care'>Knee care</a>") says nothing new.
            local = start - self.base
            near = tag_text[:span[0]] + " " + tag_text[span[1]:] + " " + \
                self.raw[local + len(tag_text):local + len(tag_text) + len(text) + _TOOLTIP_NEAR]
            words = _NOT_WORD.sub("", html.unescape(text).casefold())
            if words in _NOT_WORD.sub("", html.unescape(_TAG.sub("", near)).casefold()):
                return
        self.deferred.append((text, start + span[0], kind, hides or self.hiding_open > 0))

    def _end_block(self) -> None:
        self.builder.end_block()
        self._flush_deferred()

    def _flush_deferred(self) -> None:
        if not self.deferred:
            return
        items, self.deferred = self.deferred, []
        self.builder.end_block()
        for text, start, kind, hidden in items:
            wrap = hidden and not self.hiding_open  # read after its hidden element closed
            if wrap:
                self.builder.enter_hidden()
            self.builder.set_block_kind(kind)
            add_with_entities(self.builder, text, start)
            self.builder.end_block()
            if wrap:
                self.builder.leave_hidden()

    def close(self):
        super().close()
        self._flush_deferred()

    # -- text ------------------------------------------------------------------
    def _visible(self) -> bool:
        return not self.skipping or self.skipping[-1] in ("#title", "#svgtext")

    def handle_data(self, data):
        if self._visible():
            data = self.source_text(data)
            self.builder.add(data, self._offset())
            if self.marking:
                if self.link_depth:
                    self.builder.link_chars += len(data) - data.count(" ") - data.count("\n")
                if self.nav_depth and not data.isspace():
                    self.builder.in_nav = True

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
        self.builder.comment(start, start + len(data) + 7, self.unmasked(data))

    def handle_pi(self, data):
        pass

    def unknown_decl(self, data):
        pass


# The parser, public for callers that watch the elements go by while it builds the
# text (``normalize/main_content.py`` marks a crawled page's template this way).
VisibleTextParser = _VisibleText


def parse_into(builder: TextBuilder, raw: str, base: int = 0, stylesheet: Stylesheet | None = None) -> None:
    """Feed an HTML fragment that starts at raw offset ``base`` into ``builder``, hidden text
    decided with ``stylesheet`` (by default the fragment's own ``<style>`` rules)."""
    _VisibleText(raw, builder, base, stylesheet).parse()


def normalize_html(raw: str, linked_stylesheets: tuple[str, ...] = ()) -> NormalizedText:
    """``raw``'s visible text; ``linked_stylesheets`` are the texts of the stylesheets it
    links, read by the loader, whose rules hide text as its own ``<style>`` rules do."""
    builder = LinkMarkingBuilder()
    _VisibleText(raw, builder, linked_stylesheets=linked_stylesheets).parse()
    return without_menus(builder.build(len(raw)), builder.marks)
