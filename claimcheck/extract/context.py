"""Context beyond the sentence, applied after the spaCy pipeline.

Three things a reader does that a sentence-level tagger cannot:

* **Voices.** On a page that sells, "she says" introduces a testimonial, so
  speech-verb cues marked ``ignore_on_promotional_pages`` are dropped there.
* **Quotations.** On a page that sells nothing (no call to action, no "we
  offer" outside quotation marks), a claim inside quotation marks is someone
  else's claim being reported: a news story or a regulator quoting an ad. On a
  page that sells, a quotation is a testimonial and stays a claim.
* **Lead-ins.** A list item under a lead-in whose cue modifies no claim there
  ("Be cautious if a business:") takes that cue's modality. A list item that
  names conditions but makes no claim of its own inherits the claim of its lead-in, the heading or the sentence ending
  with a colon above the list ("Stem cells can treat:" then "- arthritis").
  It inherits the lead-in's modality too, so a list under "The FDA has not
  approved stem cells for:" stays negated.
* **Denials.** A short sentence such as "That is not true." negates the claim
  just before it.
* **Setups.** "Torn meniscus? Our stem cells heal it." The claim takes its
  condition from the short sentence before it.
* **Questions.** A rhetorical question ("Why suffer with knee pain when ...?")
  asserts what it asks. A question headline ("Can stem cells cure arthritis?") says
  nothing by itself; an affirmative answer right after it ("Yes.") turns it
  into an asserted claim, and so does one that ends by saying so ("With our
  procedure, it can.").
"""
from __future__ import annotations

import bisect
import dataclasses
import re
from functools import lru_cache

from claimcheck.extract import IMPLIED_USE, Analysis
from claimcheck.model import Claim

# Double quotes, curly or straight, and single quotes that are not apostrophes
# (no letter before the opening one or after the closing one). The pattern opens with the
# class of opening marks and tells which one it took by looking back, so the regex engine skips
# from mark to mark in its fast loop instead of trying three branches at every position.
_QUOTES = re.compile("[\u201c\"'\u2018](?:(?<=\u201c)[^\u201c\u201d]{3,}?\u201d|(?<=\")[^\"\\n]{3,}?\""
                     "|(?<=['\u2018])(?<!\\w.)[^'\u2018\u2019\\n]{3,80}?['\u2019](?!\\w))")
LIST_KINDS = ("list_item", "cell")  # the normalizer's block kinds that are items of a list

# The cues the passes below give claims (besides the cue file's cues and page signals), so
# that the cue fixtures (testing/cues.py) can name them.
CONTEXT_CUES = frozenset({"affirmative-answer", "answered-question", "denied-by-next-sentence", "hashtags", "lead-in",
                          "quotation-marks", "rhetorical-question", "setup-sentence", "subject-of"})
# Cue categories that tell where a claim's words came from, not how it is said.
_NOT_MODALITIES = frozenset({"conditions", "subject"})


def quoted_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _QUOTES.finditer(text)]


def _inside(offset: int, spans) -> tuple[int, int] | None:
    return next((s for s in spans if s[0] <= offset < s[1]), None)


def apply_context(analysis: Analysis, pack) -> None:
    """Everything a sentence cannot decide alone, with the word lists of ``pack``'s cue files."""
    text = analysis.text.text
    quotes = quoted_spans(text)
    promotion = [t for t in analysis.terms if t.label == "PROMOTION" and not _inside(t.start, quotes)]
    analysis.topic["promotional"] = bool(promotion)
    discourse = pack.discourse
    if promotion:
        news_only_cues = frozenset(c.id for c in pack.cues if c.ignore_on_promotional_pages)
        _drop_cues(analysis, news_only_cues, pack.precedence)
    else:
        # A cell product named with a condition implies a use only where the page sells it.
        analysis.claims = [c for c in analysis.claims if c.predicate_pattern != IMPLIED_USE]
        _quotes_are_reported(analysis, quotes, discourse)
    _inherit_lead_ins(analysis, discourse)
    _subject_phrases(analysis, discourse)
    _denied_by_next_sentence(analysis, frozenset(pack.denials))
    _conditions_from_setup(analysis, discourse, tuple(pack.condition_anaphors))
    _conditions_from_hashtags(analysis, discourse)
    _rhetorical_questions(analysis, tuple(pack.rhetorical_questions))
    _negative_answers(analysis, tuple(pack.negative_answers), pack.precedence)
    _answers_take_the_question(analysis)
    _answer_questions(analysis, frozenset(pack.affirmations))
    _page_signals(analysis, pack.page_signals)


