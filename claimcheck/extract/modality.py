"""The ``claimcheck_modality`` component: ConText-style modality for claims.

Cues (``rules/cues/*.yaml``) are phrases or token patterns with a category
(negated, hedged, reported, question, hypothetical, research), a direction
(forward: applies to what follows; backward: to what precedes; bidirectional)
and an optional scope in tokens. ``terminate`` cues ("but", "however") end a
cue's scope, and so does the comma closing a sentence-opening subordinate
clause ("While it is not approved, most patients improve"); ``pseudo`` cues
("not only") absorb look-alikes so they set nothing. A cue inside the claim's own predicate ("no" in "no side effects")
is part of the claim, not a modifier. When several cues reach a claim, the
category listed first in the cue file's ``precedence`` wins. Every cue that
applied is recorded on the claim, so a finding can say what changed it.
"""
from __future__ import annotations

import bisect
from typing import NamedTuple

import numpy
from spacy.attrs import IDX, ORTH
from spacy.tokens import Span

from claimcheck.extract.extensions import sentences_of, set_spans, spans_of, text_of
from claimcheck.extract.intervals import SpanIndex
from claimcheck.extract.patterns import PatternMatchers, cached_patterns, compile_patterns


CUES_KEY = "cc_cues"


class _Tokens(NamedTuple):
    """A claim's predicate as a token range (what ``_reaches`` reads of it)."""

    start: int
    end: int


