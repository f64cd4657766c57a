"""Stage 4, evaluate: rules (YAML, compiled by their kind) x claims -> findings.

Claim-scope rules run first; document-scope rules then see those findings
(a missing risk disclosure matters only on a page that makes claims). The
engine owns what every rule shares: severity (escalation by predicate,
downgrade when hedged, each change explained), message and suggestion
templates, references from the knowledge base, and the mapping from
normalized offsets back to the raw file's line and column. One finding per
rule per sentence: a sentence with "heal and repair" is one problem, not two.
"""
from __future__ import annotations

from collections.abc import Iterable

from claimcheck.evaluate.hits import Hit
from claimcheck.evaluate.learned import keep_in_voice, learned_hits, weigh_by_page
from claimcheck.extract import Analysis
from claimcheck.model import SEVERITY_RANK, Finding, LineIndex
from claimcheck.pack.rulepack import Rule, RulePack, severity_step_down


class _Fields(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def _format(template: str, fields: dict) -> str:
    """``template`` with ``fields`` filled in; a field it does not know stays as written, and a
    template that is not a valid format string is returned as it is. (``str.format_map`` reads
    the same syntax as ``string.Formatter``, in C: a quarter of the time, twice per finding.)"""
    try:
        return template.format_map(_Fields(fields))
    except (ValueError, IndexError):  # "{" alone; a positional field such as "{0}"
        return template


def _severity(rule: Rule, hit: Hit) -> tuple[str, str | None]:
    severity, reason = rule.severity, None
    claim = hit.claim
    if hit.severity:
        return hit.severity, hit.explanation.get("severity_reason")
    if claim is None:
        return severity, None
    for escalation in rule.escalations:
        if claim.predicate in escalation["predicates"] and SEVERITY_RANK[escalation["severity"]] > SEVERITY_RANK[severity]:
            reason = f"raised from {severity} to {escalation['severity']}: the claim says '{claim.predicate_text}'"
            severity = escalation["severity"]
    if claim.modality == "hedged":
        lowered = rule.hedged_severity or severity_step_down(severity)
        if lowered != severity:
            cue = next((c["text"] for c in claim.cues if c["category"] == "hedged" and not c.get("overridden")),
                       "a hedge")
            reason = f"lowered from {severity} to {lowered}: hedged by '{cue}'"
            severity = lowered
    return severity, reason


def _as_quoted(claim, analysis: Analysis, kb) -> str:
    """The product as the ad names it, for the middle of a message: "Amniotic stem cells" opening
    a sentence reads "amniotic stem cells". Every knowledge-base product is a kind of product,
    not a brand (licensed brands are approved products, quoted as named); an acronym (MSCs,
    SVF) keeps its capitals."""
    text = claim.product_text
    opens_sentence = analysis.text.text[claim.sentence_start:claim.sentence_end].lstrip().startswith(text)
    if opens_sentence and claim.product in kb.products and text[:1].isupper() and not text[1:2].isupper():
        return text[0].lower() + text[1:]
    return text


# A claim quoted in a message is cut to this many characters: a run-on sentence's claim
# can span a paragraph, and a message is read on one line.
QUOTE_LIMIT = 90
# What is trimmed from a quoted claim's ends: spacing and punctuation the span may start
# or end on ("knees." or a list's "- "), which are not the claim's words.
_QUOTE_TRIM = " \t\r\n.,;:!?-–—*\"'“”‘’[]"


def claim_quote(claim, analysis: Analysis, limit: int = QUOTE_LIMIT) -> str:
    """The claim as the ad words it, for a message's ``{quote}``: the normalized text from the
    first to the last of its predicate, product and conditions (the claim's span), kept inside
    its sentence, on one line, trimmed, and cut at a word with an ellipsis past ``limit``. Not
    the predicate alone: 'Therapy for' or 'cells to' tells a reader nothing."""
    document = analysis.text.text
    start = max(claim.start, claim.sentence_start)
    # A product named in the predicate's words ("Stem Cell Therapy for ...", where "Therapy
    # for" is the predicate) is left out of the claim's span, but it is what the claim is
    # about: the quote starts with it.
    start = min([start] + [t.start for t in analysis.terms_in_sentence(analysis.sentence_at(start))
                           if t.label == "PRODUCT" and t.start < start < t.end and t.start >= claim.sentence_start])
    stop = claim.sentence_end if claim.sentence_end > start else len(document)
    end = min(claim.end, stop)
    # A span can end inside a word ("pain" of "pain-free") or before the bracket that closes
    # one it opened ("(jumper's knee"): the quote runs to the word's and the bracket's end.
    while end < stop and (document[end].isalnum() or document[end] in "-'’" and end + 1 < stop
                          and document[end + 1].isalnum()):
        end += 1
    if document.count("(", start, end) > document.count(")", start, end) and document[end:end + 1] == ")":
        end += 1
    text = " ".join(document[start:end].split()).strip(_QUOTE_TRIM)
    while text.endswith("(") or text.endswith(")") and text.count(")") > text.count("("):
        text = text[:-1].rstrip(_QUOTE_TRIM)
    if len(text) > limit:
        cut = text.rfind(" ", 0, limit)
        text = text[:cut if cut > limit // 2 else limit].rstrip(_QUOTE_TRIM) + "…"
    if text.count("(") > text.count(")"):
        text += ("" if text.endswith("…") else "…") + ")"
    return text


def _finding(rule: Rule, hit: Hit, analysis: Analysis, raw: str, lines: LineIndex, pack: RulePack) -> Finding:
    kb = pack.kb
    claim = hit.claim
    severity, reason = _severity(rule, hit)
    start, end = analysis.text.raw_span(hit.start, hit.end) if hit.end > hit.start else (0, 0)
    line, column = lines.position(start)
    end_line, end_column = lines.position(end)
    product = (_as_quoted(claim, analysis, kb) if claim and claim.product_text else
               kb.name_of("products", claim.product) if claim and claim.product else "stem cell products")
    fields = {
        "product": product,
        "predicate": claim.predicate_text if claim else "",
        "quote": claim_quote(claim, analysis) if claim else raw[start:end],
        "text": raw[start:end],
        "condition": "", "conditions": "",
        **hit.fields,
    }
    explanation = {"rule": rule.path, "kind": rule.kind, "normalized_span": [hit.start, hit.end]}
    if claim is not None:
        explanation.update({
            "pattern": claim.predicate_pattern, "predicate": claim.predicate,
            "product": claim.product, "conditions": claim.conditions,
            "modality": claim.modality, "cues": claim.cues,
        })
    if reason:
        explanation["severity_reason"] = reason
    explanation.update(hit.explanation)
    return Finding(
        code=rule.code, name=rule.name, category=rule.category, severity=severity, scope=rule.scope,
        message=hit.message or _format(rule.message, fields), start=start, end=end, line=line, column=column,
        end_line=end_line, end_column=end_column, text=raw[start:end],
        claim=claim.summary() if claim else None,
        references=kb.references(list(rule.docs["references"]) + hit.sources),
        suggestion=_format(rule.suggestion, fields), explanation=explanation,
    )


def _one_per_sentence(hits: list[tuple[Rule, Hit]], analysis: Analysis) -> list[tuple[Rule, Hit]]:
    """The most severe hit of each rule in each sentence (the first of equals). Chosen before
    findings are built: a run-on sentence has thousands of hits, each finding carries its
    claim's text, and only one in a sentence survives."""
    best: dict[tuple, tuple[Rule, Hit, int]] = {}
    for rule, hit in hits:
        sentence = analysis.sentence_at(hit.start)
        key = (rule.code, hit.start if sentence is None else sentence)
        rank = SEVERITY_RANK[_severity(rule, hit)[0]]
        kept = best.get(key)
        if kept is None or rank > kept[2]:
            best[key] = (rule, hit, rank)
    return [(rule, hit) for rule, hit, _ in best.values()]


def evaluate(analysis: Analysis, raw: str, pack: RulePack, rules: Iterable[Rule] | None = None,
             trace: list | None = None) -> list[Finding]:
    """Findings for one document. ``trace``, if given, receives (rule, claim, reason)
    for every claim a rule considered and let pass (``claimcheck explain``)."""
    active = [r for r in (pack.rules if rules is None else rules) if r.enabled]
    lines = LineIndex(raw)
    findings: list[Finding] = []

    def reported(rule, hits) -> Iterable[Hit]:
        for hit in hits:
            if hit.skipped is None:
                yield hit
            elif trace is not None:
                trace.append((rule, hit.claim, hit.skipped))

    def collect(rule, hits):
        findings.extend(_finding(rule, hit, analysis, raw, lines, pack) for hit in reported(rule, hits))

    claim_hits = [(rule, hit) for rule in active if rule.scope == "claim"
                  for hit in reported(rule, rule.check(analysis))]
    findings = [_finding(rule, hit, analysis, raw, lines, pack)
                for rule, hit in _one_per_sentence(claim_hits, analysis)]
    del claim_hits
    if analysis.learned is not None:
        findings = keep_in_voice(findings, analysis)
        for rule, hit in list(learned_hits(analysis, pack, active, findings)):
            collect(rule, [hit])
    for rule in (r for r in active if r.scope == "document"):
        collect(rule, list(rule.check(analysis, findings)))
    if analysis.learned is not None:
        findings = weigh_by_page(findings, analysis, fixed={r.code for r in active if r.severity_fixed})
    findings.sort(key=lambda f: (f.start, f.code))
    return findings
