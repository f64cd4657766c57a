"""Kind ``approval_status``: "FDA approved" (cleared, certified) said of a cell
product or treatment, unless the claim names a licensed product for one of its
real indications or an approved transplant use."""
from __future__ import annotations

from claimcheck.evaluate.hits import (CELL_CONTEXT_SCHEMA, PREDICATES_SCHEMA, Hit, approved_conditions,
                                      claims_for, in_cell_context, skip, skip_approved)

PARAMETERS = {
    "type": "object", "additionalProperties": False, "required": ["predicates"],
    "properties": {"predicates": PREDICATES_SCHEMA, "cell_context": CELL_CONTEXT_SCHEMA},
}


def compile(rule, pack):
    kb = pack.kb
    context = rule.parameters.get("cell_context", "document")

    def check(analysis, findings=()):
        for claim in claims_for(rule, analysis):
            if not in_cell_context(claim, analysis, context):
                yield skip(claim, "not about a cell product")
                continue
            if claim.conditions:
                approved = approved_conditions(kb, claim)
                if len(approved) == len(claim.conditions):
                    yield skip_approved(claim, approved)
                    continue
            elif claim.approved_products and not claim.product:
                yield skip(claim, "names a licensed product")
                continue
            elif claim.procedures:
                yield skip(claim, "names an approved transplant use")
                continue
            elif any(kb.is_hematopoietic_product(p) for p in claim.sentence_products):
                yield skip(claim, "blood-forming cells: the licensed products are of this kind")
                continue
            names = kb.condition_names(claim.conditions)
            yield Hit(claim.start, claim.end, claim,
                      fields={"condition": names[0] if names else "this use", "conditions": ", ".join(names)},
                      explanation={"approved_products_named": claim.approved_products})
    return check
