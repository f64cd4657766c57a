"""Registers claimcheck's spaCy components: the one module that names them.

Components take the rule pack by its location (``rule_paths``, ``kb_paths``)
so their config stays serializable; the pack itself is loaded once per
process and cached.
"""
from __future__ import annotations

from spacy.language import Language

from claimcheck.extract import extensions

extensions.register()

_PACK_CONFIG = {"rule_paths": [], "kb_paths": [], "include_builtin": True}


def _pack(rule_paths, kb_paths, include_builtin):
    from claimcheck.rulepack import load_pack
    return load_pack(tuple(rule_paths), tuple(kb_paths), include_builtin)


@Language.component("claimcheck_blocks", assigns=["token.is_sent_start"])
def block_boundaries(doc):
    """A line break separates blocks (headings, list items, paragraphs): a new sentence.
    Normalized text has line breaks only between blocks, so finding them in the text is
    enough, and cheaper than visiting every token."""
    text = extensions.text_of(doc)
    position = text.find("\n")
    while position != -1:
        end = position
        while end < len(text) and text[end].isspace():
            end += 1
        if end < len(text):
            token = doc.char_span(end, end + 1, alignment_mode="expand")
            if token is not None and token.start > 0:
                doc[token.start].is_sent_start = True
        position = text.find("\n", end)
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
