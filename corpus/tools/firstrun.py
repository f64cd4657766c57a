#!/usr/bin/env python3
"""A first run: new labelled pages read once, before they join the corpus, by the rules alone,
the shipped model and any candidate models, as the record's tables show them.

    python corpus/tools/firstrun.py SET [SET ...] [--model NAME=DIR ...] [--candidate NAME ...] [--unweighed]

Each SET is a folder of page records in the corpus format (``corpus/GUIDE.md``), such as a
builder's ``corpus/pages`` before it is merged. Printed, as Markdown: a table per set and one
for all of them together, with a row for the rules alone, one for the shipped model and one per
``--model``; each figure with its counts, as ``claimcheck eval FOLDER`` and cross-validation
count them. ``--unweighed`` adds the shipped model without the page weighing
(``evaluate/learned.weigh_by_page``) and says which pages the weighing moved.

With ``--candidate NAME`` (repeatable) the tool also applies the shipping rule to that model,
each candidate on its own against the shipped model, over all the sets together: they must
hold at least ``MIN_PAGES`` pages, and no figure (claim sentences found, false alarms, failing
pages failing, honest pages failing) may read worse beyond chance.
Each figure is compared item by item: of the sentences or pages on which the candidate and the
shipped model differ, a one-sided sign test asks how likely it is that at least as many go
against the candidate if both read equally well; under ``ALPHA`` the figure is worse beyond
chance. Since the twenty-fifth stop the candidate must also not read worse on balance: at each
level (sentences: claims found and false alarms; pages: failing and honest pages failing), the
differing items that go its way must be at least as many as those that go against it.
(Until the sixteenth stop the rule asked for no figure worse by even one item, on one
round of about fifty pages, which a few false alarms either way decided; the record says why it
changed, before the rounds it was first applied to.) The regression gates are the other half of
the rule; ``CLAIMCHECK_CANDIDATE=DIR pytest tests/test_learned.py -k regress`` runs them on the
candidate.

Run it before anything is changed because of the new pages: afterwards they are a regression
set, and their figures say nothing about text nobody tuned on. Needs claimcheck installed.
"""
from __future__ import annotations

import argparse
import math
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from claimcheck.commands.common import read_pages_or_exit
from claimcheck.extract.learned import SHIPPED_MODEL, select_model, selected_model
from claimcheck.pack.rulepack import load_pack
from claimcheck.train.crossval import Tally, check_pages, sentence_hits, tally_page
from common import model_variant, ratio

HEADER = ("| | sentences: recall | FPR | fail pages that fail | honest pages that fail |\n"
          "|---|---|---|---|---|")


def row(name: str, tally: Tally) -> str:
    cells = (ratio(tally.claims_found, tally.claims), ratio(tally.false_alarms, tally.compliant),
             ratio(tally.fail_pages_failed, tally.fail_pages), ratio(tally.pass_pages_failed, tally.pass_pages))
    return f"| {name} | " + " | ".join(cells) + " |"


MIN_PAGES = 75
ALPHA = 0.05

# The rule's figures: the name, the kind of item each counts, and whether a flagged item is a
# good outcome (a claim found, a failing page failed) or a bad one (a false alarm, an honest
# page failed).
FIGURES = (("claim sentences found", "claim", True), ("false alarms", "compliant", False),
           ("failing pages failing", "fail page", True), ("honest pages failing", "pass page", False))


def outcomes(folder: str, page, result) -> dict[tuple, bool]:
    """Whether each item of one page was flagged: its labelled sentences, and the page itself."""
    items = {}
    for index, (sentence, flagging) in enumerate(sentence_hits(page, result)):
        items[("claim" if sentence.categories else "compliant", folder, page.id, index)] = bool(flagging)
    items[("fail page" if page.verdict == "fail" else "pass page", folder, page.id)] = result.status == "fail"
    return items


@dataclass(frozen=True)
class Comparison:
    """One figure, compared item by item between a candidate and the shipped model."""

    figure: str
    better: int  # items the candidate reads right and the shipped model wrong
    worse: int  # and the other way round

    @property
    def chance_of_worse(self) -> float:
        """One-sided sign test: the chance that at least ``worse`` of the items on which the
        two differ go against the candidate, if both read equally well."""
        differ = self.better + self.worse
        return sum(math.comb(differ, k) for k in range(self.worse, differ + 1)) / 2 ** differ

    @property
    def worse_beyond_chance(self) -> bool:
        return self.worse > self.better and self.chance_of_worse < ALPHA


def compare(candidate: dict[tuple, bool], shipped: dict[tuple, bool]) -> list[Comparison]:
    comparisons = []
    for figure, kind, flagged_is_good in FIGURES:
        better = worse = 0
        for item, flagged in candidate.items():
            if item[0] != kind or flagged == shipped[item]:
                continue
            if flagged == flagged_is_good:
                better += 1
            else:
                worse += 1
        comparisons.append(Comparison(figure, better, worse))
    return comparisons