def _keep_cues(claim: Claim, kept: list[dict], precedence: list[str]) -> None:
    """Keep only ``kept`` of a claim's cues; its modality is then the first modality category
    left (cues that tell where a subject came from, "setup-sentence", set none)."""
    rank = {category: index for index, category in enumerate(precedence)}
    claim.cues = kept
    claim.modality = min((c["category"] for c in kept if c["category"] in rank and not c.get("overridden")),
                         key=rank.get, default="asserted")


def _drop_cues(analysis: Analysis, cue_ids: frozenset[str], precedence: list[str]) -> None:
    """On a page that sells, speech verbs introduce testimonials: they set no modality."""
    for claim in analysis.claims:
        kept = [c for c in claim.cues if c["cue"] not in cue_ids]
        if len(kept) != len(claim.cues):
            _keep_cues(claim, kept, precedence)


_ANSWER_END = re.compile(r"\s*(?:[\u2014\u2013,.!:;-]|$)")


def _give_modality(claim: Claim, modality: str, cue: dict) -> None:
    """Set ``claim``'s modality for the reason ``cue`` gives. The cues that said otherwise stay
    in its explanation, after the new one and marked ``overridden``, so that a finding can
    say both what the words suggested and why the context decided otherwise; only the cues
    in force count when a modality is worked out again (``_keep_cues``)."""
    claim.modality = modality
    claim.cues = [cue] + [dict(c, overridden=True) if c["category"] not in _NOT_MODALITIES | {modality} else c
                          for c in claim.cues]


def _negative_answers(analysis: Analysis, answers: tuple[str, ...], precedence: list[str]) -> None:
    """"Will my body reject the donor cells? Not at all - cord cells are immune-privileged."
    A bare "no" answering the question before it denies the question; it does not negate
    the claim that follows it in the answer."""
    text = analysis.text.text
    for index, (start, end) in enumerate(analysis.sentences):
        previous = _previous_sentence(analysis, index)
        if previous is None or not text[slice(*analysis.sentences[previous])].rstrip().endswith("?"):
            continue
        sentence = text[start:end]
        opening = sentence.lstrip().lower()
        answer = next((a for a in answers if opening.startswith(a) and _ANSWER_END.match(opening, len(a))), None)
        if answer is None:
            continue
        answer_end = start + len(sentence) - len(opening) + len(answer)
        said = {t.text.lower() for t in analysis.terms
                if t.label == "CUE" and t.cls == "negated" and start <= t.start and t.end <= answer_end}
        for claim in analysis.claims:
            if start <= claim.predicate_start < end and claim.predicate_start >= answer_end:
                kept = [c for c in claim.cues if not (c["category"] == "negated" and c["text"].lower() in said)]
                if len(kept) != len(claim.cues):
                    _keep_cues(claim, kept, precedence)


def _previous_sentence(analysis: Analysis, index: int) -> int | None:
    """The closest sentence before ``index`` that is not blank."""
    text = analysis.text.text
    previous = index - 1
    while previous >= 0 and not text[slice(*analysis.sentences[previous])].strip():
        previous -= 1
    return previous if previous >= 0 else None


def _answers_take_the_question(analysis: Analysis) -> None:
    """"Can stem cells help my child with autism? Many families see better sleep within a
    month." The answer is about what the question asked: a claim in the sentence after a
    question that names no product or condition takes the question's."""
    questions = {_sentence_index(analysis, c.predicate_start): c for c in analysis.claims
                 if c.modality == "question" and (c.product or c.conditions)}
    if not questions:
        return
    for claim in analysis.claims:
        index = _sentence_index(analysis, claim.predicate_start)
        previous = _previous_sentence(analysis, index)
        question = questions.get(previous) if previous is not None else None
        if question is None or claim.modality == "question" or (claim.product and claim.conditions):
            continue
        if not claim.product and question.product:
            claim.product, claim.product_text = question.product, question.product_text
        cue = {"cue": "answered-question", "text": question.text[:60], "category": "subject", "direction": "question"}
        if not claim.conditions and question.conditions:
            _lend_conditions(claim, question.conditions, question.condition_texts, cue)
        else:
            claim.cues = claim.cues + [cue]


