"""Compiling token patterns for speed.

Rule authors write spaCy Matcher patterns; many are alternations of words
(``[{LOWER: {IN: [treatment, therapy]}}, {LOWER: {IN: [for, of]}}]``) that match
exactly the same token sequences as a list of phrases. A PhraseMatcher finds
phrases far faster than a Matcher walks patterns, so such patterns are expanded
into word sequences when the pipeline is built; patterns that need more (numbers,
NOT_IN, open-ended repetition) stay with the Matcher. Behaviour is unchanged.
"""
from __future__ import annotations

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
