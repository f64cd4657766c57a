"""Kind ``missing_disclosure`` (document scope): the page makes claims of the
given categories but never says what it should (its risks, or that the use is
not FDA-approved).

A disclosure is a RISK term from the knowledge base or a DISCLOSURE phrase of
the given classes; a risk term inside a safety overclaim ("no side effects"),
or anywhere in a sentence that denies risks, or in text a reader never sees, does not count. The finding is placed on the first claim that needed it."""
from __future__ import annotations

from claimcheck.evaluate.hits import Hit
from claimcheck.extract.intervals import SpanIndex

PARAMETERS = {
    "type": "object", "additionalProperties": False, "required": ["when_categories", "disclosed_by"],
    "properties": {
        "when_categories": {"type": "array", "items": {"type": "string"}, "minItems": 1,
                            "description": "Fire when the page has findings of these categories."},
        "disclosed_by": {
            "type": "object", "additionalProperties": False,
            "properties": {
                "risks": {"type": "boolean", "description": "Any risk term from the knowledge base."},
                "disclosures": {"type": "array", "items": {"type": "string"},
                                "description": "DISCLOSURE lexicon classes."},
            },
        },
        "denied_by": {"type": "array", "items": {"type": "string"},
                      "description": "Predicate classes whose asserted claims deny risks (\"no side effects\"): "
                                     "a risk named in such a sentence discloses nothing."},
    },
}


def compile(rule, pack):
    params = rule.parameters
    wanted = set(params["when_categories"])
    by = params["disclosed_by"]
    disclosure_classes = set(by.get("disclosures", ()))
    denying = set(params.get("denied_by", ()))

    def check(analysis, findings=()):
        triggers = [f for f in findings if f.category in wanted and f.scope == "claim" and f.suppressed is None]
        if not triggers:
            return
        disclosures = [t for t in analysis.terms if t.label == "RISK"] if by.get("risks") else []
        if disclosures:
            claim_spans = SpanIndex((c.predicate_start, c.predicate_end) for c in analysis.claims)
            # A sentence that denies risks ("no rejection, no anti-rejection drugs") discloses none.
            denials = SpanIndex((c.sentence_start, c.sentence_end) for c in analysis.claims
                                if c.predicate in denying and c.modality == "asserted")
            disclosures = [t for t in disclosures
                           if not claim_spans.overlaps(t.start, t.end) and not denials.overlaps(t.start, t.end)]
        disclosures += [t for t in analysis.terms if t.label == "DISCLOSURE" and t.cls in disclosure_classes]
        if disclosures:
            # Text a reader never sees (display:none, 1px, aria-hidden) discloses nothing.
            hidden = SpanIndex((b.start, b.end) for b in analysis.text.blocks if b.kind == "hidden")
            disclosures = [t for t in disclosures if not hidden.overlaps(t.start, t.end)]
        if disclosures:
            return
        first = min(triggers, key=lambda f: f.start)
        start, end = first.explanation["normalized_span"]
        claims = f"{len(triggers)} claim{'' if len(triggers) == 1 else 's'}"
        yield Hit(start, end, None, fields={"count": len(triggers), "claims": claims, "first_line": first.line},
                  explanation={"triggered_by": sorted({f.code for f in triggers}),
                               "looked_for": {"risks": bool(by.get("risks")),
                                              "disclosures": sorted(disclosure_classes)}})
    return check
