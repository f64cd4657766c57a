"""The ``claimcheck_claims`` component: assembles claims from matched terms.

A claim is anchored on a predicate (a lexicon PREDICATE span: treats, cures,
regrows, FDA approved, no risk, proven ...). Within its clause it takes the
nearest cell product (or approved product / transplant procedure) and every
condition named; a clause that names none borrows its sentence's. Clauses end
at the cue file's ``clause_breaks`` ("; "), so "used to treat leukemia; claims
that it treats autism are unproven" keeps autism out of the first claim; what
follows an exclusion (", not for joint pain") is claimed by no claim. A
sentence naming no cell product but another treatment ("physical therapy
helps") records that treatment, so rules can leave it alone. A sentence that is
mostly a list of conditions ("MS; ALS; COPD; autism") is a claim by itself: an
ad lists what it treats; so is one naming a cell product with a condition and
no predicate, kept only on a page that sells. The document-level topic signal (is this text about a cell
product, and is it selling one?) is computed here too, because rules use it to
read product-less sentences ("Life without knee pain!") on a stem-cell page.
"""
from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Span

from claimcheck.extract import IMPLIED_USE
from claimcheck.extract.extensions import sentences_of, spans_of, text_of
from claimcheck.extract.terms import SPANS_KEY
from claimcheck.model import Claim


# Predicate classes whose object is what is treated: with no known condition in the claim,
# the words after them still name the use ("treats tinnitus").
NAMES_WHAT_IS_TREATED = ("treat", "cure")

# What a claim takes from its clause (or, when the clause has none, from its sentence).
CLAUSE_LABELS = ("PRODUCT", "CONDITION", "APPROVED", "PROCEDURE", "TREATMENT")


def _by_clause(parts: dict[str, list], breaks: list[int]) -> dict[str, dict[int, list]]:
    """The clause-scoped parts of a sentence grouped by clause, once per sentence: asking each
    predicate to sort every part made a run-on sentence's time grow with its square."""
    grouped: dict[str, dict[int, list]] = {}
    for label in CLAUSE_LABELS:
        for span in parts.get(label, []):
            grouped.setdefault(label, {}).setdefault(bisect.bisect_right(breaks, span.start_char), []).append(span)
    return grouped


def _clause_parts(parts: dict[str, list], breaks: list[int], anchor,
                  grouped: dict[str, dict[int, list]] | None) -> dict[str, list]:
    """``parts`` of a sentence narrowed to the clause holding ``anchor``, label by label
    (``grouped``: ``_by_clause(parts, breaks)``, None when the sentence has no break)."""
    if not breaks:
        return parts
    clause = bisect.bisect_right(breaks, anchor.start_char)
    narrowed = dict(parts)
    for label, clauses in grouped.items():
        if clause in clauses:
            narrowed[label] = clauses[clause]
    return narrowed


def _without_excluded(parts: dict[str, list], exclusions: list[int], breaks: list[int], end: int) -> dict[str, list]:
    """``parts`` less the conditions named after an exclusion, up to the next clause break."""
    if not exclusions:
        return parts
    ranges = [(start, next((b for b in breaks if b > start), end)) for start in exclusions]
    kept = [s for s in parts.get("CONDITION", []) if not any(a <= s.start_char < b for a, b in ranges)]
    return {**parts, "CONDITION": kept} if kept else {k: v for k, v in parts.items() if k != "CONDITION"}


def _in_apposition(doc, head, span) -> bool:
    """``span`` describes ``head`` in an appositive: "Lantidra, a donor islet cell therapy"."""
    return (span.start > head.end + 1 and span.start - head.end <= 6 and doc[head.end].text == ","
            and doc[head.end + 1].lower_ in ("a", "an", "the")
            and not any(t.is_punct for t in doc[head.end + 1:span.start]))


_NONE: list = []  # one empty list for every missing part, so that its identity is stable


