"""Context beyond the sentence, applied after the spaCy pipeline.

Three things a reader does that a sentence-level tagger cannot:

* **Voices.** On a page that sells, "she says" introduces a testimonial, so
  speech-verb cues marked ``ignore_on_promotional_pages`` are dropped there.
* **Quotations.** On a page that sells nothing (no call to action, no "we
  offer" outside quotation marks), a claim inside quotation marks is someone
  else's claim being reported: a news story or a regulator quoting an ad. On a
  page that sells, a quotation is a testimonial and stays a claim.
* **Lead-ins.** A list item that names conditions but makes no claim of its
  own inherits the claim of its lead-in, the heading or the sentence ending
  with a colon above the list ("Stem cells can treat:" then "- arthritis").
  It inherits the lead-in's modality too, so a list under "The FDA has not
  approved stem cells for:" stays negated.
* **Questions.** A rhetorical question ("Why suffer with knee pain when ...?")
  asserts what it asks. A question headline ("Can stem cells cure arthritis?") says
  nothing by itself; an affirmative answer right after it ("Yes.") turns it
  into an asserted claim.
"""
from __future__ import annotations

import dataclasses
import re

from claimcheck.extract import Analysis
from claimcheck.model import Claim

_QUOTES = re.compile(r"\u201c[^\u201c\u201d]{3,}?\u201d|\"[^\"\n]{3,}?\"")
LIST_KINDS = ("list_item", "cell")
INHERITABLE = ("treat", "cure", "regenerate", "efficacy")
MAX_LIST_GAP = 40  # list items further than this many blocks from the lead-in do not inherit


def quoted_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _QUOTES.finditer(text)]


def _inside(offset: int, spans) -> tuple[int, int] | None:
    return next((s for s in spans if s[0] <= offset < s[1]), None)


def apply_context(analysis: Analysis, affirmations: frozenset[str], precedence: list[str],
                  news_only_cues: frozenset[str] = frozenset(), rhetorical: tuple[str, ...] = ()) -> None:
    text = analysis.text.text
    quotes = quoted_spans(text)
    promotion = [t for t in analysis.terms if t.label == "PROMOTION" and not _inside(t.start, quotes)]
    analysis.topic["promotional"] = bool(promotion)
    if promotion:
        _drop_cues(analysis, news_only_cues, precedence)
    else:
        _quotes_are_reported(analysis, quotes)
    _inherit_lead_ins(analysis)
    _rhetorical_questions(analysis, rhetorical)
    _answer_questions(analysis, affirmations)


def _drop_cues(analysis: Analysis, cue_ids: frozenset[str], precedence: list[str]) -> None:
    """On a page that sells, speech verbs introduce testimonials: they set no modality."""
    rank = {category: index for index, category in enumerate(precedence)}
    for claim in analysis.claims:
        kept = [c for c in claim.cues if c["cue"] not in cue_ids]
        if len(kept) != len(claim.cues):
            claim.cues = kept
            claim.modality = min((c["category"] for c in kept), key=lambda c: rank.get(c, len(rank)),
                                 default="asserted")


def _quotes_are_reported(analysis: Analysis, quotes) -> None:
    for claim in analysis.claims:
        span = _inside(claim.predicate_start, quotes)
        if span is None or claim.modality in ("negated",):
            continue
        claim.modality = "reported"
        claim.cues = [{"cue": "quotation-marks", "text": analysis.text.text[span[0]:span[1]][:60],
                       "category": "reported", "direction": "inside"}] + claim.cues


def _block_of(blocks, offset: int) -> int | None:
    return next((i for i, b in enumerate(blocks) if b.start <= offset < b.end), None)


def _inherit_lead_ins(analysis: Analysis) -> None:
    blocks = analysis.text.blocks
    if not blocks:
        return
    text = analysis.text.text
    claim_blocks = {}
    for claim in analysis.claims:
        claim_blocks.setdefault(_block_of(blocks, claim.predicate_start), []).append(claim)
    conditions_by_block: dict[int, list] = {}
    for term in analysis.terms:
        if term.label == "CONDITION":
            index = _block_of(blocks, term.start)
            if index is not None:
                conditions_by_block.setdefault(index, []).append(term)
    added = []
    for index, terms in sorted(conditions_by_block.items()):
        if blocks[index].kind not in LIST_KINDS or claim_blocks.get(index):
            continue
        lead = index - 1
        while lead >= 0 and blocks[lead].kind in LIST_KINDS and index - lead <= MAX_LIST_GAP:
            lead -= 1
        if lead < 0:
            continue
        lead_text = text[blocks[lead].start:blocks[lead].end].rstrip()
        if blocks[lead].kind != "heading" and not lead_text.endswith(":"):
            continue
        candidates = [c for c in claim_blocks.get(lead, []) if c.predicate in INHERITABLE]
        if not candidates:
            continue
        source = candidates[-1]
        block = blocks[index]
        added.append(dataclasses.replace(
            source, start=block.start, end=block.end, text=text[block.start:block.end],
            conditions=list(dict.fromkeys(t.cls for t in terms)),
            condition_texts=list(dict.fromkeys(t.text for t in terms)),
            predicate_start=terms[0].start, predicate_end=terms[0].end,
            sentence_start=block.start, sentence_end=block.end,
            cues=[{"cue": "lead-in", "text": lead_text[-80:], "category": source.modality, "direction": "inherited"}]
            + list(source.cues),
            inherited_from="lead-in"))
    analysis.claims.extend(added)


def _rhetorical_questions(analysis: Analysis, openings: tuple[str, ...]) -> None:
    """"Why suffer with knee pain when ...?" asserts what it asks."""
    text = analysis.text.text
    for claim in analysis.claims:
        if claim.modality != "question":
            continue
        sentence = " ".join(text[claim.sentence_start:claim.sentence_end].lower().split())
        opening = next((o for o in openings if sentence.startswith(o)), None)
        if opening:
            claim.modality = "asserted"
            claim.cues = [{"cue": "rhetorical-question", "text": opening, "category": "asserted",
                           "direction": "sentence"}]


def _answer_questions(analysis: Analysis, affirmations: frozenset[str]) -> None:
    text = analysis.text.text
    added = []
    for claim in analysis.claims:
        if claim.modality != "question":
            continue
        following = next((s for s in analysis.sentences
                          if s[0] >= claim.sentence_end and text[s[0]:s[1]].strip()), None)
        if following is None:
            continue
        first_word = re.match(r"\W*(\w+)", text[following[0]:following[1]])
        if first_word and first_word.group(1).lower() in affirmations:
            added.append(dataclasses.replace(
                claim, modality="asserted", inherited_from="answer",
                cues=[{"cue": "affirmative-answer", "text": first_word.group(1), "category": "asserted",
                       "direction": "answer"}]))
    analysis.claims.extend(added)


def remove_duplicates(claims: list[Claim]) -> list[Claim]:
    seen, out = set(), []
    for claim in claims:
        key = (claim.predicate_start, claim.predicate, claim.modality, claim.inherited_from)
        if key not in seen:
            seen.add(key)
            out.append(claim)
    return out
