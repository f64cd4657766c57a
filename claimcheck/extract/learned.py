"""The learned scores: a spaCy component that asks the trained classifiers how far
each sentence reads as a claim of each category, and whether the page sells.

The model folder is what ``claimcheck train`` writes (``train/fit.py``); the
package ships one trained on ``corpus/`` (``claimcheck/models/default``). Which
model a run uses is chosen once per process (``select_model``: ``check --model``),
before the pipeline is built; ``None`` runs the rules alone.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SHIPPED_MODEL = Path(__file__).resolve().parent.parent / "models" / "default"
_selected: str | None = str(SHIPPED_MODEL)


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
    categories: tuple[str, ...]
    thresholds: dict
    page: dict  # SELLS / FAIL -> score
    sentences: list[dict]  # per sentence (the Analysis's order): category -> score

    def sells(self) -> bool:
        return self.page.get("SELLS", 1.0) >= self.thresholds["sells"]

    def strongest(self, sentence: int) -> tuple[str, float]:
        scores = self.sentences[sentence]
        best = max(scores, key=scores.get)
        return best, scores[best]


@lru_cache(maxsize=4)
def load_model(folder: str):
    """(meta, sentence textcat, page textcat) of a model folder."""
    import spacy

    path = Path(folder)
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        sentences = spacy.load(path / "sentences").get_pipe("textcat_multilabel")
        pages = spacy.load(path / "pages").get_pipe("textcat_multilabel")
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(f"{folder}: not a claimcheck model ({type(exc).__name__}: {exc})") from None
    return meta, sentences, pages


class LearnedScorer:
    """Sets ``doc._.cc_learned``: one batched prediction for the sentences, one for the page."""

    def __init__(self, folder: str):
        self.folder = folder
        self.meta, self.sentence_pipe, self.page_pipe = load_model(folder)
        self.categories = tuple(self.sentence_pipe.labels)
        self.page_labels = tuple(self.page_pipe.labels)

    def __call__(self, doc):
        sentences = [s for s in doc.sents]
        rows = self.sentence_pipe.model.predict([s.as_doc() for s in sentences]) if sentences else []
        page = self.page_pipe.model.predict([doc])[0] if len(doc) else [0.0] * len(self.page_labels)
        doc._.cc_learned = Learned(
            model=self.folder, categories=self.categories, thresholds=self.meta["thresholds"],
            page={label: round(float(score), 4) for label, score in zip(self.page_labels, page)},
            sentences=[{c: round(float(s), 4) for c, s in zip(self.categories, row)} for row in rows],
        )
        return doc