# "... — Mark, 54" after a quotation signs a testimonial.
_SIGNATURE = re.compile(r"\s*[\u2014\u2013-]{1,2}\s*[A-Z][a-z]+(?:\s[A-Z][a-z]*\.?)?(?:,\s*\d{1,3})?\b")


def _reported_quotes(text: str, quotes, min_words: int) -> list[tuple[int, int]]:
    """Quotations that report someone's words: not scare quotes around a term
    ("immune privileged") and not signed testimonials."""
    return [(start, end) for start, end in quotes
            if len(text[start:end].split()) >= min_words and not _SIGNATURE.match(text, end)]


def _quotes_are_reported(analysis: Analysis, quotes, discourse) -> None:
    quotes = _reported_quotes(analysis.text.text, quotes, discourse.min_reported_words)
    for claim in analysis.claims:
        span = _inside(claim.predicate_start, quotes)
        if span is None or claim.modality in ("negated",):
            continue
        _give_modality(claim, "reported", {"cue": "quotation-marks", "text": analysis.text.text[span[0]:span[1]][:60],
                                           "category": "reported", "direction": "inside"})


def _block_of(blocks, offset: int) -> int | None:
    """The block holding ``offset``: blocks are in order and never overlap (the builder
    appends each one as it closes), so a binary search finds it."""
    index = bisect.bisect_right(blocks, offset, key=lambda block: block.start) - 1
    return index if index >= 0 and offset < blocks[index].end else None


def _inherit_lead_ins(analysis: Analysis, discourse) -> None:
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
    _lead_in_cues(analysis, blocks, text, claim_blocks, discourse)
    # A list under "have suffered serious harm, including:" lists harms, not uses.
    harm_blocks = {_block_of(blocks, t.start) for t in analysis.terms if t.label == "RISK"}
    added = []
    for index, terms in sorted(conditions_by_block.items()):
        if blocks[index].kind not in LIST_KINDS or claim_blocks.get(index):
            continue
        lead = _lead_in_of(blocks, index, text, discourse)
        if lead is None or lead in harm_blocks:
            continue
        lead_text = text[blocks[lead].start:blocks[lead].end].rstrip()
        candidates = [c for c in claim_blocks.get(lead, []) if c.predicate in discourse.inheriting_predicates]
        if not candidates:
            continue
        source = candidates[-1]
        block = blocks[index]
        added.append(dataclasses.replace(
            source, start=block.start, end=block.end,
            conditions=list(dict.fromkeys(t.cls for t in terms)),
            condition_texts=list(dict.fromkeys(t.text for t in terms)),
            predicate_start=terms[0].start, predicate_end=terms[0].end,
            sentence_start=block.start, sentence_end=block.end,
            cues=[{"cue": "lead-in", "text": lead_text[-80:], "category": source.modality, "direction": "inherited"}]
            + list(source.cues),
            inherited_from="lead-in"))
    analysis.claims.extend(added)


# What ends a clause between a subject phrase and the claim it would be the subject of.
_CLAUSE_BREAK = re.compile(r"[,;:()\u2013\u2014]|\b(?:and|but|or|while|whereas|although|though|because|so)\b", re.I)


def _subject_phrases(analysis: Analysis, discourse) -> None:
    """"Stem cell injections for back pain are not proven to work." A claim that is a noun
    phrase (``subject_phrase_patterns``: "injections for back pain") and the subject of the
    next claim in its clause says no more than that claim does: it takes its negation,
    hedge or attribution (``subject_phrase_categories``)."""
    if not discourse.subject_phrase_patterns:
        return
    text = analysis.text.text
    ordered = sorted(analysis.claims, key=lambda c: c.predicate_start)
    for index, claim in enumerate(ordered):
        if claim.predicate_pattern not in discourse.subject_phrase_patterns or claim.modality != "asserted":
            continue
        verb = next((c for c in ordered[index + 1:] if c.predicate_start >= claim.predicate_end
                     and c.predicate_pattern not in discourse.subject_phrase_patterns), None)
        if (verb is None or verb.sentence_start != claim.sentence_start
                or verb.modality not in discourse.subject_phrase_categories
                or _CLAUSE_BREAK.search(text, claim.predicate_end, verb.predicate_start)):
            continue
        _give_modality(claim, verb.modality, {"cue": "subject-of", "text": verb.predicate_text,
                                              "category": verb.modality, "direction": "verb"})


