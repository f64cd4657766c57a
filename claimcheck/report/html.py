"""``--format html``: one self-contained HTML file a person reads, forwards or prints.

Design choices:

* **Self-contained and script-free.** The stylesheet is inlined, the charts are
  inline SVG drawn here, and there is no JavaScript at all: drill-down uses
  ``<details>`` and anchors. A Content-Security-Policy meta tag forbids every script,
  plugin, frame, font and remote image, and allows only the one inline stylesheet by
  its SHA-256 hash, so even a mistake in escaping could not run code.
* **Everything from an ad is escaped.** Templates are Jinja2 with autoescaping on;
  no text from a document, URL or finding is ever marked safe. Links to scanned
  pages are made only for ``http``/``https`` URLs.
* **The document as a reader sees it.** The text shown is the document's normalized
  text (markup stripped, blocks kept as headings, paragraphs and list items), from
  the same normalizer the checks ran on. Each finding's raw ``start``/``end`` offsets
  are mapped back onto it through the normalizer's offset map, so an HTML page shows
  its visible text, not its markup, with every claim highlighted where it is.
  Overlapping findings split the text into segments: each segment is one ``<mark>``
  listing all the findings that cover it (``data-findings``) and coloured by the most
  severe; a numbered tag opens each finding's span and links to its explanation.
  Document-level findings (a missing risk disclosure) are tagged at the claim that
  triggered them and underlined, not filled.
* **Rule documentation travels with the report.** Each rule cited is documented in the
  report itself ("Rules cited", one anchor per rule), and a finding's "Rule documentation"
  link goes there, unless the rule's pack publishes its pages (pack.yaml ``docs-url``):
  then to that absolute URL. A path relative to the report would break once it is forwarded.
* **Prints cleanly**: a print stylesheet drops the two-column layout and the shadows,
  keeps highlight colours, and avoids breaking a finding across pages.

``render(run)`` writes a ``check`` report; ``render_scan(scan)`` the site report of a
scan database (``claimcheck report``), from ``claimcheck.report.html_scan``.
"""
from __future__ import annotations

import base64
import hashlib
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from claimcheck import __version__
from claimcheck.model import SEVERITIES, SEVERITY_RANK, DocumentResult, Finding, Source, location_label

TEMPLATES = Path(__file__).with_name("templates")
GRADES = ("A", "B", "C", "D", "F")
KIND_LABELS = {".md": "Markdown", ".markdown": "Markdown", ".html": "HTML page", ".htm": "HTML page",
               ".xhtml": "HTML page", ".txt": "Plain text", ".docx": "Word document", ".pdf": "PDF"}


# -- the template engine ---------------------------------------------------------------
@lru_cache(maxsize=1)
def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every template, whatever its name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True,
    )
    from claimcheck.pack.docs import help_uri
    env.globals.update(SEVERITIES=SEVERITIES, GRADES=GRADES, safe_url=safe_url, rule_page_url=help_uri)
    env.filters["thousands"] = lambda n: f"{n:,}"
    return env


@lru_cache(maxsize=1)
def _stylesheet() -> tuple[str, str]:
    """The inline CSS and its CSP hash source."""
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return css, f"'sha256-{digest}'"


def content_security_policy(style_hash: str) -> str:
    return ("default-src 'none'; " f"style-src {style_hash}; " "img-src data:; "
            "base-uri 'none'; form-action 'none'")


def render_template(name: str, **context) -> str:
    from markupsafe import Markup

    css, style_hash = _stylesheet()
    context.setdefault("generated", datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    return _environment().get_template(name).render(
        stylesheet=Markup(css),  # our own file, never user data
        csp=content_security_policy(style_hash), version=__version__, **context)


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) link, else None (so it is shown as text, never followed)."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


# -- highlighted text ------------------------------------------------------------------------
@dataclass
class Segment:
    text: str
    findings: tuple[int, ...] = ()  # numbers of the findings covering this text
    severity: str | None = None  # the most severe claim finding covering it; "document" if only those
    starts: tuple[tuple[int, str], ...] = ()  # (number, severity or "document") of findings that begin here


@dataclass
class TextBlock:
    kind: str
    level: int
    segments: list[Segment]


@dataclass
class Gap:
    """Blocks left out of an excerpt."""

    blocks: int


@dataclass
class Span:
    number: int
    start: int  # raw offsets
    end: int
    severity: str
    document: bool  # a document-level finding, tagged at its trigger


def _normalized_span(offsets, length: int, text: str, start: int, end: int) -> tuple[int, int]:
    """Raw [start, end) -> normalized [start, end), trimmed of block separators."""
    begin = bisect_left(offsets, start, 0, length)
    stop = bisect_left(offsets, end, begin, length)
    while begin < stop and text[begin].isspace():
        begin += 1
    while stop > begin and text[stop - 1].isspace():
        stop -= 1
    return begin, stop


