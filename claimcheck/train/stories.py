"""Pages that tell the same story: a press release reprinted by several sites, one clinic's text
on two domains, two paraphrases of one news item.

Cross-validation keeps each site in one fold (``corpus.folds_by_site``), but a story told on two
sites could still sit in a training fold and a test fold at once, and the test page would then
be read from memory. Two tellings of one story keep its products, conditions, numbers, names and
rare words even when no run of eight words is shared, so a TF-IDF cosine over the pages' words
finds them. The threshold was read on the corpus's own pairs: pairs at 0.5 or more are one story
told twice; from 0.4 there are also pages on one narrow subject from different sources (plantar
fasciitis pages, two reports of one approval), which do no harm in one fold; below 0.4 pairs
become common and chain into large groups.
"""
from __future__ import annotations

import collections
import math
import re
from collections.abc import Sequence

import numpy as np

STORY_COSINE = 0.4
_WORD = re.compile(r"[a-z0-9]+")
_CHUNK = 512  # pages whose vectors are laid out densely at once (512 x the vocabulary, float32)


def content_words(text: str) -> list[str]:
    """Lower-cased words of three characters or more: the words a story is recognised by."""
    return [word for word in _WORD.findall(text.lower()) if len(word) > 2]


def _unit_vectors(texts: Sequence[str]) -> tuple[list[np.ndarray], list[np.ndarray], int]:
    """Each text's TF-IDF vector (sub-linear term frequency), of unit length, as the columns and
    weights of the words another text also has: a word only one text has counts in its length
    but can add nothing to a cosine."""
    counts = [collections.Counter(content_words(text)) for text in texts]
    frequency = collections.Counter()
    for count in counts:
        frequency.update(count.keys())
    shared = {word: column for column, word in enumerate(sorted(w for w, f in frequency.items() if f >= 2))}
    columns, values = [], []
    for count in counts:
        weights = {word: (1 + math.log(n)) * math.log(len(texts) / frequency[word]) for word, n in count.items()}
        norm = math.sqrt(sum(weight * weight for weight in weights.values())) or 1.0
        kept = [word for word in weights if word in shared]
        columns.append(np.array([shared[word] for word in kept], dtype=np.int64))
        values.append(np.array([weights[word] / norm for word in kept], dtype=np.float32))
    return columns, values, len(shared)


def story_pairs(texts: Sequence[str], threshold: float = STORY_COSINE) -> list[tuple[int, int, float]]:
    """Every pair ``(i, j, cosine)`` with ``i < j`` of texts whose cosine is ``threshold`` or more.
    Exact, in memory linear in the corpus: a block of texts is laid out densely and every later
    text's few words are read against it."""
    columns, values, width = _unit_vectors(texts)
    pairs = []
    for start in range(0, len(texts), _CHUNK):
        stop = min(len(texts), start + _CHUNK)
        block = np.zeros((stop - start, width), dtype=np.float32)
        for row, index in enumerate(range(start, stop)):
            block[row, columns[index]] = values[index]
        for other in range(start + 1, len(texts)):
            scores = block[:, columns[other]] @ values[other]
            for row in np.flatnonzero(scores >= threshold):
                if start + row < other:
                    pairs.append((start + int(row), other, float(scores[row])))
    return pairs
