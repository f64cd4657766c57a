"""Evasion: every trick that once hid a claim from claimcheck but not from a reader, on every phrase.

The table: each trick x each phrase ("FDA approved", "cure", "no side effects") in a
clinic ad sentence, checked as plain text, Markdown and HTML wherever the trick can be
written there. Every cell must be found by the phrase's rule, and the finding must
cover the disguised phrase's characters in the original text. A trick that cannot be
applied to a phrase (a zero for an o in a word with no o) has no cell.

``scan``: each phrase's failing page wrapped in any of the template markers that
main-content extraction used to drop (layout words in class names and ids,
``<header>``, ``<aside>``, ``aria-hidden``, template landmarks; and ``<nav>``, which
the normalizer skipped) still fails.
"""
from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from claimcheck.scan.scanner import ScanOptions, run_scan
from tests.conftest import check_text


@dataclass(frozen=True)
class Phrase:
    words: str  # as the ad means it
    key: str  # the word the letter tricks work on
    sentence: str  # a clinic ad sentence with {} for the phrase, not at its end
    code: str  # the rule that must find it


PHRASES = [
    Phrase("FDA approved", "FDA", "Our stem cell injections are {} for knee arthritis.", "CC201"),
    Phrase("cure", "cure", "Our stem cell injections {} knee arthritis in weeks.", "CC102"),
    Phrase("no side effects", "effects", "Our stem cell injections have {} at all.", "CC301"),
]
PLAIN, MARKDOWN, HTML = "text/plain", "text/markdown", "text/html"
EVERY_FORMAT = (PLAIN, MARKDOWN, HTML)
MARKUP = (MARKDOWN, HTML)  # inline tags are HTML, and Markdown passes them through


def _fullwidth(word: str) -> str:
    return "".join(chr(ord(c) - 0x21 + 0xFF01) for c in word)


def _math_bold(word: str) -> str:
    return "".join(chr((0x1D400 if c.isupper() else 0x1D41A) + ord(c.lower()) - ord("a")) for c in word)


def _in_key(transform: Callable[[str], str | None]) -> Callable[[Phrase], str | None]:
    """A trick on the phrase's key word."""
    def apply(phrase: Phrase) -> str | None:
        changed = transform(phrase.key)
        return None if changed is None else phrase.words.replace(phrase.key, changed, 1)
    return apply


