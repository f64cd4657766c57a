"""The learned scores: a spaCy component that asks the trained classifiers how far
each sentence reads as a claim of each category, and whether the page sells.

The model folder is what ``claimcheck train`` writes (``train/fit.py``); the
package ships one trained on ``corpus/`` (``claimcheck/models/default``). Which
model a run uses is chosen once per process (``select_model``: ``check --model``, or
``$CLAIMCHECK_MODEL``), before the pipeline is built; ``None`` runs the rules alone.

Only the classifiers' labels and weights are read (``Classifier``), not the
spaCy pipelines they were saved in, and they are kept in the compiled cache
under the content of the model folder's files.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from pathlib import Path

SHIPPED_MODEL = Path(__file__).resolve().parent.parent / "models" / "default"
# The model used when none is named: $CLAIMCHECK_MODEL (a folder, or "none" for the rules
# alone), else the shipped one.
MODEL_VARIABLE = "CLAIMCHECK_MODEL"


def default_model() -> str | None:
    value = os.environ.get(MODEL_VARIABLE, "").strip()
    if value.lower() == "none":
        return None
    return value or str(SHIPPED_MODEL)


_selected: str | None = default_model()


def select_model(path: str | Path | None) -> None:
    """Use the model in ``path`` from now on (``None``: no learned scores)."""
    global _selected
    _selected = None if path is None else str(Path(path).resolve())


def selected_model() -> str | None:
    """The chosen model's folder, or ``None`` when none is chosen or the shipped one is absent."""
    if _selected is None or not (Path(_selected) / "meta.json").is_file():
        return None
    return _selected


class ModelError(Exception):
    """A model folder that cannot be used; the message names the folder and the problem."""


@dataclass(frozen=True)
class Learned:
    """What the classifiers said about one document."""

    model: str
    categories: tuple[str, ...]  # the sentence classifier's labels: the claim categories and CLAIM
    thresholds: dict
    page: dict  # SELLS / FAIL -> score
    scores: object  # numpy array, one row per sentence (the Analysis's order), one column per label

    def __len__(self) -> int:
        return len(self.scores)

    def sentence(self, index: int) -> dict:
        """Every label's score for one sentence, as the JSON output and ``explain`` show them."""
        return {label: round(float(score), 4) for label, score in zip(self.categories, self.scores[index])}

    def sells(self) -> bool:
        return self.page.get("SELLS", 1.0) >= self.thresholds["sells"]

    def promotes(self) -> bool:
        """Does the page speak for a seller? It sells, or it reads clearly as failing as a whole
        (``promoting_page``): a press release, an advertorial or a patient's story tells the
        claims a clinic page would make, and a page fails by promoting in its own voice."""
        promoting = self.thresholds.get("promoting_page")
        return self.sells() or (promoting is not None and self.page.get("FAIL", 0.0) >= promoting)

    def in_own_voice_only(self) -> bool:
        """Should only sentences the classifier reads as claims keep the rules' findings? On a
        page that does not promote, and on a page the page classifier reads as far from failing."""
        return not self.promotes() or self.page.get("FAIL", 1.0) < self.thresholds.get("quiet_page", 0.0)

    def claim_score(self, index: int) -> float:
        """How far the sentence reads as a claim of any category."""
        if "CLAIM" in self.categories:
            return round(float(self.scores[index][self.categories.index("CLAIM")]), 4)
        return round(float(max(self.scores[index], default=0.0)), 4)

    def sentences_scoring_at_least(self, floor: float) -> list[int]:
        """The sentences whose ``claim_score`` is at least ``floor``, in order; picked by the raw
        scores, with rounding's half step of leeway, and then checked one by one."""
        import numpy

        if not len(self.scores) or not len(self.categories):
            return [index for index in range(len(self.scores)) if self.claim_score(index) >= floor]
        raw = (self.scores[:, self.categories.index("CLAIM")] if "CLAIM" in self.categories
               else numpy.max(self.scores, axis=1))
        return [index for index in numpy.flatnonzero(raw >= floor - 0.0001).tolist()
                if self.claim_score(index) >= floor]

    def category(self, index: int) -> str:
        """The category the sentence reads most like."""
        scores = {c: s for c, s in zip(self.categories, self.scores[index]) if c != "CLAIM"}
        return max(scores, key=scores.get)


