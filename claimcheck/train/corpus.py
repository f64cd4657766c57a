"""The labelled corpus (``corpus/pages/<genre>/<id>.json``, see ``corpus/GUIDE.md``)
as training and evaluation units.

A page's sentences are cut exactly as ``check`` cuts them (the same normalizer,
block boundaries and sentencizer), so what the sentence classifier learns from is
what it will be asked about. A sentence is a claim of a category when it overlaps
a claim span labelled with that category; every other sentence is compliant.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from claimcheck.model import Source
from claimcheck.normalize import normalize

CLAIM_CATEGORIES = (
    "unapproved-use", "cure-guarantee", "regeneration-overclaim", "comparative-claim", "false-approval",
    "regulatory-misrepresentation", "safety-overclaim", "rejection-overclaim", "evidence-overclaim",
    "testimonial",
)


@dataclass
class LabelledSentence:
    start: int  # offsets in the page's raw text
    end: int
    text: str
    categories: list[str]


@dataclass
class CorpusPage:
    id: str
    site: str
    genre: str
    sells: bool
    verdict: str
    text: str
    claims: list[dict]
    path: str
    sentences: list[LabelledSentence] = field(default_factory=list)

    def source(self) -> Source:
        return Source(origin=self.id, media_type="text/plain", raw=self.text, site=self.site)

    def claim_spans(self) -> list[tuple[int, int, list[str]]]:
        spans = []
        for claim in self.claims:
            at = self.text.find(claim["text"])
            if at >= 0:
                spans.append((at, at + len(claim["text"]), list(claim["categories"])))
        return spans


def site_of(url: str) -> str:
    host = urlsplit(url if "://" in url else "http://" + url).netloc.lower()
    return host.removeprefix("www.")


def read_corpus(folder: str | Path) -> list[CorpusPage]:
    """Every page record under ``folder`` (searched recursively), in a stable order,
    with its sentences labelled."""
    pages = []
    for path in sorted(Path(folder).rglob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        page = CorpusPage(id=record["id"], site=site_of(record["url"]), genre=record["genre"],
                          sells=bool(record["sells"]), verdict=record["verdict"], text=record["text"],
                          claims=record.get("claims", []), path=str(path))
        page.sentences = label_sentences(page)
        pages.append(page)
    return pages


@lru_cache(maxsize=1)
def _segmenter():
    import spacy

    from claimcheck.extract import factories  # noqa: F401  (registers claimcheck_blocks)

    nlp = spacy.blank("en")
    nlp.add_pipe("claimcheck_blocks")
    nlp.add_pipe("sentencizer", config={"overwrite": False})
    return nlp


def sentence_spans(source: Source) -> list[tuple[int, int, str]]:
    """(raw start, raw end, normalized text) of each sentence, as ``check`` cuts them."""
    from claimcheck.extract.pipeline import make_doc

    text = normalize(source)
    doc = _segmenter()(make_doc(_segmenter(), text.text))
    spans = []
    for sentence in doc.sents:
        if not sentence.text.strip():
            continue
        start, end = text.raw_span(sentence.start_char, sentence.end_char)
        spans.append((start, end, sentence.text.strip()))
    return spans


def label_sentences(page: CorpusPage) -> list[LabelledSentence]:
    claims = page.claim_spans()
    labelled = []
    for start, end, text in sentence_spans(page.source()):
        categories = sorted({c for s, e, cats in claims if s < end and start < e for c in cats})
        labelled.append(LabelledSentence(start, end, text, categories))
    return labelled


def folds_by_site(pages: list[CorpusPage], k: int) -> list[list[CorpusPage]]:
    """``k`` folds with no site in two of them, balanced by page count (largest sites first,
    each to the smallest fold; ties broken by site name so the split is reproducible)."""
    by_site: dict[str, list[CorpusPage]] = {}
    for page in pages:
        by_site.setdefault(page.site, []).append(page)
    folds: list[list[CorpusPage]] = [[] for _ in range(k)]
    for site in sorted(by_site, key=lambda s: (-len(by_site[s]), s)):
        smallest = min(range(k), key=lambda i: (len(folds[i]), i))
        folds[smallest].extend(by_site[site])
    return folds
