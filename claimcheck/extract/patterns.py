"""Compiling token patterns for speed.

Rule authors write spaCy Matcher patterns; many are alternations of words
(``[{LOWER: {IN: [treatment, therapy]}}, {LOWER: {IN: [for, of]}}]``) that match
exactly the same token sequences as a list of phrases. A PhraseMatcher finds
phrases far faster than a Matcher walks patterns, so such patterns are expanded
into word sequences when the pipeline is built; patterns that need more (numbers,
NOT_IN, open-ended repetition) stay with the Matcher, which walks only the
sentences containing the words they need (``GatedMatcher``).

Expanding and tokenizing those phrases is most of the cost of building the
pipeline, so it is done once per rule-pack version: ``compile_patterns`` turns a
match key's phrases and patterns into plain hash sequences (``CompiledPatterns``),
which the compiled cache keeps, and ``PatternMatchers`` loads them into the
matchers without tokenizing anything.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path

import numpy
from spacy.attrs import LOWER, SENT_START
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from claimcheck.errors import BAD_RULE, InputProblem
from claimcheck.pack.yamldata import line_in_tree, parse

MAX_EXPANSION = 20_000


def _alternatives(token: dict) -> list[tuple[str, ...]] | None:
    """The word choices one token spec allows (``()`` for an optional token that is absent)."""
    if set(token) - {"LOWER", "OP"}:
        return None
    value = token.get("LOWER")
    if isinstance(value, str):
        words = [value.lower()]
    elif isinstance(value, dict) and set(value) == {"IN"}:
        words = [str(word).lower() for word in value["IN"]]
    else:
        return None
    op = token.get("OP")
    if op is None or op == "{1}":
        return [(word,) for word in words]
    if op == "?":
        return [()] + [(word,) for word in words]
    return None


def expand(pattern: list[dict]) -> list[list[str]] | None:
    """Word sequences equivalent to ``pattern``, or None when it cannot be expanded."""
    choices = []
    size = 1
    for token in pattern:
        alternatives = _alternatives(token)
        if alternatives is None:
            return None
        size *= len(alternatives)
        if size > MAX_EXPANSION:
            return None
        choices.append(alternatives)
    sequences = [[word for part in combination for word in part] for combination in product(*choices)]
    return [words for words in sequences if words]


def required_words(pattern: list[dict]) -> list[frozenset[str]]:
    """For each token the pattern cannot do without, the lower-case forms it accepts.

    An ORTH or TEXT value fixes the token's lower-case form as much as a LOWER value does."""
    required = []
    for token in pattern:
        if token.get("OP") not in (None, "{1}", "+"):
            continue
        for attr in ("LOWER", "ORTH", "TEXT"):
            value = token.get(attr)
            if isinstance(value, str):
                required.append(frozenset([value.lower()]))
            elif isinstance(value, dict) and set(value) == {"IN"}:
                required.append(frozenset(str(word).lower() for word in value["IN"]))
    return required


# From this many tokens on, a sentence several groups want is walked once by the combined matcher.
LONG_SENTENCE_TOKENS = 1_000