# The levels at which the differing items are summed (since the twenty-fifth stop), each with its figures.
LEVELS = (("sentences", ("claim sentences found", "false alarms")),
          ("pages", ("failing pages failing", "honest pages failing")))


def balance_against(comparisons: list[Comparison]) -> list[str]:
    """The levels at which, summed over their figures, more differing items go against the
    candidate than for it. A candidate that loses a page or two on each round, never beyond
    chance, would otherwise ship round after round while reading worse (see the record)."""
    by_figure = {c.figure: c for c in comparisons}
    reasons = []
    for level, figures in LEVELS:
        present = [by_figure[f] for f in figures if f in by_figure]
        better, worse = sum(c.better for c in present), sum(c.worse for c in present)
        if worse > better:
            reasons.append(f"{level}: worse on {worse} items in all, better on {better}")
    return reasons


def judge(comparisons: list[Comparison], pages: int) -> list[str]:
    """Why the candidate may not ship (empty: it may, if it passes the regression gates)."""
    reasons = [f"{c.figure}: worse on {c.worse} items, better on {c.better} "
               f"(chance {c.chance_of_worse:.3f} < {ALPHA})" for c in comparisons if c.worse_beyond_chance]
    reasons += balance_against(comparisons)
    if pages < MIN_PAGES:
        reasons.insert(0, f"{pages} pages are too few to judge (the rule asks for at least {MIN_PAGES})")
    return reasons


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


# The thresholds by which the page as a whole moves a finding's severity
# (evaluate/learned.weigh_by_page); a model without them reads each finding as its rule does.
PAGE_WEIGHING = ("clear_page", "failing_page")


def unweighed(model: Path, into: Path) -> Path:
    """``model`` without the page weighing: the same classifiers, without the weighing's thresholds."""
    return model_variant(model, into, lambda old: {k: v for k, v in old.items() if k not in PAGE_WEIGHING})


def weighing_line(weighed: dict[tuple, bool], plain: dict[tuple, bool]) -> str:
    """What the page weighing did to the pages, as the record tallies it."""
    by_figure = {c.figure: c for c in compare(weighed, plain)}
    failing, honest = by_figure["failing pages failing"], by_figure["honest pages failing"]
    return (f"The page weighing caught {failing.better} failing pages and lost {failing.worse}; "
            f"it held {honest.better} honest pages out of failing and failed {honest.worse}.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sets", nargs="+", help="folders of page records")
    parser.add_argument("--model", action="append", default=[], metavar="NAME=DIR", help="a model to compare")
    parser.add_argument("--candidate", action="append", default=[], metavar="NAME",
                        help="apply the shipping rule to this --model (repeatable)")
    parser.add_argument("--unweighed", action="store_true",
                        help="add the shipped model without the page weighing, and tally what the weighing did")
    args = parser.parse_args(argv)
    models = parse_models(args.model)
    scratch = tempfile.TemporaryDirectory()
    if args.unweighed:
        models["unweighed"] = str(unweighed(SHIPPED_MODEL, Path(scratch.name) / "unweighed"))
    for name in args.candidate:
        if name not in models:
            raise SystemExit(f"--candidate {name}: no --model of that name")
    sets = {folder: read_pages_or_exit(folder) for folder in args.sets}
    pack, before = load_pack(), selected_model()
    overall = {name: Tally() for name in models}
    items: dict[str, dict[tuple, bool]] = {name: {} for name in models}
    try:
        for folder, pages in sets.items():
            print(f"\n{folder} ({len(pages)} pages)\n\n{HEADER}")
            for name, model in models.items():
                tally = Tally()
                for page, result in check_pages(pages, model, pack):
                    tally.add(tally_page(page, result))
                    items[name].update(outcomes(folder, page, result))
                overall[name].add(tally)
                print(row(name, tally))
    finally:
        select_model(before)
        scratch.cleanup()
    if len(sets) > 1:
        print(f"\nall {sum(len(p) for p in sets.values())} pages\n\n{HEADER}")
        for name, tally in overall.items():
            print(row(name, tally))
    if args.unweighed:
        print("\n" + weighing_line(items["shipped"], items["unweighed"]))
    refused = [name for name in args.candidate
               if not ship_or_not(name, items[name], items["shipped"], sum(len(p) for p in sets.values()))]
    return 1 if refused else 0


def ship_or_not(name: str, candidate: dict[tuple, bool], shipped: dict[tuple, bool], pages: int) -> bool:
    """Print the item-by-item comparison and the verdict of the shipping rule; True if it may ship."""
    comparisons = compare(candidate, shipped)
    print(f"\n{name} against shipped, item by item\n\n"
          "| figure | candidate better | candidate worse | chance of worse |\n|---|---|---|---|")
    for c in comparisons:
        print(f"| {c.figure} | {c.better} | {c.worse} | {c.chance_of_worse:.3f} |")
    reasons = judge(comparisons, pages)
    verdict = ("may replace the shipped model (if it passes the regression gates)" if not reasons
               else "does not ship: " + "; ".join(reasons))
    print(f"\n{name} {verdict}")
    return not reasons


if __name__ == "__main__":
    sys.exit(main())
