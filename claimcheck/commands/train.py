"""``claimcheck train CORPUS -o DIR``: train the sentence and page classifiers on a
labelled corpus (``corpus/GUIDE.md``); ``--cross-validate K`` measures them instead,
with site-grouped folds, against the rules alone."""
from __future__ import annotations

import json

import click

from claimcheck.commands.common import read_pages_or_exit


def _table(report: dict) -> list[str]:
    lines = [f"site-grouped {report['folds']}-fold cross-validation: {report['pages']} pages, {report['sites']} sites",
             "", "| | sentences: recall | sentences: FPR | fail pages that fail | honest pages that fail |",
             "|---|---|---|---|---|"]
    fmt = lambda v: "-" if v is None else f"{v:.3f}"  # noqa: E731
    for setting in ("rules", "rules+model"):
        o = report[setting]["overall"]
        lines.append(f"| {setting} | {fmt(o['sentence_recall'])} | {fmt(o['sentence_fpr'])} | "
                     f"{fmt(o['fail_pages_failed'])} | {fmt(o['pass_pages_failed'])} |")
    lines += ["", "per genre, rules+model (pages: fail/pass):", "",
              "| genre | pages | sentences: recall | FPR | fail pages that fail | honest pages that fail |",
              "|---|---|---|---|---|---|"]
    for genre, g in report["rules+model"]["genres"].items():
        c = g["counts"]
        lines.append(f"| {genre} | {c['fail_pages']}/{c['pass_pages']} | {fmt(g['sentence_recall'])} | "
                     f"{fmt(g['sentence_fpr'])} | {fmt(g['fail_pages_failed'])} | {fmt(g['pass_pages_failed'])} |")
    lines += ["", "per claim category (a sentence labelled with two categories counts under each):", "",
              "| category | claim sentences | recall: rules | recall: rules+model |", "|---|---|---|---|"]
    by_rules = report["rules"]["overall"]["category_recall"]
    for category, c in report["rules+model"]["overall"]["category_recall"].items():
        lines.append(f"| {category} | {c['claim_sentences']} | {fmt(by_rules[category]['recall'])} | "
                     f"{fmt(c['recall'])} |")
    return lines


@click.command("train")
@click.argument("corpus", type=click.Path(exists=True, file_okay=False))
@click.option("-o", "--output", type=click.Path(file_okay=False), help="Write the trained model to this folder.")
@click.option("--cross-validate", "folds", type=click.IntRange(2, 20),
              help="Measure with K site-grouped folds instead of training one model.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Also write the figures as JSON.")
@click.option("--show", is_flag=True, help="With --cross-validate: list every miss and false alarm.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=1, show_default=True,
              help="Trainings to run at once, each in its own process (0: one per core): with -o, "
                   "one classifier with one seed each; with --cross-validate, one fold model each. "
                   "The model and the figures are the same either way.")
@click.option("--seeds", "seed_count", type=click.IntRange(min=1),
              help="Train each classifier this many times with different seeds and average the "
                   "weights into one model (default: the shipped recipe's count).")
@click.option("--fold-models", type=click.Path(file_okay=False),
              help="With --cross-validate: keep the fold models in this folder and reuse each one "
                   "while its fold leaves out the same pages with the same seeds, so that an edited "
                   "rule pack is measured again, as check reads it with an unchanged model, "
                   "without training.")
@click.option("--page-verdict/--no-page-verdict", default=None,
              help="Also tell the sentence classifier whether its page fails, as a page classifier "
                   "reads the page: in training one that did not learn from the page, in check the "
                   "model's own. Not yet through a first run and the regression gates, so the shipped "
                   "recipe leaves it out (default: the recipe's).")
def train_command(corpus, output, folds, json_path, show, jobs, seed_count, fold_models, page_verdict):
    """Train the learned components on a labelled corpus (see corpus/GUIDE.md)."""
    from claimcheck.train.fit import seeds_for

    seeds = seeds_for(seed_count)
    pages = read_pages_or_exit(corpus)
    if folds:
        from claimcheck.train.crossval import cross_validate
        report = cross_validate(pages, folds, progress=lambda line: click.echo(line, err=True), jobs=jobs,
                                seeds=seeds, folder=fold_models, page_verdict=page_verdict)
        click.echo("\n".join(_table(report)))
        if show:
            tally = report["rules+model"]["overall_tally"]
            click.echo("")
            click.echo("\n".join(f"MISS  {pid}: {text[:160]}" for pid, text in tally.misses))
            click.echo("\n".join(f"FALSE {pid} [{','.join(flagged_by)}]: {text[:160]}"
                                  for pid, text, flagged_by in tally.alarms))
        if json_path:
            for setting in ("rules", "rules+model"):
                report[setting].pop("overall_tally")
            with open(json_path, "w", encoding="utf-8") as handle:
                json.dump(report, handle, indent=2)
        return
    if not output:
        raise click.UsageError("give -o DIR to train a model, or --cross-validate K to measure")
    from claimcheck.train.fit import train_model
    path = train_model(pages, output, seeds=seeds, jobs=jobs, page_verdict=page_verdict)
    click.echo(f"trained on {len(pages)} pages ({sum(len(p.sentences) for p in pages)} sentences): {path}")
