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
    kept = "v0.2, CD340, x2b0, t0 0"
    assert normalize(Source("x.txt", "text/plain", kept)).text == kept.replace("t0", "to")
    assert normalize(Source("x.txt", "text/plain", "n0 side effects")).text == "no side effects"


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
    '<div style="height:0;overflow:hidden">{}</div>',  # collapsed
    '<div style="position:absolute; left:-9999px">{}</div>',  # off the screen
    '<div style="text-indent: -9999px">{}</div>',
    '<div style="position:absolute;clip:rect(1px,1px,1px,1px)">{}</div>',  # clipped to nothing
    '<div style="width:1px;height:1px;overflow:hidden">{}</div>',  # the "visually hidden" pattern
])
def test_a_disclaimer_no_reader_sees_discloses_nothing(hiding):
    visible = {f.code for f in check_text(AD + DISCLOSURE, "text/html").result.findings}
    hidden = {f.code for f in check_text(AD + hiding.format(DISCLOSURE), "text/html").result.findings}
    assert "CC303" not in visible and {"CC303", "CC304"} <= hidden


@pytest.mark.parametrize("size", ['width="1" height="1"', 'style="width:1px;height:1px"', 'style="width:0;height:0"'])
def test_a_one_pixel_image_alt_text_discloses_nothing(size):
    pixel = f'<img src="t.png" {size} alt="Risks include infection. Not FDA approved.">'
    assert "CC303" in {f.code for f in check_text(AD + pixel, "text/html").result.findings}


@pytest.mark.parametrize("sheet, element", [
    (".dis{display:none}", '<p class="dis">{}</p>'),
    ("#x { visibility: hidden }", '<div id="x">{}</div>'),
    ("p.d{font-size:0}", '<p class="a d">{}</p>'),
    ("h2, .dis{font-size:0px !important}", '<div class="dis">{}</div>'),
    (".o{position:absolute;left:-9999px}", '<div class="o">{}</div>'),  # off the screen
    (".o{height:0;overflow:hidden}", '<div class="o">{}</div>'),  # collapsed
    (".sr-only{position:absolute;width:1px;height:1px;clip:rect(0,0,0,0)}", '<div class="sr-only">{}</div>'),
    (".o{position:absolute;clip:rect(0 0 0 0)}", '<div class="o">{}</div>'),  # clipped to nothing
    (".o{clip-path:inset(50%)}", '<div class="o">{}</div>'),
    ("@media screen{.o{opacity:0}}", '<div class="o">{}</div>'),  # every screen
    ("section{display:none}", '<section>{}</section>'),
    (".o{width:1px} .p{height:1px}", '<div class="o p">{}</div>'),  # two rules, one element
    (".wrap .dis{display:none}", '<div class="wrap"><section><p class="dis">{}</p></section></div>'),
    ("footer > p{visibility:hidden}", '<footer><p>{}</p></footer>'),
    ("div.legal#d.small{opacity:0}", '<div id="d" class="small legal">{}</div>'),
    ("main .a > .b *{display:none}", '<main><div class="a"><div class="b"><p>{}</p></div></div></main>'),
    (".box{background:#fff} .box p{color:white}", '<div class="box"><p>{}</p></div>'),  # white on white
    (".dark{background-color:#000}", '<div class="dark"><p style="color:#000">{}</p></div>'),
])
def test_a_disclaimer_hidden_by_the_pages_style_rules_discloses_nothing(sheet, element):
    # The <style> block before the ad or after the disclaimer: a browser applies it either way.
    for page in (f"<style>{sheet}</style>" + AD + element.format(DISCLOSURE),
                 AD + element.format(DISCLOSURE) + f"<style>{sheet}</style>"):
        findings = check_text(page, "text/html").result.findings
        assert {"CC303", "CC304"} <= {f.code for f in findings}, page


def test_a_one_pixel_image_by_its_class_or_its_style_hides_its_alt_text():
    alt = 'alt="Risks include infection. This treatment is not FDA approved."'
    for page in (AD + f'<img src="x.png" style="width:1px;height:1px" {alt}>',
                 "<style>img.px{width:1px;height:1px}</style>" + AD + f'<img class="px" src="x.png" {alt}>'):
        assert {"CC303", "CC304"} <= {f.code for f in check_text(page, "text/html").result.findings}, page


