"""A page's own ``<style>`` rules, as far as they can hide text: found, parsed, matched.

A disclaimer hidden by a class (``.dis{display:none}`` in a ``<style>`` block, then
``<p class="dis">``) is as unseen as one hidden by an inline style. This module owns
reading those rules: the ``<style>`` elements of the document, wherever they stand (a
browser applies a rule to the elements before it as well), are parsed with tinycss2,
and for each element ``declarations`` gives the declarations of the properties that
can hide it (``HIDING_PROPERTIES``) that its rules set, after the cascade. Whether they
hide is decided where inline styles are (``html.py``).

Selectors of types, ``*``, classes and ids, compound (``p.note.small``, ``div#x``) and
joined by descendant and child combinators (``.wrap .note``, ``footer > p``), and lists of
them, are matched; the combinators look through an element's nearest ``MAX_ANCESTORS``
open ancestors. A rule with any other selector (attributes, pseudo-classes, ``+``, ``~``)
is left out, and so is a rule inside a conditional
``@media`` (``@media (max-width: 600px)``), which applies to some screens only; a
selector that such a rule restyles is not taken as hidden by the others, since on some
screens it shows. The local stylesheets a file links are read by the loader
(``load/linked_styles.py``, from ``stylesheet_links``) and come first in the cascade;
none is fetched from the web.

Linear in the document: the ``<style>`` elements are found in one pass, and each rule is
indexed under its last compound's id, one of its classes or its tag, so an element looks
up only the rules that can select it, and each costs at most a pass over its ancestors
per compound.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

import tinycss2

# What can take an element out of a reader's sight (html.py decides from the values).
HIDING_PROPERTIES = frozenset({
    "color", "background-color", "background", "display", "visibility", "opacity", "font-size",
    "width", "height", "max-width", "max-height", "overflow", "position", "left", "top", "right",
    "text-indent", "clip", "clip-path"})
# What the parser does not read as markup: a comment, or the text of a script or style.
_OPENING = re.compile(r"<!--|<(script|style|link)\b", re.I)
_LINK_ATTRIBUTE = re.compile(r"""([^\s=/>]+)\s*(=\s*("[^"]*"|'[^']*'|[^\s>]*))?""")
_STYLE_TAG = re.compile(r"<style\b", re.I)
_CLOSING = {name: re.compile(r"</\s*%s\s*>" % name, re.I) for name in ("script", "style")}
# @media queries that apply to every screen: no condition, only media types.
_ALL_SCREENS = frozenset({"all", "screen"})


def style_texts(raw: str) -> list[str]:
    """The text of every ``<style>`` element of ``raw``, skipping comments and scripts as
    the HTML parser does, in one pass."""
    return [content for kind, content in _style_elements(raw) if kind == "style"]


def stylesheet_links(raw: str) -> list[str]:
    """The ``href`` of every ``<link rel="stylesheet">`` of ``raw`` that applies to every
    screen (no ``media``, or ``all`` or ``screen``), in document order; comments and
    scripts skipped as the HTML parser skips them."""
    hrefs = []
    for kind, tag in _style_elements(raw):
        if kind != "link":
            continue
        attributes = {name.lower(): value.strip("\"'") for name, _, value in _LINK_ATTRIBUTE.findall(tag)}
        media = {part.strip().lower() for part in attributes.get("media", "all").split(",")}
        rel = attributes.get("rel", "").lower().split()
        # An alternate stylesheet applies only when the reader picks it.
        if "stylesheet" in rel and "alternate" not in rel and attributes.get("href") and media <= _ALL_SCREENS:
            hrefs.append(html.unescape(attributes["href"]))
    return hrefs


def _style_elements(raw: str):
    """("style", its text) for each ``<style>`` element and ("link", its tag) for each
    ``<link>``, in one pass over ``raw``."""
    position, comments_close = 0, True
    while True:
        opening = _OPENING.search(raw, position)
        if opening is None:
            return
        if opening.group() == "<!--":
            # A comment that never closes is read as text by the parser, which goes on
            # after it; once one is unclosed, every later one is too (no "-->" after it).
            end = raw.find("-->", opening.end()) if comments_close else -1
            comments_close = end >= 0
            position = end + 3 if end >= 0 else opening.end()
            continue
        tag_end = raw.find(">", opening.end())
        if tag_end < 0:
            return  # no tag ends after here
        name = opening.group(1).lower()
        if name == "link":
            yield "link", raw[opening.end():tag_end]
            position = tag_end + 1
            continue
        closing = _CLOSING[name].search(raw, tag_end + 1)
        if name == "style":
            yield "style", raw[tag_end + 1:closing.start() if closing else len(raw)]
        if closing is None:
            return  # the element runs to the end of the document
        position = closing.end()


