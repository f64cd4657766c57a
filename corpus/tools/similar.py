#!/usr/bin/env python3
"""Pages that tell the same story as another page on another site: a reprinted press release,
one news item on two sites, one source paraphrased twice (``claimcheck/train/stories.py`` says how
they are found). Cross-validation keeps such pages in one fold; a first-run page that retells a
corpus page would measure memory, not reading, so it stays out of the round. The copy check
(``validate.py --sources``) cannot see this: two paraphrases of one source share few runs of
eight words.

    python3 corpus/tools/similar.py FILE...      new pages that retell a corpus page
    python3 corpus/tools/similar.py --within     pairs of corpus pages on different sites

Prints one line per page or pair at ``--threshold`` or above (default: the folds' own,
``STORY_COSINE``) and exits 1 if there is any. Needs claimcheck installed.
"""
from __future__ import annotations

import argparse
import json
import pathlib
import sys

from claimcheck.train.corpus import site_of
from claimcheck.train.stories import STORY_COSINE, story_pairs
from common import corpus_pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=pathlib.Path)
    parser.add_argument("--within", action="store_true", help="pairs of corpus pages on different sites")
    parser.add_argument("--threshold", type=float, default=STORY_COSINE)
    args = parser.parse_args(argv)
    if bool(args.files) == args.within:
        parser.error("give page files, or --within")
    corpus = [page for _, page in corpus_pages()]
    new = [json.loads(path.read_text(encoding="utf-8")) for path in args.files]
    pages = corpus + new
    found = 0
    for first, second, score in story_pairs([page["text"] for page in pages], args.threshold):
        a, b = pages[first], pages[second]
        if site_of(a["url"]) == site_of(b["url"]):
            continue
        if args.within:
            found += 1
            print(f"{a['id']} {b['id']} {score:.2f} {site_of(a['url'])} {site_of(b['url'])}")
        elif first < len(corpus) <= second:
            found += 1
            print(f"{b['id']}: retells {a['id']} ({score:.2f}, {a['url']})")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
