"""All spaCy extension attributes claimcheck sets, registered in one place, and the
document text and sentences the pipeline keeps beside each Doc."""
from __future__ import annotations

from spacy.tokens import Doc

_DOC_EXTENSIONS = {
    "cc_claims": {"default": None},
    "cc_topic": {"default": None},
    "cc_learned": {"default": None},
}


TEXT_KEY = "claimcheck_text"
SENTENCES_KEY = "claimcheck_sentences"


def text_of(doc) -> str:
    """The document's text. ``Doc.text`` rebuilds it from every token on each access;
    the pipeline stores the string it was given in ``user_data`` so components can
    read it for free."""
    text = doc.user_data.get(TEXT_KEY)
    return text if text is not None else doc.text


def sentences_of(doc) -> list:
    """The document's sentences as spans. ``Doc.sents`` walks every token each time it is
    read; the components after the sentencizer (which fixes the boundaries) share one list."""
    sentences = doc.user_data.get(SENTENCES_KEY)
    if sentences is None:
        sentences = doc.user_data[SENTENCES_KEY] = list(doc.sents)
    return sentences


def register() -> None:
    for name, options in _DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, **options)
