"""A site's template, found by repetition: the blocks that recur on many of its pages.

``scan`` reads its inputs twice. The first pass (``SiteTemplates.add_page`` for
every page) counts, per site, on how many pages each block's text occurs
(``main_content.page_fingerprints``: one 64-bit fingerprint per distinct block
of a page). A block is template when it occurs on at least ``MIN_PAGES`` pages
and on at least ``MIN_SHARE`` of the site's pages, so a page seen alone, or a
site of two pages, keeps everything. Each template block is linted on one
page, its representative (the first of its pages in URL order), and left out
of the others (``repeated``): a claim in a site-wide banner is reported once,
never on every page, and never dropped everywhere.

Nothing here depends on the order of the crawl (counts and the least URL are
order-free), so a mirror, a WARC and a JSONL file of the same pages give the
same results. Memory: one counter and one URL reference per distinct block of
each site, kept until the first pass ends; then only the template blocks.
"""
from __future__ import annotations

from collections.abc import Iterable

from claimcheck.normalize.main_content import page_fingerprints

MIN_PAGES = 3
MIN_SHARE = 0.5


class _SiteCounts:
    __slots__ = ("pages", "counts", "first_url")

    def __init__(self) -> None:
        self.pages = 0
        self.counts: dict[int, int] = {}
        self.first_url: dict[int, str] = {}  # per block: the least URL it occurs on


class SiteTemplates:
    def __init__(self, min_pages: int = MIN_PAGES, min_share: float = MIN_SHARE):
        self.min_pages, self.min_share = min_pages, min_share
        self._sites: dict[str, _SiteCounts] = {}
        self._template: dict[str, frozenset[int]] = {}  # per site, after ``finish``
        self._represented: dict[str, frozenset[int]] = {}  # per representative URL

    def add_page(self, site: str, url: str, raw: str) -> None:
        self.add_fingerprints(site, url, page_fingerprints(raw))

    def add_fingerprints(self, site: str, url: str, fingerprints: Iterable[int]) -> None:
        counts = self._sites.get(site)
        if counts is None:
            counts = self._sites[site] = _SiteCounts()
        counts.pages += 1
        for fingerprint in fingerprints:
            counts.counts[fingerprint] = counts.counts.get(fingerprint, 0) + 1
            first = counts.first_url.get(fingerprint)
            if first is None or url < first:
                counts.first_url[fingerprint] = url

    def finish(self) -> None:
        """Decide each site's template and free the counts."""
        represented: dict[str, set[int]] = {}
        for site, counts in self._sites.items():
            needed = max(self.min_pages, self.min_share * counts.pages)
            template = frozenset(f for f, count in counts.counts.items() if count >= needed)
            if template:
                self._template[site] = template
                for fingerprint in template:
                    represented.setdefault(counts.first_url[fingerprint], set()).add(fingerprint)
        self._represented = {url: frozenset(found) for url, found in represented.items()}
        self._sites.clear()

    def repeated(self, site: str, url: str) -> frozenset[int]:
        """Fingerprints of the template blocks to leave out of this page: all of its
        site's, except those this page represents."""
        template = self._template.get(site, frozenset())
        mine = self._represented.get(url)
        return template - mine if mine else template