def test_a_style_block_hides_html_blocks_of_a_markdown_file():
    text = ("# Knee clinic\n\nOur stem cell injections heal arthritic knees.\n\n<style>.dis{display:none}</style>\n\n"
            '<p class="dis">Risks include infection. This treatment is not FDA approved.</p>\n')
    assert {"CC303", "CC304"} <= {f.code for f in check_text(text, "text/markdown").result.findings}


@pytest.mark.parametrize("sheet, element", [
    (".dis{display:none} .dis{display:block}", '<p class="dis">{}</p>'),  # a later rule shows it
    (".dis{display:none} #s{display:block}", '<p class="dis" id="s">{}</p>'),  # a more specific one does
    (".dis{display:none}", '<p class="dis" style="display:block">{}</p>'),  # and the inline style does
    (".dis{display:none} @media (max-width:600px){.dis{display:block}}", '<p class="dis">{}</p>'),  # on phones
    ("@media print{.dis{display:none}}", '<p class="dis">{}</p>'),  # printed only
    (".dis{display:none}", '<p class="other">{}</p>'),  # not this element
    ("nav .dis{display:none}", '<p class="dis">{}</p>'),  # not inside a nav
    ("footer > .dis{display:none}", '<footer><div><p class="dis">{}</p></div></footer>'),  # not a child
    (".dis.small{display:none}", '<p class="dis">{}</p>'),  # has one of the two classes
    ("p[title] .dis{display:none}", '<p title="x"><span class="dis">{}</span></p>'),  # attributes: not read
    (".dis{color:#fff}", '<p class="dis">{}</p>'),  # white on nothing known: shown
    (".o{position:relative;clip:rect(0 0 0 0)}", '<div class="o">{}</div>'),  # clip needs a position
])
def test_style_rules_that_do_not_hide_the_disclaimer_leave_it_disclosing(sheet, element):
    page = f"<style>{sheet}</style>" + AD + element.format(DISCLOSURE)
    assert "CC303" not in {f.code for f in check_text(page, "text/html").result.findings}, page


@pytest.mark.parametrize("markup", [
    "<!-- <style>.dis{display:none}</style> -->",  # a comment
    '<script>var css = "<style>.dis{display:none}</style>";</script>',  # a script's string
])
def test_a_style_element_the_parser_does_not_read_hides_nothing(markup):
    page = markup + AD + '<p class="dis">Risks include infection. This treatment is not FDA approved.</p>'
    assert "CC303" not in {f.code for f in check_text(page, "text/html").result.findings}


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


@pytest.mark.parametrize("html", [
    '<p>Book a visit at our <abbr title="Our stem cells cure arthritis">clinic</abbr> in town today.</p>',
    '<html><head><meta property="og:description" content="Our stem cells cure arthritis"></head><body>'
    '<p>Welcome.</p></body></html>',
    '<html><head><meta name="twitter:description" content="Our stem cells cure arthritis"></head></html>',
    '<noscript><p>Our stem cells cure arthritis</p></noscript>',
    '<form><input type="submit" value="Our stem cells cure arthritis"></form>',
    '<form><input type=button value="Our stem cells cure arthritis"></form>',
    '<svg width="400" height="80"><g><text x="0" y="20">Our stem cells cure arthritis</text></g></svg>',
    '<svg><text x="0" y="20">Our stem cells <tspan x="0" y="40">cure arthritis</tspan></text></svg>',
    '<select name="goal"><option>Our stem cells cure arthritis</option></select>',
])
def test_text_a_reader_sees_outside_the_body_text_is_read(html):
    findings = [f for f in check_text(html, "text/html").result.findings if f.code == "CC102"]
    assert findings, html
    # Located on the characters of the claim in the original markup.
    assert html[findings[0].start:findings[0].end].startswith("stem cells") and "cure" in findings[0].text