def _denied_by_next_sentence(analysis: Analysis, denials: frozenset[str]) -> None:
    """'... donor cells "can't be rejected." That is not true.' The denial negates the claim."""
    if not denials or not analysis.claims:
        return
    text = analysis.text.text

    @lru_cache(maxsize=None)  # only the sentences after claims are read, each once
    def spoken(index: int) -> str:
        start, end = analysis.sentences[index]
        return " ".join(re.findall(r"[\w']+", text[start:end].lower()))

    for claim in analysis.claims:
        index = _sentence_index(analysis, claim.predicate_start)
        following = next((i for i in range(index + 1, len(analysis.sentences)) if spoken(i)), None)
        if following is not None and spoken(following) in denials and claim.modality != "negated":
            _give_modality(claim, "negated", {"cue": "denied-by-next-sentence",
                                              "text": text[slice(*analysis.sentences[following])].strip(),
                                              "category": "negated", "direction": "next sentence"})


def _conditions_from_setup(analysis: Analysis, discourse, anaphors: tuple[str, ...] = ()) -> None:
    """"Torn meniscus? Our stem cells heal it in one visit." A claim that names no
    condition takes the conditions of the sentence just before it when that sentence
    is a short setup (a question, a heading, "Don't let MS ...") making no claim of
    its own, or, whatever its length, when the claim refers back to them ("a transplant
    can cure both conditions")."""
    text = analysis.text.text
    conditions_of: dict[int, list] = {}
    for term in analysis.terms:
        if term.label == "CONDITION":
            conditions_of.setdefault(term.sentence, []).append(term)
    claimed = {_sentence_index(analysis, c.predicate_start) for c in analysis.claims
               if c.predicate in discourse.inheriting_predicates or c.predicate_pattern == "condition-list"}
    for claim in analysis.claims:
        if claim.conditions or claim.predicate not in discourse.condition_taking_predicates:
            continue
        index = _sentence_index(analysis, claim.predicate_start)
        previous = _previous_sentence(analysis, index)
        if previous is None or previous in claimed or previous not in conditions_of:
            continue
        own = " " + " ".join(re.findall(r"[\w']+", text[slice(*analysis.sentences[index])].lower())) + " "
        refers_back = any(f" {phrase} " in own for phrase in anaphors)
        if len(text[slice(*analysis.sentences[previous])].split()) > discourse.setup_max_words and not refers_back:
            continue
        _lend_conditions(claim, [t.cls for t in conditions_of[previous]], [t.text for t in conditions_of[previous]],
                         {"cue": "setup-sentence", "text": text[slice(*analysis.sentences[previous])][:60],
                          "category": "conditions", "direction": "inherited"})


def _lend_conditions(claim: Claim, conditions: list[str], texts: list[str], cue: dict) -> None:
    """Give a claim that names no condition the ones around it, and record where they came from."""
    claim.conditions = list(dict.fromkeys(conditions))
    claim.condition_texts = list(dict.fromkeys(texts))
    claim.cues = claim.cues + [cue]


_HASHTAGS_ONLY = re.compile(r"\s*+(?:#\w++[\s.,!]*+)++")


def _conditions_from_hashtags(analysis: Analysis, discourse) -> None:
    """"Regenerative shots fix the problem 🦵 #stemcells #kneepain": a sentence of hashtags
    tags its post, so a claim in the same block that names no condition takes theirs."""
    text = analysis.text.text
    tagged = {index for index, (start, end) in enumerate(analysis.sentences)
              if "#" in text[start:end] and _HASHTAGS_ONLY.fullmatch(text[start:end])}
    if not tagged:
        return
    # The tags lend their conditions to the post; they make no claim of their own.
    analysis.claims = [c for c in analysis.claims if not (
        c.predicate_pattern == IMPLIED_USE and _sentence_index(analysis, c.predicate_start) in tagged)]
    conditions_of: dict[int, list] = {}
    for term in analysis.terms:
        if term.label == "CONDITION" and term.sentence in tagged:
            block = _block_of(analysis.text.blocks, term.start)
            conditions_of.setdefault(block, []).append(term)
    for claim in analysis.claims:
        terms = conditions_of.get(_block_of(analysis.text.blocks, claim.predicate_start))
        if claim.conditions or not terms or claim.predicate not in discourse.condition_taking_predicates:
            continue
        tags = list(dict.fromkeys("#" + t.text for t in terms))
        _lend_conditions(claim, [t.cls for t in terms], tags,
                         {"cue": "hashtags", "text": " ".join(tags), "category": "conditions", "direction": "inherited"})


