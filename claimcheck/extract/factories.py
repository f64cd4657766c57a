"""Registers claimcheck's spaCy components: the one module that names them.

Components take the rule pack by its location (``rule_paths``, ``kb_paths``)
so their config stays serializable; the pack itself is loaded once per
process and cached.
"""
from __future__ import annotations

import re

from spacy.language import Language

from claimcheck.extract import extensions

extensions.register()

_PACK_CONFIG = {"rule_paths": [], "kb_paths": [], "include_builtin": True}


def _pack(rule_paths, kb_paths, include_builtin):
    from claimcheck.pack.rulepack import load_pack
    return load_pack(tuple(rule_paths), tuple(kb_paths), include_builtin)


# Social posts end their sentences with emoji instead of full stops ("... is not a life
# sentence 🔥 Our shot restores ..."): a run of pictographs followed by a space ends one.
_EMOJI_BREAK = re.compile("[\u2600-\u27bf\U0001f300-\U0001faff][\u2600-\u27bf\U0001f300-\U0001faff"
                          "\ufe0f\u200d\U0001f3fb-\U0001f3ff]*\\s+(?=\\S)")


@Language.component("claimcheck_blocks", assigns=["token.is_sent_start"])
def block_boundaries(doc):
    """A line break separates blocks (headings, list items, paragraphs): a new sentence;
    so does a run of emoji inside a line. Normalized text has line breaks only between
    blocks, so finding them in the text is enough, and cheaper than visiting every token."""
    text = extensions.text_of(doc)
    starts = []
    position = text.find("\n")
    while position != -1:
        end = position
        while end < len(text) and text[end].isspace():
            end += 1
        starts.append(end)
        position = text.find("\n", end)
    starts += [match.end() for match in _EMOJI_BREAK.finditer(text)]
    for start in starts:
        if start < len(text):
            token = doc.char_span(start, start + 1, alignment_mode="expand")
            if token is not None and token.start > 0:
                doc[token.start].is_sent_start = True
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
