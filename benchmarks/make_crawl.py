"""Generate a synthetic crawl for ``claimcheck scan``: N pages, a chosen share relevant.

Relevant pages are the repository's fixture pages (``fixtures/``: HTML as is,
Markdown and plain text rendered to HTML), each placed in its site's template
(header with a menu, cookie banner, sidebar, footer) with a paragraph that
makes every page unique. Irrelevant pages are generated filler prose on
everyday topics (no cell product named), in the same templates. The same
pages are written, streamed one at a time, as

* a wget-style mirror folder: ``OUT/mirror/HOST/...`` (``index.html`` for ``/``),
* a WARC.gz file: ``OUT/crawl.warc.gz`` (one gzip member per record, via warcio),
* a JSONL file: ``OUT/crawl.jsonl`` (``url`` and ``html``).

    python benchmarks/make_crawl.py OUT --pages 2000 --relevant 0.2 [--sites 20] [--seed 1]
"""
from __future__ import annotations

import argparse
import html
import io
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

# Everyday vocabulary for filler pages: nothing here names a cell product.
TOPICS = {
    "bakery": "bread sourdough flour oven crust rye loaf pastry butter croissant morning bakers yeast dough".split(),
    "garden": "tomatoes soil compost seeds watering roses shade pruning mulch beds spring frost lettuce".split(),
    "travel": "train station hotel museum harbour ferry tickets luggage itinerary coast village market".split(),
    "cycling": "bicycle gears chain saddle tyres route climb descent helmet pedals frame commute".split(),
    "finance": "budget savings invoice mortgage interest account payment pension taxes receipt refund".split(),
    "music": "guitar chord rehearsal concert tempo melody drums chorus vinyl studio tuning band".split(),
}
COMMON = ("the a our your this that with for from and or but on in at to of every some many each new old "
          "good simple local small quiet early late after before during while we you they it is are was "
          "were will can should make take find keep bring visit enjoy share plan open close start").split()


def filler_sentence(rng: random.Random, topic: list[str]) -> str:
    words = [rng.choice(topic if rng.random() < 0.35 else COMMON) for _ in range(rng.randint(8, 18))]
    return " ".join(words).capitalize() + "."


def filler_paragraphs(rng: random.Random, topic: list[str], count: int) -> list[str]:
    return [" ".join(filler_sentence(rng, topic) for _ in range(rng.randint(3, 6))) for _ in range(count)]


def fixture_bodies() -> list[str]:
    """The fixture pages as HTML body fragments."""
    from markdown_it import MarkdownIt

    bodies = []
    for path in sorted(FIXTURES.glob("*/*")):
        if path.suffix not in (".html", ".md", ".txt"):
            continue  # Word and PDF fixtures are the document loaders', not web pages
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".html":
            start, end = text.find("<body"), text.rfind("</body>")
            start = text.find(">", start) + 1 if start >= 0 else 0
            bodies.append(text[start:end if end >= 0 else len(text)])
        elif path.suffix == ".md":
            bodies.append(MarkdownIt("commonmark").render(text))
        elif path.suffix == ".txt":
            bodies.append("".join(f"<p>{html.escape(p.strip())}</p>\n" for p in text.split("\n\n") if p.strip()))
    return bodies


def template(host: str, title: str, main: str, rng: random.Random) -> str:
    menu = "".join(f'<li><a href="/{w}.html">{w.title()}</a></li>' for w in ("about", "services", "team", "contact"))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body {{ font-family: sans-serif; }}</style></head>
