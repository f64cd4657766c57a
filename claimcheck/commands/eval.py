"""``claimcheck eval CORPUS``: measure detection quality on labelled data.

For rule-pack authors and regulators validating claimcheck on their own data: a JSON-lines
file of sentences or pages (the figures match ``shared/eval/evaluate.py``; see
``claimcheck.testing.measure``), or a folder of labelled page records in the corpus format
(``corpus/GUIDE.md``), read as ``train --cross-validate`` reads a fold, with the selected model.
"""
from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import click

from claimcheck.commands.common import (EXIT_ERROR, load_pack_or_exit, model_option, print_problems, read_pages_or_exit,
                                        rule_path_option)


def _sentence_report(scores, show: bool) -> list[str]:
    c = scores.confusion
    lines = [
        f"recall     {scores.recall:.3f} ({c['true_positive']}/{c['true_positive'] + c['false_negative']} violations flagged)",
        f"fpr        {scores.false_positive_rate:.3f} ({c['false_positive']}/{c['false_positive'] + c['true_negative']} compliant items flagged)",
        f"precision  {scores.precision:.3f}",
        f"cat-recall {scores.category_recall:.3f} (a finding of a labelled category)",
        "",
        "confusion             flagged   not flagged",
        f"  violation        {c['true_positive']:>8}   {c['false_negative']:>11}",
        f"  compliant        {c['false_positive']:>8}   {c['true_negative']:>11}",
        "",
        "per-category recall:",
    ]
    lines += [f"  {name:32s} {v['found']}/{v['total']}" for name, v in scores.per_category.items()]
    if show:
        lines.append("")
        lines += [f"MISS  {m['id']}: {m['text'][:160]}" for m in scores.misses]
        lines += [f"FALSE {f['id']} [{','.join(f['codes'])}]: {f['text'][:160]}" for f in scores.false_alarms]
    return lines


def _page_report(scores: dict, show: bool) -> list[str]:
    lines = [f"fail pages failed   {scores['fail_pages_failed']:.3f} (+review {scores['fail_pages_flagged']:.3f})",
             f"pass pages failed   {scores['pass_pages_failed']:.3f} (clean {scores['pass_pages_clean']:.3f})"]
    if show:
        lines += [f"MISS  {m['id']} [{m['status']}]: {m['title'][:100]}" for m in scores["misses"]]
        lines += [f"NOISY {m['id']} [{m['status']}]: {m['title'][:100]}" for m in scores["noisy"]]
    return lines


def _by_rule_report(rows: list[dict], pages: bool) -> list[str]:
    right, wrong = ("failing pages", "passing pages") if pages else ("violations", "compliant items")
    lines = ["", f"by rule and source (items flagged: {right} / {wrong}, precision; worst first):"]
    lines += [f"  {row['code']:7s} {row['source']:34s} {row['true_hits']:>6} {row['false_hits']:>6}  "
              f"{row['precision']:.3f}" for row in rows]
    return lines