@dataclass(frozen=True)
class Classifier:
    """A trained ``textcat_multilabel``: its labels and its thinc model."""

    labels: tuple[str, ...]
    model: object


@lru_cache(maxsize=4)
def load_model(folder: str) -> tuple[dict, Classifier, Classifier]:
    """(meta, sentence classifier, page classifier) of a model folder; ``ModelError`` when it holds none."""
    import spacy
    from thinc.about import __version__ as thinc_version

    from claimcheck.runtime import cache

    path = Path(folder)
    fingerprint = cache.Fingerprint("model").add(spacy.__version__, thinc_version).add_tree(path)
    return cache.cached(fingerprint, lambda: _read_model(path))


def _read_model(path: Path) -> tuple[dict, Classifier, Classifier]:
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        return meta, _read_classifier(path / "sentences"), _read_classifier(path / "pages")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"{path}: not a claimcheck model ({type(exc).__name__}: {exc})") from None


def _read_classifier(folder: Path) -> Classifier:
    """The one component of a saved pipeline, built from its config and loaded with its weights.
    Its bag-of-words features are string hashes, so the pipeline's vocabulary and tokenizer (most
    of what ``spacy.load`` would build) are not needed."""
    from spacy.language import Language
    from spacy.util import load_config

    config = load_config(folder / "config.cfg")
    name = config["nlp"]["pipeline"][0]
    settings = dict(config["components"][name])
    factory = settings.pop("factory")
    component = Language(create_tokenizer=lambda nlp: None).create_pipe(factory, name=name, config=settings)
    component.from_disk(folder / name, exclude=("vocab",))
    return Classifier(tuple(component.labels), component.model)


# A span's feature words by (label, class, is a cue): the same strings for every span of a
# kind, made once. Hashes name the same string in any vocabulary, so one table serves all.
_SPAN_WORDS: dict[tuple[int, int, bool], tuple[str, ...]] = {}


def _span_words(strings, label: int, kb_id: int, cue: bool) -> tuple[str, ...]:
    """A cue's feature word; a term's label, and for these labels its class or product too."""
    words = _SPAN_WORDS.get((label, kb_id, cue))
    if words is None:
        name = strings[label]
        if cue:
            words = (f"_CUE_{name}_",)
        elif name in ("PREDICATE", "PRODUCT", "PROMOTION", "DISCLOSURE"):
            words = (f"_{name}_", f"_{name}_{strings[kb_id]}_")
        else:
            words = (f"_{name}_",)
        _SPAN_WORDS[label, kb_id, cue] = words
    return words


# The words that tell the classifiers what the knowledge base makes of a claim's use: whether
# treating the conditions it names with what it names is an approved use. A bag of words sees
# "leukaemia" and "MS" as two words among thousands, each rare in a small corpus; the knowledge
# base knows which uses are approved for every condition it lists. Models trained before them
# (no "use_words" in their meta.json) are scored without them.
USE_WORDS = {True: "_USE_APPROVED_", False: "_USE_UNAPPROVED_"}


def _sentence_features(doc, use_words: bool = True) -> tuple[list, list[list[str]]]:
    """The sentences of ``doc`` and, for each, the feature words the rules' extraction adds to
    its words: which term labels, predicate classes, products and cues it holds, which claims
    (predicate, modality and, with ``use_words``, whether the use is approved) were assembled
    in it, and what the page as a whole names."""
    from claimcheck.extract.extensions import sentence_of_tokens, sentences_of, spans_of

    sentences = sentences_of(doc)
    features: list[list[str]] = [[] for _ in sentences]
    strings = doc.vocab.strings
    at, added = [], []  # the first token of each term, cue and claim; its feature words
    for span in spans_of(doc, "cc_terms"):
        at.append(span.start)
        added.append(_span_words(strings, span.label, span.kb_id, False))
    for span in spans_of(doc, "cc_cues"):
        at.append(span.start)
        added.append(_span_words(strings, span.label, 0, True))
    for claim in doc._.cc_claims or []:
        token = doc.char_span(claim.start, claim.start + 1, alignment_mode="expand")
        if token is not None:
            at.append(token.start)
            use = (USE_WORDS[claim.use_approved],) if use_words and claim.use_approved is not None else ()
            added.append((f"_CLAIM_{claim.predicate}_", f"_MOD_{claim.modality}_") + use)
    for index, words in zip(sentence_of_tokens(doc, at).tolist(), added):
        if index >= 0:
            features[index].extend(words)
    topic = doc._.cc_topic or {}
    page = [f"_PAGE_{topic.get('cell_context', 'none')}_"] + (["_PAGE_PROMO_"] if topic.get("promotional") else [])
    for words in features:
        words.extend(page)
    return sentences, features


