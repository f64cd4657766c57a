"""All spaCy extension attributes claimcheck sets, registered in one place."""
from __future__ import annotations

from spacy.tokens import Doc

_DOC_EXTENSIONS = {
    "cc_claims": {"default": None},
    "cc_topic": {"default": None},
}


def register() -> None:
    for name, options in _DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, **options)
