"""Registers claimcheck's spaCy components: the one module that names them.

Components take the rule pack by its location (``rule_paths``, ``kb_paths``)
so their config stays serializable; the pack itself is loaded once per
process and cached.
"""
from __future__ import annotations

import re

import numpy
from spacy.attrs import IDX, IS_PUNCT, ORTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.strings import hash_string

from claimcheck.extract import extensions

extensions.register()

_PACK_CONFIG = {"rule_paths": [], "kb_paths": [], "include_builtin": True}


def _pack(rule_paths, kb_paths, include_builtin):
    from claimcheck.pack.rulepack import load_pack
    return load_pack(tuple(rule_paths), tuple(kb_paths), include_builtin)


# Social posts end their sentences with emoji instead of full stops ("... is not a life
# sentence 🔥 Our shot restores ..."): a run of pictographs followed by a space ends one.
# A break is matched from the head of a run only (the look-behind): without it, a run of
# 60,000 emoji with no space after it was scanned again from each of its characters.
_PICTOGRAPH = "\u2600-\u27bf\U0001f300-\U0001faff"
_IN_EMOJI = _PICTOGRAPH + "\ufe0f\u200d\U0001f3fb-\U0001f3ff"
_EMOJI_RUN_THEN_SPACE = re.compile(f"(?<![{_IN_EMOJI}])[{_IN_EMOJI}]+\\s+(?=\\S)")
_HAS_PICTOGRAPH = re.compile(f"[{_PICTOGRAPH}]")


def _emoji_breaks(text: str) -> list[int]:
    if not _HAS_PICTOGRAPH.search(text):  # one fast scan: most pages have no emoji
        return []
    return [match.end() for match in _EMOJI_RUN_THEN_SPACE.finditer(text)
            if _HAS_PICTOGRAPH.search(match.group())]


@Language.component("claimcheck_blocks", assigns=["token.is_sent_start"])
def block_boundaries(doc):
    """A line break separates blocks (headings, list items, paragraphs): a new sentence;
    so does a run of emoji inside a line. Normalized text has line breaks only between
    blocks, so finding them in the text is enough, and cheaper than visiting every token.
    The starts are set in one array: setting ``is_sent_start`` token by token re-checks
    the whole document's annotation each time, quadratic in a long document."""
    text = extensions.text_of(doc)
    starts = []
    position = text.find("\n")
    while position != -1:
        end = position
        while end < len(text) and text[end].isspace():
            end += 1
        starts.append(end)
        position = text.find("\n", end)
    starts += _emoji_breaks(text)
    starts = [start for start in starts if start < len(text)]
    if starts and len(doc):
        token_starts = doc.to_array(IDX).astype(numpy.int64)
        # A start is never inside whitespace, so the token holding it is the last one at or before it.
        tokens = numpy.searchsorted(token_starts, numpy.asarray(starts, dtype=numpy.int64), side="right") - 1
        flags = numpy.zeros(len(doc), dtype=numpy.uint64)
        flags[tokens[tokens > 0]] = 1
        doc.from_array([SENT_START], flags)
    return doc


@Language.factory("claimcheck_sentencizer", assigns=["token.is_sent_start"])
def make_sentencizer(nlp, name):
    return PunctuationSentencizer(Sentencizer.default_punct_chars)


class PunctuationSentencizer:
    """spaCy's ``sentencizer`` rule, read from token arrays: after a sentence-ending character
    ('.', '!', '?' and their kin in other scripts), the next token that is neither punctuation
    nor such a character starts a sentence; tokens whose start is already set (the block
    boundaries) keep it. spaCy's component makes a ``Token`` of every token to read its text
    (4% of a run); this one gives the same starts (``tests/test_extract.py`` compares them on
    every corpus page)."""

    def __init__(self, punct_chars):
        self.ends = numpy.array(sorted({hash_string(char) for char in punct_chars}), dtype=numpy.uint64)

    def __call__(self, doc):
        if not len(doc):
            return doc
        values = doc.to_array([ORTH, IS_PUNCT, SENT_START])
        # Membership by binary search in the sorted hashes (numpy.isin imports numpy.ma: 50 ms).
        slots = numpy.minimum(numpy.searchsorted(self.ends, values[:, 0]), len(self.ends) - 1)
        ends = self.ends[slots] == values[:, 0]
        candidates = numpy.flatnonzero(~ends & (values[:, 1] == 0))
        # A candidate starts a sentence when an ending came since the candidate before it: had one
        # come earlier, that earlier candidate would have started the sentence.
        endings_before = numpy.cumsum(ends)[candidates]
        previous = numpy.concatenate(([0], endings_before[:-1]))
        starts = numpy.full(len(doc), -1, dtype=numpy.int64)
        starts[0] = 1
        starts[candidates[endings_before > previous]] = 1
        already = values[:, 2].astype(numpy.int64)
        doc.from_array([SENT_START], numpy.where(already != 0, already, starts).astype(numpy.uint64))
        return doc


@Language.factory("claimcheck_terms", default_config=_PACK_CONFIG, assigns=["doc.spans"])
def make_terms(nlp, name, rule_paths, kb_paths, include_builtin):
    from claimcheck.extract.terms import TermMatcher
    return TermMatcher(nlp, _pack(rule_paths, kb_paths, include_builtin))


@Language.factory("claimcheck_claims",
                  default_config={**_PACK_CONFIG, "assume_cell_topic": True, "min_list_conditions": 3},
                  assigns=["doc._.cc_claims", "doc._.cc_topic"], requires=["doc.spans", "token.is_sent_start"])
def make_claims(nlp, name, rule_paths, kb_paths, include_builtin, assume_cell_topic, min_list_conditions):
    from claimcheck.extract.claims import ClaimFinder
    return ClaimFinder(_pack(rule_paths, kb_paths, include_builtin), assume_cell_topic, min_list_conditions)


@Language.factory("claimcheck_modality", default_config=_PACK_CONFIG, assigns=["doc._.cc_claims"],
                  requires=["doc._.cc_claims"])
def make_modality(nlp, name, rule_paths, kb_paths, include_builtin):
    from claimcheck.extract.modality import ModalityTagger
    return ModalityTagger(nlp, _pack(rule_paths, kb_paths, include_builtin))


@Language.factory("claimcheck_learned", default_config={"model": ""}, assigns=["doc._.cc_learned"],
                  requires=["token.is_sent_start"])
def make_learned(nlp, name, model):
    from claimcheck.extract.learned import LearnedScorer
    return LearnedScorer(model)