<body>
<header class="site-header"><a href="/" class="logo">{host}</a><nav><ul>{menu}</ul></nav></header>
<div id="cookie-banner" class="cookie-consent"><p>We use cookies to improve your visit.
<button>Accept all</button></p></div>
<main>
{main}
</main>
<aside class="sidebar"><h3>Recent posts</h3><ul>{''.join(f'<li><a href="/p{rng.randint(1, 99)}.html">Post {rng.randint(1, 99)}</a></li>' for _ in range(4))}</ul></aside>
<footer class="site-footer"><p>&copy; 2025 {host} &middot; 12 High Street &middot; (555) 010-{rng.randint(1000, 9999)}</p>
<p><a href="/privacy">Privacy</a> | <a href="/terms">Terms</a></p></footer>
<script>window.dataLayer = [];</script>
</body></html>
"""


@dataclass
class Page:
    url: str
    host: str
    path: str  # inside the mirror folder: HOST/...
    html: str
    relevant: bool


def pages(count: int, relevant_share: float, sites: int = 10, seed: int = 1) -> Iterator[Page]:
    """The crawl, one page at a time (the same pages for the same arguments)."""
    rng = random.Random(seed)
    bodies = fixture_bodies()
    hosts = [f"site-{i:03d}.example" for i in range(max(1, sites))]
    pages_of_host = dict.fromkeys(hosts, 0)
    relevant_every = relevant_share
    owed = 0.0
    for number in range(count):
        host = rng.choice(hosts)  # not round-robin, so that relevant pages spread over the sites
        owed += relevant_every
        relevant = owed >= 1.0 - 1e-9
        if relevant:
            owed -= 1.0
        index_in_site = pages_of_host[host]
        pages_of_host[host] += 1
        name = "index.html" if index_in_site == 0 else f"page-{index_in_site:05d}.html"
        url = f"https://{host}/" + ("" if name == "index.html" else name)
        topic_name = rng.choice(sorted(TOPICS))
        topic = TOPICS[topic_name]
        unique = f"<p>Page {number} of this site. {filler_sentence(rng, topic)}</p>"
        if relevant:
            main = bodies[number % len(bodies)] + unique
            title = f"Regenerative clinic {number}"
        else:
            paragraphs = filler_paragraphs(rng, topic, rng.randint(6, 14))
            main = f"<h1>{topic_name.title()} notes {number}</h1>\n" + "".join(f"<p>{p}</p>\n" for p in paragraphs) + unique
            title = f"{topic_name.title()} {number}"
        yield Page(url, host, f"{host}/{name}", template(host, title, main, rng), relevant)


def write_crawl(out: Path, count: int, relevant_share: float, sites: int = 10, seed: int = 1,
                formats: tuple[str, ...] = ("mirror", "warc", "jsonl")) -> dict:
    """Write the crawl in each format; returns counts."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out.mkdir(parents=True, exist_ok=True)
    warc_file = open(out / "crawl.warc.gz", "wb") if "warc" in formats else None
    jsonl_file = open(out / "crawl.jsonl", "w", encoding="utf-8") if "jsonl" in formats else None
    writer = WARCWriter(warc_file, gzip=True) if warc_file else None
    totals = {"pages": 0, "relevant": 0}
    try:
        for page in pages(count, relevant_share, sites, seed):
            data = page.html.encode("utf-8")
            if "mirror" in formats:
                target = out / "mirror" / page.path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            if writer:
                headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                                      ("Content-Length", str(len(data)))], protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(page.url, "response", payload=io.BytesIO(data),
                                                              http_headers=headers))
            if jsonl_file:
                jsonl_file.write(json.dumps({"url": page.url, "html": page.html}) + "\n")
            totals["pages"] += 1
            totals["relevant"] += page.relevant
    finally:
        for handle in (warc_file, jsonl_file):
            if handle:
                handle.close()
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--relevant", type=float, default=0.2, help="share of relevant pages, 0-1")
    parser.add_argument("--sites", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--formats", default="mirror,warc,jsonl")
    args = parser.parse_args()
    totals = write_crawl(args.out, args.pages, args.relevant, args.sites, args.seed, tuple(args.formats.split(",")))
    print(f"{totals['pages']} pages ({totals['relevant']} relevant) -> {args.out}")


if __name__ == "__main__":
    main()
