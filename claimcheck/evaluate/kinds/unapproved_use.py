"""Kind ``unapproved_use``: a cell product said to treat a condition that no
approved product or use covers (checked against the knowledge base)."""
from __future__ import annotations

from claimcheck.evaluate.hits import (CELL_CONTEXT_SCHEMA, PREDICATES_SCHEMA, Hit, approved_conditions,
                                      claims_for, in_cell_context)

PARAMETERS = {
    "type": "object", "additionalProperties": False, "required": ["predicates"],
    "properties": {"predicates": PREDICATES_SCHEMA, "cell_context": CELL_CONTEXT_SCHEMA},
}


def compile(rule, pack):
    kb = pack.kb
    context = rule.parameters.get("cell_context", "document")

    def check(analysis, findings=()):
        for claim in claims_for(rule, analysis):
            if not claim.conditions or not in_cell_context(claim, analysis, context):
                continue
            approved = approved_conditions(kb, claim)
            unapproved = [c for c in claim.conditions if c not in approved]
            if not unapproved:
                continue
            names = [kb.name_of("conditions", c) for c in unapproved]
            sources = [s for c in unapproved for s in kb.conditions[c].get("sources", [])]
            yield Hit(claim.start, claim.end, claim,
                      fields={"condition": names[0], "conditions": ", ".join(names)},
                      sources=sources,
                      explanation={"unapproved_conditions": unapproved,
                                   "approved_conditions": {c: m.entry_id for c, m in approved.items()}})
    return check
