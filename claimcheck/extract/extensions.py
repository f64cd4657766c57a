"""All spaCy extension attributes claimcheck sets, registered in one place, and the
document text the pipeline keeps beside each Doc."""
from __future__ import annotations

from spacy.tokens import Doc

_DOC_EXTENSIONS = {
    "cc_claims": {"default": None},
    "cc_topic": {"default": None},
    "cc_learned": {"default": None},
}


TEXT_KEY = "claimcheck_text"


def text_of(doc) -> str:
    """The document's text. ``Doc.text`` rebuilds it from every token on each access;
    the pipeline stores the string it was given in ``user_data`` so components can
    read it for free."""
    text = doc.user_data.get(TEXT_KEY)
    return text if text is not None else doc.text


def register() -> None:
    for name, options in _DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, **options)