@dataclass(frozen=True)
class _Shared:
    conditions: tuple[str, ...]
    condition_texts: tuple[str, ...]
    procedures: tuple[str, ...]
    sentence_products: tuple[str, ...]
    start: int  # of the conditions
    end: int


def _shared(conditions: list, procedures: list, products: list, cache: dict) -> _Shared:
    """The ids and texts every claim over these span lists lists, computed once for the lists
    (``cache``: one document's, keyed by the lists' identity while the document holds them)."""
    key = (id(conditions), id(procedures), id(products))
    if key not in cache:
        cache[key] = _Shared(tuple(dict.fromkeys(s.kb_id_ for s in conditions)),
                             tuple(dict.fromkeys(s.text for s in conditions)),
                             tuple(dict.fromkeys(s.kb_id_ for s in procedures)),
                             tuple(dict.fromkeys(s.kb_id_ for s in products)),
                             min((s.start_char for s in conditions), default=0),
                             max((s.end_char for s in conditions), default=0))
    return cache[key]


def _nearest(spans, anchor):
    """The span closest to ``anchor`` (before it preferred on ties)."""
    best, best_distance = None, None
    for span in spans:
        if span.end <= anchor.start:
            distance = anchor.start - span.end
        elif span.start >= anchor.end:
            distance = span.start - anchor.end + 0.5
        else:
            distance = 0
        if best_distance is None or distance < best_distance:
            best, best_distance = span, distance
    return best


