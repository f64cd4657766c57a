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


def _sentences(text: str):
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp, nlp(text)


def test_gated_matcher_walks_only_sentences_with_the_words_a_pattern_needs():
    from claimcheck.extract.patterns import GatedMatcher
    pattern = [{"LOWER": {"IN": ["does", "do"]}}, {"LOWER": "not"}, {"IS_ALPHA": True, "OP": "{0,4}"},
               {"LOWER": {"IN": ["approved", "approval"]}}]
    nlp, doc = _sentences("Registration does not mean the product works. Listing does not mean it is approved. "
                          "Approval is rare. We do not claim approval.")
    gated = GatedMatcher(nlp.vocab)
    gated.add("status", [pattern])
    plain = Matcher(nlp.vocab)
    plain.add("status", [pattern])
    found = sorted((start, end) for _, start, end in gated(doc))
    assert found == sorted((start, end) for _, start, end in plain(doc))
    assert [doc[start:end].text for start, end in found] == ["does not mean it is approved", "do not claim approval"]


def test_gated_matcher_finds_matches_in_sentences_past_the_64th():
    # The sentences holding each needed word are the bits of an int: sentence 70 is bit 70.
    from claimcheck.extract.patterns import GatedMatcher, _bits
    pattern = [{"LOWER": "does"}, {"LOWER": "not"}, {"IS_ALPHA": True, "OP": "{0,2}"}, {"LOWER": "approved"}]
    filler = " ".join(f"Sentence {n} is filler." for n in range(70))
    nlp, doc = _sentences(f"{filler} It does not mean approved. {filler} Approved it does not say. "
                          "It does not look approved.")
    gated = GatedMatcher(nlp.vocab)
    gated.add("status", [pattern])
    plain = Matcher(nlp.vocab)
    plain.add("status", [pattern])
    assert [doc[s:e].text for _, s, e in gated(doc)] == [doc[s:e].text for _, s, e in plain(doc)] == [
        "does not mean approved", "does not look approved"]
    assert _bits(0) == [] and _bits((1 << 200) | (1 << 70) | 5) == [0, 2, 70, 200]


def test_gated_matcher_confines_matches_to_a_sentence():
    from claimcheck.extract.patterns import GatedMatcher
    nlp, doc = _sentences("It does not work. Approved by nobody.")
    gated = GatedMatcher(nlp.vocab)
    gated.add("status", [[{"LOWER": "not"}, {"IS_ALPHA": True, "OP": "*"}, {"IS_PUNCT": True},
                          {"LOWER": "approved"}]])
    assert gated(doc) == []


def test_patterns_needing_no_particular_word_walk_the_whole_document():
    from claimcheck.extract.patterns import GatedMatcher
    nlp, doc = _sentences("Results vary. Nine in ten improved by 90 %.")
    gated = GatedMatcher(nlp.vocab)
    gated.add("figure", [[{"LIKE_NUM": True}, {"IS_PUNCT": True}]])
    assert [doc[start:end].text for _, start, end in gated(doc)] == ["90 %"]
    assert len(gated.everywhere) == 1 and not gated.groups


def test_exact_text_gates_like_lower_case():
    from claimcheck.extract.patterns import GatedMatcher, required_words
    assert required_words([{"ORTH": "("}, {"LIKE_NUM": True}, {"ORTH": "%"}, {"TEXT": {"IN": ["FDA"]}}]) == [
        frozenset(["("]), frozenset(["%"]), frozenset(["fda"])]
    nlp, doc = _sentences("Results vary. Nine in ten (90 %) improved.")
    gated = GatedMatcher(nlp.vocab)
    gated.add("figure", [[{"ORTH": "("}, {"LIKE_NUM": True}, {"ORTH": "%"}, {"ORTH": ")"}],
                         [{"LIKE_NUM": True}, {"LOWER": "in"}, {"LIKE_NUM": True}]])
    assert sorted(doc[start:end].text for _, start, end in gated(doc)) == ["(90 %)", "Nine in ten"]
    assert len(gated.groups) == 1 and not len(gated.everywhere)


def test_a_long_sentence_walked_once_gives_each_group_its_matches_in_the_same_order(monkeypatch):
    """Above LONG_SENTENCE_TOKENS, a sentence several groups want is walked by the combined
    matcher; the matches, and their order, are those of walking it group by group."""
    from claimcheck.extract import patterns
    clause = ("this does not mean it is approved , nine in ten patients improved , "
              "stem cells may regrow cartilage , it is not a cure for pain , ")
    nlp, doc = _sentences(clause * 60 + "the end.")
    assert len(doc) > 1_000 and len(list(doc.sents)) == 1

    def matcher():
        gated = patterns.GatedMatcher(nlp.vocab)
        gated.add("status", [[{"LOWER": "does"}, {"LOWER": "not"}, {"IS_ALPHA": True, "OP": "{0,4}"},
                              {"LOWER": "approved"}]])
        gated.add("figure", [[{"LOWER": "nine"}, {"LOWER": "in"}, {"LOWER": "ten"}]])
        gated.add("regrow", [[{"LOWER": "may", "OP": "?"}, {"LOWER": "regrow"}, {"IS_ALPHA": True}]])
        gated.add("cure", [[{"LOWER": "cure"}, {"LOWER": "for"}, {"IS_ALPHA": True}]])
        return gated

    monkeypatch.setattr(patterns, "LONG_SENTENCE_TOKENS", 10 ** 9)
    group_by_group = matcher()(doc)
    monkeypatch.setattr(patterns, "LONG_SENTENCE_TOKENS", 1_000)
    once = matcher()
    walked_once = once(doc)
    assert once._combined is not None  # the combined matcher did the walking
    assert len(group_by_group) == 60 * 5  # "regrow" matches with and without "may"
    assert walked_once == group_by_group
