"""How the learned scores take part in evaluation; the rules stay the judges.

Two things, both explained in each finding's ``explanation["learned"]``:

- **Recall**: a sentence the sentence classifier scores as a claim, where no rule
  found anything, gets a finding under the rule of the category it reads most like:
  minor, or major when the score is strong. It names the
  conditions and products the knowledge base found in the sentence, and is not made
  when the rules read the sentence as someone else's voice (every claim in it
  negated, reported, hypothetical, research or a question) or when every condition
  it names is an approved use of what it names.
- **Voice**: on a page the page classifier reads as informing rather than selling
  (a hospital, registry, news story, study), or as far from failing, a rule's
  finding is kept only when the sentence classifier also reads its sentence as a claim.
  A page that sells nothing but reads clearly as failing (a press release, an
  advertorial, a patient's story: ``Learned.promotes``) is held as a selling page is.
  A text too short to be a page (``min_page_words``) has no voice to judge.
- **The page as a whole** (``weigh_by_page``): on a page the page classifier reads as
  clearly compliant, a major finding is held at minor (to review, not to fail); on one it
  reads as failing, a minor finding counts as major. Critical findings never move.
"""
from __future__ import annotations

from collections.abc import Iterable

from claimcheck.evaluate.hits import Hit
from claimcheck.extract import Analysis
from claimcheck.model import Finding

OWN_VOICE = ("asserted", "hedged")
CATEGORY_WORDS = {
    "unapproved-use": "promotes a use no cell product is approved for",
    "cure-guarantee": "promises a cure or a guaranteed result",
    "regeneration-overclaim": "claims the cells regrow or replace tissue",
    "comparative-claim": "presents the treatment as better than, or instead of, standard care",
    "false-approval": "implies FDA approval",
    "regulatory-misrepresentation": "presents a regulatory status as if it were approval",
    "safety-overclaim": "claims the treatment is free of risk",
    "rejection-overclaim": "claims donor cells carry no risk of rejection",
    "evidence-overclaim": "claims proof or success rates the evidence does not support",
    "testimonial": "presents a patient's result as typical",
}


def keep_in_voice(findings: list[Finding], analysis: Analysis) -> list[Finding]:
    """On a page that informs, drop the rules' findings on sentences the classifier does not
    read as a claim; on a page that sells, keep everything."""
    learned = analysis.learned
    if learned is None or not judges_voice(analysis) or not learned.in_own_voice_only():
        return findings
    kept = []
    for finding in findings:
        span = finding.explanation.get("normalized_span", [finding.start])
        sentence = analysis.sentence_at(span[0])
        if sentence is None or learned.claim_score(sentence) >= learned.thresholds["voice"]:
            finding.explanation["learned"] = _scores(learned, sentence)
            kept.append(finding)
    return kept


def page_weighing(analysis: Analysis) -> tuple[str, str, str] | None:
    """How the page as a whole moves severities: (from, to, why), or None when it moves none.
    A rule sees one sentence; the page classifier reads them all, and two readers agree on more
    than nine verdicts in ten where they split on which sentences to list. So on a page that reads
    as clearly compliant (``FAIL`` under ``clear_page``) a major finding is held for review, and
    on a page that reads as failing (``FAIL`` at least ``failing_page``) a minor one fails it.
    Models whose meta.json names neither threshold leave every severity as the rules set it."""
    learned = analysis.learned
    if learned is None or not judges_voice(analysis) or learned.page.get("FAIL") is None:
        return None
    fail = learned.page["FAIL"]
    clear, failing = learned.thresholds.get("clear_page"), learned.thresholds.get("failing_page")
    if clear is not None and fail < clear:
        return "major", "minor", f"the page reads as compliant as a whole (learned FAIL {fail:.2f}, under {clear})"
    if failing is not None and fail >= failing:
        return "minor", "major", f"the page reads as failing as a whole (learned FAIL {fail:.2f}, from {failing})"
    return None


def weigh_by_page(findings: list[Finding], analysis: Analysis, fixed: set[str] = frozenset()) -> list[Finding]:
    """Move findings between minor and major as ``page_weighing`` says; critical ones never move,
    nor those of the rules in ``fixed`` (a user's severity override). Each moved finding says
    why, after the reason the rules gave, if any."""
    weighing = page_weighing(analysis)
    if weighing is None:
        return findings
    before, after, why = weighing
    verb = "lowered" if after == "minor" else "raised"
    for finding in findings:
        if finding.severity == before and finding.code not in fixed:
            finding.severity = after
            earlier = finding.explanation.get("severity_reason")
            finding.explanation["severity_reason"] = (f"{verb} from {before} to {after}: {why}"
                                                      + (f"; before that, {earlier}" if earlier else ""))
            finding.explanation.setdefault("learned", _scores(analysis.learned, None))
    return findings