def _sentence_index(analysis: Analysis, offset: int) -> int:
    return bisect.bisect_right(analysis.sentences, offset, key=lambda sentence: sentence[0]) - 1


def _rhetorical_questions(analysis: Analysis, openings: tuple[str, ...]) -> None:
    """"Why suffer with knee pain when ...?" asserts what it asks."""
    text = analysis.text.text
    for claim in analysis.claims:
        if claim.modality != "question":
            continue
        sentence = " ".join(text[claim.sentence_start:claim.sentence_end].lower().split())
        opening = next((o for o in openings if sentence.startswith(o)), None)
        if opening:
            _give_modality(claim, "asserted", {"cue": "rhetorical-question", "text": opening, "category": "asserted",
                                               "direction": "sentence"})


def _lead_in_of(blocks, index: int, text: str, discourse) -> int | None:
    """The block a list item hangs from: a heading, a block ending with a colon, or a
    short line with no closing punctuation (a heading in plain text)."""
    lead = index - 1
    while lead >= 0 and blocks[lead].kind in LIST_KINDS and index - lead <= discourse.max_list_gap:
        lead -= 1
    if lead < 0:
        return None
    lead_text = text[blocks[lead].start:blocks[lead].end].rstrip()
    if blocks[lead].kind == "heading" or lead_text.endswith(":"):
        return lead
    if len(lead_text.split()) <= discourse.heading_max_words and not lead_text.endswith((".", "!", "?", ";", ",")):
        return lead
    return None


def _lead_in_cues(analysis: Analysis, blocks, text: str, claim_blocks: dict, discourse) -> None:
    """"Be cautious if a business: - relies on patient stories" reports, it does not claim:
    list items take the modality of a cue in their lead-in that modifies no claim there."""
    cues_by_block: dict[int, list] = {}
    for term in analysis.terms:
        if term.label == "CUE" and term.cls in discourse.lead_in_categories:
            index = _block_of(blocks, term.start)
            if index is not None:
                cues_by_block.setdefault(index, []).append(term)
    for index, claims in claim_blocks.items():
        if index is None or blocks[index].kind not in LIST_KINDS:
            continue
        lead = _lead_in_of(blocks, index, text, discourse)
        if lead is None or lead not in cues_by_block:
            continue
        # The lead-in proper is the block's last sentence ("Be cautious if a business:").
        last = _sentence_index(analysis, blocks[lead].end - 1)
        cues = [c for c in cues_by_block[lead] if c.sentence == last]
        if not cues or any(_sentence_index(analysis, c.predicate_start) == last for c in claim_blocks.get(lead, [])):
            continue
        cue = cues[0]
        for claim in claims:
            if claim.modality == "asserted":
                _give_modality(claim, cue.cls, {"cue": cue.entry, "text": cue.text, "category": cue.cls,
                                                "direction": "lead-in"})


def _answer_questions(analysis: Analysis, affirmations: frozenset[str]) -> None:
    text = analysis.text.text
    added = []
    for claim in analysis.claims:
        if claim.modality != "question":
            continue
        after = bisect.bisect_left(analysis.sentences, claim.sentence_end, key=lambda sentence: sentence[0])
        following = next((analysis.sentences[i] for i in range(after, len(analysis.sentences))
                          if text[slice(*analysis.sentences[i])].strip()), None)
        if following is None:
            continue
        answer = " ".join(re.findall(r"[\w']+", text[following[0]:following[1]].lower()))
        # The longest affirmation that fits names the cue; a set has no order to rely on.
        said = max((a for a in affirmations if answer.startswith(a + " ") or answer == a
                    or answer.endswith(" " + a)), key=lambda a: (len(a), a), default=None)
        if said:
            added.append(dataclasses.replace(
                claim, modality="asserted", inherited_from="answer",
                cues=[{"cue": "affirmative-answer", "text": said, "category": "asserted", "direction": "answer"}]))
    analysis.claims.extend(added)


