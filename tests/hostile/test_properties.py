"""Property-based tests (Hypothesis): random Unicode, markup, nesting and whitespace.

For any input: no exception; every finding's offsets lie inside the text, its text is
the raw characters at those offsets, and it starts and ends on a visible character of
the claim (never on whitespace or inside a tag). For a known violating text: the
findings do not change when zero-width characters are sprinkled into it.

Bounded and reproducible for CI: a fixed number of examples per test, no deadline (the
first example pays for building the pipeline), ``derandomize=True`` (the examples are
derived from each test, not drawn at random) and no example database on disk.
"""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimcheck.model import LineIndex
from tests.conftest import check_text

BOUNDED = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Words that make claims, so that random text has findings to check the offsets of.
AD_WORDS = ["stem cell", "stem cells", "injections", "cure", "cures", "FDA", "approved", "FDA-approved",
            "no side effects", "arthritis", "knee", "reverse", "aging", "heal", "100%", "guaranteed",
            "exosomes", "MS", "not", "may", "risks", "infection", ".", ",", "!", "?", "Our", "clinic"]
# Characters a hostile page is made of: zero-width and bidi controls, soft hyphens, combining
# marks, look-alike letters, fullwidth and mathematical letters, emoji, NBSP and other spaces.
TRICKY = list("\u200b\u200c\u200d\u2060\ufeff\u00ad\u202e\u202d\u0301\u0308\u0430\u043e\u0435\uff26\uff24\uff21"
              "\U0001d41c\u00a0\u2003\u3000\t\r\n\x0b\x0c\x00\ud7ff\ufffd\U0001f600\u0000") + ["&shy;", "&amp;", "&#8203;"]

words = st.one_of(st.sampled_from(AD_WORDS), st.text(max_size=12), st.sampled_from(TRICKY))
spaces = st.sampled_from([" ", "  ", "\n", "\n\n", "\t", " \n ", "", "\u00a0", "\r\n"])
prose = st.lists(st.tuples(words, spaces), max_size=40).map(lambda parts: "".join(w + s for w, s in parts))

TAGS = ["p", "div", "span", "b", "i", "a", "li", "ul", "ol", "h1", "h2", "section", "header", "aside", "footer",
        "nav", "script", "style", "noscript", "svg", "text", "tspan", "select", "option", "table", "td", "tr",
        "blockquote", "abbr", "strong", "em", "main", "article", "form", "button", "label", "pre", "code"]
ATTRIBUTES = ["", ' class="hero"', ' style="display:none"', ' hidden', ' aria-hidden="true"',
              ' style="color:#fff;background:#fff"', ' title="Stem cells cure MS"', ' style="font-size:1px"',
              ' role="complementary"', ' x="0" y="10"', ' id="comments"', ' style="visibility:hidden"']
VOIDS = ["<br>", "<hr>", '<img alt="Stem cells cure arthritis">', '<img width="1" height="1" alt="Risks: none">',
         '<input type="submit" value="FDA approved cells">', '<meta name="description" content="Cures MS">',
         "<wbr>", "<!-- claimcheck-disable-next-line -->", "<!---->", "<!--", "</p>", "</div>", "<", ">", "&", "&#",
         "&#x;", "<![CDATA[ x ]]>", "<?php ?>", "<!DOCTYPE html>"]


@st.composite
def element(draw, children):
    tag = draw(st.sampled_from(TAGS))
    inner = "".join(draw(st.lists(children, max_size=4)))
    closing = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", f"</{tag}>", ""]))  # sometimes left open
    return f"<{tag}{draw(st.sampled_from(ATTRIBUTES))}>{inner}{closing}"


html_fragments = st.recursive(st.one_of(prose, st.sampled_from(VOIDS)), lambda children: element(children),
                              max_leaves=25)
html_pages = st.lists(html_fragments, max_size=6).map("".join)

MARKDOWN_PREFIXES = ["", "# ", "## ", "> ", ">> ", "- ", "  - ", "    - ", "1. ", "* ", "    ", "```\n", "| a | b |\n",
                     "---\n", "<div>\n", "<!-- ok -->\n", "[x]: http://e.example\n", "- [ ] "]
markdown_lines = st.tuples(st.sampled_from(MARKDOWN_PREFIXES), st.integers(0, 12), prose).map(
    lambda line: "  " * line[1] + line[0] + line[2])
markdown_documents = st.lists(markdown_lines, max_size=15).map("\n".join)


def assert_findings_sound(raw: str, media_type: str) -> list:
    """Runs the whole pipeline; every finding lies in the text, on the claim's characters."""
    findings = check_text(raw, media_type).result.findings
    lines = LineIndex(raw)
    for finding in findings:
        assert 0 <= finding.start <= finding.end <= len(raw), finding
        assert raw[finding.start:finding.end] == finding.text
        assert (finding.line, finding.column) == lines.position(finding.start)
        if finding.end > finding.start and finding.scope == "claim":
            # On the claim's own characters: not on the whitespace or the tag around it.
            for edge in (finding.text[0], finding.text[-1]):
                assert not edge.isspace() and edge not in "<>", finding.text
    return findings


@BOUNDED
@given(prose)
def test_random_plain_text(raw):
    assert_findings_sound(raw, "text/plain")


@BOUNDED
@given(markdown_documents)
def test_random_markdown_of_any_nesting(raw):
    assert_findings_sound(raw, "text/markdown")


@BOUNDED
@given(html_pages)
def test_random_markup_and_nesting(raw):
    assert_findings_sound(raw, "text/html")


@BOUNDED
@given(st.text(max_size=300))
def test_any_unicode_at_all(raw):
    for media_type in ("text/plain", "text/markdown", "text/html"):
        assert_findings_sound(raw, media_type)


VIOLATING = ("Our stem cell injections cure knee arthritis and are FDA approved.\n\n"
             "Treatment has no side effects, guaranteed. Book your consultation today.\n")
NOISE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
INVISIBLE = set(NOISE)


def _signature(raw: str, media_type: str) -> list[tuple]:
    """The findings with their texts stripped of noise: what a reader would be shown."""
    findings = check_text(raw, media_type).result.findings
    return sorted((f.code, f.severity, "".join(c for c in f.text if c not in INVISIBLE)) for f in findings)


@BOUNDED
@given(st.lists(st.tuples(st.integers(0, len(VIOLATING)), st.sampled_from(NOISE)), min_size=1, max_size=25),
       st.sampled_from(["text/plain", "text/markdown", "text/html"]))
def test_zero_width_noise_changes_no_finding(insertions, media_type):
    noisy = VIOLATING
    for position, char in sorted(insertions, reverse=True):
        noisy = noisy[:position] + char + noisy[position:]
    if media_type == "text/html":
        wrap = lambda text: "".join(f"<p>{part}</p>" for part in text.split("\n\n"))  # noqa: E731
        clean, noisy = wrap(VIOLATING), wrap(noisy)
    else:
        clean = VIOLATING
    expected = _signature(clean, media_type)
    assert expected, "the known text must violate"
    assert _signature(noisy, media_type) == expected