def text_view(raw: str, media_type: str, spans: list[Span], excerpt: bool = False):
    """The document's readable text as blocks of segments, and the numbers of the spans
    that could not be placed in it. With ``excerpt``, only blocks with a finding are kept."""
    from claimcheck.normalize import normalize

    normalized = normalize(Source("", media_type, raw))
    text, offsets = normalized.text, normalized.raw_offsets
    placed = []
    for span in spans:
        begin, stop = _normalized_span(offsets, len(text), text, span.start, span.end)
        if stop > begin:
            placed.append((begin, stop, span))
    blocks: list[TextBlock | Gap] = []
    started: set[int] = set()
    for block in normalized.blocks:
        inside = [(max(b, block.start), min(e, block.end), s) for b, e, s in placed
                  if b < block.end and e > block.start]
        if excerpt and not inside:
            if blocks and isinstance(blocks[-1], Gap):
                blocks[-1].blocks += 1
            else:
                blocks.append(Gap(1))
            continue
        cuts = sorted({block.start, block.end, *(b for b, _, _ in inside), *(e for _, e, _ in inside)})
        segments = []
        for left, right in zip(cuts, cuts[1:]):
            covering = [s for b, e, s in inside if b <= left and e >= right]
            claims = [s for s in covering if not s.document]
            severity = (max((s.severity for s in claims), key=SEVERITY_RANK.__getitem__) if claims
                        else "document" if covering else None)
            starts = tuple((s.number, "document" if s.document else s.severity)
                           for s in covering if s.number not in started)
            started.update(number for number, _ in starts)
            segments.append(Segment(text[left:right], tuple(s.number for s in covering), severity, starts))
        blocks.append(TextBlock(block.kind, block.level, segments))
    if excerpt and blocks and isinstance(blocks[-1], Gap) and len(blocks) == 1:
        blocks = []
    unplaced = {span.number for span in spans} - started
    return blocks, unplaced


# -- documents ------------------------------------------------------------------------------
@dataclass
class FindingView:
    number: int
    finding: Finding
    where: str
    placed: bool = True


@dataclass
class DocumentView:
    anchor: str
    result: DocumentResult
    title: str
    kind: str
    counts: dict
    findings: list[FindingView]
    blocks: list = field(default_factory=list)
    url: str | None = None  # for scanned pages
    error: str | None = None  # why a scanned page could not be checked

    @property
    def name(self) -> str:
        """The file name, for a title."""
        return PurePosixPath(self.title.replace("\\", "/")).name or self.title


def severity_counts(findings: list[Finding]) -> dict[str, int]:
    counts = {s: 0 for s in SEVERITIES}
    for finding in findings:
        if finding.suppressed is None:
            counts[finding.severity] += 1
    return counts


def _where(finding: Finding) -> str:
    if finding.location:
        place = location_label(finding.location)
    elif finding.line:
        place = f"line {finding.line}, column {finding.column}"
    else:
        place = ""
    if finding.scope == "document":
        return "whole document" + (f" (first claim at {place})" if place else "")
    return place


def kind_label(path: str, media_type: str) -> str:
    suffix = PurePosixPath(urlsplit(path).path if "://" in path else path).suffix.lower()
    if suffix in KIND_LABELS:
        return KIND_LABELS[suffix]
    return {"text/html": "HTML page", "text/markdown": "Markdown"}.get(media_type, "Text")


def document_view(anchor: str, result: DocumentResult, raw: str | None, *, excerpt: bool = False,
                  title: str | None = None, url: str | None = None, error: str | None = None) -> DocumentView:
    ordered = sorted(result.findings, key=lambda f: (f.start, f.end, -SEVERITY_RANK[f.severity]))
    views = [FindingView(number, finding, _where(finding)) for number, finding in enumerate(ordered, 1)]
    blocks: list = []
    if raw is not None:
        spans = [Span(v.number, v.finding.start, v.finding.end, v.finding.severity, v.finding.scope == "document")
                 for v in views if v.finding.suppressed is None]
        try:
            blocks, unplaced = text_view(raw, result.media_type, spans, excerpt=excerpt)
        except Exception:  # a page the normalizer cannot read still gets its findings listed
            blocks, unplaced = [], {span.number for span in spans}
        for view in views:
            view.placed = view.number not in unplaced and view.finding.suppressed is None
    else:
        for view in views:
            view.placed = False
    return DocumentView(anchor, result, title or result.path, kind_label(result.path, result.media_type),
                        severity_counts(result.findings), views, blocks, url, error)