class GatedMatcher:
    """A spaCy ``Matcher`` that walks only the sentences that contain the words a pattern needs.

    A Matcher walks every token it is given and tries each pattern's first token there,
    whatever the text. Most sentences cannot match a pattern like "does not mean ...
    approved" at all, and an index of the document's words says so far more cheaply: the
    index is built from the tokens' LOWER values, the same values LOWER patterns compare,
    so it never hides a match. Patterns that need such words are therefore matched
    sentence by sentence (claims are assembled per sentence, so a match across a sentence
    boundary would belong to no claim); patterns that need no particular word (one made
    of numbers and punctuation, say) walk the whole document.

    A sentence of thousands of tokens (a page without full stops) contains the words of
    most groups, and walking it once per group made such a page's time grow faster than
    its length. A sentence that long, wanted by several groups, is walked once by one
    Matcher holding every gated pattern (``combined()``), and its matches are dealt back to
    their groups by key: a pattern's matches do not depend on the other patterns beside
    it, so the result, order included, is the same."""

    def __init__(self, vocab):
        self.vocab = vocab
        self.everywhere = Matcher(vocab, validate=True)
        # (for each pattern, for each token it cannot do without, the hashes it accepts; its Matcher)
        self.groups: list[tuple[list[list[frozenset[int]]], Matcher]] = []
        self._first_words: list[frozenset[int]] = []  # per group: every word its patterns' first sets hold
        self._needed: set[int] = set()
        self._gated: list[tuple[str, list[list[dict]]]] = []  # (key, patterns): the combined matcher's
        self._combined: Matcher | None = None  # built on first use: most runs never see a long sentence
        self._group_of_key: dict[int, int] = {}  # a gated key's hash -> its group (None: in several)

    def __len__(self) -> int:
        return len(self.everywhere) + sum(len(matcher) for _, matcher in self.groups)

    def add(self, key: str, patterns: list[list[dict]]) -> None:
        needs = [required_words(pattern) for pattern in patterns]
        anywhere = [pattern for pattern, need in zip(patterns, needs) if not need]
        gated = [(pattern, need) for pattern, need in zip(patterns, needs) if need]
        if anywhere:
            self.everywhere.add(key, anywhere)
        if not gated:
            return
        hashed = [[frozenset(self.vocab.strings.add(word) for word in options) for options in need]
                  for _, need in gated]
        matcher = Matcher(self.vocab, validate=True)
        matcher.add(key, [pattern for pattern, _ in gated])
        self._gated.append((key, [pattern for pattern, _ in gated]))
        self._combined = None
        key_hash = self.vocab.strings.add(key)
        self._group_of_key[key_hash] = None if key_hash in self._group_of_key else len(self.groups)
        self.groups.append((hashed, matcher))
        # A pattern needs a word of each of its sets, so a group whose patterns' first sets
        # share no word with a document selects none of its sentences.
        self._first_words.append(frozenset().union(*(need[0] for need in hashed)))
        self._needed.update(h for need in hashed for options in need for h in options)
        self._needed_sorted = numpy.array(sorted(self._needed), dtype=numpy.uint64)

    def __call__(self, doc) -> list[tuple[int, int, int]]:
        matches = list(self.everywhere(doc)) if len(self.everywhere) else []
        if not self.groups or not len(doc):
            return matches
        starts, sentences_with = self._index(doc)
        ends = list(starts[1:]) + [len(doc)]
        present = set(sentences_with)
        candidates_of = [_bits(self._candidates(needs, sentences_with, present)) if not first.isdisjoint(present)
                         else [] for (needs, _), first in zip(self.groups, self._first_words)]
        walked_once = self._walk_long_sentences(doc, starts, ends, candidates_of)
        for group, ((_, matcher), candidates) in enumerate(zip(self.groups, candidates_of)):
            for index in candidates:
                offset = starts[index]
                if index in walked_once:
                    found = walked_once[index].get(group, ())
                else:
                    found = matcher(doc[offset:ends[index]])
                matches.extend((match_id, offset + start, offset + end) for match_id, start, end in found)
        return matches

    def combined(self) -> Matcher:
        """One Matcher holding every gated pattern under its key."""
        if self._combined is None:
            self._combined = Matcher(self.vocab, validate=True)
            for key, patterns in self._gated:
                self._combined.add(key, patterns)
        return self._combined

    @staticmethod
    def _candidates(needs: list[list[frozenset[int]]], sentences_with: dict[int, int], present) -> int:
        """The sentences (bit i: sentence i) in which some pattern of a group finds every word it
        needs (``present``: the needed words the document has)."""
        candidates = 0
        for need in needs:
            sentences = -1  # every sentence, until a word set narrows them
            for options in need:
                # Most of a group's words are absent from a given document: intersecting
                # with the words present first keeps the union to the few that are there.
                having = 0
                for word in options & present:
                    having |= sentences_with[word]
                sentences &= having
                if not sentences:
                    break
            if sentences > 0:  # (still -1 only for a pattern that needs no word, which is never gated)
                candidates |= sentences
        return candidates

    def _walk_long_sentences(self, doc, starts, ends, candidates_of) -> dict[int, dict[int, list]]:
        """sentence -> group -> its matches, for each long sentence several groups want, from
        one walk of the combined matcher (see the class docstring)."""
        if None in self._group_of_key.values():  # a key in two groups: matches could not be dealt back
            return {}
        wanted: dict[int, int] = {}
        for candidates in candidates_of:
            for index in candidates:
                if ends[index] - starts[index] >= LONG_SENTENCE_TOKENS:
                    wanted[index] = wanted.get(index, 0) + 1
        walked: dict[int, dict[int, list]] = {}
        for index in (index for index, groups in wanted.items() if groups > 1):
            by_group = walked.setdefault(index, {})
            for match_id, start, end in self.combined()(doc[starts[index]:ends[index]]):
                by_group.setdefault(self._group_of_key[match_id], []).append((match_id, start, end))
        return walked

    def _index(self, doc) -> tuple[list[int], dict[int, int]]:
        """Sentence start tokens, and for each needed word the sentences that contain it, as the
        bits of an int (bit i: sentence i): the candidates of a pattern are then a few ands and
        ors of ints, not unions and intersections of sets."""
        values = doc.to_array([LOWER, SENT_START])
        starts = numpy.flatnonzero(values[:, 1] == 1)
        if not len(starts) or starts[0] != 0:
            starts = numpy.concatenate(([0], starts))
        # Membership by binary search in the sorted needed words: what numpy.isin answers, without
        # sorting them again for every document (nor importing numpy.ma, which isin does: 50 ms).
        lowers = values[:, 0]
        slots = numpy.minimum(numpy.searchsorted(self._needed_sorted, lowers), len(self._needed_sorted) - 1)
        hits = numpy.flatnonzero(self._needed_sorted[slots] == lowers)
        sentence_of = numpy.searchsorted(starts, hits, side="right") - 1
        sentences_with: dict[int, int] = {}
        get = sentences_with.get
        for word, sentence in zip(values[hits, 0].tolist(), sentence_of.tolist()):
            sentences_with[word] = get(word, 0) | (1 << sentence)
        return starts.tolist(), sentences_with


