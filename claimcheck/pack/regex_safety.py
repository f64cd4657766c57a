"""Which regular expressions may run on hostile text: no quantifier inside a quantifier.

A repeat inside a repeat (``(a+)+``, ``(<!--.*?-->\\s*)+``) lets a failing match try
every way of sharing the text between the two, which takes exponential (or high
polynomial) time on a line an attacker writes. Rule packs may give spaCy token
patterns a ``REGEX``; the pack loader rejects one that nests unbounded repeats, and
a test holds claimcheck's own expressions to the same rule. A possessive repeat or
an atomic group never gives back what it took, so it is allowed at any depth.
"""
from __future__ import annotations

import re
from re import _parser as sre_parse  # the standard library's own parser of patterns
from typing import Any, Callable

from claimcheck.errors import InputProblem

_REPEATS = {sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT}


def regex_problem(pattern: str) -> str | None:
    """Why ``pattern`` may not be used on hostile text, or None."""
    try:
        parsed = sre_parse.parse(pattern)
    except (re.error, OverflowError, RecursionError) as exc:
        return f"regular expression {pattern!r} does not compile: {exc}"
    if _nests_unbounded_repeats(parsed, inside_repeat=False):
        return (f"regular expression {pattern!r} has an unbounded repeat inside another, "
                "which can take exponential time on a failing match (use one repeat, "
                "a possessive one such as 'a++', or an atomic group)")
    return None


def _nests_unbounded_repeats(items, inside_repeat: bool) -> bool:
    for op, argument in items:
        if op in _REPEATS:
            _, most, body = argument
            unbounded = most == sre_parse.MAXREPEAT
            if inside_repeat and unbounded:
                return True
            if _nests_unbounded_repeats(body, inside_repeat or unbounded):
                return True
        elif op == sre_parse.SUBPATTERN:
            if _nests_unbounded_repeats(argument[-1], inside_repeat):
                return True
        elif op == sre_parse.BRANCH:
            if any(_nests_unbounded_repeats(branch, inside_repeat) for branch in argument[1]):
                return True
        elif op in (sre_parse.ASSERT, sre_parse.ASSERT_NOT):
            if _nests_unbounded_repeats(argument[1], inside_repeat):
                return True
        # POSSESSIVE_REPEAT and ATOMIC_GROUP never backtrack into their body: nothing below them counts.
    return False


def regex_problems(data: Any, origin: str, code: str, line_at: Callable[[list], int | None]) -> list[InputProblem]:
    """A problem for each ``REGEX`` value in ``data`` (a parsed pack file) that is unsafe."""
    problems = []
    for keys, pattern in _regex_values(data, []):
        problem = regex_problem(pattern)
        if problem:
            problems.append(InputProblem(origin, code, problem, line=line_at(keys)))
    return problems


def _regex_values(data: Any, keys: list):
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "REGEX" and isinstance(value, str):
                yield keys + [key], value
            else:
                yield from _regex_values(value, keys + [key])
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _regex_values(value, keys + [index])
