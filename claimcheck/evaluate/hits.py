"""What a kind reports, before the engine turns it into a ``Finding``."""
from __future__ import annotations

from dataclasses import dataclass, field

from claimcheck.model import Claim

CELL_CONTEXT_SCHEMA = {
    "enum": ["sentence", "document", "none"],
    "description": "Where a cell product must be named for the claim to count: in the claim's "
                   "sentence, anywhere in the document (the topic signal), or nowhere.",
}
PREDICATES_SCHEMA = {"type": "array", "items": {"type": "string"}, "minItems": 1,
                     "description": "Predicate classes (rules/lexicon) that make a claim for this rule."}


@dataclass
class Hit:
    start: int  # normalized offsets
    end: int
    claim: Claim | None = None
    fields: dict = field(default_factory=dict)  # for the message and suggestion templates
    sources: list[str] = field(default_factory=list)  # extra kb source ids (conditions, risks ...)
    explanation: dict = field(default_factory=dict)
    skipped: str | None = None  # set when the rule looked at the claim and let it pass: why
    # Set for a finding that comes from the learned scores, not from a claim: its severity
    # (chosen from the score, not the rule's default) and its own message.
    severity: str | None = None
    message: str | None = None


def skip(claim: Claim, reason: str) -> Hit:
    """A claim the rule considered and let pass; kept for ``claimcheck explain``."""
    return Hit(claim.start, claim.end, claim, skipped=reason)


def skip_approved(claim: Claim, approved: dict) -> Hit:
    """``skip`` for a claim whose conditions are approved uses, naming each product or use once."""
    return skip(claim, "approved use: " + ", ".join(dict.fromkeys(m.entry_id for m in approved.values())))


def in_cell_context(claim: Claim, analysis, where: str) -> bool:
    """Is the claim about a cell product? Named in its sentence, or (``document``) the
    page's topic is a cell product, named or assumed; a sentence about another
    treatment is not, except a comparison, which names the other treatment on purpose."""
    if where == "none":
        return True
    if claim.product or claim.approved_products or claim.procedures or claim.sentence_products:
        return True
    if claim.other_treatment and claim.predicate != "compare":
        return False
    return where == "document" and analysis.topic.get("cell_context") in ("named", "assumed")


def claims_for(rule, analysis):
    """The claims of the rule's predicate classes and modalities."""
    wanted = set(rule.parameters.get("predicates", ()))
    for claim in analysis.claims:
        if claim.predicate in wanted and claim.modality in rule.modalities:
            yield claim


def approved_conditions(kb, claim: Claim) -> dict:
    """condition id -> ApprovalMatch for the claim's conditions that are approved uses."""
    return kb.approved_conditions(claim.conditions, product=claim.product,
                                  approved_products=claim.approved_products, procedures=claim.procedures)


def page_conditions_approved(kb, analysis, claim: Claim) -> list[str]:
    """"For some patients, transplant is the only treatment that can cure their disease": a
    claim naming a transplant but no condition is about the conditions its page claims to
    treat. Their ids when the page's asserted claims name some and every one is an approved
    use of the claim's procedure or product; [] otherwise (a page that also asserts a use for
    knee pain or MS does not qualify; one that warns about such uses still does). On a page
    that names no condition, the condition groups of the transplant's own approved use, unless
    the claim names cells that are not blood-forming."""
    if claim.conditions or not claim.procedures:
        return []
    # The transplant is what the claim is about when it comes first ("transplant can cure ..."),
    # not when it is an aside ("our cells rebuild cartilage, with no transplant needed").
    if not any(t.label == "PROCEDURE" and claim.sentence_start <= t.start < claim.predicate_start
               for t in analysis.terms):
        return []
    named = sorted({c for other in analysis.claims if other.modality in ("asserted", "hedged")
                    for c in other.conditions if not kb.is_body_site(c)})
    if not named:
        # A transplant programme whose page names no condition at all ("we offer our patients
        # these transplants and so a good chance of being cured") speaks of what transplants
        # treat, when the claim names no cells or blood-forming ones: "the transplant of my stem
        # cells" on a patient's page may be one for MS that the page never names.
        if claim.product is None or kb.is_hematopoietic_product(claim.product):
            return sorted({group for use in claim.procedures
                           for group in kb.approved_uses.get(use, {}).get("condition_groups", [use])})
        return []
    approved = kb.approved_conditions(named, product=claim.product, approved_products=claim.approved_products,
                                      procedures=claim.procedures)
    return named if len(approved) == len(named) else []
