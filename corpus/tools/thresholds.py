#!/usr/bin/env python3
"""Choosing the learned decision thresholds on site-grouped folds, from fold models kept on disk.

    python corpus/tools/thresholds.py --models DIR [--folds 5] [-j N] [--seeds N] [--page-verdict] [--set NAME=V1,V2,...] ... [--corpus DIR]

The thresholds (``claimcheck/train/fit.THRESHOLDS``) live in a model's ``meta.json`` and only
decide what ``check`` does with the classifiers' scores, so a setting is judged without training:
the ``k`` fold models (the corpus cut into folds with no site in two, as ``train
--cross-validate`` cuts it, each model trained on the other folds) are trained once into
``DIR/fold<i>`` and kept, and each setting of the grid reads every fold through a copy of its
fold's model whose ``meta.json`` holds that setting. A fold model is reused while it was trained
on exactly the pages its fold now leaves out (``claimcheck.train.crossval.fold_models``), and
retrained otherwise, ``-j`` at once; ``--seeds N`` and ``--page-verdict`` train them as
``claimcheck train`` does with those options (each classifier averaged over N seeds; the sentence
classifier told whether its page fails, which ``page_fails`` and ``page_unsure`` then read).

Printed, as Markdown: the rules alone, then one row per setting (the shipped thresholds first),
with the figures cross-validation prints: sentence recall, false-positive rate, failing pages
failing, honest pages failing. At the shipped setting the row is the cross-validation figure.

A setting chosen here is chosen on these folds, so its figures flatter it; the first run on the
next round of new pages is where it is judged (``firstrun.py --candidate``). Needs claimcheck
installed; run with ``CLAIMCHECK_JOBS=1`` beside other work.
"""
from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

from claimcheck.train.corpus import read_corpus
from claimcheck.train.crossval import Tally, check_pages, fold_models, tally_pages
from claimcheck.train.fit import THRESHOLDS, seeds_for
from common import CORPUS, model_variant
from firstrun import HEADER, row


def parse_grid(pairs: list[str]) -> dict[str, list[float]]:
    grid = {}
    for pair in pairs:
        name, _, values = pair.partition("=")
        if name not in THRESHOLDS or not values:
            raise SystemExit(f"--set {pair}: expected NAME=V1,V2 with NAME one of {', '.join(THRESHOLDS)}")
        grid[name] = [float(v) for v in values.split(",")]
    return grid


def settings(grid: dict[str, list[float]]) -> list[dict]:
    """The shipped setting first, then every combination of the grid's values."""
    shipped = {name: THRESHOLDS[name] for name in grid}
    combos = [dict(zip(grid, values)) for values in itertools.product(*grid.values())]
    return [shipped] + [c for c in combos if c != shipped]


def label(setting: dict) -> str:
    return ", ".join(f"{name} {value:g}" for name, value in setting.items()) or "shipped"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=Path, required=True, help="where the fold models are kept")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("-j", "--jobs", type=int, default=1, help="fold models to train at once (0: one per core)")
    parser.add_argument("--seeds", type=int, help="seeds each fold model is averaged over (default: the recipe's)")
    parser.add_argument("--page-verdict", action="store_true",
                        help="fold models whose sentence classifier reads whether its page fails (train --page-verdict)")
    parser.add_argument("--corpus", type=Path, default=CORPUS / "pages", help="the page records (default: the corpus)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=V1,V2",
                        help="a threshold and the values to try (repeatable; the grid is every combination)")
    args = parser.parse_args(argv)
    grid = parse_grid(args.set)
    say = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731

    pages = read_corpus(args.corpus)
    folds = fold_models(pages, args.folds, args.models, args.jobs, say, seeds_for(args.seeds), args.page_verdict)
    print(f"{len(pages)} pages, {len({p.site for p in pages})} sites, {args.folds} site-grouped folds\n")
    print(HEADER)
    print(row("rules", tally_pages(check_pages(pages, None))), flush=True)
    for number, setting in enumerate(settings(grid)):
        total = Tally()
        for index, (test, model) in enumerate(folds):
            folder = model_variant(model, args.models / "settings" / f"{number}" / f"fold{index}",
                                   lambda old: {**old, **setting})
            total.add(tally_pages(check_pages(test, str(folder))))
        shipped = " (shipped)" if number == 0 else ""
        print(row(f"rules + model: {label(setting)}{shipped}", total), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