class ModalityTagger:
    def __init__(self, nlp, pack):
        self.cues = {cue.id: cue for cue in pack.cues}
        self._category_and_id = {nlp.vocab.strings.add(cue.id): (cue.category, cue.id) for cue in pack.cues}
        compiled = cached_patterns("modality", nlp, pack, lambda: [
            compile_patterns(nlp, cue.id, cue.phrases, patterns=cue.patterns) for cue in pack.cues])
        self.matchers = PatternMatchers(nlp.vocab, compiled)
        self.rank = {category: index for index, category in enumerate(pack.precedence)}
        self.subordinate_openers = tuple(pack.subordinate_openers)

    def _cue_spans(self, doc) -> list[Span]:
        # Matches are sifted as (start, end, category, cue id); only the kept ones become spans.
        cue_of = self._category_and_id
        found = [(start, end, *cue_of[match_id]) for match_id, start, end in self.matchers(doc)]
        pseudo = SpanIndex((start, end) for start, end, category, _ in found if category == "pseudo")
        # A pseudo cue swallows any other cue it overlaps ("not only" is not "not",
        # "do not merely" is not "do not").
        kept = [m for m in found if m[2] == "pseudo" or not pseudo.overlaps(m[0], m[1])]
        # A terminator inside a longer cue is part of that cue ("not yet").
        longer = SpanIndex((start, end) for start, end, category, _ in kept if category != "terminate")
        kept = [m for m in kept if m[2] != "terminate" or not longer.strictly_contains(m[0], m[1])]
        # A cue word inside a predicate phrase belongs to that claim ("no" in "no surgery")
        # and modifies no other claim.
        predicates = SpanIndex((s.start, s.end) for s in spans_of(doc, "cc_terms") if s.label_ == "PREDICATE")
        kept = [m for m in kept if not predicates.strictly_contains(m[0], m[1])]
        kept.sort(key=lambda m: (m[0], m[1]))
        return [Span(doc, start, end, label=category, span_id=cue_id) for start, end, category, cue_id in kept]

    def __call__(self, doc):
        cues = self._cue_spans(doc)
        set_spans(doc, CUES_KEY, cues)
        cue_starts = [c.start_char for c in cues]  # in order: cues are sorted by token
        claims = doc._.cc_claims or []
        if not claims:
            return doc
        sentences = sentences_of(doc)
        sentence_starts = [s.start for s in sentences]
        values = doc.to_array([ORTH, IDX])
        commas = numpy.flatnonzero(values[:, 0] == doc.vocab.strings[","]).tolist()
        # Each claim's predicate as tokens (its characters are whole tokens): the token starting
        # at its first character, and the first token starting at or after its end.
        token_starts = values[:, 1].astype(numpy.int64)
        firsts = numpy.searchsorted(token_starts, [c.predicate_start for c in claims]).tolist()
        lasts = numpy.searchsorted(token_starts, [c.predicate_end for c in claims]).tolist()
        boundaries = {}  # per sentence start: its terminating clause comma and its commas
        for claim, first, last in zip(claims, firsts, lasts):
            anchor = _Tokens(first, last)
            sentence = sentences[bisect.bisect_right(sentence_starts, anchor.start) - 1]
            if sentence.start not in boundaries:
                boundaries[sentence.start] = (self._clause_end(sentence), commas[
                    bisect.bisect_left(commas, sentence.start):bisect.bisect_left(commas, sentence.end)])
            in_sentence = cues[bisect.bisect_left(cue_starts, claim.sentence_start):
                               bisect.bisect_left(cue_starts, claim.sentence_end)]
            self._apply(claim, anchor, sentence.start, *boundaries[sentence.start], in_sentence)
        return doc

    def _clause_end(self, sentence) -> list[Span]:
        """The comma closing a sentence-opening subordinate clause ("While X, Y"): a terminator."""
        words = text_of(sentence.doc)[sentence.start_char:sentence.end_char].lower().lstrip()
        if not any(words.startswith(opener + " ") for opener in self.subordinate_openers):
            return []
        comma = next((t for t in sentence if t.text == ","), None)
        return [sentence.doc[comma.i:comma.i + 1]] if comma is not None else []

    def _apply(self, claim, anchor, sentence_start, clause_end, commas, cues) -> None:
        terminators = sorted([c.start for c in cues if c.label_ == "terminate"] + [c.start for c in clause_end])
        applied = []
        for cue in cues:
            if cue.label_ in ("pseudo", "terminate"):
                continue
            spec = self.cues[cue.id_]
            if claim.predicate in spec.excluded_predicates:
                continue
            if self._reaches(cue, anchor, sentence_start, spec, terminators, commas):
                applied.append(cue)
        if not applied:
            return
        applied.sort(key=lambda c: self.rank.get(c.label_, len(self.rank)))
        claim.modality = applied[0].label_
        claim.cues = [{"cue": c.id_, "text": c.text, "category": c.label_,
                       "direction": self.cues[c.id_].direction} for c in applied]

    @staticmethod
    def _reaches(cue, anchor, sentence_start, spec, terminators, commas=()) -> bool:
        """Whether ``cue`` modifies the predicate ``anchor``; ``terminators`` (token starts) and
        ``commas`` (token indices) are sorted, so each "is one between them" is a bisection."""
        if spec.whole_sentence or (spec.whole_sentence_when_first and cue.start == sentence_start):
            return True
        if cue.start < anchor.end and anchor.start < cue.end:
            # A hedge or frame wrapping the predicate applies ("may help", "emerging treatment");
            # a negation sharing a word with it is the predicate's own ("there are no" / "no side
            # effects"), unless it runs on past the predicate to deny its object ("the FDA has
            # approved no exosome product": "has approved no").
            return (spec.category != "negated" or (cue.start <= anchor.start and anchor.end <= cue.end)
                    or (anchor.start < cue.start and anchor.end < cue.end))
        scope = spec.max_scope
        forward = cue.end <= anchor.start
        if forward and spec.direction in ("forward", "bidirectional"):
            if _any_between(terminators, cue.end, anchor.start):
                return False
            if spec.ends_at_comma and _any_between(commas, cue.end, anchor.start):
                return False
            return scope is None or anchor.start - cue.end < scope
        backward = cue.start >= anchor.end
        if backward and spec.direction in ("backward", "bidirectional"):
            if _any_between(terminators, anchor.end, cue.start):
                return False
            if spec.ends_at_comma and _any_between(commas, anchor.end, cue.start):
                return False
            return scope is None or cue.start - anchor.end < scope
        return False


def _any_between(positions: list[int], low: int, high: int) -> bool:
    """Whether the sorted ``positions`` hold one in ``[low, high)``."""
    index = bisect.bisect_left(positions, low)
    return index < len(positions) and positions[index] < high
