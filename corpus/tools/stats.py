#!/usr/bin/env python3
"""Print the corpus's make-up as a Markdown table: pages per genre and verdict, sites, sentences.

    python3 corpus/tools/stats.py
"""
from collections import Counter, defaultdict

from common import corpus_pages, normalize_url


def main() -> None:
    pages = defaultdict(Counter)
    sites, claims = set(), 0
    for _, page in corpus_pages():
        pages[page["genre"]][page["verdict"]] += 1
        sites.add(normalize_url(page["url"]).split("/")[0])
        claims += len(page["claims"])
    print("| genre | fail | pass | pages |")
    print("|---|---|---|---|")
    for genre in sorted(pages):
        counts = pages[genre]
        print(f"| {genre} | {counts['fail']} | {counts['pass']} | {sum(counts.values())} |")
    total = sum(sum(c.values()) for c in pages.values())
    fails = sum(c["fail"] for c in pages.values())
    print(f"| **all** | {fails} | {total - fails} | {total} |")
    print(f"\n{total} pages from {len(sites)} sites; {claims} labelled claim sentences.")


if __name__ == "__main__":
    main()