def _bits(mask: int) -> list[int]:
    """The positions of the set bits of ``mask``, lowest first."""
    positions = []
    while mask:
        lowest = mask & -mask
        positions.append(lowest.bit_length() - 1)
        mask ^= lowest
    return positions


def split_patterns(patterns: list[list[dict]]) -> tuple[list[list[str]], list[list[dict]]]:
    """(word sequences for a PhraseMatcher, patterns left for the Matcher)."""
    phrases, rest = [], []
    for pattern in patterns:
        expanded = expand(pattern)
        if expanded is None:
            rest.append(pattern)
        else:
            phrases.extend(expanded)
    return phrases, rest


@dataclass
class CompiledPatterns:
    """One match key's phrases, tokenized: the token hashes a PhraseMatcher compares, on
    lower case (``lower``) and exact text (``exact``), and the token patterns that must stay
    with the Matcher. Plain data, so the compiled cache can keep it."""

    key: str
    lower: list[tuple[int, ...]] = field(default_factory=list)
    exact: list[tuple[int, ...]] = field(default_factory=list)
    patterns: list[list[dict]] = field(default_factory=list)


def compile_patterns(nlp, key: str, phrases=(), exact=(), patterns=()) -> CompiledPatterns:
    """``phrases`` (matched on lower case), ``exact`` phrases and token ``patterns``
    (those that are word alternations become lower-case phrases), tokenized by ``nlp``."""
    word_sequences, rest = split_patterns(list(patterns))
    docs = list(nlp.tokenizer.pipe(phrases)) + [Doc(nlp.vocab, words=words) for words in word_sequences]
    return CompiledPatterns(key, [tuple(token.lower for token in doc) for doc in docs],
                            [tuple(token.orth for token in doc) for doc in nlp.tokenizer.pipe(exact)], rest)


