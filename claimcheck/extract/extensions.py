"""All spaCy extension attributes claimcheck sets, registered in one place, and the
document text, sentences and span lists the pipeline keeps beside each Doc."""
from __future__ import annotations

from spacy.tokens import Doc

_DOC_EXTENSIONS = {
    "cc_claims": {"default": None},
    "cc_topic": {"default": None},
    "cc_learned": {"default": None},
}


TEXT_KEY = "claimcheck_text"
SENTENCES_KEY = "claimcheck_sentences"
SENTENCE_STARTS_KEY = "claimcheck_sentence_starts"
SPAN_LISTS_KEY = "claimcheck_span_lists"


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


def sentence_of_tokens(doc, tokens):
    """For each token index in ``tokens``, the index of the sentence holding it (-1 before the
    first), as a numpy array: one binary search over the sentences' starts for all of them.
    Like ``sentences_of``, for components after the sentencizer."""
    import numpy

    starts = doc.user_data.get(SENTENCE_STARTS_KEY)
    if starts is None:
        starts = doc.user_data[SENTENCE_STARTS_KEY] = numpy.array([s.start for s in sentences_of(doc)],
                                                                  dtype=numpy.int64)
    return numpy.searchsorted(starts, numpy.asarray(tokens, dtype=numpy.int64), side="right") - 1


def set_spans(doc, key: str, spans: list) -> None:
    """Set ``doc.spans[key]`` and keep the list beside the Doc: a span group makes a new
    ``Span`` object of each member every time it is read, and the terms are read by every
    component after the one that finds them."""
    doc.spans[key] = spans
    doc.user_data.setdefault(SPAN_LISTS_KEY, {})[key] = spans


def spans_of(doc, key: str) -> list:
    """``doc.spans[key]`` as a list: the one ``set_spans`` kept, or made from the group."""
    kept = doc.user_data.get(SPAN_LISTS_KEY, {}).get(key)
    return kept if kept is not None else list(doc.spans.get(key, []))


def register() -> None:
    for name, options in _DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, **options)