def _folder_report(corpus, pack, show: bool, by_rule: bool) -> tuple[list[str], dict, float, float]:
    """A folder of page records: sentence and page figures as cross-validation counts them for
    one fold, with the selected model (or none). Returns (lines, figures, recall, FPR)."""
    from claimcheck.extract.learned import selected_model
    from claimcheck.testing.measure import by_rule_in_sentences
    from claimcheck.train.crossval import check_pages, tally_pages

    pages = read_pages_or_exit(corpus)
    checked = list(check_pages(pages, selected_model(), pack))
    tally = tally_pages(checked)
    figures = tally.figures()
    count = figures["counts"]
    ratio = lambda v: "-" if v is None else f"{v:.3f}"  # noqa: E731
    lines = [f"{len(pages)} pages ({len({p.site for p in pages})} sites), {count['claim_sentences']} claim sentences, "
             f"{count['compliant_sentences']} compliant",
             f"recall     {ratio(figures['sentence_recall'])} ({tally.claims_found}/{tally.claims} claim sentences found)",
             f"fpr        {ratio(figures['sentence_fpr'])} ({tally.false_alarms}/{tally.compliant} compliant sentences "
             f"flagged)",
             f"fail pages failed   {ratio(figures['fail_pages_failed'])} ({tally.fail_pages_failed}/{tally.fail_pages})",
             f"pass pages failed   {ratio(figures['pass_pages_failed'])} ({tally.pass_pages_failed}/{tally.pass_pages})"]
    if show:
        lines.append("")
        lines += [f"MISS  {pid}: {text[:160]}" for pid, text in tally.misses]
        lines += [f"FALSE {pid} [{','.join(flagged_by)}]: {text[:160]}" for pid, text, flagged_by in tally.alarms]
    data = {"corpus": corpus, "kind": "corpus", **figures}
    if by_rule:
        data["by_rule"] = by_rule_in_sentences(checked)
        lines += _by_rule_report(data["by_rule"], pages=False)
    return lines, data, figures["sentence_recall"] or 0.0, figures["sentence_fpr"] or 0.0


def _file_report(corpus, pack, show: bool, by_rule: bool) -> tuple[list[str], dict, float, float]:
    """A JSON-lines file of sentences or pages. Returns (lines, figures, recall, FPR); for pages,
    failing pages that fail and honest pages that fail stand for recall and FPR."""
    from claimcheck.testing.measure import by_rule as rule_counts
    from claimcheck.testing.measure import check_corpus, read_corpus, score_pages, score_sentences

    loaded = read_corpus(Path(corpus))
    if not hasattr(loaded, "items"):
        print_problems([loaded])
        sys.exit(EXIT_ERROR)
    results = check_corpus(loaded, pack)
    if loaded.kind == "pages":
        scores = score_pages(loaded, results)
        lines = _page_report(scores, show)
        data = {"corpus": corpus, "kind": "pages", **scores}
        recall, fpr = scores["fail_pages_failed"], scores["pass_pages_failed"]
    else:
        scores = score_sentences(loaded, results)
        lines = _sentence_report(scores, show)
        data = {"corpus": corpus, "kind": "sentences", **dataclasses.asdict(scores)}
        recall, fpr = scores.recall, scores.false_positive_rate
    if by_rule:
        data["by_rule"] = rule_counts(loaded, results)
        lines += _by_rule_report(data["by_rule"], loaded.kind == "pages")
    return lines, data, recall, fpr


@click.command("eval")
@click.argument("corpus", type=click.Path())
@click.option("--show", is_flag=True, help="List every miss and false alarm.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Also write the figures as JSON here.")
@click.option("--min-recall", type=click.FloatRange(0, 1), default=0.0, help="Exit 1 below this recall.")
@click.option("--max-fpr", type=click.FloatRange(0, 1), default=1.0, help="Exit 1 above this false-positive rate.")
@click.option("--by-rule", is_flag=True,
              help="Also count, per rule and per pattern (or learned score), the items it flags rightly and wrongly.")
@rule_path_option
@model_option
def eval_command(corpus, show, json_path, min_recall, max_fpr, by_rule, rule_paths):
    """Measure detection quality on a labelled JSONL corpus (sentences or pages), or on a
    folder of labelled page records (corpus/GUIDE.md).

    Sentences: {"id", "text", "label": "violation"|"compliant", "categories": [...]}.
    Pages: {"id", "text", "verdict": "fail"|"pass"}, judged by the document status.
    A folder: every page checked whole; its sentences scored by the claims labelled in it.
    """
    pack = load_pack_or_exit(rule_paths)
    print_problems(pack.problems)
    report = _folder_report if Path(corpus).is_dir() else _file_report
    lines, data, recall, fpr = report(corpus, pack, show, by_rule)
    click.echo("\n".join(lines))
    if json_path:
        Path(json_path).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    sys.exit(0 if recall >= min_recall and fpr <= max_fpr else 1)
