"""Code rewritten for speed gives exactly what its plain form gives: regular expressions,
the filling of rule messages, and the longest-match filter over plain tuples.

A pattern that opens with a look-behind, or with branches that do not each open with one
literal character, is tried by Python's regex engine at every position of the text; one
that opens with a character class is skipped through in the engine's fast loop. The fast
forms below open with the class of characters a match can begin with and look back after
it; each is compared here with the plain form it replaced, on generated and written text."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimcheck.extract.context import _QUOTES
from claimcheck.normalize.evasion import _CANDIDATE

CASES = {
    # evasion: any non-ASCII character, a zero between letters, a zero ending a lower-case word
    "fold candidates": (
        _CANDIDATE, r"[^\x00-\x7f]|(?<=[A-Za-z])0(?=[A-Za-z])|(?<=[a-z])0(?!\w)",
        "aZ0 0_.9é\u200b\u0430Ｆ\U0001d405\n-",
        ["appr0ved", "n0 risk", "B0 CD340 v0.2", "0", "a0", "0a", "é0é", "x0y0z"], 8),
    # context: a phrase in curly or straight double quotes, or in single quotes that are not apostrophes
    "quotations": (
        _QUOTES, r"\u201c[^\u201c\u201d]{3,}?\u201d|\"[^\"\n]{3,}?\"|(?<!\w)['\u2018][^'\u2018\u2019\n]{3,80}?['\u2019](?!\w)",
        "ab \n'\"\u201c\u201d\u2018\u2019_1",
        ["It's 'quoted' and x'not' and \u201ccurly\u201d and \"plain one\" and \u2018single\u2019s"], 3),
}


@pytest.mark.parametrize("name", CASES)
def test_the_fast_pattern_finds_what_the_plain_one_finds(name):
    fast, plain_form, alphabet, written, written_matches = CASES[name]
    plain = re.compile(plain_form)

    def spans(pattern, text):
        return [m.span() for m in pattern.finditer(text)]

    @settings(max_examples=400, deadline=None)
    @given(st.text(alphabet=st.sampled_from(alphabet), max_size=40))
    def same(text):
        assert spans(fast, text) == spans(plain, text)

    same()
    for text in written:
        assert spans(fast, text) == spans(plain, text)
    assert sum(len(spans(fast, text)) for text in written) == written_matches  # the written texts do match


def test_splitting_on_whitespace_finds_a_long_chunk_wherever_the_regex_does():
    # extract/pipeline._tokenize asks str.split for the longest chunk before it runs _LONG_CHUNK:
    # both must call the same characters whitespace, in every script.
    import sys

    from claimcheck.extract.pipeline import _LONG_CHUNK, LONG_CHUNK

    space = re.compile(r"\s")
    assert [c for c in range(sys.maxunicode + 1) if bool(space.match(chr(c))) != chr(c).isspace()] == []
    for gap in (" ", "\u00a0", "\u2028", "\x1c", "\u3000"):
        for length in (LONG_CHUNK - 1, LONG_CHUNK):
            text = f"Ad{gap}" + "x" * length + f"{gap}end"
            by_split = max(map(len, text.split())) >= LONG_CHUNK
            assert by_split == bool(_LONG_CHUNK.search(text)) == (length == LONG_CHUNK)


def test_the_spelled_out_hint_is_found_wherever_a_spelled_out_word_is():
    # evasion.needs_folding searches for _SPELLED_OUT only where _SPELLED_OUT_HINT is found:
    # the hint must be in every text the full pattern matches.
    from claimcheck.normalize.evasion import _SPELLED_OUT, _SPELLED_OUT_HINT

    @settings(max_examples=600, deadline=None)
    @given(st.text(alphabet=st.sampled_from("aF. \n(-_1"), max_size=30))
    def holds(text):
        if _SPELLED_OUT.search(text):
            assert _SPELLED_OUT_HINT.search(text)

    holds()
    for text in ("F.D.A. approved", "(c u r e)", "F. D. A. ok", "x F D A", "a.b.c"):
        assert _SPELLED_OUT.search(text) and _SPELLED_OUT_HINT.search(text)
    assert not _SPELLED_OUT_HINT.search("Our stem cell shots, approved.")


def test_messages_are_filled_in_as_the_standard_formatter_fills_them():
    # evaluate._format fills a rule's message and suggestion with str.format_map; it must give
    # what string.Formatter gave, for templates a rule author may write, broken ones included
    # (those come back as written).
    import string

    from claimcheck.evaluate import _Fields, _format

    fields = {"product": "stem cells", "predicate": "cure", "quote": "“no risk”", "conditions": ""}

    def standard(template: str) -> str:
        try:
            return string.Formatter().vformat(template, (), _Fields(fields))
        except (ValueError, IndexError):
            return template

    @settings(max_examples=600, deadline=None)
    @given(st.lists(st.sampled_from(["{product}", "{predicate!r}", "{quote:>12}", "{unknown}", "{unknown:^9}",
                                     "{0}", "{}", "{{", "}}", "{", "}", "{product!s:.3}", " and ", "é"]),
                    max_size=6))
    def same(parts):
        template = "".join(parts)
        assert _format(template, fields) == standard(template)

    same()
    assert _format("{product} {unknown} {", fields) == "{product} {unknown} {"  # broken: as written
    assert _format("Say {quote}, not {unknown}.", fields) == "Say “no risk”, not {unknown}."


def test_the_longest_match_filter_on_tuples_is_spacys_filter_spans():
    # extract/terms.py sifts matches as tuples and makes spans only of the kept ones.
    import spacy
    from spacy.tokens import Span
    from spacy.util import filter_spans

    from claimcheck.extract.terms import longest_first

    doc = spacy.blank("en")(" ".join(["word"] * 30))

    @settings(max_examples=400, deadline=None)
    @given(st.lists(st.tuples(st.integers(0, 29), st.integers(1, 6)), max_size=25))
    def same(pairs):
        matches = [(start, min(start + length, 30), f"m{n}") for n, (start, length) in enumerate(pairs)]
        spans = [Span(doc, start, end, label=name) for start, end, name in matches]
        assert [(s.start, s.end, s.label_) for s in filter_spans(spans)] == longest_first(matches)

    same()
