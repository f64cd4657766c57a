"""Builds the spaCy pipeline once per process and runs documents through it."""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from spacy.attrs import IS_PUNCT, IS_SPACE

from claimcheck.extract import Analysis, Term
from claimcheck.extract.context import apply_context, remove_duplicates
from claimcheck.extract.extensions import TEXT_KEY, sentence_of_tokens, sentences_of, spans_of, text_of
from claimcheck.load.limits import MAX_TEXT_CHARS
from claimcheck.model import NormalizedText
from claimcheck.pack.rulepack import RulePack

BATCH_SIZE = 64

# spaCy's tokenizer strips affixes from a whitespace-free chunk one at a time and
# searches the remainder again each time, so its cost grows with the square of the
# chunk's length: 20,000 '!' in a row took 70 s. Chunks longer than this are cut
# into words and single symbols here instead; no real word or URL in ad copy is
# this long, and below it the tokenizer's own cost is a few milliseconds.
LONG_CHUNK = 200
_LONG_CHUNK = re.compile(r"\S{%d,}" % LONG_CHUNK)
# Inside such a chunk a run of symbols of SYMBOL_RUN or more ("<!--<!--<!--", "!!!!!!!!")
# is one token, not one a symbol: a 5 MB run of "<!--" was four million tokens and 3 GB.
# Shorter runs keep a token per symbol, as the tokenizer gives them ("FDA-approved!").
SYMBOL_RUN = 8
_PIECE = re.compile(r"\w{1,%d}|[^\w\s]{%d,%d}|[^\w\s]" % (LONG_CHUNK, SYMBOL_RUN, LONG_CHUNK))


@lru_cache(maxsize=4)
def _build(rule_paths: tuple[str, ...], kb_paths: tuple[str, ...], include_builtin: bool, model: str | None):
    import spacy

    from claimcheck.extract import factories  # noqa: F401  (registers the components)

    config = {"rule_paths": list(rule_paths), "kb_paths": list(kb_paths), "include_builtin": include_builtin}
    nlp = spacy.blank("en")
    nlp.add_pipe("claimcheck_blocks")
    nlp.add_pipe("claimcheck_sentencizer")
    nlp.add_pipe("claimcheck_terms", config=config)
    nlp.add_pipe("claimcheck_claims", config=config)
    nlp.add_pipe("claimcheck_modality", config=config)
    if model:
        nlp.add_pipe("claimcheck_learned", config={"model": model})
    nlp.max_length = MAX_TEXT_CHARS
    return nlp


def build_pipeline(pack: RulePack, learned: bool = True):
    """The pipeline for ``pack``, with the selected model's scorer unless ``learned`` is false
    (training reads the corpus through the rules alone)."""
    builtin = bool(pack.directories) and pack.directories[0] == _builtin_dir()
    extra = pack.directories[1:] if builtin else pack.directories
    from claimcheck.extract.learned import selected_model
    return _build(tuple(extra), tuple(pack.kb.extra_files), builtin, selected_model() if learned else None)


def _builtin_dir() -> str:
    from claimcheck.pack.resources import rules_dir
    return str(rules_dir())


def _word_count(doc) -> int:
    flags = doc.to_array([IS_SPACE, IS_PUNCT])
    return int(len(doc) - (flags[:, 0] | flags[:, 1]).sum()) if len(doc) else 0


def to_analysis(doc, text: NormalizedText, pack: RulePack) -> Analysis:
    sentences = sentences_of(doc)
    found, cues = spans_of(doc, "cc_terms"), spans_of(doc, "cc_cues")
    in_sentence = sentence_of_tokens(doc, [s.start for s in found + cues]).tolist()
    # A span's text is sliced from the document's (Span.text joins its tokens' texts again).
    whole = text_of(doc)
    terms = [Term(s.start_char, s.end_char, s.label_, s.kb_id_, s.id_, whole[s.start_char:s.end_char], index)
             for s, index in zip(found, in_sentence)]
    # Cues travel as terms too (label CUE, cls = category) so context can read them.
    terms += [Term(s.start_char, s.end_char, "CUE", s.label_, s.id_, whole[s.start_char:s.end_char], index)
              for s, index in zip(cues, in_sentence[len(found):])]
    analysis = Analysis(
        text=text,
        claims=list(doc._.cc_claims or []),
        terms=terms,
        sentences=[(s.start_char, s.end_char) for s in sentences],
        topic=dict(doc._.cc_topic or {}),
        words=_word_count(doc),
        learned=doc._.cc_learned,
    )
    apply_context(analysis, pack)
    analysis.claims = remove_duplicates(analysis.claims)
    return analysis


def make_doc(nlp, text: str):
    doc = _tokenize(nlp, text)
    doc.user_data[TEXT_KEY] = text
    return doc


def _tokenize(nlp, text: str):
    """``nlp.make_doc(text)``, in time linear in the length of any chunk without spaces."""
    # str.split and the regex's \S agree on what whitespace is (str.isspace), so the regex finds
    # a long chunk exactly when the split does; splitting is a quarter of the regex's time on
    # ordinary text, where no chunk is long.
    if max(map(len, text.split()), default=0) < LONG_CHUNK:
        return nlp.make_doc(text)
    from spacy.tokens import Doc

    parts, done = [], 0
    for chunk in _LONG_CHUNK.finditer(text):
        if chunk.start() > done:
            parts.append(nlp.make_doc(text[done:chunk.start()]))
        words = _PIECE.findall(chunk.group())
        parts.append(Doc(nlp.vocab, words=words, spaces=[False] * len(words)))
        done = chunk.end()
    if done < len(text):
        parts.append(nlp.make_doc(text[done:]))
    return Doc.from_docs(parts, ensure_whitespace=False)


def analyze_pairs(items: Iterable[tuple[object, NormalizedText]], pack: RulePack
                  ) -> Iterator[tuple[object, NormalizedText, Analysis]]:
    """Analyze (context, text) pairs in batches, keeping each context with its result."""
    from claimcheck.runtime import collector

    nlp = build_pipeline(pack)
    collector.resume()  # start-up is over (see commands.check.run_lint)
    stream = ((make_doc(nlp, text.text), (context, text)) for context, text in items)
    for doc, (context, text) in nlp.pipe(stream, as_tuples=True, batch_size=BATCH_SIZE):
        yield context, text, to_analysis(doc, text, pack)


def analyze(texts: Iterable[NormalizedText], pack: RulePack) -> Iterator[Analysis]:
    for _, _, analysis in analyze_pairs(((None, t) for t in texts), pack):
        yield analysis
