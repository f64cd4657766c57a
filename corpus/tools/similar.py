#!/usr/bin/env python3
"""Pages that tell the same story as another page: a reprinted press release, one news item on
two sites, one source paraphrased twice. Cross-validation groups pages by site, so the same story
on two sites can sit in a training fold and a test fold at once, and a first-run page that retells
a corpus page measures memory, not reading. The copy check (``validate.py --sources``) cannot see
this: two paraphrases of one source share few runs of eight words, but they keep its products,
conditions, numbers and rare words, which a TF-IDF cosine over words finds.

    python3 corpus/tools/similar.py FILE...            each new page's nearest corpus page
    python3 corpus/tools/similar.py --within           pairs of corpus pages on different sites

Prints one line per page or pair at ``--threshold`` or above (default ``THRESHOLD``) and exits 1
if there is any.
"""
from __future__ import annotations

import argparse
import collections
import json
import math
import pathlib
import re
import sys
from urllib.parse import urlsplit

from common import corpus_pages

# Two paraphrases of one page read 0.6 to 0.9; pages of one genre on one condition, each written
# from its own source, rarely pass 0.45 (the corpus's own pairs, read with --within).
THRESHOLD = 0.5
WORD = re.compile(r"[a-z0-9]+")


def content_words(text: str) -> list[str]:
    return [word for word in WORD.findall(text.lower()) if len(word) > 2]


def site(url: str) -> str:
    return (urlsplit(url if "//" in url else "//" + url).hostname or "").lower().removeprefix("www.")


class Index:
    """TF-IDF vectors of page texts (sub-linear term frequency, unit length) and an inverted
    index over them, so that a page's cosine with every other page costs one pass over its words."""

    def __init__(self, texts: dict[str, str]):
        self.frequency = collections.Counter()
        for text in texts.values():
            self.frequency.update(set(content_words(text)))
        self.size = len(texts)
        self.vectors = {key: self.vector(text) for key, text in texts.items()}
        self.postings = collections.defaultdict(list)
        for key, vector in self.vectors.items():
            for word, weight in vector.items():
                self.postings[word].append((key, weight))

    def vector(self, text: str) -> dict[str, float]:
        counts = collections.Counter(content_words(text))
        weights = {word: (1 + math.log(n)) * math.log(self.size / self.frequency[word])
                   for word, n in counts.items() if self.frequency[word]}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {word: w / norm for word, w in weights.items()}

    def nearest(self, key: str, allowed=lambda other: True) -> list[tuple[str, float]]:
        scores = collections.Counter()
        for word, weight in self.vectors[key].items():
            for other, other_weight in self.postings[word]:
                if other != key:
                    scores[other] += weight * other_weight
        return [(other, score) for other, score in scores.most_common() if allowed(other)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=pathlib.Path)
    parser.add_argument("--within", action="store_true", help="pairs of corpus pages on different sites")
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    args = parser.parse_args(argv)
    if bool(args.files) == args.within:
        parser.error("give page files, or --within")
    pages = {page["id"]: page for _, page in corpus_pages()}
    new = [json.loads(path.read_text(encoding="utf-8")) for path in args.files]
    corpus_ids = set(pages)
    pages.update({page["id"]: page for page in new})
    index = Index({key: page["text"] for key, page in pages.items()})
    found = 0
    if args.within:
        for key in sorted(corpus_ids):
            home = site(pages[key]["url"])
            for other, score in index.nearest(key, lambda o: o in corpus_ids and o > key):
                if score < args.threshold:
                    break
                if site(pages[other]["url"]) != home:
                    found += 1
                    print(f"{key} {other} {score:.2f} {home} {site(pages[other]['url'])}")
    else:
        for page in new:
            nearest = index.nearest(page["id"], lambda o: o in corpus_ids)[:1]
            if nearest and nearest[0][1] >= args.threshold:
                found += 1
                other, score = nearest[0]
                print(f"{page['id']}: tells the story of {other} ({score:.2f}, {pages[other]['url']})")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
