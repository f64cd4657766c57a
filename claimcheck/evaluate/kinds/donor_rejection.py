"""Kind ``donor_rejection``: "no rejection" said of donor (allogeneic) cells, or of
cell-free products made from them (exosomes, secretome).

For a patient's own cells the claim is accurate and passes. When the claim
names no product, the document's products decide: it fires only if the page
sells donor cells and the sentence does not name autologous ones."""
from __future__ import annotations

from claimcheck.evaluate.hits import PREDICATES_SCHEMA, Hit, claims_for, skip

PARAMETERS = {
    "type": "object", "additionalProperties": False, "required": ["predicates"],
    "properties": {"predicates": PREDICATES_SCHEMA},
}


def compile(rule, pack):
    kb = pack.kb

    def check(analysis, findings=()):
        donor_on_page = [p for p in analysis.topic.get("products", {}) if kb.is_donor_derived(p)]
        for claim in claims_for(rule, analysis):
            if kb.is_autologous_product(claim.product):
                yield skip(claim, "the patient's own cells")
                continue
            if kb.is_donor_derived(claim.product):
                donor = claim.product
            elif donor_on_page:
                donor = donor_on_page[0]
            else:
                yield skip(claim, "no donor cells named on the page")
                continue
            yield Hit(claim.start, claim.end, claim,
                      fields={"product": kb.name_of("products", donor)},
                      sources=kb.products[donor].get("sources", []),
                      explanation={"donor_product": donor})
    return check