class ClaimFinder:
    def __init__(self, pack, assume_cell_topic: bool = True, min_list_conditions: int = 3):
        self.kb = pack.kb
        # Asked once per clause's conditions and what the claim names; a long scan meets the same
        # few pairings again and again, and a bounded cache keeps a run-on page from growing it.
        self._use_approved = lru_cache(maxsize=4096)(self._approved_use)
        self.clause_breaks = tuple(pack.clause_breaks)
        self.exclusions = tuple(pack.clause_exclusions)
        self.population_openers = tuple(pack.population_openers)
        self.object_determiners = frozenset(pack.object_determiners)
        self.object_ends = frozenset(pack.object_ends)
        self.not_conditions = frozenset(pack.not_conditions)
        self.condition_heads = frozenset(pack.condition_heads)
        self.condition_suffixes = tuple(pack.condition_suffixes)
        self.assume_cell_topic = assume_cell_topic
        self.min_list_conditions = min_list_conditions

    def __call__(self, doc):
        spans = spans_of(doc, SPANS_KEY)
        claims = []
        if spans:
            sentences = sentences_of(doc)
            starts = [sentence.start for sentence in sentences]
            by_sentence: list[dict[str, list]] = [dict() for _ in sentences]
            for span in spans:
                by_sentence[bisect.bisect_right(starts, span.start) - 1].setdefault(span.label_, []).append(span)
            text = text_of(doc)
            for index, sentence in enumerate(sentences):
                parts = by_sentence[index]
                if not parts:
                    continue
                breaks = self._markers(text, sentence, self.clause_breaks)
                parts = _without_excluded(parts, self._markers(text, sentence, self.exclusions), breaks,
                                          sentence.end_char)
                grouped = _by_clause(parts, breaks) if breaks else None
                shared: dict = {}  # this sentence's span lists, by identity: they live until its end
                for predicate in parts.get("PREDICATE", []):
                    claims.append(self._claim(doc, text, sentence, predicate,
                                              _clause_parts(parts, breaks, predicate, grouped), shared))
                # A list of conditions is one claim, whatever separates its items ("MS; ALS; COPD").
                if not parts.get("PREDICATE") and self._is_condition_list(sentence, parts.get("CONDITION", [])):
                    claims.append(self._claim(doc, text, sentence, None, parts, shared))
                elif not parts.get("PREDICATE") and self._implies_use(parts, breaks):
                    claims.append(self._claim(doc, text, sentence, None, parts, shared, IMPLIED_USE))
        doc._.cc_claims = claims
        doc._.cc_topic = self._topic(spans)
        return doc

    def _implies_use(self, parts: dict[str, list], breaks: list[int]) -> bool:
        """A cell product and a condition (not a mere body site) named in one clause."""
        conditions = [c for c in parts.get("CONDITION", []) if not self.kb.is_body_site(c.kb_id_)]
        clauses = {bisect.bisect_right(breaks, c.start_char) for c in conditions}
        return any(bisect.bisect_right(breaks, p.start_char) in clauses for p in parts.get("PRODUCT", []))

    @staticmethod
    def _markers(text: str, sentence, markers: tuple[str, ...]) -> list[int]:
        """Character offsets inside ``sentence`` just after each of ``markers``."""
        lowered = text[sentence.start_char:sentence.end_char].lower()
        breaks = []
        for marker in markers:
            position = lowered.find(marker)
            while position != -1:
                breaks.append(sentence.start_char + position + len(marker))
                position = lowered.find(marker, position + 1)
        return sorted(breaks)

    def _is_condition_list(self, sentence, conditions) -> bool:
        """A run of condition names with little else ("MS; ALS; COPD; autism") lists what is treated,
        unless it names who lives with them ("people living with MS, ALS or stroke see ads ...")."""
        if len({c.kb_id_ for c in conditions}) < self.min_list_conditions:
            return False
        before = " ".join(t.lower_ for t in sentence.doc[max(sentence.start, conditions[0].start - 3):conditions[0].start])
        if any(before.endswith(opener) for opener in self.population_openers):
            return False
        words = [t for t in sentence if not (t.is_punct or t.is_space)]
        covered = sum(len(c) for c in conditions)
        return covered >= 0.4 * len(words)

    def _claim(self, doc, text, sentence, predicate, parts, shared_cache: dict,
               implied: str = "condition-list") -> Claim:
        """A claim anchored on ``predicate``; with no predicate, one ``implied`` by the sentence:
        a condition list, or a cell product named with a condition."""
        if predicate is None:
            first = parts["CONDITION"][0]
            predicate = Span(doc, first.start, first.end, label="PREDICATE", kb_id="treat", span_id=implied)
        approved = parts.get("APPROVED", [])
        # "Lantidra, a donor islet cell therapy, ...": a product named in apposition to a licensed
        # product describes that product; it is not a second, unlicensed one.
        products = [s for s in parts.get("PRODUCT", []) if not (s.start < predicate.end and predicate.start < s.end)
                    and not (approved and any(_in_apposition(doc, a, s) for a in approved))]
        product = _nearest(products, predicate)
        # A condition inside the predicate ("pain relief", "reverse aging") is the claim's condition too.
        conditions = parts.get("CONDITION", _NONE)
        if product is not None and not any(s.start < predicate.start for s in approved):
            # A licensed product clears only claims about itself: one named after the claim
            # ("... treat type 1 diabetes, just like Lantidra") is a comparison, not the subject.
            approved = []
        procedures = parts.get("PROCEDURE", _NONE)
        treatments = [s for s in parts.get("TREATMENT", []) if not (s.start < predicate.end and predicate.start < s.end)]
        other = _nearest(treatments, predicate) if product is None else None
        unlisted = None
        if not conditions and product is not None and predicate.kb_id_ in NAMES_WHAT_IS_TREATED \
                and predicate.id_ not in (IMPLIED_USE, "condition-list"):
            term_starts = {s.start for spans in parts.values() for s in spans}
            unlisted = self._unlisted_condition(doc, predicate, sentence, term_starts)
        # What every claim of a clause shares is worked out once per clause (``_shared``): a
        # run-on sentence's thousands of predicates each listing its thousands of conditions
        # made the time grow with the square of its length.
        shared = _shared(conditions, procedures, parts.get("PRODUCT", _NONE), shared_cache)
        members = [predicate] + ([product] if product is not None else []) \
            + ([unlisted] if unlisted is not None else [])
        start = min([s.start_char for s in members] + ([shared.start] if conditions else []))
        end = max([s.end_char for s in members] + ([shared.end] if conditions else []))
        product_id = product.kb_id_ if product is not None else None
        licensed = tuple(dict.fromkeys(s.kb_id_ for s in approved))
        return Claim(
            start=start, end=end, document_text=text,
            predicate=predicate.kb_id_, predicate_text=predicate.text, predicate_pattern=predicate.id_,
            predicate_start=predicate.start_char, predicate_end=predicate.end_char,
            product=product_id, product_text=product.text if product is not None else None,
            conditions=list(shared.conditions), condition_texts=list(shared.condition_texts),
            approved_products=list(licensed),
            procedures=list(shared.procedures), sentence_products=list(shared.sentence_products),
            other_treatment=other.text if other is not None else None,
            unlisted_condition=unlisted.text if unlisted is not None else None,
            sentence_start=sentence.start_char, sentence_end=sentence.end_char,
            use_approved=self._use_approved(shared.conditions, product_id, licensed, shared.procedures),
        )

    def _approved_use(self, conditions: tuple, product: str | None, approved: tuple, procedures: tuple) -> bool | None:
        """Is treating the claim's conditions (body sites aside) with what it names an approved
        use, by the knowledge base? ``None`` when it names no such condition."""
        named = [c for c in conditions if not self.kb.is_body_site(c)]
        if not named:
            return None
        found = self.kb.approved_conditions(named, product=product, approved_products=list(approved),
                                            procedures=list(procedures))
        return len(found) == len(named)

    def _unlisted_condition(self, doc, predicate, sentence, term_starts) -> Span | None:
        """The words right after ``predicate`` that name what it treats, when the knowledge
        base knows none of them ("... injections for tinnitus and hearing loss"): a leading
        determiner skipped, up to a word of the cue file's ``object_ends``, punctuation or a
        number or another term (``term_starts``: token indexes where a matched term begins), at
        most six words. ``None`` unless a word is named the way conditions are
        (``condition_heads``, ``condition_suffixes``) and the phrase does not open with one of
        ``not_conditions``."""
        start = predicate.end
        while start < sentence.end and doc[start].lower_ in self.object_determiners:
            start += 1
        end = start
        while end < sentence.end and end - start < 6 and end not in term_starts:
            token = doc[end]
            if not token.is_alpha or token.lower_ in self.object_ends:
                break
            end += 1
        while end > start and doc[end - 1].lower_ in ("and", "or"):
            end -= 1
        if end == start:
            return None
        words = [t.lower_ for t in doc[start:end]]
        if words[0] in self.not_conditions or not any(
                w in self.condition_heads or w.endswith(self.condition_suffixes) for w in words):
            return None
        return doc[start:end]

    def _topic(self, spans) -> dict:
        """Is this document about a cell product? ``named``: it names one (or a cell procedure); ``other``: it
        names only other treatments; ``assumed``: it names no treatment at all, so it is
        read as what claimcheck is given to check, a cell product's ad copy (unless the
        pipeline is configured with ``assume_cell_topic = false``)."""
        products = Counter(s.kb_id_ for s in spans if s.label_ == "PRODUCT")
        treatments = Counter(s.kb_id_ for s in spans if s.label_ == "TREATMENT")
        promotion = Counter(s.kb_id_ for s in spans if s.label_ == "PROMOTION")
        # A cell procedure ("HSCT", "bone marrow transplant") names a cell product as surely as
        # a product term does.
        if products or any(s.label_ == "PROCEDURE" for s in spans):
            context = "named"
        elif treatments or not self.assume_cell_topic:
            context = "other" if treatments else "none"
        else:
            context = "assumed"
        return {
            "products": dict(products),
            "other_treatments": dict(treatments),
            "cell_context": context,
            "promotion": dict(promotion),
            "promotional": sum(promotion.values()) > 0,
        }
