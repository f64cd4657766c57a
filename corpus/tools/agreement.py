#!/usr/bin/env python3
"""How far two labellers agree: the corpus's labels against a second labeller's on the same pages.

    python corpus/tools/agreement.py [corpus/agreement/second-labels.jsonl]

Each line of the file is a second labeller's labels for one corpus page (``id``, ``sells``,
``verdict`` and ``claims``, as GUIDE.md describes them), made from the page's text alone,
without seeing the first labels. (JSON lines, not a file per page: ``claimcheck train corpus/``
reads every ``*.json`` under the folder as a page.) Pages are cut into sentences as ``check`` cuts them
(``claimcheck.train.corpus``); a sentence is a claim for a labeller when it overlaps one of
that labeller's claim spans. Printed, as a Markdown table: agreement and Cohen's kappa on the
page verdict, on whether the page sells and on whether each sentence makes a claim; and the
second labeller scored as claimcheck is scored against the corpus (sentence recall and
false-positive rate, failing and honest pages that fail), the figure a tool's can be read
against. Needs claimcheck installed (it reads the pages with its pipeline).
"""
from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

from common import CORPUS, corpus_pages, ratio


def kappa(pairs: list[tuple[bool, bool]]) -> float | None:
    """Cohen's kappa of two yes/no labellings; None where chance agreement is total."""
    n = len(pairs)
    if not n:
        return None
    observed = sum(a == b for a, b in pairs) / n
    first, second = sum(a for a, _ in pairs) / n, sum(b for _, b in pairs) / n
    chance = first * second + (1 - first) * (1 - second)
    return None if chance == 1 else (observed - chance) / (1 - chance)


def rows(first_pages, second_pages) -> list[tuple[str, str, str]]:
    verdicts = [(a.verdict == "fail", b.verdict == "fail") for a, b in zip(first_pages, second_pages)]
    sells = [(a.sells, b.sells) for a, b in zip(first_pages, second_pages)]
    sentences = [(bool(s.categories), bool(t.categories))
                 for a, b in zip(first_pages, second_pages) for s, t in zip(a.sentences, b.sentences)]

    def agreement(pairs):
        k = kappa(pairs)
        return ratio(sum(a == b for a, b in pairs), len(pairs)), "-" if k is None else f"{k:.3f}"

    claims = [b for a, b in sentences if a]
    compliant = [b for a, b in sentences if not a]
    failing = [b for a, b in verdicts if a]
    honest = [b for a, b in verdicts if not a]
    return [
        ("page verdict (fail or pass)", *agreement(verdicts)),
        ("the page sells", *agreement(sells)),
        ("the sentence makes a claim", *agreement(sentences)),
        ("second labeller, scored as claimcheck is: sentences: recall", ratio(sum(claims), len(claims)), ""),
        ("second labeller: sentences: false-positive rate", ratio(sum(compliant), len(compliant)), ""),
        ("second labeller: fail pages that fail", ratio(sum(failing), len(failing)), ""),
        ("second labeller: honest pages that fail", ratio(sum(honest), len(honest)), ""),
    ]


def main(labels: Path) -> None:
    from claimcheck.train.corpus import categories_overlapping, read_corpus

    second = {record["id"]: record for record in
              (json.loads(line) for line in labels.read_text(encoding="utf-8").splitlines() if line.strip())}
    missing = sorted(set(second) - {page["id"] for _, page in corpus_pages()})
    if missing:
        sys.exit(f"not in the corpus: {', '.join(missing)}")
    first_pages = read_corpus(CORPUS / "pages", ids=set(second))  # cut into sentences as check cuts them
    second_pages = []
    for page in first_pages:
        labels = second[page.id]
        twin = dataclasses.replace(page, sells=bool(labels["sells"]), verdict=labels["verdict"],
                                   claims=labels.get("claims", []))
        spans = twin.claim_spans()
        twin.sentences = [dataclasses.replace(s, categories=categories_overlapping(spans, s.start, s.end))
                          for s in page.sentences]
        second_pages.append(twin)
    lost = sum(len(labels.get("claims", [])) for labels in second.values()) - sum(
        len(p.claim_spans()) for p in second_pages)
    print(f"{len(first_pages)} pages, {sum(len(p.sentences) for p in first_pages)} sentences"
          + (f"; {lost} second-labeller claims not found in their page's text" if lost else ""))
    print("\n| | agreement | Cohen's kappa |\n|---|---|---|")
    for label, value, k in rows(first_pages, second_pages):
        print(f"| {label} | {value} | {k} |")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS / "agreement" / "second-labels.jsonl")