# -- charts ----------------------------------------------------------------------------------
@dataclass
class Bar:
    label: str
    value: int
    parts: list  # (css class, x or y, length) of each stacked piece


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar]
    kind: str  # "columns", "rows" or "stack"
    legend: list = field(default_factory=list)
    empty: bool = False


def grade_chart(counts: dict[str, int]) -> Chart:
    """Columns: how many sites (or documents) got each grade."""
    top = max(counts.values(), default=0) or 1
    plot = 150
    bars = []
    for grade in counts:
        height = round(plot * counts[grade] / top)
        css = f"grade-{grade if grade in GRADES else 'none'}"
        bars.append(Bar(grade, counts[grade], [(css, plot - height, height)]))
    return Chart(width=80 + 64 * len(bars), height=plot + 50, bars=bars, kind="columns",
                 empty=not any(counts.values()))


STATUS_ORDER = ("fail", "review", "pass", "error", "irrelevant")


def status_chart(counts: dict[str, int]) -> Chart:
    """One bar split by page status: how much of a scan fails, needs review, passes."""
    total = sum(counts.get(s, 0) for s in STATUS_ORDER) or 1
    width, x, parts = 480, 0, []
    shown = [s for s in STATUS_ORDER if counts.get(s)]
    for status in shown:
        length = width - x if status == shown[-1] else round(width * counts[status] / total)
        parts.append((f"status-{status}", x, length))
        x += length
    return Chart(width=width, height=22, bars=[Bar("pages", total, parts)], kind="stack",
                 legend=[(s, counts[s]) for s in shown], empty=not shown)


def category_chart(by_category_severity: dict[str, dict[str, int]]) -> Chart:
    """Rows: findings per category, each row stacked by severity, largest first."""
    totals = {c: sum(s.values()) for c, s in by_category_severity.items()}
    order = sorted(totals, key=lambda c: (-totals[c], c))
    top = max(totals.values(), default=0) or 1
    plot = 300
    bars = []
    for category in order:
        x, parts = 0, []
        for severity in SEVERITIES:
            count = by_category_severity[category].get(severity, 0)
            if count:
                length = max(2, round(plot * count / top))
                parts.append((f"sev-{severity}", x, length))
                x += length
        bars.append(Bar(category, totals[category], parts))
    used = [s for s in SEVERITIES if any(by_category_severity[c].get(s) for c in order)]
    return Chart(width=560, height=max(1, len(bars)) * 28 + 10, bars=bars, kind="rows", legend=used,
                 empty=not bars)


def categories_of(documents: list[DocumentResult]) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for doc in documents:
        for finding in doc.findings:
            if finding.suppressed is None:
                row = table.setdefault(finding.category, {})
                row[finding.severity] = row.get(finding.severity, 0) + 1
    return table


def rules_cited(rules, codes: set[str]) -> list:
    return sorted((r for r in rules if r.code in codes), key=lambda r: r.code)


def rule_links(cited) -> dict[str, str]:
    """Code -> where a finding's "Rule documentation" goes: the rule's published page, or its
    entry in the report's own "Rules cited" section."""
    from claimcheck.pack.docs import help_uri
    return {rule.code: help_uri(rule) or f"#rule-{rule.code}" for rule in cited}


# -- entry points ---------------------------------------------------------------------------
def render(run) -> str:
    """The ``check`` report."""
    documents = [document_view(f"d{index}", doc, run.sources.get(doc.path))
                 for index, doc in enumerate(run.documents, 1)]
    grades = {g: 0 for g in GRADES}
    for doc in run.documents:
        grades[doc.grade] = grades.get(doc.grade, 0) + 1
    codes = {f.code for d in run.documents for f in d.findings}
    cited = rules_cited(run.rules, codes)
    return render_template(
        "check.html.j2", documents=documents, summary=run.summary(), problems=run.problems,
        notes=run.notes, fail_on=run.fail_on, grade_chart=grade_chart(grades),
        category_chart=category_chart(categories_of(run.documents)),
        rules=cited, rule_links=rule_links(cited))


def render_scan(scan) -> str:
    """The site report of a scan database; ``scan`` comes from ``html_scan.read_store``."""
    codes = {f.code for site in scan.sites for page in site.shown for f in page.result.findings}
    from claimcheck.pack.rulepack import load_pack

    cited = rules_cited(load_pack().rules, codes)
    return render_template(
        "scan.html.j2", scan=scan, grade_chart=grade_chart(scan.site_grades),
        status_chart=status_chart(scan.totals),
        category_chart=category_chart(scan.by_category), rules=cited, rule_links=rule_links(cited))