_DIGIT = re.compile(r"\d")


def _has_digit(word: str) -> bool:
    return _DIGIT.search(word) is not None


def _words(doc) -> list[str]:
    """The document's words as the classifiers read them: lower case, every digit written
    ``d`` (so "96%" and "85%" are one feature), spaces left out; read from one array
    instead of Token objects. Case and exact numbers split a small corpus's evidence
    over variants of one word: in site-grouped folds, folding them raised the sentence
    classifier's AUC from 0.836 to 0.848."""
    from spacy.attrs import IS_SPACE, LOWER

    strings = doc.vocab.strings
    return [_DIGIT.sub("d", strings[lower]) if not space else ""
            for lower, space in doc.to_array([LOWER, IS_SPACE]).tolist()]


# The word that tells the sentence classifier whose voice its page is in: on a page that
# sells, "heals torn tendons" is the page's claim; in a study or a news story it is
# usually a report. Training takes it from the page's label, scoring from the page
# classifier's SELLS score. In site-grouped folds (812 pages) it raised a linear
# classifier's CLAIM AUC from 0.860 to 0.871. Models trained before it (no
# "page_voice" in their meta.json) are scored without it.
VOICE_WORDS = {True: "_VOICE_SELLS_", False: "_VOICE_INFORMS_"}

# The word that tells the sentence classifier how its page reads as a whole: whether the page
# fails. Scoring takes it from the model's page classifier (``verdict_word``), training from page
# classifiers that did not learn from the page (train/fit.out_of_fold_verdicts), so that it is
# wrong in training where it will be wrong in ``check``. A page that fails has claims somewhere,
# so a sentence that reads like one there is more likely to be one than the same words on a page
# that passes. Models trained before it (no "page_verdict" in their meta.json) are scored
# without it.
VERDICT_WORDS = {True: "_PAGE_FAILS_", False: "_PAGE_PASSES_"}


def verdict_word(fail: float, thresholds: dict) -> str | None:
    """The verdict word for a page the page classifier scores ``fail`` for FAIL: failing from
    "page_fails", passing below "page_unsure" (default: "page_fails"), and between the two none,
    so neither word's weight tips a sentence on a page the classifier cannot place."""
    if fail >= thresholds["page_fails"]:
        return VERDICT_WORDS[True]
    if fail < thresholds.get("page_unsure", thresholds["page_fails"]):
        return VERDICT_WORDS[False]
    return None

# How many times a word (or feature word) counts on a page, for the page classifier. Its
# bag of words sums each word's weight once per occurrence, so a run of filler a reader
# skips ("[a] [a] [a] ...", fifty times) outweighed a clinic's whole page and read it as
# informing (SELLS 0.86 to 0.00), which let the rules' findings go. In site-grouped folds
# (981 pages) a cap of 3 moved the page classifier's AUC within the spread of training
# seeds (SELLS 0.895 to 0.901, FAIL 0.894 to 0.890; five seeds gave 0.889-0.900).
# Models trained before it (no "page_word_cap" in their meta.json) count every occurrence.
PAGE_WORD_CAP = 3

