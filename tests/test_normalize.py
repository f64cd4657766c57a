"""normalize: visible text only, and every character maps back to the raw file."""
from __future__ import annotations

import pytest

from claimcheck.model import LineIndex, Source
from claimcheck.normalize import normalize
from claimcheck.normalize.html import normalize_html
from claimcheck.normalize.markdown import normalize_markdown
from claimcheck.normalize.plain import normalize_plain


def _raw_of(text, raw, word):
    start = text.text.index(word)
    a, b = text.raw_span(start, start + len(word))
    return raw[a:b]


def test_html_skips_script_style_and_comments_but_reads_nav():
    # A menu is read: hiding claims in <nav> was a way to pass a violating page
    # (issue 11); site-wide menus are told apart by repetition in scan instead.
    raw = ("<html><head><title>Knee clinic</title><script>var s='stem cells cure';</script>"
           "<style>p{color:red}</style></head><body><nav>Home | COPD</nav>"
           "<!-- stem cells regrow cartilage --><p>Real text.</p></body></html>")
    text = normalize_html(raw)
    assert "cure" not in text.text and "regrow" not in text.text and "color" not in text.text
    assert "Home | COPD" in text.text
    assert "Knee clinic" in text.text and "Real text." in text.text
    assert [c.text.strip() for c in text.comments] == ["stem cells regrow cartilage"]


def test_html_entities_and_multibyte_map_back_exactly():
    raw = "<p>Caf&eacute; &amp; cl&iacute;nica&#8217;s cells \u2014 heal knees</p>"
    text = normalize_html(raw)
    assert "Café & clínica’s cells — heal knees" in text.text
    assert _raw_of(text, raw, "Café") == "Caf&eacute;"
    assert _raw_of(text, raw, "clínica’s") == "cl&iacute;nica&#8217;s"
    assert _raw_of(text, raw, "heal knees") == "heal knees"


def test_html_blocks_end_sentences_and_alt_text_is_kept():
    raw = '<h1>Stem cells</h1><p>First<br>Second</p><img src="a.png" alt="Regrow &amp; repair">'
    text = normalize_html(raw)
    assert text.text.split("\n\n") == ["Stem cells", "First", "Second", "Regrow & repair"]
    assert [b.kind for b in text.blocks] == ["heading", "paragraph", "paragraph", "alt"]
    assert _raw_of(text, raw, "Regrow") == "Regrow"


def test_html_broken_markup_does_not_raise():
    text = normalize_html("<p>Unclosed <b>bold <div>stem cells heal</p></span><script>x")
    assert "stem cells heal" in text.text


def test_markdown_strips_markup_and_keeps_offsets():
    raw = ("---\ntitle: front matter is skipped\n---\n# Stem *cells* heal\n\n"
           "Our **injections** [regrow](http://x) cartilage &amp; more.\n\n- Arthritis\n- COPD\n\n"
           "```\ncode is skipped\n```\n<!-- claimcheck-disable CC101 -- approved by legal -->\n")
    text = normalize_markdown(raw)
    assert "front matter" not in text.text and "code is skipped" not in text.text
    assert "Our injections regrow cartilage & more." in text.text
    assert _raw_of(text, raw, "regrow") == "regrow"
    assert _raw_of(text, raw, "injections") == "injections"
    assert [b.kind for b in text.blocks] == ["heading", "paragraph", "list_item", "list_item"]
    assert "claimcheck-disable CC101" in text.comments[0].text
    lines = LineIndex(raw)
    assert lines.position(text.raw_span(text.text.index("COPD"), text.text.index("COPD") + 4)[0]) == (9, 3)


def test_plain_text_headings_lists_and_wrapped_lines():
    raw = "STOP the Pain\nOur stem cells can help\nyour knees heal.\n\n- Arthritis\n- COPD\n"
    text = normalize_plain(raw)
    assert text.text.split("\n\n") == ["STOP the Pain", "Our stem cells can help your knees heal.",
                                       "Arthritis", "COPD"]


def test_plain_text_lines_after_a_colon_lead_in_are_list_items():
    # Scraped pages lose their bullets: the short unpunctuated lines after a lead-in
    # ending with a colon are a list, up to a line that reads as a sentence.
    text = normalize_plain("Clinics claim the cells can:\nRegrow cartilage\nReverse MS\n"
                           "None of this is proven.\nA short line\n")
    kinds = [(b.kind, text.text[b.start:b.end]) for b in text.blocks]
    assert kinds == [("paragraph", "Clinics claim the cells can:"), ("list_item", "Regrow cartilage"),
                     ("list_item", "Reverse MS"), ("paragraph", "None of this is proven."),
                     ("paragraph", "A short line")]


def test_a_blank_line_between_a_lead_in_and_its_list_keeps_the_list():
    text = normalize_plain("We have used the cells for many diseases, including:\n\nEpilepsy\nLupus\nGout\n\n"
                           "Next steps\n")
    kinds = [(b.kind, text.text[b.start:b.end]) for b in text.blocks]
    assert kinds == [("paragraph", "We have used the cells for many diseases, including:"),
                     ("list_item", "Epilepsy"), ("list_item", "Lupus"), ("list_item", "Gout"),
                     ("paragraph", "Next steps")]


@pytest.mark.parametrize("raw", [
    # A lone short line after the gap heads a new section; it is not the lead-in's item.
    "The programme accepts patients who meet these rules:\n\nAge limits\n\n- Adults from 18 to 70\n",
    # Bullets after the lead-in make their own list; a heading after them starts afresh.
    "Three tests help here:\n- Blood test\n- Biopsy\n\nHip pain\nIt can start at any age.\n",
])
def test_a_blank_line_before_a_new_section_still_ends_the_list(raw):
    text = normalize_plain(raw)
    heading = next(b for b in text.blocks if text.text[b.start:b.end] in ("Age limits", "Hip pain"))
    assert heading.kind != "list_item"



@pytest.mark.parametrize("media_type", ["text/plain", "text/markdown", "text/html"])
def test_every_normalized_character_maps_into_the_raw_text(media_type):
    raw = "Stem cells — “heal” knees ✓ in 3 weeks.\n\nNext paragraph: café.\n"
    text = normalize(Source("x", media_type, raw))
    for index, char in enumerate(text.text):
        if not char.isspace():
            assert raw[text.raw_offsets[index]] == char


def test_the_builder_collapses_each_whitespace_gap_to_one_space_at_the_gap_s_last_character():
    from claimcheck.normalize.builder import TextBuilder

    builder = TextBuilder()
    builder.add("stem\tcells  heal\u00a0knees \n", 10)
    builder.add("fast", 40)
    text = builder.build(50)
    assert text.text == "stem cells heal knees fast"
    # One-character gaps keep their own offset (the tab at 14, the no-break space at 26);
    # the two-space gap maps to its second space (21); the gap between the calls to the
    # first character of the trailing whitespace (32).
    assert list(text.raw_offsets) == [*range(10, 20), 21, *range(22, 32), 32, *range(40, 44), 50]
