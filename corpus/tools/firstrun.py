#!/usr/bin/env python3
"""A first run: new labelled pages read once, before they join the corpus, by the rules alone,
the shipped model and any candidate models, as the record's tables show them.

    python corpus/tools/firstrun.py SET [SET ...] [--model NAME=DIR ...] [--candidate NAME]

Each SET is a folder of page records in the corpus format (``corpus/GUIDE.md``), such as a
builder's ``corpus/pages`` before it is merged. Printed, as Markdown: a table per set and one
for all of them together, with a row for the rules alone, one for the shipped model and one per
``--model``; each figure with its counts, as ``claimcheck eval FOLDER`` and cross-validation
count them.

With ``--candidate NAME`` the tool also applies the shipping rule to that model: it may replace
the shipped one only if it reads the sets together at least as well on every figure (claim
sentences found, false alarms, failing pages failing, honest pages failing). The regression
gates are the other half of the rule; ``CLAIMCHECK_MODEL=DIR pytest tests/test_learned.py``
runs them on the candidate.

Run it before anything is changed because of the new pages: afterwards they are a regression
set, and their figures say nothing about text nobody tuned on. Needs claimcheck installed.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from claimcheck.commands.common import read_pages_or_exit
from claimcheck.extract.learned import SHIPPED_MODEL, select_model, selected_model
from claimcheck.pack.rulepack import load_pack
from claimcheck.train.crossval import Tally, check_pages, tally_pages
from common import ratio

HEADER = ("| | sentences: recall | FPR | fail pages that fail | honest pages that fail |\n"
          "|---|---|---|---|---|")


def row(name: str, tally: Tally) -> str:
    cells = (ratio(tally.claims_found, tally.claims), ratio(tally.false_alarms, tally.compliant),
             ratio(tally.fail_pages_failed, tally.fail_pages), ratio(tally.pass_pages_failed, tally.pass_pages))
    return f"| {name} | " + " | ".join(cells) + " |"


def worse_figures(candidate: Tally, shipped: Tally) -> list[str]:
    """The figures on which ``candidate`` reads worse than ``shipped`` (empty: it may ship)."""
    worse = []
    if candidate.claims_found < shipped.claims_found:
        worse.append(f"claim sentences found {candidate.claims_found} < {shipped.claims_found}")
    if candidate.false_alarms > shipped.false_alarms:
        worse.append(f"false alarms {candidate.false_alarms} > {shipped.false_alarms}")
    if candidate.fail_pages_failed < shipped.fail_pages_failed:
        worse.append(f"failing pages failing {candidate.fail_pages_failed} < {shipped.fail_pages_failed}")
    if candidate.pass_pages_failed > shipped.pass_pages_failed:
        worse.append(f"honest pages failing {candidate.pass_pages_failed} > {shipped.pass_pages_failed}")
    return worse


def parse_models(specs: list[str]) -> dict[str, str | None]:
    models: dict[str, str | None] = {"rules": None, "shipped": str(SHIPPED_MODEL)}
    for spec in specs:
        name, _, folder = spec.partition("=")
        if not name or not folder:
            raise SystemExit(f"--model {spec}: expected NAME=DIR")
        if name in models:
            raise SystemExit(f"--model {spec}: the name {name} is taken")
        if not (Path(folder) / "meta.json").is_file():
            raise SystemExit(f"--model {spec}: {folder} holds no trained model (no meta.json)")
        models[name] = folder
    return models


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sets", nargs="+", help="folders of page records")
    parser.add_argument("--model", action="append", default=[], metavar="NAME=DIR", help="a model to compare")
    parser.add_argument("--candidate", metavar="NAME", help="apply the shipping rule to this --model")
    args = parser.parse_args(argv)
    models = parse_models(args.model)
    if args.candidate and args.candidate not in models:
        raise SystemExit(f"--candidate {args.candidate}: no --model of that name")
    sets = {folder: read_pages_or_exit(folder) for folder in args.sets}
    pack, before = load_pack(), selected_model()
    overall = {name: Tally() for name in models}
    try:
        for folder, pages in sets.items():
            print(f"\n{folder} ({len(pages)} pages)\n\n{HEADER}")
            for name, model in models.items():
                tally = tally_pages(check_pages(pages, model, pack))
                overall[name].add(tally)
                print(row(name, tally))
    finally:
        select_model(before)
    if len(sets) > 1:
        print(f"\nall {sum(len(p) for p in sets.values())} pages\n\n{HEADER}")
        for name, tally in overall.items():
            print(row(name, tally))
    if args.candidate:
        worse = worse_figures(overall[args.candidate], overall["shipped"])
        verdict = ("may replace the shipped model (if it passes the regression gates)" if not worse
                   else "does not ship: " + "; ".join(worse))
        print(f"\n{args.candidate} {verdict}")
        return 1 if worse else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
