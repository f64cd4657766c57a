"""``claimcheck explain FILE``: what the pipeline saw, sentence by sentence.

For rule authors: each sentence with its claims (predicate and the lexicon
entry that matched, product, conditions, modality and the cues that set it),
the terms matched, and for each claim which rule fired or why none did.
"""
from __future__ import annotations

import json
import sys

import click

from claimcheck.commands.common import EXIT_ERROR, load_pack_or_exit, model_option, print_problems, rule_path_option
from claimcheck.evaluate.learned import page_weighing


def _explain(checked, pack, trace) -> dict:
    analysis = checked.analysis
    rules = {rule.code: rule for rule in pack.rules}
    text = analysis.text.text
    findings = checked.result.findings
    sentences = []
    for index, (start, end) in enumerate(analysis.sentences):
        claims = [c for c in analysis.claims if start <= c.predicate_start < end]
        terms = [t for t in analysis.terms if t.sentence == index and t.label != "PREDICATE"]
        out_claims = []
        in_sentence = [f for f in findings if f.scope == "claim"
                       and start <= f.explanation.get("normalized_span", [-1])[0] < end]
        for claim in claims:
            # One finding per rule per sentence: a claim "fired" a rule when the rule selects
            # its predicate and reported this sentence (possibly through a sibling claim).
            fired = [f"{f.code} {f.severity}" + ("" if f.claim and f.claim["predicate"] == claim.predicate
                                                 and f.claim["modality"] == claim.modality
                                                 else " (one finding for the sentence)")
                     for f in in_sentence
                     if claim.modality in rules[f.code].modalities
                     and claim.predicate in rules[f.code].parameters.get("predicates", ())]
            passed = [f"{rule.code}: {reason}" for rule, traced, reason in trace if traced is claim]
            modal = [f"{rule.code}: {claim.modality} claims are not reported"
                     for rule in pack.rules
                     if claim.predicate in rule.parameters.get("predicates", ())
                     and claim.modality not in rule.modalities]
            out_claims.append({
                "predicate": claim.predicate, "predicate_text": claim.predicate_text,
                "pattern": claim.predicate_pattern, "product": claim.product, "product_text": claim.product_text,
                "conditions": claim.conditions, "modality": claim.modality, "cues": claim.cues,
                "fired": fired, "passed": passed + modal,
            })
        raw_start, _ = analysis.text.raw_span(start, end)
        line = checked.source.raw.count("\n", 0, raw_start) + 1
        learned = analysis.learned
        scores = ({"claim": learned.claim_score(index), "category": learned.category(index),
                   "scores": learned.sentence(index)} if learned is not None and index < len(learned) else None)
        sentences.append({"line": line, "text": text[start:end].strip(), "claims": out_claims,
                          "terms": [{"label": t.label, "id": t.cls, "text": t.text} for t in terms],
                          "learned": scores,
                          "learned_findings": [f"{f.code} {f.severity}: {f.message}" for f in in_sentence
                                               if "score" in f.explanation.get("learned", {})]})
    document = [f"{f.code} {f.severity}: {f.message}" for f in findings if f.scope == "document"]
    weighing = page_weighing(analysis)
    page = ({"model": analysis.learned.model, "scores": analysis.learned.page,
             "voice": _voice(analysis.learned),
             "weighing": f"{weighing[0]} findings count as {weighing[1]}: {weighing[2]}" if weighing else None}
            if analysis.learned is not None else None)
    return {"path": checked.result.path, "topic": analysis.topic, "learned_page": page, "sentences": sentences,
            "document_findings": document, "status": checked.result.status, "grade": checked.result.grade}


def _voice(learned) -> str:
    """Whose voice the page is read in: "sells", "promotes" (it sells nothing but reads clearly as
    failing, and is held as a selling page is) or "informs"."""
    return "sells" if learned.sells() else "promotes" if learned.promotes() else "informs"


def _render_text(report: dict) -> str:
    lines = [f"{report['path']}: {report['status']} (grade {report['grade']})",
             f"topic: {json.dumps(report['topic'], sort_keys=True)}"]
    if report["learned_page"]:
        page = report["learned_page"]
        lines.append(f"learned: the page {page['voice']} "
                     f"({', '.join(f'{k} {v:.2f}' for k, v in page['scores'].items())}; model {page['model']})")
        if page["weighing"]:
            lines.append(f"learned: {page['weighing']}")
    lines.append("")
    for sentence in report["sentences"]:
        learned = sentence["learned"]
        claimlike = learned is not None and learned["claim"] >= 0.2
        if not sentence["text"] or (not sentence["claims"] and not sentence["terms"] and not claimlike):
            continue
        lines.append(f"line {sentence['line']}: {sentence['text'][:200]}")
        if learned is not None:
            lines.append(f"    learned: claim {learned['claim']:.2f}, reads most like {learned['category']} "
                         f"({learned['scores'][learned['category']]:.2f})")
        for finding in sentence["learned_findings"]:
            lines.append(f"    learned finding {finding}")
        for term in sentence["terms"]:
            lines.append(f"    term {term['label']} {term['id']}: '{term['text']}'")
        for claim in sentence["claims"]:
            cues = ", ".join(f"'{c['text']}' ({c['category']}, {c['cue']}{', overridden' * bool(c.get('overridden'))})"
                             for c in claim["cues"]) or "none"
            lines.append(f"  claim {claim['predicate']} '{claim['predicate_text']}' [{claim['pattern']}]"
                         f" product={claim['product'] or '-'} conditions={','.join(claim['conditions']) or '-'}"
                         f" modality={claim['modality']} cues: {cues}")
            for fired in claim["fired"]:
                lines.append(f"    fired  {fired}")
            for passed in claim["passed"]:
                lines.append(f"    passed {passed}")
            if not claim["fired"] and not claim["passed"]:
                lines.append("    no rule selects this predicate class")
        lines.append("")
    for finding in report["document_findings"]:
        lines.append(f"document: {finding}")
    return "\n".join(lines) + "\n"


@click.command("explain")
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--stdin-filename", help="Name (and so type) of the text read from '-'.")
@rule_path_option
@model_option
def explain_command(paths, fmt, stdin_filename, rule_paths):
    """Show what the pipeline saw, sentence by sentence, and why each rule fired or not."""
    from claimcheck.evaluate import evaluate
    from claimcheck.load.files import iter_sources
    from claimcheck.project.runner import check_sources

    pack = load_pack_or_exit(rule_paths)
    problems = list(pack.problems)
    reports = []
    for checked in check_sources(iter_sources(paths, problems, stdin_filename=stdin_filename), pack, problems):
        trace: list = []
        evaluate(checked.analysis, checked.source.raw, pack, trace=trace)
        reports.append(_explain(checked, pack, trace))
    print_problems(problems)
    if fmt == "json":
        click.echo(json.dumps(reports, indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(_render_text(r) for r in reports), nl=False)
    sys.exit(EXIT_ERROR if any(p.fatal for p in problems) else 0)