@dataclass(frozen=True)
class Compound:
    """One compound selector: a tag (None for any), classes the element has all of, an id."""

    tag: str | None
    classes: frozenset[str]
    ident: str | None

    def matches(self, element: "Element") -> bool:
        return ((self.tag is None or self.tag == element.tag) and self.classes <= element.classes
                and (self.ident is None or self.ident == element.ident))


@dataclass(frozen=True)
class Element:
    """What selectors read of an element: its tag (lower case), classes and id."""

    tag: str
    classes: frozenset[str]
    ident: str | None

    @classmethod
    def of(cls, tag: str, attributes: dict[str, str]) -> "Element":
        return cls(tag, frozenset(attributes.get("class", "").split()), attributes.get("id", "").strip() or None)


@dataclass(frozen=True)
class Selector:
    """Compounds left to right, joined by combinators: " " (a descendant of) or ">" (a child of)."""

    compounds: tuple[Compound, ...]
    combinators: tuple[str, ...]

    @property
    def specificity(self) -> tuple[int, int, int]:
        return (sum(c.ident is not None for c in self.compounds), sum(len(c.classes) for c in self.compounds),
                sum(c.tag is not None for c in self.compounds))

    @property
    def key(self) -> tuple[str, str]:
        """Where an element looks the selector up: its last compound's id, a class or its tag."""
        last = self.compounds[-1]
        if last.ident is not None:
            return ("#", last.ident)
        if last.classes:
            return (".", min(last.classes))
        return ("tag", last.tag or "*")

    def matches(self, element: Element, ancestors: list[Element]) -> bool:
        """Does the selector select ``element``, whose open ancestors (nearest last) are ``ancestors``?

        Right to left, keeping every ancestor position where the compounds read so far can
        stand, so each compound costs one pass over the ancestors, not a search of every
        way to place them."""
        if not self.compounds[-1].matches(element):
            return False
        chain = ancestors[-MAX_ANCESTORS:]
        positions = [len(chain)]  # the element itself, below the last ancestor
        for compound, combinator in zip(reversed(self.compounds[:-1]), reversed(self.combinators)):
            if combinator == ">":
                positions = [p - 1 for p in positions if p > 0 and compound.matches(chain[p - 1])]
            else:
                below = max(positions)
                positions = [j for j in range(below) if compound.matches(chain[j])]
            if not positions:
                return False
        return True


# Ancestors a selector's combinators look through: the nearest ones. A browser reads every
# ancestor; a page nested deeper than this (a hostile one) is read as far as this.
MAX_ANCESTORS = 64


def parse_selectors(prelude) -> list[Selector]:
    """The selectors of a rule's selector list that this module reads; the others are dropped."""
    selectors, parts = [], []
    for token in [*prelude, None]:
        if token is None or (token.type == "literal" and token.value == ","):
            selector = _selector(parts)
            if selector is not None:
                selectors.append(selector)
            parts = []
        else:
            parts.append(token)
    return selectors


def _selector(tokens) -> Selector | None:
    """Compounds of type, ``*``, ``.class`` and ``#id`` joined by descendant and child
    combinators; None for anything else (attributes, pseudo-classes, ``+`` and ``~``)."""
    compounds: list[Compound] = []
    combinators: list[str] = []
    tag, classes, ident, started = None, set(), None, False
    pending = None  # the combinator since the last compound
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if token.type in ("whitespace", "comment"):
            if started and pending is None:
                pending = " "
            continue
        if token.type == "literal" and token.value == ">":
            if not started:
                return None
            pending = ">"
            continue
        if pending is not None:
            compounds.append(Compound(tag, frozenset(classes), ident))
            combinators.append(pending)
            tag, classes, ident, started, pending = None, set(), None, False, None
        if token.type == "ident" and not started:
            tag = token.lower_value
        elif token.type == "literal" and token.value == "*" and not started:
            pass
        elif token.type == "literal" and token.value == "." and index < len(tokens) and tokens[index].type == "ident":
            classes.add(tokens[index].value)
            index += 1
        elif token.type == "hash" and token.is_identifier and ident in (None, token.value):
            ident = token.value
        else:
            return None
        started = True
    if not started or pending == ">":
        return None
    compounds.append(Compound(tag, frozenset(classes), ident))
    return Selector(tuple(compounds), tuple(combinators))


