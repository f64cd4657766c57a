"""Kind ``unapproved_use``: a cell product said to treat a condition that no
approved product or use covers (checked against the knowledge base)."""
from __future__ import annotations

from claimcheck.evaluate.hits import (CELL_CONTEXT_SCHEMA, PREDICATES_SCHEMA, Hit, approved_conditions,
                                      claims_for, in_cell_context, skip, skip_approved)

PARAMETERS = {
    "type": "object", "additionalProperties": False, "required": ["predicates"],
    "properties": {
        "predicates": PREDICATES_SCHEMA,
        "cell_context": CELL_CONTEXT_SCHEMA,
        "without_condition": {"type": "array", "items": {"type": "string"},
                              "description": "Predicate classes that make an efficacy claim even with no condition "
                                             "named (\"very effective\"): no cell product sold this way is approved."},
    },
}


def compile(rule, pack):
    kb = pack.kb
    context = rule.parameters.get("cell_context", "document")
    condition_free = set(rule.parameters.get("without_condition", ()))

    def check(analysis, findings=()):
        for claim in claims_for(rule, analysis):
            if not in_cell_context(claim, analysis, context):
                yield skip(claim, "not about a cell product")
                continue
            if not claim.conditions:
                if claim.unlisted_condition:
                    # The knowledge base lists every approved use, so a use it does not know is
                    # not one of them: "injections for tinnitus" is an unapproved use too.
                    yield Hit(claim.start, claim.end, claim,
                              fields={"condition": claim.unlisted_condition, "conditions": claim.unlisted_condition},
                              explanation={"unapproved_conditions": [], "unlisted_condition": claim.unlisted_condition})
                elif claim.predicate in condition_free:
                    yield Hit(claim.start, claim.end, claim, fields={"condition": "these uses", "conditions": "its uses"},
                              explanation={"unapproved_conditions": [], "without_condition": True})
                else:
                    yield skip(claim, "no condition named")
                continue
            approved = approved_conditions(kb, claim)
            unapproved = [c for c in claim.conditions if c not in approved]
            if not unapproved:
                yield skip_approved(claim, approved)
                continue
            names = kb.condition_names(unapproved)
            sources = kb.condition_sources(unapproved)
            yield Hit(claim.start, claim.end, claim,
                      fields={"condition": names[0], "conditions": ", ".join(names)},
                      sources=sources,
                      explanation={"unapproved_conditions": unapproved,
                                   "approved_conditions": {c: m.entry_id for c, m in approved.items()}})
    return check
