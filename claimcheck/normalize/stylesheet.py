"""A page's own ``<style>`` rules, as far as they can hide text: found, parsed, matched.

A disclaimer hidden by a class (``.dis{display:none}`` in a ``<style>`` block, then
``<p class="dis">``) is as unseen as one hidden by an inline style. This module owns
reading those rules: the ``<style>`` elements of the document, wherever they stand (a
browser applies a rule to the elements before it as well), are parsed with tinycss2,
and for each element ``declarations`` gives the declarations of the properties that
can hide it (``HIDING_PROPERTIES``) that its rules set, after the cascade. Whether they
hide is decided where inline styles are (``html.py``).

Only simple selectors are matched: ``tag``, ``.class``, ``#id``, ``tag.class`` and
``tag#id`` (and lists of them). A rule with any other selector (descendants, children,
attributes, pseudo-classes ...) is left out, and so is a rule inside a conditional
``@media`` (``@media (max-width: 600px)``), which applies to some screens only; a
selector that such a rule restyles is not taken as hidden by the others, since on some
screens it shows. External stylesheets are not fetched.

Linear in the document: the ``<style>`` elements are found in one pass, and each rule is
indexed under its one selector key, so an element costs a look-up per class it has.
"""
from __future__ import annotations

import re

import tinycss2

# What can take an element out of a reader's sight (html.py decides from the values).
HIDING_PROPERTIES = frozenset({
    "display", "visibility", "opacity", "font-size", "width", "height", "max-width", "max-height",
    "overflow", "position", "left", "top", "right", "text-indent", "clip", "clip-path"})
# What the parser does not read as markup: a comment, or the text of a script or style.
_OPENING = re.compile(r"<!--|<(script|style)\b", re.I)
_STYLE_TAG = re.compile(r"<style\b", re.I)
_CLOSING = {name: re.compile(r"</\s*%s\s*>" % name, re.I) for name in ("script", "style")}
# @media queries that apply to every screen: no condition, only media types.
_ALL_SCREENS = frozenset({"all", "screen"})


def style_texts(raw: str) -> list[str]:
    """The text of every ``<style>`` element of ``raw``, skipping comments and scripts as
    the HTML parser does, in one pass."""
    texts, position, comments_close = [], 0, True
    while True:
        opening = _OPENING.search(raw, position)
        if opening is None:
            return texts
        if opening.group() == "<!--":
            # A comment that never closes is read as text by the parser, which goes on
            # after it; once one is unclosed, every later one is too (no "-->" after it).
            end = raw.find("-->", opening.end()) if comments_close else -1
            comments_close = end >= 0
            position = end + 3 if end >= 0 else opening.end()
            continue
        tag_end = raw.find(">", opening.end())
        if tag_end < 0:
            return texts  # no tag ends after here
        name = opening.group(1).lower()
        closing = _CLOSING[name].search(raw, tag_end + 1)
        if name == "style":
            texts.append(raw[tag_end + 1:closing.start() if closing else len(raw)])
        if closing is None:
            return texts  # the element runs to the end of the document
        position = closing.end()


def _simple_selectors(prelude) -> list[tuple[str | None, str | None, str | None]]:
    """The (tag, class, id) of each simple selector in a rule's selector list; the others are dropped."""
    selectors, parts, simple = [], [], True
    for token in [*prelude, None]:
        if token is None or (token.type == "literal" and token.value == ","):
            key = _compound(parts) if simple else None
            if key is not None:
                selectors.append(key)
            parts, simple = [], True
        elif token.type in ("whitespace", "comment"):
            if parts:
                parts.append(token)  # a combinator if anything follows; trimmed if not
        else:
            parts.append(token)
    return selectors


def _compound(tokens) -> tuple[str | None, str | None, str | None] | None:
    while tokens and tokens[-1].type in ("whitespace", "comment"):
        tokens = tokens[:-1]
    tag = cls = ident = None
    index = 0
    if tokens and tokens[0].type == "ident":
        tag, index = tokens[0].lower_value, 1
    rest = tokens[index:]
    if len(rest) == 2 and rest[0].type == "literal" and rest[0].value == "." and rest[1].type == "ident":
        cls = rest[1].value
    elif len(rest) == 1 and rest[0].type == "hash" and rest[0].is_identifier:
        ident = rest[0].value
    elif rest:
        return None
    return (tag, cls, ident) if (tag or cls or ident) else None


def _specificity(key: tuple[str | None, str | None, str | None]) -> tuple[int, int, int]:
    tag, cls, ident = key
    return (ident is not None, cls is not None, tag is not None)


class Stylesheet:
    """The hiding-relevant declarations of a page's ``<style>`` rules, by selector."""

    def __init__(self, texts: list[str]):
        # selector key -> property -> (important, source order, value); later rules of the
        # same selector overwrite earlier ones, as in the cascade.
        self._rules: dict[tuple, dict[str, tuple[bool, int, str]]] = {}
        self._classes: set[str] = set()
        self._ids: set[str] = set()
        self._tags: set[str] = set()
        shown: set[tuple] = set()  # restyled in a conditional @media: shown on some screens
        order = 0
        for text in texts:
            for rule, conditional in _rules(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)):
                declarations = [d for d in tinycss2.parse_declaration_list(rule.content, skip_comments=True,
                                                                           skip_whitespace=True)
                                if d.type == "declaration" and d.lower_name in HIDING_PROPERTIES]
                if not declarations:
                    continue
                for key in _simple_selectors(rule.prelude):
                    if conditional:
                        shown.add(key)
                        continue
                    properties = self._rules.setdefault(key, {})
                    for declaration in declarations:
                        order += 1
                        value = tinycss2.serialize(declaration.value).strip()
                        known = properties.get(declaration.lower_name)
                        if known is None or not known[0] or declaration.important:
                            properties[declaration.lower_name] = (declaration.important, order, value)
        for key in shown:
            self._rules.pop(key, None)
        for tag, cls, ident in self._rules:
            if ident is not None:
                self._ids.add(ident)
            elif cls is not None:
                self._classes.add(cls)
            else:
                self._tags.add(tag)

    def __bool__(self) -> bool:
        return bool(self._rules)

    def declarations(self, tag: str, attributes: dict[str, str]) -> dict[str, str]:
        """The hiding-relevant properties that the rules matching this element set (its
        attribute names lower-case), the winner of the cascade for each."""
        keys = []
        if tag in self._tags:
            keys.append((tag, None, None))
        for cls in attributes.get("class", "").split():
            if cls in self._classes:
                keys += [(None, cls, None), (tag, cls, None)]
        ident = attributes.get("id", "").strip()
        if ident in self._ids:
            keys += [(None, None, ident), (tag, None, ident)]
        winners: dict[str, tuple] = {}
        for key in keys:
            for name, (important, order, value) in self._rules.get(key, {}).items():
                rank = (important, _specificity(key), order)
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


def page_stylesheet(raw: str) -> Stylesheet | None:
    """The rules of ``raw``'s ``<style>`` elements; None when it has none that can hide."""
    if not _STYLE_TAG.search(raw):
        return None
    sheet = Stylesheet(style_texts(raw))
    return sheet or None
