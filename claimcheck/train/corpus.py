"""The labelled corpus (``corpus/pages/<genre>/<id>.json``, see ``corpus/GUIDE.md``)
as training and evaluation units.

A page is read by ``check``'s own pipeline (without a model), so its sentences are
cut as ``check`` cuts them and carry the same feature words: what the classifiers
learn from is what they will be asked about. A sentence is a claim of a category when it overlaps
a claim span labelled with that category; every other sentence is compliant.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
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
    words: list[str] = field(default_factory=list)  # what the sentence classifier reads
    length: int = 0  # its words, feature words not counted


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
    words: list[str] = field(default_factory=list)  # what the page classifier reads

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


def write_page_files(folder: str | Path, into: str | Path) -> tuple[int, int]:
    """Each page's text under ``folder`` as a file in ``into``, named by its id, ``.html`` when
    it is markup and ``.md`` otherwise, as a folder of pages a user checks would hold it (the
    benchmark corpus of ``benchmarks/bench_throughput.py`` and of the findings golden).
    Returns (files, words)."""
    files = words = 0
    for path in sorted(Path(folder).rglob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        text = record["text"]
        suffix = ".html" if text.lstrip().startswith("<") else ".md"
        (Path(into) / f"{record['id']}{suffix}").write_text(text, encoding="utf-8")
        files += 1
        words += len(text.split())
    return files, words


def read_corpus(folder: str | Path, ids: set[str] | None = None) -> list[CorpusPage]:
    """Every page record under ``folder`` (searched recursively), or those whose id is in
    ``ids``, in a stable order, with its sentences labelled."""
    pages = []
    for path in sorted(Path(folder).rglob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        if ids is not None and record["id"] not in ids:
            continue
        page = CorpusPage(id=record["id"], site=site_of(record["url"]), genre=record["genre"],
                          sells=bool(record["sells"]), verdict=record["verdict"], text=record["text"],
                          claims=record.get("claims", []), path=str(path))
        pages.append(page)
    from claimcheck.extract.learned import classifier_inputs
    for page, text, doc in analysed_docs(pages):
        inputs = classifier_inputs(doc)
        page.words = inputs.page_words
        page.sentences = label_sentences(page, text, zip(inputs.sentences, inputs.sentence_words,
                                                         inputs.sentence_lengths))
    return pages


def analysed_docs(pages: list[CorpusPage]):
    """(page, normalized text, spaCy doc) for each page, read by ``check``'s pipeline without a model."""
    from claimcheck.extract.pipeline import build_pipeline, make_doc
    from claimcheck.pack.rulepack import load_pack

    nlp = build_pipeline(load_pack(), learned=False)
    normalized = ((page, normalize(page.source())) for page in pages)
    texts = ((make_doc(nlp, text.text), (page, text)) for page, text in normalized)
    for doc, (page, text) in nlp.pipe(texts, as_tuples=True, batch_size=32):
        yield page, text, doc


def label_sentences(page: CorpusPage, text, examples) -> list[LabelledSentence]:
    """The page's sentences as ``check`` cuts them, with the words the classifier reads and
    the categories of the claim spans each overlaps. ``examples``: (sentence span, words, length)."""
    claims = page.claim_spans()
    labelled = []
    for sentence, words, length in examples:
        body = sentence.text.strip()
        if not body:
            continue
        # Map the sentence's characters, not the whitespace around it: a separator the
        # normalizer inserted between blocks maps to the next block's first character, and
        # would make a heading overlap (and take the labels of) the claim that follows it.
        lead = len(sentence.text) - len(sentence.text.lstrip())
        first = sentence.start_char + lead
        start, end = text.raw_span(first, first + len(body))
        labelled.append(LabelledSentence(start, end, body, categories_overlapping(claims, start, end), words,
                                         length))
    return labelled


def categories_overlapping(claims: list[tuple[int, int, list[str]]], start: int, end: int) -> list[str]:
    """The categories of the claim spans (``CorpusPage.claim_spans``) that share a character
    with ``[start, end)``: a sentence's labels."""
    return sorted({c for s, e, cats in claims if s < end and start < e for c in cats})


def site_groups(pages: list[CorpusPage]) -> list[list[CorpusPage]]:
    """The pages grouped by site, and sites that tell one story (``stories.story_pairs``: a release
    reprinted, one text on two domains) joined into one group, so that no story is in two folds."""
    from claimcheck.train.stories import story_pairs

    joined = {page.site: page.site for page in pages}

    def root(site: str) -> str:
        while joined[site] != site:
            joined[site] = joined[joined[site]]
            site = joined[site]
        return site

    for first, second, _ in story_pairs([page.text for page in pages]):
        a, b = root(pages[first].site), root(pages[second].site)
        if a != b:
            joined[max(a, b)] = min(a, b)
    groups: dict[str, list[CorpusPage]] = {}
    for page in pages:
        groups.setdefault(root(page.site), []).append(page)
    return list(groups.values())


def folds_by_site(pages: list[CorpusPage], k: int) -> list[list[CorpusPage]]:
    """``k`` folds with no site, and no story told on two sites, in two of them (``site_groups``),
    balanced by page count (largest groups first, each to the smallest fold; ties broken by the
    group's first site name so the split is reproducible)."""
    folds: list[list[CorpusPage]] = [[] for _ in range(k)]
    for group in sorted(site_groups(pages), key=lambda g: (-len(g), min(page.site for page in g))):
        smallest = min(range(k), key=lambda i: (len(folds[i]), i))
        folds[smallest].extend(group)
    return folds
