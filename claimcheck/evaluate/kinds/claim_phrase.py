"""Kind ``claim_phrase``: a claim of the given predicate classes (cure, regrow,
better than surgery, no risk, proven ...) about a cell product.

Accurate wording about an approved use ("transplant can cure some leukemias")
is left alone when ``skip_approved_uses`` is set, and so is a claim naming a
transplant but no condition on a page whose conditions are all approved uses
of it ("transplant can cure their disease" on a leukemia program's page), or on
a page that names no condition at all."""
from __future__ import annotations

from claimcheck.evaluate.hits import (CELL_CONTEXT_SCHEMA, PREDICATES_SCHEMA, Hit, approved_conditions,
                                      claims_for, in_cell_context, page_conditions_approved, skip, skip_approved)

PARAMETERS = {
    "type": "object", "additionalProperties": False, "required": ["predicates"],
    "properties": {
        "predicates": PREDICATES_SCHEMA,
        "cell_context": CELL_CONTEXT_SCHEMA,
        "skip_approved_uses": {"type": "boolean", "description": "Pass claims whose conditions are all approved uses."},
        "requires_condition": {"type": "boolean", "description": "Fire only when a condition is named."},
        "requires_promotion": {"type": "boolean",
                               "description": "Fire only on a page that sells something (the topic signal)."},
        "cite_risks": {"type": "boolean",
                       "description": "Explain the finding with the knowledge base's documented risks of the "
                                      "claim's product (donor-cell risks only for donor cells) and cite them."},
        "facts": {"type": "array", "items": {"type": "string"},
                  "description": "Knowledge-base facts (kb/facts.yaml) the finding explains itself with: "
                                 "their statements go into its explanation, their sources into its references."},
        "requires_asserted": {"type": "array", "items": {"type": "string"},
                              "description": "Fire only on a page that also asserts a claim of one of these "
                                             "predicate classes beyond an approved use (the page sells the "
                                             "treatment's effect)."},
    },
}


def compile(rule, pack):
    kb = pack.kb
    params = rule.parameters
    context = params.get("cell_context", "document")
    unknown = [f for f in params.get("facts", []) if f not in kb.facts]
    if unknown:
        raise ValueError(f"parameters/facts: unknown fact {unknown[0]!r} (kb/facts.yaml)")
    facts = [{"id": f, "statement": " ".join(kb.facts[f]["statement"].split())} for f in params.get("facts", [])]
    fact_sources = [s for f in params.get("facts", []) for s in kb.facts[f].get("sources", [])]

    def check(analysis, findings=()):
        for claim in claims_for(rule, analysis):
            if not in_cell_context(claim, analysis, context):
                yield skip(claim, "not about a cell product")
                continue
            if params.get("requires_promotion") and not analysis.topic.get("promotional"):
                yield skip(claim, "the page does not sell a treatment")
                continue
            wanted = params.get("requires_asserted")
            if wanted and not any(c.predicate in wanted and c.modality == "asserted"
                                  and len(approved_conditions(kb, c)) < max(1, len(c.conditions))
                                  for c in analysis.claims):
                yield skip(claim, "the page asserts no benefit of the treatment")
                continue
            if params.get("requires_condition") and not claim.conditions:
                yield skip(claim, "no condition named")
                continue
            if params.get("skip_approved_uses") and claim.conditions:
                approved = approved_conditions(kb, claim)
                if len(approved) == len(claim.conditions):
                    yield skip_approved(claim, approved)
                    continue
            if params.get("skip_approved_uses") and (on_page := page_conditions_approved(kb, analysis, claim)):
                yield skip(claim, "approved use of the page's transplant: " + ", ".join(on_page))
                continue
            names = kb.condition_names(claim.conditions)
            explanation = {"facts": facts} if facts else {}
            sources = kb.condition_sources(claim.conditions) + fact_sources
            if params.get("cite_risks"):
                risks = kb.risks_for(claim.product)
                explanation["risks"] = [risk["id"] for risk in risks]
                sources += [s for risk in risks for s in risk.get("sources", [])]
            yield Hit(claim.start, claim.end, claim,
                      fields={"condition": names[0] if names else "", "conditions": ", ".join(names)},
                      sources=sources, explanation=explanation)
    return check