def cached_patterns(kind: str, nlp, pack, build):
    """``build()`` (a component's compiled patterns), kept in the compiled cache under
    ``pack``'s version, spaCy's and the tokenizer's language."""
    from claimcheck.runtime import cache
    if not pack.cache_key:  # a pack assembled in code, not loaded from files
        return build()
    import spacy
    fingerprint = cache.Fingerprint(kind).add(pack.cache_key, spacy.__version__, nlp.lang,
                                              type(nlp.tokenizer).__qualname__)
    return cache.cached(fingerprint, build)


class PatternMatchers:
    """The matchers of a list of ``CompiledPatterns``: a PhraseMatcher on lower case, one on
    exact text and a ``GatedMatcher``, each key added in list order (which fixes the order
    of the matches), and nothing tokenized."""

    def __init__(self, vocab, compiled: list[CompiledPatterns]):
        self.lower = PhraseMatcher(vocab, attr="LOWER")
        self.exact = PhraseMatcher(vocab, attr="ORTH")
        self.tokens = GatedMatcher(vocab)
        for item in compiled:
            if item.lower:
                self.lower.add(item.key, item.lower)
            if item.exact:
                self.exact.add(item.key, item.exact)
            if item.patterns:
                self.tokens.add(item.key, item.patterns)

    def __call__(self, doc) -> Iterator[tuple[int, int, int]]:
        """(match id, start, end): the lower-case phrases' matches, the exact ones', the patterns'."""
        for matcher in (self.lower, self.exact, self.tokens):
            if len(matcher):
                yield from matcher(doc)


def unmatchable_values(pattern: list[dict], tokenizer) -> list[tuple[int, str, list[str]]]:
    """(token spec index, value, its tokens) for each word value no single token can have.

    A token spec matches one token, and the tokenizer splits some words ("pain-free" is
    pain, -, free; "can't" is ca, n't; "knee replacement" is two words), so such a value
    makes its alternative dead without any error. A value counts as matchable when some
    ordinary context ("I'm", "10x") gives it as one token."""
    dead = []
    for index, spec in enumerate(pattern):
        for attr in ("LOWER", "ORTH", "TEXT", "NORM"):
            value = spec.get(attr)
            words = [value] if isinstance(value, str) else (value or {}).get("IN", []) if isinstance(value, dict) else []
            for word in map(str, words):
                wanted = word.lower() if attr == "LOWER" else word
                contexts = (word, f"a {word} a", f"I{word} a", f"10{word} a")
                if not any((t.lower_ if attr == "LOWER" else t.text) == wanted
                           for context in contexts for t in tokenizer(context)):
                    dead.append((index, word, [t.text for t in tokenizer(word)]))
    return dead


def pattern_problems(items, tokenizer) -> list[InputProblem]:
    """Rule-pack problems in the token patterns of cues and lexicon entries (``items``):
    word values the tokenizer never yields as one token, each at its file and line."""
    problems = []
    files: dict[str, tuple] = {}
    for item in items:
        for number, pattern in enumerate(item.patterns):
            for index, word, tokens in unmatchable_values(pattern, tokenizer):
                if item.path not in files:
                    files[item.path] = _entry_ids(item.path)
                root, section, ids = files[item.path]
                keys = [section, ids.index(item.id), "patterns", number, index] if item.id in ids else None
                problems.append(InputProblem(
                    item.path, BAD_RULE,
                    f"{item.id}: pattern {number}, token {index}: {word!r} is {len(tokens)} tokens to the tokenizer "
                    f"({' '.join(tokens)}) and a token spec matches one token, so it never matches; "
                    f"write one token spec per token, or make it a phrase",
                    line=line_in_tree(root, keys) if keys else None))
    return problems


def _entry_ids(path: str) -> tuple:
    """(node tree, section, entry ids in file order) of a cue or lexicon file, to find an entry's line."""
    root, data = parse(Path(path).read_text(encoding="utf-8"))
    section = "cues" if "cues" in (data or {}) else "entries"
    return root, section, [entry.get("id") for entry in (data or {}).get(section, [])]
