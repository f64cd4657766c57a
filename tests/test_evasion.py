"""Character tricks that hide a claim from matching but not from a reader are undone,
and findings still point at the bytes the author wrote (normalize/evasion.py, html.py)."""
from __future__ import annotations

import pytest

from claimcheck.model import Source
from claimcheck.normalize import normalize
from tests.conftest import check_text

CLAIM = "Our stem cell shots are FDA approved for knee arthritis."


@pytest.mark.parametrize("disguised", [
    "FDA appr\u200boved",          # zero-width space
    "FDA appro\u200dved",          # zero-width joiner
    "FDA ap\u00adproved",          # soft hyphen
    "FDA \u0430pprov\u0435d",      # Cyrillic a and e
    "\uff26\uff24\uff21 approved",  # fullwidth letters
    "\U0001d405\U0001d403\U0001d400 approved",  # mathematical bold
    "FDA a\u0301pproved",          # combining accent
    "FDA appr0ved",                # a zero for an o
])
def test_a_disguised_approval_claim_is_found(disguised):
    text = CLAIM.replace("FDA approved", disguised)
    findings = [f for f in check_text(text).result.findings if f.code == "CC201"]
    assert findings, text
    assert disguised in findings[0].text  # located on the raw bytes


@pytest.mark.parametrize("html", [
    "<p>Our stem cell shots are F<b>DA</b> approved for knee arthritis.</p>",
    "<p>Our stem cell shots are FDA appr<span>oved</span> for knee arthritis.</p>",
    "<p>Our stem cell shots are FDA ap&shy;proved for knee arthritis.</p>",
])
def test_markup_inside_a_word_does_not_split_it(html):
    assert any(f.code == "CC201" for f in check_text(html, "text/html").result.findings)


def test_a_line_break_tag_still_separates_words():
    assert normalize(Source("x.html", "text/html", "<p>stem<br>cells</p>")).text.split() == ["stem", "cells"]
    assert normalize(Source("x.html", "text/html", "<p>stem<img alt=''>cells</p>")).text.split() == ["stem", "cells"]


def test_ordinary_text_in_other_scripts_is_left_alone():
    raw = "Стволовые клетки — café, naïve, Ωmega."
    assert normalize(Source("x.txt", "text/plain", raw)).text == raw


def test_offsets_survive_folding():
    raw = "FDA appr\u200bоved"
    text = normalize(Source("x.txt", "text/plain", raw))
    assert text.text == "FDA approved"
    start, end = text.raw_span(4, len(text.text))
    assert raw[start:end] == "appr\u200bоved"


def test_a_zero_between_digits_or_in_a_code_is_kept():
    assert normalize(Source("x.txt", "text/plain", "CD34 cells, 2009, B0")).text == "CD34 cells, 2009, B0"


@pytest.mark.parametrize("prefix", [
    "".join("  " * depth + "- item\n" for depth in range(10)) + "\n",   # ten nested list items
    "".join("  " * depth + "- item\n" for depth in range(25)) + "  " * 25 + "- ",  # the claim inside them
    ">" * 25 + " quoted\n\n",                                             # deeply nested quotes
])
def test_deep_markdown_nesting_does_not_hide_what_follows(prefix):
    text = prefix + "Our stem cells cure arthritis.\n"
    findings = check_text(text, "text/markdown").result.findings
    assert any(f.code == "CC102" and f.text.endswith("cure arthritis") for f in findings)


AD = "<h1>Knee clinic</h1><p>Our stem cell injections heal arthritic knees.</p>"
DISCLOSURE = "<p>Risks include infection. This treatment is not FDA approved.</p>"


@pytest.mark.parametrize("hiding", [
    '<div style="display: none">{}</div>',
    '<div style="visibility:hidden">{}</div>',
    '<div style="font-size:1px;color:#fff">{}</div>',
    '<div hidden>{}</div>',
    '<section aria-hidden="true">{}</section>',
    '<div style="background-color: white"><div style="color:#FFF">{}</div></div>',  # same colour as behind it
    '<div style="background:#000 url(x.png)"><p style="color: rgb(0, 0, 0)">{}</p></div>',
])
def test_a_disclaimer_no_reader_sees_discloses_nothing(hiding):
    visible = {f.code for f in check_text(AD + DISCLOSURE, "text/html").result.findings}
    hidden = {f.code for f in check_text(AD + hiding.format(DISCLOSURE), "text/html").result.findings}
    assert "CC303" not in visible and {"CC303", "CC304"} <= hidden


def test_a_one_pixel_image_alt_text_discloses_nothing():
    pixel = '<img src="t.png" width="1" height="1" alt="Risks include infection. Not FDA approved.">'
    assert "CC303" in {f.code for f in check_text(AD + pixel, "text/html").result.findings}


def test_a_claim_in_hidden_text_is_still_read_and_is_a_finding_of_its_own():
    hidden = '<div aria-hidden="true"><p>Our stem cell injections cure knee arthritis.</p></div>'
    findings = check_text(hidden, "text/html").result.findings
    assert {"CC102", "CC501"} <= {f.code for f in findings}
    cc501, cc102 = (next(f for f in findings if f.code == code) for code in ("CC501", "CC102"))
    assert (cc501.start, cc501.end) == (cc102.start, cc102.end) and cc501.severity == "major"


@pytest.mark.parametrize("html", [
    "<p>Our stem cell injections cure knee arthritis.</p>",  # a claim a reader sees
    '<div style="display:none"><p>Call us on Monday.</p></div>',  # hidden, but no claim
    '<div style="background:#000"><p style="color:#fff">Our stem cells cure knee arthritis.</p></div>',
    '<p style="color:#fff">Our stem cells cure knee arthritis.</p>',  # no background known: not hidden
])
def test_no_hidden_text_finding_without_a_hidden_claim(html):
    assert "CC501" not in {f.code for f in check_text(html, "text/html").result.findings}


def test_each_hidden_block_with_a_claim_is_one_finding():
    html = ('<div hidden><p>Stem cells cure arthritis. Stem cells cure lupus.</p></div><p>Visible.</p>'
            '<p style="visibility:hidden">Our exosomes are FDA approved.</p>')
    findings = [f for f in check_text(html, "text/html").result.findings if f.code == "CC501"]
    assert [f.text for f in findings] == ["Stem cells cure arthritis", "exosomes are FDA approved"]
