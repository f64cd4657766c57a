"""Stage 3, extract: spaCy finds claims and their modality.

The pipeline is ``spacy.blank("en")`` plus our components (registered in
``factories``): block boundaries, sentence ends (spaCy's sentencizer rule), term matching from the
knowledge base and lexicons (``terms``), claim assembly (``claims``) and
ConText-style modality (``modality``). ``analyze`` turns each spaCy ``Doc``
into a plain ``Analysis`` that later stages use without spaCy.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import NamedTuple

from claimcheck.model import Claim, NormalizedText

# The predicate pattern of the claim a sentence makes by naming a cell product with a
# condition and no predicate ("Our exosome drip and lupus: ..."); context keeps it only
# on pages that sell.
IMPLIED_USE = "product-with-condition"


class Term(NamedTuple):
    """A matched knowledge-base or lexicon term (normalized offsets). A named tuple, not a
    frozen dataclass: a page has hundreds of terms and cues, and a frozen dataclass sets each
    field through ``object.__setattr__`` (1.3 against 0.4 microseconds a term)."""

    start: int
    end: int
    label: str  # PRODUCT CONDITION APPROVED PROCEDURE RISK PREDICATE DISCLOSURE PROMOTION
    cls: str  # kb id (PRODUCT...) or class (PREDICATE, DISCLOSURE, PROMOTION)
    entry: str  # id of the lexicon entry or kb entry that matched
    text: str
    sentence: int


@dataclass
class Analysis:
    text: NormalizedText
    claims: list[Claim]
    terms: list[Term]
    sentences: list[tuple[int, int]]
    topic: dict = field(default_factory=dict)
    words: int = 0
    learned: object = None  # extract.learned.Learned when a trained model is in use
    # sentence index -> its terms, grouped on first use (the terms are fixed once extracted)
    _terms_by_sentence: dict | None = field(default=None, init=False, repr=False, compare=False)

    def sentence_at(self, offset: int) -> int | None:
        """The index of the sentence holding normalized ``offset``, or None between sentences."""
        index = bisect.bisect_right(self.sentences, offset, key=lambda span: span[0]) - 1
        return index if index >= 0 and offset < self.sentences[index][1] else None

    def terms_in_sentence(self, index: int | None) -> list[Term]:
        """The terms that start in sentence ``index`` (none for ``None``). Grouped once, so that a
        question asked for every finding or sentence does not read every term of the document."""
        if self._terms_by_sentence is None:
            self._terms_by_sentence = {}
            for term in self.terms:
                self._terms_by_sentence.setdefault(term.sentence, []).append(term)
        return self._terms_by_sentence.get(index, [])

    def terms_labelled(self, label: str, cls: str | None = None) -> list[Term]:
        return [t for t in self.terms if t.label == label and (cls is None or t.cls == cls)]
