"""Kind ``hidden_claim`` (document scope): a claim placed where a reader cannot see it.

The HTML normalizer reads text a browser does not show (``display:none``,
``visibility:hidden``, ``hidden``, ``aria-hidden``, zero or one pixel type, text
the colour of its background, a 1x1 image's alt text) into blocks of kind
``hidden``, so the claim rules still find what is written there. This kind adds
one finding for each hidden block that holds a claim finding of the given
categories: hiding a claim does not make it go away (search engines, snippets and
scrapers read it), and hidden text in an ad is a sign of an attempt to pass a
review. The finding is placed on the block's first such claim.
"""
from __future__ import annotations

from claimcheck.evaluate.hits import Hit

PARAMETERS = {
    "type": "object", "additionalProperties": False, "required": ["when_categories"],
    "properties": {
        "when_categories": {"type": "array", "items": {"type": "string"}, "minItems": 1,
                            "description": "Claim findings of these categories count when they are hidden."},
    },
}


def compile(rule, pack):
    wanted = set(rule.parameters["when_categories"])

    def check(analysis, findings=()):
        hidden = [(b.start, b.end) for b in analysis.text.blocks if b.kind == "hidden"]
        if not hidden:
            return
        first_in_block: dict[tuple[int, int], tuple[int, int, str]] = {}
        for finding in findings:
            if finding.category not in wanted or finding.scope != "claim" or finding.suppressed is not None:
                continue
            start, end = finding.explanation["normalized_span"]
            block = next(((b_start, b_end) for b_start, b_end in hidden if b_start <= start < b_end), None)
            if block is not None and (block not in first_in_block or start < first_in_block[block][0]):
                first_in_block[block] = (start, end, finding.code)
        for block in sorted(first_in_block):
            start, end, code = first_in_block[block]
            yield Hit(start, end, None, explanation={"hidden_block": list(block), "claim_rule": code})
    return check