def test_a_tooltip_does_not_split_its_sentence_and_one_that_repeats_its_text_is_skipped():
    raw = '<p>Our <abbr title="Food and Drug Administration">FDA</abbr> approved stem cells.</p>'
    text = normalize(Source("x.html", "text/html", raw))
    assert [text.text[b.start:b.end] for b in text.blocks] == ["Our FDA approved stem cells.",
                                                                "Food and Drug Administration"]
    linked = '<p><a href="/k" title="Knee care">Knee care</a> for you.</p>'
    assert normalize(Source("x.html", "text/html", linked)).text == "Knee care for you."


def test_the_same_description_twice_is_read_once():
    raw = ('<head><meta name="description" content="Stem cells heal knees.">'
           '<meta property="og:description" content="Stem cells heal knees."></head>')
    assert normalize(Source("x.html", "text/html", raw)).text == "Stem cells heal knees."


def test_a_hidden_svg_and_a_hidden_tooltip_are_hidden():
    raw = ('<div hidden><svg><text>Stem cells cure lupus</text></svg><p title="Stem cells cure MS">x</p></div>'
           '<svg aria-hidden="true"><text>Stem cells cure ALS</text></svg>')
    text = normalize(Source("x.html", "text/html", raw))
    assert {b.kind for b in text.blocks} == {"hidden"}


@pytest.mark.parametrize("raw,expected", [
    ("<p>FDA<br>approved</p>", "FDA approved"),          # the line goes on in lower case: one sentence
    ("<p>Knee pain<br>Back pain</p>", "Knee pain\n\nBack pain"),  # a new line with a capital: a new block
    ("<p>stem<br><br>cells</p>", "stem\n\ncells"),
])
def test_a_line_break_joins_a_sentence_that_goes_on(raw, expected):
    assert normalize(Source("x.html", "text/html", raw)).text == expected


@pytest.mark.parametrize("raw,expected", [
    ("F.D.A. approved", "FDA approved"), ("F. D. A. approved", "FDA approved"), ("F D A approved", "FDA approved"),
    ("the c u r e", "the cure"), ("by the F.D.A. Our", "by the FDA. Our"),
    ("U.S. rules, e.g. a.m. visits", "U.S. rules, e.g. a.m. visits"),  # abbreviations of two letters stay
])
def test_letters_spelled_out_are_joined(raw, expected):
    text = normalize(Source("x.txt", "text/plain", raw))
    assert text.text == expected
    start, end = text.raw_span(0, len(text.text))
    assert raw[start:end] == raw


def test_a_nav_is_read_except_its_menus():
    raw = ('<nav class="site-nav"><ul><li><a href="/">Home</a></li><li><a href="/ms">Stem cells for MS</a></li></ul>'
           '<a href="/">Home</a> | <a href="/knees">Knees</a>'
           '<p>Our stem cell injections cure arthritis.</p></nav><p>Welcome.</p>')
    text = normalize(Source("x.html", "text/html", raw))
    assert text.text == "Our stem cell injections cure arthritis.\n\nWelcome."
    assert "CC102" in {f.code for f in check_text(raw, "text/html").result.findings}


def test_a_stray_question_mark_after_the_full_stop_does_not_make_a_claim_a_question():
    from tests.conftest import check_text

    stray = check_text("Our stem cell injections cure knee arthritis. ?")
    assert {"CC101", "CC102"} <= {f.code for f in stray.result.findings}
    asked = check_text("Do our stem cell injections cure knee arthritis?")
    assert not [f for f in asked.result.findings if f.scope == "claim"]


@pytest.mark.parametrize("stray", ["<![foo[ x", "<![ x", "<![CDATAx[ y"])
def test_a_stray_marked_section_does_not_leave_the_page_unchecked(stray):
    """The standard parser raises on an unknown marked-section keyword and gave up on the whole
    page ("cannot parse", no findings): one stray "<![" hid every claim. It is read as a
    browser reads it, a bogus comment to the next ">", and the claims around it are found."""
    html = (f"<html><body><p>Our stem cell injections cure knee arthritis.</p>{stray} "
            "<p>Our stem cells regrow hip cartilage.</p></body></html>")
    checked = check_text(html, "text/html")
    found = {(f.code, checked.source.raw[f.start:f.end]) for f in checked.result.findings}
    assert ("CC102", "stem cell injections cure knee arthritis") in found
    assert any(text.startswith("stem cells regrow") for code, text in found if code == "CC103")


