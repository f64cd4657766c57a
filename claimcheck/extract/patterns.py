"""Compiling token patterns for speed.

Rule authors write spaCy Matcher patterns; many are alternations of words
(``[{LOWER: {IN: [treatment, therapy]}}, {LOWER: {IN: [for, of]}}]``) that match
exactly the same token sequences as a list of phrases. A PhraseMatcher finds
phrases far faster than a Matcher walks patterns, so such patterns are expanded
into word sequences when the pipeline is built; patterns that need more (numbers,
NOT_IN, open-ended repetition) stay with the Matcher. Behaviour is unchanged.
"""
from __future__ import annotations

import re
from itertools import product

MAX_EXPANSION = 20_000


def _alternatives(token: dict) -> list[tuple[str, ...]] | None:
    """The word choices one token spec allows (``()`` for an optional token that is absent)."""
    if set(token) - {"LOWER", "OP"}:
        return None
    value = token.get("LOWER")
    if isinstance(value, str):
        words = [value.lower()]
    elif isinstance(value, dict) and set(value) == {"IN"}:
        words = [str(word).lower() for word in value["IN"]]
    else:
        return None
    op = token.get("OP")
    if op is None or op == "{1}":
        return [(word,) for word in words]
    if op == "?":
        return [()] + [(word,) for word in words]
    return None


def expand(pattern: list[dict]) -> list[list[str]] | None:
    """Word sequences equivalent to ``pattern``, or None when it cannot be expanded."""
    choices = []
    size = 1
    for token in pattern:
        alternatives = _alternatives(token)
        if alternatives is None:
            return None
        size *= len(alternatives)
        if size > MAX_EXPANSION:
            return None
        choices.append(alternatives)
    sequences = [[word for part in combination for word in part] for combination in product(*choices)]
    return [words for words in sequences if words]


def required_words(pattern: list[dict]) -> list[frozenset[str]]:
    """For each token the pattern cannot do without, the words it accepts (LOWER only)."""
    required = []
    for token in pattern:
        if token.get("OP") not in (None, "{1}", "+"):
            continue
        value = token.get("LOWER")
        if isinstance(value, str):
            required.append(frozenset([value.lower()]))
        elif isinstance(value, dict) and set(value) == {"IN"}:
            required.append(frozenset(str(word).lower() for word in value["IN"]))
    return required


class Gate:
    """Skips a Matcher pass over a document that lacks a word every pattern needs.

    A Matcher walks every token whatever its patterns; most documents cannot match
    a pattern like "does not mean ... approved" at all, and a set lookup of the
    document's words says so far more cheaply."""

    _WORD = re.compile(r"[a-z0-9'\u2019-]+")

    def __init__(self, patterns: list[list[dict]]):
        self.needs = [required_words(p) for p in patterns]

    @property
    def always(self) -> bool:
        """True when some pattern needs no particular word (it starts with a number, say)."""
        return not self.needs or any(not need for need in self.needs)

    @classmethod
    def words(cls, text: str) -> set[str]:
        words = set(cls._WORD.findall(text.lower()))
        return words | {part for word in words for part in word.replace("\u2019", "'").split("-")}

    def may_match(self, text: str, words: set[str] | None = None) -> bool:
        if self.always:
            return True
        words = self.words(text) if words is None else words
        return any(all(words & options for options in need) for need in self.needs)


def split_patterns(patterns: list[list[dict]]) -> tuple[list[list[str]], list[list[dict]]]:
    """(word sequences for a PhraseMatcher, patterns left for the Matcher)."""
    phrases, rest = [], []
    for pattern in patterns:
        expanded = expand(pattern)
        if expanded is None:
            rest.append(pattern)
        else:
            phrases.extend(expanded)
    return phrases, rest
