"""Cue and lexicon fixtures as tests: one annotated sentence per expectation.

This module owns the examples beside the modality cues and the lexicons
(``rules/cues/*.fixture.md``, ``rules/lexicon/*.fixture.md``): it parses their
annotations, runs every annotated line through the real pipeline as its own
plain-text document, and says which expectations failed and which cue or
lexicon entry has no example. Like ``ruletest``, an annotation applies to the
next line that is neither blank nor an annotation, and several ids may be
listed, separated by commas::

    <!-- cue: negation-particles -->      a claim in the next line carries that cue
    <!-- no-cue: negation-particles -->   the next line has a claim, and no claim carries it
    <!-- pseudo: pseudo-negation -->      the pseudo cue matches, swallows a look-alike cue,
                                          and no claim carries a cue of the look-alike's category
    <!-- terminates: terminators -->      the terminator matches, and no claim after it carries
                                          a cue that matched before it
    <!-- modality: hedged -->             the next line has claims, all with that modality
    <!-- pattern: treat-verbs -->         the lexicon entry matched: a claim with that
                                          ``predicate_pattern`` (predicates), a term with that
                                          ``entry`` (disclosure, promotion, treatment entries)
    <!-- no-pattern: treat-verbs -->      it did not

``cue:`` and ``no-cue:`` may also name a cue the context passes give (``subject-of``,
``rhetorical-question`` ...: ``extract/context.py``'s ``CONTEXT_CUES``) or a page signal.

Pseudo and terminate cues never appear in ``claim.cues``, so for them
``no-cue`` means: the cue does not match the line, and some claim carries a
cue (the look-alike or the negation reaches, since nothing stops it).

``todo-`` before any kind (``todo-cue``, ``todo-no-cue``, ``todo-pattern`` ...)
marks a known failure of the cue or lexicon data: it is reported, not failed,
and a todo that passes is reported so that the mark can be removed. Todo
examples count as examples: every cue needs a positive (``cue``, ``pseudo`` or
``terminates``, by its category) and a ``no-cue``; every lexicon entry a
``pattern`` and a ``no-pattern``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from claimcheck.model import Source
from claimcheck.testing.rules import annotations as annotated_lines

KINDS = ("cue", "no-cue", "pseudo", "terminates", "modality", "pattern", "no-pattern")
ANNOTATION = re.compile(r"<!--\s*((?:todo-)?(?:%s))\s*:\s*([A-Za-z0-9_,\s-]+?)\s*-->"
                        % "|".join(sorted(KINDS, key=len, reverse=True)))
FIXTURE_GLOBS = ("cues/*.fixture.md", "lexicon/*.fixture.md")
SPECIAL = ("pseudo", "terminate")  # cue categories that never appear in claim.cues


@dataclass(frozen=True)
class Example:
    path: str
    line: int  # the annotated line (1-based)
    kind: str  # one of KINDS, without "todo-"
    target: str  # cue id, lexicon entry id or modality
    text: str
    todo: bool = False

    @property
    def name(self) -> str:
        return f"{'todo-' if self.todo else ''}{self.kind}:{self.target}:L{self.line}"

    def where(self) -> str:
        return f"{self.path}:{self.line}: {self.name}"


@dataclass(frozen=True)
class Outcome:
    example: Example
    passed: bool
    detail: str  # what the pipeline saw, or why the example could not be checked
    invalid: bool = False  # the annotation itself is wrong (unknown id, wrong kind): never run


@dataclass
class CueTestReport:
    outcomes: list[Outcome] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # cue / entry ids lacking a positive or negative example
    problems: list[str] = field(default_factory=list)  # annotations that cannot be checked

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.passed and not o.example.todo and not o.invalid]

    @property
    def todo(self) -> list[tuple[Outcome, str]]:
        return [(o, "now passes: remove the todo" if o.passed else "known failure")
                for o in self.outcomes if o.example.todo and not o.invalid]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.missing and not self.problems


# --- parsing -----------------------------------------------------------------------------------------


def examples(path: Path | str, raw: str) -> list[Example]:
    """Every annotation in ``raw``, each applied to the next text line."""
    found = []
    for kind, names, line, text in annotated_lines(raw, ANNOTATION):
        todo = kind.startswith("todo-")
        found.extend(Example(str(path), line, kind[5:] if todo else kind, name, text, todo) for name in names)
    return found


def fixture_paths(pack) -> list[Path]:
    paths = []
    for directory in pack.directories:
        for pattern in FIXTURE_GLOBS:
            paths.extend(sorted(Path(directory).glob(pattern)))
    return paths


def load_examples(pack) -> list[Example]:
    found = []
    for path in fixture_paths(pack):
        found.extend(examples(path, path.read_text(encoding="utf-8")))
    return found


# --- coverage and validity -----------------------------------------------------------------------------


def positive_kind(cue) -> str:
    return {"pseudo": "pseudo", "terminate": "terminates"}.get(cue.category, "cue")


def coverage(pack, found: list[Example]) -> list[str]:
    """Every cue and lexicon entry that lacks a positive or a negative example."""
    have = {(e.kind, e.target) for e in found}
    missing = []
    for cue in pack.cues:
        for kind in (positive_kind(cue), "no-cue"):
            if (kind, cue.id) not in have:
                missing.append(f"{cue.path}: cue {cue.id} has no '{kind}: {cue.id}' example")
    for entry in pack.lexicon:
        for kind in ("pattern", "no-pattern"):
            if (kind, entry.id) not in have:
                missing.append(f"{entry.path}: {entry.label} entry {entry.id} has no '{kind}: {entry.id}' example")
    return missing


def _context_cues(pack) -> frozenset[str]:
    """Cues the context passes give claims (extract/context.py) and the pack's page signals:
    ``cue:`` and ``no-cue:`` may name them too."""
    from claimcheck.extract.context import CONTEXT_CUES
    return CONTEXT_CUES | {signal.id for signal in pack.page_signals}


def problem(example: Example, pack) -> str | None:
    """Why an annotation cannot be checked (unknown id, wrong kind for the cue), or None."""
    cues = {c.id: c for c in pack.cues}
    entries = {e.id for e in pack.lexicon}
    if not example.text:
        return "no text line follows the annotation"
    if example.kind == "modality":
        allowed = {"asserted", *pack.precedence}
        return None if example.target in allowed else f"unknown modality (one of {', '.join(sorted(allowed))})"
    if example.kind in ("pattern", "no-pattern"):
        return None if example.target in entries else "unknown lexicon entry id"
    cue = cues.get(example.target)
    if cue is None and example.kind in ("cue", "no-cue") and example.target in _context_cues(pack):
        return None
    if cue is None:
        return "unknown cue id"
    if example.kind in ("cue", "pseudo", "terminates") and example.kind != positive_kind(cue):
        return f"cue {cue.id} is a {cue.category} cue: annotate its positive example '{positive_kind(cue)}:'"
    return None


# --- running --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Match:
    cue: str
    category: str
    start: int  # character offsets in the normalized text
    end: int


def _matches(tagger, doc, analysis) -> tuple[list[_Match], list[_Match]]:
    """Every cue match in ``doc`` (raw), and those the tagger keeps: pseudo cues applied, and
    cues inside a longer predicate phrase ("no" in "no side effects") left out, as the tagger does."""
    raw = []
    for match_id, start, end in tagger.matchers(doc):
        cue = doc.vocab.strings[match_id]
        raw.append(_Match(cue, tagger.cues[cue].category, doc[start].idx, doc[start:end].end_char))
    predicates = [t for t in analysis.terms if t.label == "PREDICATE"]
    kept = [_Match(s.id_, s.label_, s.start_char, s.end_char) for s in tagger._cue_spans(doc)
            if not any(p.start <= s.start_char and s.end_char <= p.end and p.end - p.start > s.end_char - s.start_char
                       for p in predicates)]
    return raw, kept


def _describe(analysis) -> str:
    if not analysis.claims:
        return "no claim"
    parts = []
    for claim in analysis.claims:
        cues = ", ".join(f"{c['cue']} '{c['text']}'" for c in claim.cues) or "no cue"
        parts.append(f"{claim.predicate_pattern} '{claim.predicate_text}' {claim.modality} ({cues})")
    return "claims: " + "; ".join(parts)


def _check(example: Example, analysis, raw: list[_Match], kept: list[_Match], pack) -> tuple[bool, str]:
    def carries(claim, cue_id):
        return any(c["cue"] == cue_id for c in claim.cues)

    claims = analysis.claims
    seen = _describe(analysis)
    kind, target = example.kind, example.target

    if kind in ("pattern", "no-pattern"):
        labels = {e.label for e in pack.lexicon if e.id == target}
        hit = (any(c.predicate_pattern == target for c in claims) if "predicate" in labels
               else any(t.entry == target for t in analysis.terms))
        terms = ", ".join(f"{t.label} {t.entry} '{t.text}'" for t in analysis.terms) or "none"
        return hit == (kind == "pattern"), f"{seen}; terms: {terms}"

    if kind == "modality":
        ok = bool(claims) and all(c.modality == target for c in claims)
        return ok, seen

    if target in _context_cues(pack) and target not in {c.id for c in pack.cues}:
        if kind == "cue":
            return any(carries(c, target) for c in claims), seen
        return bool(claims) and not any(carries(c, target) for c in claims), seen
    category = next(c.category for c in pack.cues if c.id == target)
    if kind == "cue":
        return any(carries(c, target) for c in claims), seen
    if kind == "no-cue":
        if not claims:
            return False, "no claim: a no-cue line needs a claim the cue could have reached"
        if category not in SPECIAL:
            return not any(carries(c, target) for c in claims), seen
        if any(m.cue == target for m in (raw if category == "pseudo" else kept)):
            return False, f"the {category} cue {target} matches the line; {seen}"
        return any(c.cues for c in claims), f"{seen} (wanted: some cue reaches a claim)"
    if kind == "pseudo":
        spans = [m for m in raw if m.cue == target]
        if not spans:
            return False, f"the pseudo cue {target} does not match; {seen}"
        looks = {m.category for m in raw for p in spans
                 if m.category not in SPECIAL and p.start <= m.start and m.end <= p.end}
        if not looks:
            return False, f"no look-alike cue inside the pseudo phrase; {seen}"
        if not claims:
            return False, "no claim"
        leaked = [c for c in claims if any(cue["category"] in looks for cue in c.cues)]
        return not leaked, f"{seen} (look-alike categories: {', '.join(sorted(looks))})"
    if kind == "terminates":
        stops = [m for m in kept if m.cue == target]
        if not stops:
            return False, f"the terminator {target} does not match; {seen}"
        stop = stops[0]
        before = {m.cue for m in kept if m.category not in SPECIAL and m.end <= stop.start}
        after = [c for c in claims if c.predicate_start >= stop.end]
        if not before:
            return False, f"no cue before the terminator '{analysis.text.text[stop.start:stop.end]}'; {seen}"
        if not after:
            return False, f"no claim after the terminator; {seen}"
        leaked = [c for c in after if any(cue["cue"] in before for cue in c.cues)]
        return not leaked, f"{seen} (cues before the terminator: {', '.join(sorted(before))})"
    raise ValueError(f"unknown kind {kind!r}")


def evaluate(found: list[Example], pack) -> list[Outcome]:
    """Check every example; each distinct line is one plain-text document, all in one ``analyze`` call."""
    from claimcheck.extract.pipeline import analyze, build_pipeline
    from claimcheck.normalize import normalize

    outcomes, runnable = [], []
    for example in found:
        why = problem(example, pack)
        if why:
            outcomes.append(Outcome(example, False, why, invalid=True))
        else:
            runnable.append(example)
    lines = list(dict.fromkeys(e.text for e in runnable))
    texts = [normalize(Source(f"line-{i}", "text/plain", line)) for i, line in enumerate(lines)]
    analyses = dict(zip(lines, analyze(texts, pack)))
    nlp = build_pipeline(pack)
    tagger = nlp.get_pipe("claimcheck_modality")
    matches = {line: _matches(tagger, nlp.make_doc(analyses[line].text.text), analyses[line]) for line in lines}
    for example in runnable:
        passed, detail = _check(example, analyses[example.text], *matches[example.text], pack)
        outcomes.append(Outcome(example, passed, detail))
    order = {e: i for i, e in enumerate(found)}
    return sorted(outcomes, key=lambda o: order[o.example])


def run_cue_tests(pack) -> CueTestReport:
    found = load_examples(pack)
    outcomes = evaluate(found, pack)
    return CueTestReport(outcomes=outcomes, missing=coverage(pack, found),
                         problems=[f"{o.example.where()}: {o.detail}" for o in outcomes if o.invalid])


def render(report: CueTestReport) -> str:
    """A plain-text summary: failures, todos, missing examples and problems."""
    lines = [f"FAIL {o.example.where()}\n     {o.example.text}\n     {o.detail}" for o in report.failed]
    lines += [f"TODO {o.example.where()}: {why}\n     {o.example.text}\n     {o.detail}" for o, why in report.todo]
    lines += [f"MISSING {m}" for m in report.missing]
    lines += [f"PROBLEM {p}" for p in report.problems]
    passed = sum(1 for o in report.outcomes if o.passed and not o.example.todo and not o.invalid)
    lines.append(f"{passed} passed, {len(report.failed)} failed, {len(report.todo)} todo, "
                 f"{len(report.missing)} missing, {len(report.problems)} problems")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # python -m claimcheck.testing.cues
    import sys

    from claimcheck.pack.rulepack import load_pack

    result = run_cue_tests(load_pack())
    sys.stdout.write(render(result))
    sys.exit(0 if result.ok else 1)
