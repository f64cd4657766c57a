"""The ``claimcheck_terms`` component: every knowledge-base and lexicon term.

Phrases go to a ``PhraseMatcher`` on lower case (``case_sensitive`` terms to
one on exact text), token patterns to a ``Matcher``. Each match becomes a span
in ``doc.spans["cc_terms"]`` whose ``label_`` says what it is (PRODUCT,
CONDITION, APPROVED, PROCEDURE, RISK, PREDICATE, DISCLOSURE, PROMOTION),
``kb_id_`` its knowledge-base id or lexicon class and ``id_`` the entry that
matched, so every claim can say which pattern found it. Within a label the
longest match wins ("no risk of rejection" over "no risk"). Token patterns
that are plain word alternations become phrases (``extract.patterns``); those
that need particular words run only on the sentences that contain them.
Conditions are also found in hashtags ("#kneepain"). The tokenized phrases
come from the compiled cache when this pack version has been seen before. A
lexicon entry with ``near`` keeps only the matches that have one of its words
close by in their sentence; those words are context and stay out of the span, so
"for good" after "end your pain" is a cure promise and does not take "end" from
the claim beside it.
"""
from __future__ import annotations

from collections import defaultdict

from spacy.tokens import Span

from claimcheck.extract.extensions import set_spans
from claimcheck.extract.intervals import SpanIndex
from claimcheck.extract.patterns import CompiledPatterns, PatternMatchers, cached_patterns, compile_patterns

SPANS_KEY = "cc_terms"
# Within these labels overlapping matches compete; the longest wins.
EXCLUSIVE = ("PRODUCT", "CONDITION", "APPROVED", "PROCEDURE", "RISK", "PREDICATE", "DISCLOSURE", "PROMOTION")


def hashtag_forms(terms: list[str]) -> list[str]:
    """Social posts tag a condition as one word ("#kneepain", "#longcovid"); the tokenizer
    splits the "#" off, so the run-together form of a two- or three-word term finds it.
    Such forms are not words of ordinary prose, so they find nothing else."""
    forms = []
    for term in terms:
        words = term.split()
        if 2 <= len(words) <= 3 and all(word.isalpha() for word in words):
            forms.append("".join(words))
    return [form for form in dict.fromkeys(forms) if form not in terms]


def match_key(label: str, cls: str, entry: str) -> str:
    """The matchers' key for one term: what it is, its class or kb id, and its entry."""
    return f"{label}|{cls}|{entry}"


def compile_terms(nlp, pack) -> list[tuple[tuple[str, str, str], CompiledPatterns]]:
    """Every term of the knowledge base and the lexicon, tokenized: ((label, class, entry id),
    its patterns) in a fixed order."""
    kb = pack.kb
    compiled = []

    def add(label, cls, entry, phrases=(), exact=(), patterns=()):
        compiled.append(((label, cls, entry), compile_patterns(nlp, match_key(label, cls, entry), phrases, exact,
                                                               patterns)))

    for product in kb.products.values():
        add("PRODUCT", product["id"], product["id"], product.get("terms", []), patterns=product.get("patterns", []))
    for condition in kb.conditions.values():
        terms = condition.get("terms", [])
        add("CONDITION", condition["id"], condition["id"], terms + hashtag_forms(terms),
            condition.get("case_sensitive_terms", []))
    for approved in kb.approved_products.values():
        add("APPROVED", approved["id"], approved["id"], approved.get("terms", []))
    for use in kb.approved_uses.values():
        add("PROCEDURE", use["id"], use["id"], use.get("procedure_terms", []))
    for risk in kb.risks.values():
        add("RISK", risk["id"], risk["id"], risk.get("terms", []))
    for entry in pack.lexicon:
        add(entry.label.upper(), entry.cls, entry.id, entry.phrases, entry.case_sensitive, entry.patterns)
    return compiled


class TermMatcher:
    def __init__(self, nlp, pack):
        compiled = cached_patterns("terms", nlp, pack, lambda: compile_terms(nlp, pack))
        self.keys: dict[int, tuple[str, str, str]] = {nlp.vocab.strings.add(item.key): names
                                                       for names, item in compiled}
        self.matchers = PatternMatchers(nlp.vocab, [item for _, item in compiled])
        # Entries whose matches need a word near them (the lexicon's "near"): match key ->
        # (the words' LOWER hashes, tokens before, tokens after).
        strings = nlp.vocab.strings
        self.near: dict[int, tuple[frozenset[int], int, int]] = {
            strings.add(match_key(entry.label.upper(), entry.cls, entry.id)): (
                frozenset(strings.add(word.lower()) for word in entry.near["words"]),
                entry.near.get("before", 0), entry.near.get("after", 0))
            for entry in pack.lexicon if entry.near}

    def __call__(self, doc):
        # Matches are sifted as (start, end, label, class, entry); only the kept ones become
        # spans (a Span reads three tokens of its doc when it is made).
        found: dict[str, list[tuple]] = defaultdict(list)
        keys, near = self.keys, self.near
        for match_id, start, end in self.matchers(doc):
            if match_id in near and not _has_word_near(doc, start, end, *near[match_id]):
                continue
            label, cls, entry = keys[match_id]
            found[label].append((start, end, label, cls, entry))
        kept = []
        for label, group in found.items():
            kept.extend(longest_first(group) if label in EXCLUSIVE else group)
        # A treatment word sharing words with a predicate phrase ("wonder drug", "skip the
        # epidural steroid injections") is part of the claim, not a mention of another treatment.
        predicates = SpanIndex((m[0], m[1]) for m in kept if m[2] == "PREDICATE")
        kept = [m for m in kept if m[2] != "TREATMENT" or not predicates.overlaps(m[0], m[1])]
        # A product match sharing words with a condition is part of the disease's name
        # ("Sickle Cell Program", "bone marrow failure"): the condition wins.
        conditions = SpanIndex((m[0], m[1]) for m in kept if m[2] == "CONDITION")
        kept = [m for m in kept if m[2] != "PRODUCT" or not conditions.overlaps(m[0], m[1])]
        kept.sort(key=lambda m: (m[0], m[1]))
        set_spans(doc, SPANS_KEY, [Span(doc, start, end, label=label, kb_id=cls, span_id=entry)
                                   for start, end, label, cls, entry in kept])
        return doc


def _has_word_near(doc, start: int, end: int, words: frozenset[int], before: int, after: int) -> bool:
    """Whether one of ``words`` (LOWER hashes) stands within ``before`` tokens before
    ``doc[start:end]`` or ``after`` tokens after it, without crossing a sentence start."""
    for index in range(start - 1, max(start - before, 0) - 1, -1):
        if doc[index + 1].is_sent_start:  # doc[index] ends the sentence before
            break
        if doc[index].lower in words:
            return True
    for index in range(end, min(end + after, len(doc))):
        token = doc[index]
        if token.is_sent_start:
            break
        if token.lower in words:
            return True
    return False


def longest_first(matches: list[tuple]) -> list[tuple]:
    """``spacy.util.filter_spans`` on ``(start, end, ...)`` tuples: the longest of overlapping
    matches (the first of equals), in order of start."""
    kept, seen = [], set()
    for match in sorted(matches, key=lambda m: (m[1] - m[0], -m[0]), reverse=True):
        if match[0] not in seen and match[1] - 1 not in seen:
            kept.append(match)
            seen.update(range(match[0], match[1]))
    return sorted(kept, key=lambda m: m[0])
