r"""The relevance prefilter: which crawled pages are worth running through spaCy.

A page is relevant when its main content names a cell product, a licensed
cell product or a transplant procedure: the knowledge base's ``products``,
``approved_products`` and ``approved_uses`` (procedure) terms. Every rule
needs one of these somewhere on the page before a claim counts as being
about a cell product, so a crawled page without any has nothing to report;
such pages are recorded as ``irrelevant`` and never reach spaCy.

Two steps, built once per process, both linear in the page:

* ``maybe_relevant(raw)``: on the raw page before any parsing. Every word of
  some term must appear somewhere in the page (tags may sit between the words
  of a term, so the words are looked for one by one, as a set). Most
  unrelated pages stop here, at the cost of one regex pass over the page.
* ``relevant(text)``: on the extracted main content, the terms themselves as
  runs of tokens (``\w+`` words and single punctuation marks, whitespace
  ignored), case-insensitive: a superset of what spaCy's phrase matcher finds,
  so a page the pipeline would read as naming a product is never skipped.

Only the shortest terms are kept: "stem cell therapy" is relevant because
"stem cell" is. (A single alternation of all the terms as a regular
expression was tried first: Python's engine retries every alternative at
every position, 20 ms for a 10 kB page, against 0.5 ms for this.)
"""
from __future__ import annotations

import re

_TOKEN = re.compile(r"\w+|[^\w\s]")
_WORD = re.compile(r"\w+")


def relevance_terms(kb) -> list[str]:
    terms = [t for entry in kb.products.values() for t in entry.get("terms", [])]
    terms += [t for entry in kb.approved_products.values() for t in entry.get("terms", [])]
    terms += [t for entry in kb.approved_uses.values() for t in entry.get("procedure_terms", [])]
    return sorted({t.lower().strip() for t in terms if t.strip()})


def minimal_terms(terms: list[str]) -> list[tuple[str, ...]]:
    """Token tuples of the terms that do not contain another term as a run of tokens."""
    tokenized = sorted({tuple(_TOKEN.findall(t)) for t in terms}, key=len)
    kept: list[tuple[str, ...]] = []
    for tokens in tokenized:
        if not any(_contains(tokens, shorter) for shorter in kept):
            kept.append(tokens)
    return kept


def _contains(tokens: tuple[str, ...], part: tuple[str, ...]) -> bool:
    size = len(part)
    return any(tokens[i:i + size] == part for i in range(len(tokens) - size + 1))


class Prefilter:
    def __init__(self, terms: list[str]):
        self.terms = minimal_terms(terms)
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for tokens in self.terms:
            self._by_first.setdefault(tokens[0], []).append(tokens)
        self._firsts = frozenset(self._by_first)
        # For the raw check: each term as the set of its words.
        self._word_sets = [frozenset(_WORD.findall(" ".join(tokens))) for tokens in self.terms]
        self._words = frozenset().union(*self._word_sets)

    @classmethod
    def from_pack(cls, pack) -> "Prefilter":
        return cls(relevance_terms(pack.kb))

    def maybe_relevant(self, raw: str) -> bool:
        found = self._words.intersection(_WORD.findall(raw.lower()))
        return any(group <= found for group in self._word_sets)

    def relevant(self, text: str) -> bool:
        tokens = _TOKEN.findall(text.lower())
        if self._firsts.isdisjoint(tokens):
            return False
        by_first = self._by_first
        for index, token in enumerate(tokens):
            for term in by_first.get(token, ()):
                if tuple(tokens[index:index + len(term)]) == term:
                    return True
        return False