# The word that tells the sentence classifier how long its sentence is, in steps of
# ``SENTENCE_LENGTH_STEP`` words up to ``len(LENGTH_WORDS) - 1`` steps. A bag of words adds up
# its words' evidence, so a sentence's length moved its score whatever the sentence said; as a
# word of its own, the classifier learns how much length should count. In site-grouped folds
# (1,812 pages, two training seeds) it raised the sentence classifier's CLAIM AUC from 0.888
# to 0.892 and from 0.885 to 0.889 (on selling pages 0.845 to 0.851 and 0.842 to 0.849). The
# sentence's place on the page added less (0.889); the feature words of the sentence before
# took away (0.885). Models trained before it (no "sentence_length_step" in their meta.json)
# are scored without it.
SENTENCE_LENGTH_STEP = 5
LENGTH_WORDS = tuple(f"_LEN_{steps}_" for steps in range(9))


def length_steps(words, step: int = SENTENCE_LENGTH_STEP):
    """Which of ``LENGTH_WORDS`` a sentence of ``words`` words reads (feature words not
    counted): for one count, or for a numpy array of them at once."""
    import numpy
    return numpy.minimum(words // step, len(LENGTH_WORDS) - 1)


def length_word(words: int, step: int = SENTENCE_LENGTH_STEP) -> str:
    """The feature word for a sentence of ``words`` words: what training adds to it."""
    return LENGTH_WORDS[int(length_steps(words, step))]


def cap_repeats(words: list[str], cap: int) -> list[str]:
    """``words`` without the occurrences of each word beyond its first ``cap``: the page
    classifier's training input, as ``DocumentKeys.page_bag(cap)`` counts it when scoring."""
    seen: dict[str, int] = {}
    kept = []
    for word in words:
        seen[word] = seen.get(word, 0) + 1
        if seen[word] <= cap:
            kept.append(word)
    return kept


@dataclass(frozen=True)
class ClassifierInputs:
    """What the classifiers read from an analysed doc (``classifier_inputs``)."""

    sentences: list  # the doc's sentences (spans)
    sentence_words: list[list[str]]  # each sentence's words, then its feature words
    page_words: list[str]  # the page's words, then every feature word
    sentence_lengths: list[int]  # each sentence's words, feature words not counted


def classifier_inputs(doc, use_words: bool = True) -> ClassifierInputs:
    """What the classifiers read from an analysed doc. Training (``train/corpus.py``) and the
    tests of the scorer call this, so what the model learns from and what it is asked about
    cannot drift apart."""
    sentences, features = _sentence_features(doc, use_words)
    words = _words(doc)
    plain = [[w for w in words[s.start:s.end] if w] for s in sentences]
    page = [w for w in words if w] + [w for f in features for w in f]
    return ClassifierInputs(sentences, [p + f for p, f in zip(plain, features)], page, [len(p) for p in plain])


class ClassifierKeys:
    """What the classifiers read from an analysed doc, as their bag-of-words layer reads it:
    the hash of each word and feature word (``classifier_inputs``'s strings, hashed as a
    ``Doc`` of them would hash its tokens), counted per sentence and per page.

    Built from the doc's token arrays, with each distinct lower-case form hashed once per
    process: making a ``Doc`` of every sentence to hand to the model cost more than all of
    the rules' matching."""

    def __init__(self, use_words: bool = True):
        self.use_words = use_words  # read USE_WORDS (models trained with them)
        self._word_keys: dict[int, int] = {}  # LOWER hash -> hash of the word as the classifiers read it
        self._feature_keys: dict[str, int] = {}
        self._flag: tuple[object, int] | None = None  # (vocab, its has-a-digit flag)

    def _word_key(self, lower: int, strings) -> int:
        key = self._word_keys.get(lower)
        if key is None:
            from spacy.strings import get_string_id  # a hash, or a symbol's id ("acl" is 451)
            key = self._word_keys[lower] = get_string_id(_DIGIT.sub("d", strings[lower]))
        return key

    def _digit_flag(self, vocab) -> int:
        """The id of ``vocab``'s lexeme flag "has a digit", added on first use: spaCy sets it
        once per word, when the word first enters the vocabulary, and ``to_array`` reads it for
        a whole doc at once."""
        if self._flag is None or self._flag[0] is not vocab:
            flag = next((attr for attr, getter in vocab.lex_attr_getters.items() if getter is _has_digit), None)
            self._flag = (vocab, flag if flag is not None else vocab.add_flag(_has_digit))
        return self._flag[1]

    def feature_key(self, word: str) -> int:
        key = self._feature_keys.get(word)
        if key is None:
            from spacy.strings import get_string_id
            key = self._feature_keys[word] = get_string_id(word)
        return key

    def __call__(self, doc):
        """((keys, counts, lengths) of the sentences, (keys, counts, lengths) of the page): the
        bag-of-words layer's input, each sentence's (and the page's) distinct keys in
        ascending order with how often each occurs, as its ``extract_ngrams`` step gives them."""
        keys = self.keys_of(doc)
        return keys.sentence_bags(), keys.page_bag()

    def keys_of(self, doc) -> "DocumentKeys":
        """Every word's and feature word's key in ``doc``, with the sentence it belongs to."""
        import numpy
        from spacy.attrs import IS_SPACE, LOWER

        from claimcheck.extract.extensions import sentence_of_tokens

        sentences, features = _sentence_features(doc, self.use_words)
        array = doc.to_array([LOWER, IS_SPACE, self._digit_flag(doc.vocab)])
        words = numpy.flatnonzero(array[:, 1] == 0)
        # A word without a digit is read as itself, so its key is its LOWER value (both are the
        # string's hash, or the same symbol id); only the few words with a digit are looked up.
        word_keys = array[words, 0].astype(numpy.uint64)
        with_digit = numpy.flatnonzero(array[words, 2])
        if len(with_digit):
            strings, known, new = doc.vocab.strings, self._word_keys.get, self._word_key
            word_keys[with_digit] = [known(lower) or new(lower, strings) for lower in word_keys[with_digit].tolist()]
        word_sentence = sentence_of_tokens(doc, words)
        word_counts = numpy.bincount(word_sentence, minlength=len(sentences))
        feature_words = list(chain.from_iterable(features))
        for word in set(feature_words).difference(self._feature_keys):
            self.feature_key(word)
        feature_keys = numpy.fromiter(map(self._feature_keys.__getitem__, feature_words), dtype=numpy.uint64,
                                      count=len(feature_words))
        feature_sentence = numpy.repeat(numpy.arange(len(features)), [len(f) for f in features])
        return DocumentKeys(numpy.concatenate([word_keys, feature_keys]),
                            numpy.concatenate([word_sentence, feature_sentence]), len(sentences), word_counts)


@dataclass(frozen=True)
class DocumentKeys:
    """One document's keys (``ClassifierKeys.keys_of``) and the sentence owning each."""

    keys: object  # numpy uint64 array
    owners: object  # numpy int64 array: each key's sentence
    sentences: int
    word_counts: object  # numpy int64 array: each sentence's words, feature words not counted

    def page_bag(self, cap: int | None = None):
        """The page's bag; with ``cap``, a word counts at most that many times (``cap_repeats``)."""
        import numpy
        keys, counts, lengths = _bags(self.keys, numpy.zeros(len(self.keys), dtype=numpy.int64), 1)
        return keys, (numpy.minimum(counts, cap) if cap else counts), lengths

    def sentence_bags(self, *extra_keys):
        """Each sentence's bag, with one more key per sentence from each of ``extra_keys``: a
        key for every sentence (the page's voice word's), or an array of one key per sentence
        (the length words')."""
        import numpy
        keys, owners = [self.keys], [self.owners]
        for extra in extra_keys:
            keys.append(numpy.broadcast_to(numpy.asarray(extra, dtype=numpy.uint64), (self.sentences,)))
            owners.append(numpy.arange(self.sentences))
        return _bags(numpy.concatenate(keys), numpy.concatenate(owners), self.sentences)


def _bags(keys, owners, bags: int):
    """``keys`` grouped by ``owners`` (0 .. bags - 1): (distinct keys of each bag in ascending order,
    their counts as float32, the number of distinct keys in each bag as int32)."""
    import numpy

    order = numpy.lexsort((keys, owners))
    keys, owners = keys[order], owners[order]
    first = numpy.ones(len(keys), dtype=bool)
    first[1:] = (keys[1:] != keys[:-1]) | (owners[1:] != owners[:-1])
    starts = numpy.flatnonzero(first)
    counts = numpy.diff(numpy.append(starts, len(keys))).astype(numpy.float32)
    lengths = numpy.bincount(owners[starts], minlength=bags).astype(numpy.int32)
    return numpy.ascontiguousarray(keys[starts]), counts, lengths


def _predict(classifier: Classifier, bags):
    """The classifier's scores for bags of keys: its bag-of-words layer and its output layer,
    without the step that makes the bags from ``Doc`` objects."""
    model = classifier.model
    bag_of_words, output = model.layers[0].layers[0].layers[1], model.layers[1]
    return output.predict(bag_of_words.predict(bags))


class LearnedScorer:
    """Sets ``doc._.cc_learned``: one prediction for the sentences, one for the page."""

    def __init__(self, folder: str):
        import numpy

        self.folder = folder
        self.meta, self.sentences, self.pages = load_model(folder)
        self.categories = self.sentences.labels
        self.page_labels = self.pages.labels
        self.keys = ClassifierKeys(use_words=bool(self.meta.get("use_words")))
        # The length words' keys, made once: uint64 from the start, since a list of such keys
        # made into an array would be float64, which cannot hold them.
        self.length_step = self.meta.get("sentence_length_step")
        self.length_keys = numpy.fromiter(map(self.keys.feature_key, LENGTH_WORDS), dtype=numpy.uint64,
                                          count=len(LENGTH_WORDS)) if self.length_step else None

    def __call__(self, doc):
        return next(self.pipe([doc]))

    def pipe(self, docs, batch_size: int = 64):
        """Scores ``docs`` a batch at a time: the classifiers read one batch's bags in one call
        each, since a call's own cost outweighed the reading of one page's bags. Each row of
        the output depends on its own bag alone, so the scores are those of one call per doc."""
        from spacy.util import minibatch

        for batch in minibatch(docs, size=batch_size):
            yield from self._score(batch)

    def _score(self, docs):
        import numpy

        keys = [self.keys.keys_of(doc) for doc in docs]
        page_bags = [k.page_bag(self.meta.get("page_word_cap")) for k in keys]
        pages = _predict(self.pages, _joined(page_bags))
        sentence_bags = []
        for doc_keys, page_bag, page in zip(keys, page_bags, pages):
            if not len(page_bag[0]):  # a page without a word reads as nothing, not as the bias
                page[:] = 0.0
            extra, read = [], dict(zip(self.page_labels, page))
            if self.meta.get("page_voice"):  # the sentence classifier reads whose voice the page is in
                sells = read.get("SELLS", 1.0) >= self.meta["thresholds"]["sells"]
                extra.append(self.keys.feature_key(VOICE_WORDS[sells]))
            if self.meta.get("page_verdict"):  # ... and whether the page as a whole fails
                word = verdict_word(read.get("FAIL", 0.0), self.meta["thresholds"])
                if word:
                    extra.append(self.keys.feature_key(word))
            if self.length_step:  # ... and how long each sentence is
                extra.append(self.length_keys[length_steps(doc_keys.word_counts, self.length_step)])
            sentence_bags.append(doc_keys.sentence_bags(*extra))
        joined = _joined(sentence_bags)
        rows = _predict(self.sentences, joined) if len(joined[2]) else numpy.zeros((0, len(self.categories)))
        ends = numpy.cumsum([len(bag[2]) for bag in sentence_bags])
        for doc, page, doc_rows in zip(docs, pages, numpy.split(rows, ends[:-1])):
            doc._.cc_learned = Learned(
                model=self.folder, categories=self.categories, thresholds=self.meta["thresholds"],
                page={label: round(float(score), 4) for label, score in zip(self.page_labels, page)},
                scores=doc_rows)
            yield doc


def _joined(bags):
    """Several docs' bags (keys, counts, lengths) as one input: the bags one after another."""
    import numpy
    return tuple(numpy.concatenate([bag[part] for bag in bags]) for part in range(3))