def test_stray_character_references_do_not_turn_the_rest_of_the_page_into_shown_text():
    """An '&#' that starts no character reference ('&#;', '&#x;') stopped the standard parser;
    at the second, it handed the rest of the page over as text, tags and all, so a disclaimer
    hidden with display:none counted as disclosure (no CC303)."""
    html = ("<html><body><p>Our stem cell injections heal arthritic knees.</p>"
            "<p>Price &#; list &#x; here, &#12a; too.</p>"
            '<div style="display:none">Risks include infection.</div>'
            "<p>Our stem cells regrow hip cartilage.</p></body></html>")
    checked = check_text(html, "text/html")
    found = {(f.code, checked.source.raw[f.start:f.end]) for f in checked.result.findings}
    assert "CC303" in {code for code, _ in found}
    assert any(code == "CC103" and text.startswith("stem cells regrow") for code, text in found)
    assert "Price &#; list &#x; here, &#12a; too." in checked.text.text
    assert "<div" not in checked.text.text and "display:none" not in checked.text.text


LINKED_PAGE = ('<html><head>{link}</head><body><h1>Knee clinic</h1>'
               '<p>Our stem cell injections heal arthritic knees.</p>'
               '<p class="fine">Risks include infection. This treatment is not FDA approved.</p></body></html>')


def _codes_of_linked_page(tmp_path, link: str, css: str | None = ".fine{display:none}", css_name="css/site.css"):
    from tests.clitools import check_json

    if css is not None:
        sheet = tmp_path / css_name
        sheet.parent.mkdir(parents=True, exist_ok=True)
        sheet.write_text(css, encoding="utf-8")
    page = tmp_path / "site" / "knee.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(LINKED_PAGE.format(link=link), encoding="utf-8")
    report, _ = check_json(page)
    return {f["code"] for d in report["documents"] for f in d["findings"]}


@pytest.mark.parametrize("link", [
    '<link rel="stylesheet" href="../css/site.css">',
    "<link href='../css/site.css?v=3#x' rel='preload stylesheet' media='screen'>",
    '<LINK REL=stylesheet HREF=../css/site%2Ecss>',
])
def test_a_disclaimer_hidden_by_a_linked_local_stylesheet_discloses_nothing(tmp_path, link):
    assert {"CC303", "CC304"} <= _codes_of_linked_page(tmp_path, link)


@pytest.mark.parametrize("link", [
    '<link rel="stylesheet" href="https://cdn.example/site.css">',  # on the web: not fetched
    '<link rel="stylesheet" href="/css/site.css">',  # from a root the file does not know
    '<link rel="stylesheet" href="../css/missing.css">',
    '<link rel="stylesheet" media="print" href="../css/site.css">',  # printed only
    '<link rel="alternate stylesheet" href="../css/site.css">',  # applies when a reader picks it
    '<!-- <link rel="stylesheet" href="../css/site.css"> -->',  # a comment
    '<link rel="icon" href="../css/site.css">',
])
def test_a_stylesheet_link_that_does_not_apply_hides_nothing(tmp_path, link):
    assert "CC303" not in _codes_of_linked_page(tmp_path, link)


def test_a_linked_stylesheet_that_is_a_fifo_or_too_large_is_passed_over_without_waiting(tmp_path):
    import os

    from claimcheck.load.linked_styles import MAX_STYLESHEET_BYTES

    os.mkfifo(tmp_path / "pipe.css")  # opening it to read would block
    assert "CC303" not in _codes_of_linked_page(tmp_path, '<link rel="stylesheet" href="../pipe.css">', css=None)
    big = ".fine{display:none}" + " " * MAX_STYLESHEET_BYTES
    assert "CC303" not in _codes_of_linked_page(tmp_path, '<link rel="stylesheet" href="../css/site.css">', css=big)