@lru_cache(maxsize=16)
def _words_pattern(words: tuple[str, ...]) -> re.Pattern:
    """Any of ``words`` (any case) standing as a whole word, the longest where several fit.

    Written as a trie ("dog", "dogs", "dog's" as ``dog(?:'s|s)?``), behind a look-ahead for
    the words' first letters: Python's regex engine tries an alternation's branches one by
    one at every position, so a plain list of forty words cost a tenth of a second per
    signal on the corpus. Greedy optional endings try the longer word first and fall back
    to the shorter, as a longest-first alternation does."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word.lower():
            node = node.setdefault(char, {})
        node[""] = {}

    def branch(node: dict) -> str:
        options = [re.escape(char) + branch(child) for char, child in sorted(node.items()) if char]
        if not options:
            return ""
        body = options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"
        return f"(?:{body})?" if "" in node else body

    first_letters = sorted({case(word[0]) for word in words for case in (str.lower, str.upper)})
    return re.compile(r"(?=[" + re.escape("".join(first_letters)) + r"])(?<!\w)" + branch(trie) + r"(?!\w)",
                      re.I)


# The characters that match an ASCII letter under re.IGNORECASE without lowering to it
# (dotted and dotless I, long s, the Kelvin sign): in a text holding one, lowering it is no
# guide to what the signals' patterns match.
_ODD_CASE = re.compile("[\u0130\u0131\u017f\u212a]")


def _folded(text: str) -> str | None:
    """``text`` lowered, where each signal pattern's match is, lowered, one of its words at the
    same offset; None where that does not hold."""
    return None if _ODD_CASE.search(text) else text.lower()


def _may_meet(signal, folded: str) -> bool:
    """Whether the page could meet ``signal``: its words, counted as substrings of the lowered
    text, are as many and as varied as it asks. Every match of the signal's pattern is such a
    substring, so a page this rejects never meets it; counting substrings is a few fast scans,
    where the pattern is tried at every position (nearly half of the context passes' time)."""
    words = _ascii_words(signal.words)
    if words is None:
        return True
    counts = [folded.count(word) for word in words]
    return sum(counts) >= signal.min_mentions and sum(1 for count in counts if count) >= signal.min_distinct


@lru_cache(maxsize=16)
def _ascii_words(words: tuple[str, ...]) -> tuple[str, ...] | None:
    lowered = tuple(sorted({word.lower() for word in words}))
    return lowered if all(word.isascii() for word in lowered) else None


def _page_signals(analysis: Analysis, signals) -> None:
    """What kind of page this is, told by its words (the cue file's ``page_signals``): on a
    veterinary page ("stem cells for your dog's arthritis") claims are about animals, not the
    people whose approved uses and risks the rules judge by; in a scholarly article (abstract,
    methods, keywords, DOI) they are findings under study. The first signal the page meets
    gives every claim in the page's own voice its modality, with the words as the cue."""
    if not signals or not analysis.claims:
        return
    text = analysis.text.text
    folded = _folded(text)
    for signal in signals:
        if signal.unless_promotional and analysis.topic.get("promotional"):
            continue
        if folded is not None and not _may_meet(signal, folded):
            continue
        mentions = [m for m in _words_pattern(signal.words).finditer(text)
                    if not (signal.ignore_capitals and m.group().isupper())]
        named = sorted({m.group().lower() for m in mentions})
        if (len(mentions) < signal.min_mentions or len(named) < signal.min_distinct
                or len({_sentence_index(analysis, m.start()) for m in mentions}) < signal.min_sentences):
            continue
        analysis.topic["page_signal"] = signal.id
        cue = {"cue": signal.id, "text": ", ".join(named)[:60], "category": signal.modality, "direction": "page"}
        for claim in analysis.claims:
            if claim.modality in ("asserted", "hedged"):
                _give_modality(claim, signal.modality, cue)
        return


def remove_duplicates(claims: list[Claim]) -> list[Claim]:
    seen, out = set(), []
    for claim in claims:
        key = (claim.predicate_start, claim.predicate, claim.modality, claim.inherited_from)
        if key not in seen:
            seen.add(key)
            out.append(claim)
    return out
