#!/usr/bin/env python3
"""Check corpus page records against GUIDE.md; print one line per problem, exit 1 if any.

    python3 corpus/tools/validate.py [FILE...] [--sources DIR]

With no FILE, every page under corpus/pages/ is checked. With --sources, a page
whose source text was saved as DIR/<id>.txt must share no run of 8 words with it.
Every page is also checked against the shared development sets' text.
"""
import argparse
import json
import pathlib
import re
import sys

from common import (CLAIM_CATEGORIES, CORPUS, GENRES, PAGE_CATEGORIES, SHARED_EVAL, RUN,
                    corpus_pages, development_urls, held_out, normalize_url, word_runs)

FIELDS = {"id", "url", "title", "genre", "sells", "verdict", "has_risk_info",
          "has_not_approved_statement", "categories", "rationale", "text", "claims"}


def problems(path: pathlib.Path, page: dict, development: set, development_runs: set, sources):
    missing, unknown = FIELDS - set(page), set(page) - FIELDS
    if missing:
        yield f"missing fields {sorted(missing)}"
    if unknown:
        yield f"unknown fields {sorted(unknown)}"
    if missing:
        return
    if path.stem != page["id"]:
        yield f"id {page['id']!r} differs from the file name"
    if page["genre"] not in GENRES:
        yield f"unknown genre {page['genre']!r}"
    elif path.parent.name != page["genre"]:
        yield f"genre {page['genre']!r} but the file is under {path.parent.name}/"
    if page["verdict"] not in ("fail", "pass"):
        yield f"verdict must be fail or pass, not {page['verdict']!r}"
    for key in ("sells", "has_risk_info", "has_not_approved_statement"):
        if not isinstance(page[key], bool):
            yield f"{key} must be true or false"
    if bad := set(page["categories"]) - PAGE_CATEGORIES:
        yield f"unknown page categories {sorted(bad)}"
    text = page["text"]
    words = len(text.split())
    if not 60 <= words <= 900:
        yield f"text has {words} words (60 to 900 allowed; 80 to 700 is the aim)"
    for claim in page["claims"]:
        if claim["text"] not in text:
            yield f"claim not found verbatim in text: {claim['text'][:60]!r}"
        if not claim.get("categories") or set(claim["categories"]) - CLAIM_CATEGORIES:
            yield f"claim needs known categories: {claim['text'][:60]!r}"
    if page["verdict"] == "fail" and not page["claims"]:
        yield "a failing page lists no claims"
    if held_out(page["url"]):
        yield "the URL is held out for measurement: remove the page"
    if normalize_url(page["url"]) in development:
        yield "the URL is in a development set: remove the page"
    if shared := word_runs(text) & development_runs:
        yield f"shares {len(shared)} runs of {RUN} words with a development set, e.g. {' '.join(next(iter(shared)))!r}"
    if sources and (source := pathlib.Path(sources) / f"{page['id']}.txt").exists():
        if copied := word_runs(text) & word_runs(source.read_text(encoding="utf-8")):
            yield f"copies {len(copied)} runs of {RUN} words from its source, e.g. {' '.join(next(iter(copied)))!r}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=pathlib.Path)
    ap.add_argument("--sources", help="folder of saved source texts, <id>.txt")
    args = ap.parse_args()
    development = development_urls()
    development_runs = set()
    for dev in SHARED_EVAL.glob("*.jsonl"):
        for line in dev.read_text(encoding="utf-8").splitlines():
            if line.strip():
                development_runs |= word_runs(json.loads(line)["text"])
    pages = ([(p, json.loads(p.read_text(encoding="utf-8"))) for p in args.files]
             if args.files else list(corpus_pages()))
    count, seen_ids, seen_urls = 0, {}, {}
    for path, page in pages:
        for problem in problems(path, page, development, development_runs, args.sources):
            count += 1
            print(f"{path.relative_to(CORPUS) if path.is_relative_to(CORPUS) else path}: {problem}")
        for key, seen in ((page.get("id"), seen_ids), (normalize_url(page.get("url", "")), seen_urls)):
            if key in seen:
                count += 1
                print(f"{path.name}: duplicate of {seen[key].name}")
            seen[key] = path
    print(f"{len(pages)} pages, {count} problems")
    return 1 if count else 0


if __name__ == "__main__":
    sys.exit(main())
