"""extract.patterns: word alternations compile to phrases that match exactly what the Matcher would."""
from __future__ import annotations

import spacy
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from claimcheck.extract.patterns import expand, split_patterns


def test_alternations_and_optional_tokens_expand():
    pattern = [{"LOWER": {"IN": ["treatment", "therapy"]}}, {"LOWER": "now", "OP": "?"}, {"LOWER": "for"}]
    assert sorted(map(tuple, expand(pattern))) == sorted([
        ("treatment", "for"), ("treatment", "now", "for"), ("therapy", "for"), ("therapy", "now", "for")])


def test_patterns_needing_the_matcher_are_left_alone():
    numeric = [{"LIKE_NUM": True}, {"ORTH": "%"}]
    repeated = [{"LOWER": "why"}, {"IS_ALPHA": True, "OP": "{0,4}"}, {"LOWER": "surgery"}]
    excluded = [{"LOWER": "treating"}, {"LOWER": {"NOT_IN": ["physician"]}}]
    phrases, rest = split_patterns([numeric, repeated, excluded])
    assert phrases == [] and rest == [numeric, repeated, excluded]


def test_expanded_phrases_find_the_same_matches_as_the_matcher():
    nlp = spacy.blank("en")
    pattern = [{"LOWER": {"IN": ["find", "found"]}}, {"LOWER": "lasting", "OP": "?"}, {"LOWER": "relief"}]
    matcher = Matcher(nlp.vocab)
    matcher.add("p", [pattern])
    phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
    phrases.add("p", [Doc(nlp.vocab, words=w) for w in expand(pattern)])
    doc = nlp("Patients FOUND relief. Others found lasting relief, some find no relief.")
    assert sorted((s, e) for _, s, e in matcher(doc)) == sorted((s, e) for _, s, e in phrases(doc))


def test_gate_skips_documents_missing_a_required_word():
    from claimcheck.extract.patterns import Gate
    gate = Gate([[{"LOWER": {"IN": ["does", "do"]}}, {"LOWER": "not"}, {"IS_ALPHA": True, "OP": "{0,4}"},
                  {"LOWER": {"IN": ["approved", "approval"]}}]])
    assert gate.may_match("Registration does not mean the product is approved.")
    assert not gate.may_match("Registration does not mean the product works.")
    assert Gate([[{"LIKE_NUM": True}]]).may_match("anything at all")