def judges_voice(analysis: Analysis) -> bool:
    """Is there a page to judge? A lone sentence or a short snippet (an ad line, a post) gives the
    page classifier nothing to read a voice from, so only the rules and the sentence scores count."""
    return analysis.words >= analysis.learned.thresholds.get("min_page_words", 0)


def _scores(learned, sentence: int | None) -> dict:
    return {"model": learned.model, "page": learned.page,
            "sentence": learned.sentence(sentence) if sentence is not None else {}}


def _approved_everywhere(analysis: Analysis, kb, terms) -> bool:
    conditions = [t.cls for t in terms if t.label == "CONDITION"]
    if not conditions:
        return False
    products = [t.cls for t in terms if t.label == "PRODUCT"]
    approved = [t.cls for t in terms if t.label == "APPROVED"]
    procedures = [t.cls for t in terms if t.label == "PROCEDURE"]
    found = kb.approved_conditions(conditions, product=products[0] if products else None,
                                   approved_products=approved, procedures=procedures)
    return all(c in found for c in conditions)


def _about_cell_products(analysis: Analysis, terms) -> bool:
    """Could the sentence be about a cell product? It names one, or its page's topic is one,
    named or assumed (``hits.in_cell_context``). "Our surgeons perform 2,000 knee replacements
    a year with a 98% satisfaction rate" on a page that names only surgery is not. (A sentence
    that names another treatment on a page about cells often is: "a safe alternative to
    meniscus surgery", so that alone does not count against it.)"""
    return (any(t.label == "PRODUCT" for t in terms)
            or analysis.topic.get("cell_context") in ("named", "assumed"))


def learned_hits(analysis: Analysis, pack, rules: Iterable, findings: list[Finding]) -> Iterable[tuple[object, Hit]]:
    """(rule, hit) for each sentence the classifier reads as a claim where no rule found anything."""
    learned = analysis.learned
    if learned is None or analysis.topic.get("page_signal"):
        return  # a veterinary page or a scholarly article (extract/context.py: page signals)
    by_category = {}
    for rule in rules:
        if rule.scope == "claim":
            by_category.setdefault(rule.category, rule)
    found_sentences = {analysis.sentence_at(f.explanation.get("normalized_span", [f.start])[0])
                       for f in findings}
    claims_by_sentence: dict[int, list] = {}
    for claim in analysis.claims:
        index = analysis.sentence_at(claim.start)
        if index is not None:
            claims_by_sentence.setdefault(index, []).append(claim)
    thresholds = learned.thresholds
    # A page that informs speaks in its own voice only where the classifier is sure.
    floor = thresholds["claim"] if learned.promotes() or not judges_voice(analysis) else thresholds["strong_claim"]
    for index in learned.sentences_scoring_at_least(floor):
        score = learned.claim_score(index)
        if index in found_sentences:
            continue  # the rules have already said what is wrong with it
        claims = claims_by_sentence.get(index, [])
        if claims and not any(c.modality in OWN_VOICE for c in claims):
            continue
        terms = analysis.terms_in_sentence(index)
        if _approved_everywhere(analysis, pack.kb, terms):
            continue
        category = learned.category(index)
        if not _about_cell_products(analysis, terms):
            continue
        rule = by_category.get(category) or by_category.get("unapproved-use")
        if rule is None:
            continue
        start, end = analysis.sentences[index]
        text = analysis.text.text[start:end]
        start, end = start + len(text) - len(text.lstrip()), start + len(text.rstrip())
        if end <= start:
            continue
        severity = "major" if score >= thresholds["strong_claim"] else "minor"
        conditions = sorted({t.cls for t in terms if t.label == "CONDITION"})
        products = sorted({t.cls for t in terms if t.label == "PRODUCT"})
        condition_names = pack.kb.condition_names(conditions)
        message = (f"Reads as a claim that {CATEGORY_WORDS.get(category, category)} (learned score {score:.2f})"
                   + (f", about {', '.join(condition_names)}" if condition_names else "")
                   + "; no rule pattern matched it")
        explanation = {"learned": {**_scores(learned, index), "category": category, "score": score,
                                   "conditions": conditions, "products": products},
                       "severity_reason": f"{severity}: learned claim score {score:.2f} "
                                          f"(major from {thresholds['strong_claim']})"}
        fields = {"condition": condition_names[0] if condition_names else "this condition",
                  "conditions": ", ".join(condition_names) or "this condition",
                  "product": pack.kb.name_of("products", products[0]) if products else "cell products",
                  "predicate": ""}
        yield rule, Hit(start, end, None, fields=fields, sources=pack.kb.condition_sources(conditions),
                        explanation=explanation, severity=severity, message=message)