def _middle(insert: str) -> Callable[[str], str]:
    return lambda word: word[:len(word) // 2] + insert + word[len(word) // 2:]


def _cyrillic(word: str) -> str:
    for latin, cyrillic in (("a", "\u0430"), ("o", "\u043e"), ("e", "\u0435"), ("c", "\u0441")):
        if latin in word:
            return word.replace(latin, cyrillic, 1)
    return word.replace("A", "\u0410", 1)


def _combining_accent(word: str) -> str:
    vowel = next(i for i, c in enumerate(word) if c.lower() in "aeiou")
    return word[:vowel + 1] + "\u0301" + word[vowel + 1:]


def _zero_for_o(phrase: Phrase) -> str | None:
    index = phrase.words.find("o")
    return None if index < 0 else phrase.words[:index] + "0" + phrase.words[index + 1:]


def _line_break(phrase: Phrase) -> str:
    """A <br> between two words of the phrase, or before a one-word phrase (made in the sentence)."""
    return phrase.words.replace(" ", "<br>", 1) if " " in phrase.words else "<br>" + phrase.words


# name -> (formats, phrase -> disguised phrase or None where the trick does not apply)
TRICKS: dict[str, tuple[tuple[str, ...], Callable[[Phrase], str | None]]] = {
    "zero-width space": (EVERY_FORMAT, _in_key(_middle("\u200b"))),
    "zero-width joiner": (EVERY_FORMAT, _in_key(_middle("\u200d"))),
    "soft hyphen": (EVERY_FORMAT, _in_key(_middle("\u00ad"))),
    "&shy;": ((HTML,), _in_key(_middle("&shy;"))),
    "Cyrillic a/o": (EVERY_FORMAT, _in_key(_cyrillic)),
    "tag inside the word": (MARKUP, _in_key(lambda w: w[:1] + "<b>" + w[1:] + "</b>")),
    "span inside the word": (MARKUP, _in_key(lambda w: w[:2] + '<span class="x">' + w[2:] + "</span>")),
    "fullwidth letters": (EVERY_FORMAT, _in_key(_fullwidth)),
    "math-bold letters": (EVERY_FORMAT, _in_key(_math_bold)),
    "dotted letters (F.D.A.)": (EVERY_FORMAT, _in_key(lambda w: ".".join(w) + ".")),
    "spaced dotted letters (F. D. A.)": (EVERY_FORMAT, _in_key(lambda w: ". ".join(w) + ".")),
    "spaced letters (F D A)": (EVERY_FORMAT, _in_key(" ".join)),
    "<br> between words": ((HTML,), _line_break),
    "combining accent": (EVERY_FORMAT, _in_key(_combining_accent)),
    "zero for o (appr0ved)": (EVERY_FORMAT, _zero_for_o),
}


def _cells():
    for trick, (formats, disguise) in TRICKS.items():
        for phrase in PHRASES:
            disguised = disguise(phrase)
            if disguised is None:
                continue
            for media_type in formats:
                yield pytest.param(phrase, disguised, media_type, id=f"{trick} | {phrase.words} | {media_type[5:]}")


_TRAILING_MARKUP = re.compile(r"(?:</[a-z]+>|\.)+$")


def _document(phrase: Phrase, disguised: str, media_type: str) -> str:
    sentence = phrase.sentence
    if disguised.startswith("<br>"):
        sentence = sentence.replace(" {}", "{}")
    sentence = sentence.format(disguised)
    if media_type == HTML:
        return f"<html><body><h1>Knee clinic</h1><p>{sentence}</p></body></html>"
    return f"# Knee clinic\n\n{sentence}\n" if media_type == MARKDOWN else f"Knee clinic\n\n{sentence}\n"


def test_the_table_has_every_trick_on_every_phrase_where_it_applies():
    cells = list(_cells())
    assert {p.values[0].words for p in cells} == {p.words for p in PHRASES}
    assert {p.id.split(" | ")[0] for p in cells} == set(TRICKS)
    assert len(cells) >= 100


@pytest.mark.parametrize("phrase,disguised,media_type", list(_cells()))
def test_every_trick_on_every_phrase_is_found_on_its_original_characters(phrase, disguised, media_type):
    raw = _document(phrase, disguised, media_type)
    findings = [f for f in check_text(raw, media_type).result.findings if f.code == phrase.code]
    assert findings, f"{phrase.code} missed in {raw!r}"
    # From the phrase's first character to its last letter: a closing tag or an abbreviation's
    # last dot after it is not part of the claim.
    core = _TRAILING_MARKUP.sub("", disguised.removeprefix("<br>"))
    at = raw.index(core)
    assert any(f.start <= at and at + len(core) <= f.end and raw[f.start:f.end] == f.text
               for f in findings), [(f.start, f.end, f.text) for f in findings]


def test_the_table_is_not_found_by_accident():
    """The sentences without their claim are clean: the table tests the tricks, not the frame."""
    for phrase in PHRASES:
        clean = phrase.sentence.format("loved by patients")
        assert phrase.code not in {f.code for f in check_text(clean).result.findings}


# (element, attributes): class and id words of a site template, template elements and landmarks.
WRAPPERS = [("div", 'class="header-hero"'), ("section", 'class="social-proof"'), ("div", 'class="related-content"'),
            ("div", 'class="treatmentMenu"'), ("div", 'id="comments"'), ("div", 'class="cookie-consent"'),
            ("div", 'id="sidebar"'), ("header", ""), ("aside", ""), ("footer", ""), ("form", ""),
            ("div", 'aria-hidden="true"'), ("div", 'role="complementary"'), ("div", 'role="banner"'),
            ("nav", 'class="site-nav"')]  # the fourteen of the issue, and a nav


def wrapped_pages() -> dict[str, tuple[str, str]]:
    """url -> (page, rule that must find it): every phrase's failing page in every wrapper,
    each on a site of its own (a page seen alone keeps everything)."""
    pages = {}
    for phrase_number, phrase in enumerate(PHRASES):
        ad = f"<h1>Knee clinic</h1><p>{phrase.sentence.format(phrase.words)} Book your consultation today.</p>"
        for number, (element, attributes) in enumerate(WRAPPERS):
            opening = f"<{element} {attributes}>" if attributes else f"<{element}>"
            url = f"https://clinic-{phrase_number}-{number}.example/"
            pages[url] = (f"<html><body><main>{opening}{ad}</{element}></main></body></html>", phrase.code)
    return pages


def test_every_template_wrapper_around_each_failing_page_still_fails_in_scan(tmp_path):
    pages = wrapped_pages()
    assert len(pages) == 15 * len(PHRASES)
    crawl = tmp_path / "crawl.jsonl"
    crawl.write_text("".join(json.dumps({"url": url, "html": page}) + "\n" for url, (page, _) in pages.items()))
    db = tmp_path / "results.sqlite"
    run_scan([crawl], str(db), ScanOptions(workers=1))
    with sqlite3.connect(db) as connection:
        statuses = dict(connection.execute("SELECT url, status FROM pages"))
        found = set(connection.execute("SELECT url, code FROM findings"))
    assert statuses == dict.fromkeys(pages, "fail")
    assert {(url, code) for url, (_, code) in pages.items()} <= found