class Stylesheet:
    """The hiding-relevant declarations of a page's ``<style>`` rules, by selector."""

    def __init__(self, texts: list[str]):
        # selector -> property -> (important, source order, value); later rules of the same
        # selector overwrite earlier ones, as in the cascade.
        rules: dict[Selector, dict[str, tuple[bool, int, str]]] = {}
        shown: set[Selector] = set()  # restyled in a conditional @media: shown on some screens
        order = 0
        for text in texts:
            for rule, conditional in _rules(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)):
                declarations = [d for d in tinycss2.parse_declaration_list(rule.content, skip_comments=True,
                                                                           skip_whitespace=True)
                                if d.type == "declaration" and d.lower_name in HIDING_PROPERTIES]
                if not declarations:
                    continue
                for selector in parse_selectors(rule.prelude):
                    if conditional:
                        shown.add(selector)
                        continue
                    properties = rules.setdefault(selector, {})
                    for declaration in declarations:
                        order += 1
                        value = tinycss2.serialize(declaration.value).strip()
                        known = properties.get(declaration.lower_name)
                        if known is None or not known[0] or declaration.important:
                            properties[declaration.lower_name] = (declaration.important, order, value)
        self._by_key: dict[tuple[str, str], list[tuple[Selector, dict]]] = {}
        for selector, properties in rules.items():
            if selector not in shown:
                self._by_key.setdefault(selector.key, []).append((selector, properties))

    def __bool__(self) -> bool:
        return bool(self._by_key)

    def declarations(self, tag: str, attributes: dict[str, str], ancestors=lambda: []) -> dict[str, str]:
        """The hiding-relevant properties that the rules matching this element set (its
        attribute names lower-case), the winner of the cascade for each. ``ancestors()``
        gives its nearest ``MAX_ANCESTORS`` open ancestors, nearest last; it is called only
        when a selector with a combinator could select the element."""
        element = Element.of(tag, attributes)
        chain = None
        keys = [("tag", tag), ("tag", "*"), *((".", cls) for cls in element.classes)]
        if element.ident is not None:
            keys.append(("#", element.ident))
        winners: dict[str, tuple] = {}
        for key in keys:
            for selector, properties in self._by_key.get(key, ()):
                if selector.combinators and chain is None and selector.compounds[-1].matches(element):
                    chain = ancestors()
                if not selector.matches(element, chain or []):
                    continue
                for name, (important, order, value) in properties.items():
                    rank = (important, selector.specificity, order)
                    if name not in winners or rank > winners[name][0]:
                        winners[name] = (rank, value)
        return {name: value for name, (_, value) in winners.items()}


def _rules(nodes, conditional: bool = False):
    """(style rule, inside a conditional @media) for every rule, @media blocks opened."""
    for node in nodes:
        if node.type == "qualified-rule":
            yield node, conditional
        elif node.type == "at-rule" and node.lower_at_keyword == "media" and node.content is not None:
            media = {t.lower_value for t in node.prelude if t.type == "ident"}
            only_types = all(t.type in ("whitespace", "ident", "comment") or (t.type == "literal" and t.value == ",")
                             for t in node.prelude) and media <= _ALL_SCREENS
            yield from _rules(tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True),
                              conditional or not only_types)


def page_stylesheet(raw: str, linked: tuple[str, ...] = ()) -> Stylesheet | None:
    """The rules of the ``linked`` stylesheets' texts (``load/linked_styles.py``) and of
    ``raw``'s ``<style>`` elements, in that cascade order (a page links its stylesheets in
    its head, before its own rules); None when none can hide."""
    if not linked and not _STYLE_TAG.search(raw):
        return None
    sheet = Stylesheet([*linked, *style_texts(raw)])
    return sheet or None
