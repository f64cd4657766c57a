"""Site-grouped cross-validation: the figures that say how detection carries over.

The corpus is cut into ``k`` folds with no site in two of them. For each fold a
model is trained on the other folds and ``check`` (rules and that model) reads the
fold's pages, as a user would run it. Sentence figures: a labelled claim sentence
is found when a counted finding (claim scope; critical, major or minor) starts in
it; a compliant sentence is a false alarm when one does. Page figures: a page
fails when its status is ``fail``. The same pages read by the rules alone give the
comparison row.
"""
from __future__ import annotations

import contextlib
import json
import tempfile
from collections import Counter, defaultdict
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from pathlib import Path

from claimcheck.train.corpus import CorpusPage, folds_by_site

COUNTED = {"critical", "major", "minor"}


@dataclass
class Tally:
    claims: int = 0
    claims_found: int = 0
    compliant: int = 0
    false_alarms: int = 0
    fail_pages: int = 0
    fail_pages_failed: int = 0
    pass_pages: int = 0
    pass_pages_failed: int = 0
    misses: list = field(default_factory=list)
    alarms: list = field(default_factory=list)
    # Claim sentences and those found, per labelled category: a sentence with two categories
    # counts under each, so that a rule author sees which kind of claim the reading misses.
    category_claims: Counter = field(default_factory=Counter)
    category_found: Counter = field(default_factory=Counter)

    def add(self, other: "Tally") -> None:
        for name in ("claims", "claims_found", "compliant", "false_alarms", "fail_pages", "fail_pages_failed",
                     "pass_pages", "pass_pages_failed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses += other.misses
        self.alarms += other.alarms
        self.category_claims.update(other.category_claims)
        self.category_found.update(other.category_found)

    def figures(self) -> dict:
        ratio = lambda a, b: round(a / b, 3) if b else None  # noqa: E731
        return {"sentence_recall": ratio(self.claims_found, self.claims),
                "sentence_fpr": ratio(self.false_alarms, self.compliant),
                "fail_pages_failed": ratio(self.fail_pages_failed, self.fail_pages),
                "pass_pages_failed": ratio(self.pass_pages_failed, self.pass_pages),
                "category_recall": {category: {"claim_sentences": claims,
                                               "recall": ratio(self.category_found[category], claims)}
                                    for category, claims in sorted(self.category_claims.items())},
                "counts": {"claim_sentences": self.claims, "compliant_sentences": self.compliant,
                           "fail_pages": self.fail_pages, "pass_pages": self.pass_pages}}


def sentence_hits(page: CorpusPage, result):
    """Each labelled sentence of ``page`` with the counted findings that start in it (none: not flagged)."""
    counted = [f for f in result.findings if f.scope == "claim" and f.severity in COUNTED]
    for sentence in page.sentences:
        yield sentence, [f for f in counted if sentence.start <= f.start < sentence.end]


def tally_page(page: CorpusPage, result) -> Tally:
    """One page's counts. A false alarm is kept as (page id, sentence, what flagged it: each
    finding's rule and source, "CC401:success-rate"), so that a rule author sees which pattern
    to mend."""
    from claimcheck.testing.measure import finding_source

    tally = Tally()
    for sentence, flagging in sentence_hits(page, result):
        hit = bool(flagging)
        if sentence.categories:
            tally.claims += 1
            tally.claims_found += hit
            for category in sentence.categories:
                tally.category_claims[category] += 1
                tally.category_found[category] += hit
            if not hit:
                tally.misses.append((page.id, sentence.text))
        else:
            tally.compliant += 1
            tally.false_alarms += hit
            if hit:
                flagged_by = sorted({f"{f.code}:{finding_source(f)}" for f in flagging})
                tally.alarms.append((page.id, sentence.text, flagged_by))
    failed = result.status == "fail"
    if page.verdict == "fail":
        tally.fail_pages += 1
        tally.fail_pages_failed += failed
    else:
        tally.pass_pages += 1
        tally.pass_pages_failed += failed
    return tally


def tally_pages(checked) -> Tally:
    """The counts of (page, result) pairs together, as ``eval FOLDER`` prints them."""
    total = Tally()
    for page, result in checked:
        total.add(tally_page(page, result))
    return total


def check_pages(pages: list[CorpusPage], model: str | None, pack=None):
    """``check``'s results for ``pages`` with ``pack`` (default: the built-in one) and ``model``
    (``None``: rules alone)."""
    from claimcheck.extract.learned import select_model
    from claimcheck.pack.rulepack import load_pack
    from claimcheck.project.runner import check_sources

    select_model(model)
    problems: list = []
    by_id = {page.id: page for page in pages}
    for checked in check_sources((p.source() for p in pages), pack or load_pack(), problems):
        yield by_id[checked.source.origin], checked.result


def _train_fold(training: list[CorpusPage], out: Path, seeds: tuple[int, ...], page_verdict: bool | None) -> Path:
    from claimcheck.train.fit import train_model

    return train_model(training, out, seeds=seeds, page_verdict=page_verdict)


def _trained_on(model: Path) -> tuple[str, tuple[int, ...], str | None] | None:
    """The corpus digest, seeds and where the verdict word was learned from ("labels" for models
    trained before the out-of-fold verdicts, ``None``: no word) of a model folder (``None``: no
    model there)."""
    from claimcheck.train.fit import FIRST_SEED

    meta = model / "meta.json"
    try:
        meta = json.loads(meta.read_text(encoding="utf-8"))
        verdict_from = meta.get("page_verdict_from", "labels") if meta.get("page_verdict") else None
        return meta["corpus"]["sha256"], tuple(meta.get("seeds", [FIRST_SEED])), verdict_from
    except (OSError, ValueError, KeyError, TypeError):
        return None


def fold_models(pages: list[CorpusPage], k: int, folder: str | Path, jobs: int = 1,
                progress=None, seeds: tuple[int, ...] | None = None,
                page_verdict: bool | None = None) -> list[tuple[list[CorpusPage], Path]]:
    """(test pages, model) for each of ``k`` site-grouped folds, the model trained on the other
    folds into ``folder/fold<i>`` with ``seeds`` (default: the recipe's, ``fit.SEEDS``). A model
    already there that was trained on exactly those pages (the corpus digest in its
    ``meta.json``) with the same seeds and page-verdict setting (default: the recipe's,
    ``fit.PAGE_VERDICT``) is kept, so a measurement can be run again without
    training. ``jobs`` models train at once, each in its own process (0: one per core); each
    training is seeded, so the models are the same either way."""
    from claimcheck.train.fit import SEEDS, corpus_digest, training_pool, training_workers, verdict_source

    seeds = tuple(seeds or SEEDS)

    folder = Path(folder)
    folds = folds_by_site(pages, k)
    kept, missing = [], []
    for index, test in enumerate(folds):
        ids = {p.id for p in test}
        training = [p for p in pages if p.id not in ids]
        model = folder / f"fold{index}"
        kept.append((test, model))
        if _trained_on(model) != (corpus_digest(training), seeds, verdict_source(page_verdict)):
            missing.append((index, training, model))
    workers = training_workers(jobs, len(missing))
    say = progress or (lambda line: None)
    if workers <= 1:
        for index, training, model in missing:
            _train_fold(training, model, seeds, page_verdict)
            say(f"fold {index + 1}/{k}: trained on {len(training)} pages")
        return kept
    with training_pool(workers) as pool:
        running = {pool.submit(_train_fold, training, model, seeds, page_verdict): (index, training)
                   for index, training, model in missing}
        for future in as_completed(running):
            future.result()
            index, training = running[future]
            say(f"fold {index + 1}/{k}: trained on {len(training)} pages")
    return kept


def cross_validate(pages: list[CorpusPage], k: int = 5, progress=None, jobs: int = 1,
                   seeds: tuple[int, ...] | None = None, folder: str | Path | None = None,
                   page_verdict: bool | None = None) -> dict:
    """Per-genre and overall tallies for the rules alone and for rules + a model trained on the
    other folds with ``seeds`` (``jobs`` fold models trained at once, as ``fold_models`` trains them).
    With ``folder`` the fold models are kept there and reused while their pages and seeds hold,
    so that a change to the rules is measured again without training; otherwise they are
    trained into a temporary folder and dropped."""
    from claimcheck.extract.learned import select_model, selected_model

    before = selected_model()
    by_genre = {"rules": defaultdict(Tally), "rules+model": defaultdict(Tally)}
    try:
        for page, result in check_pages(pages, None):
            by_genre["rules"][page.genre].add(tally_page(page, result))
        with contextlib.nullcontext(folder) if folder else tempfile.TemporaryDirectory() as where:
            for index, (test, model) in enumerate(fold_models(pages, k, where, jobs, progress, seeds, page_verdict)):
                for page, result in check_pages(test, str(model)):
                    by_genre["rules+model"][page.genre].add(tally_page(page, result))
                if progress:
                    progress(f"fold {index + 1}/{k}: {len(test)} pages, "
                             f"{len({p.site for p in test})} sites")
    finally:
        select_model(before)
    report = {}
    for setting, genres in by_genre.items():
        overall = Tally()
        for tally in genres.values():
            overall.add(tally)
        report[setting] = {"overall": overall.figures(), "overall_tally": overall,
                           "genres": {g: t.figures() for g, t in sorted(genres.items())}}
    report["folds"] = k
    report["pages"] = len(pages)
    report["sites"] = len({p.site for p in pages})
    return report
