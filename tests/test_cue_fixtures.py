"""The modality-cue and lexicon fixtures (rules/cues/*.fixture.md, rules/lexicon/*.fixture.md),
one test per annotated expectation, plus coverage: every cue and every lexicon entry has
a positive and a negative example. See claimcheck/cuetest.py for the annotations."""
from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import pytest
from spacy.matcher import Matcher

from claimcheck.testing.cues import (Example, coverage, evaluate, examples, fixture_paths, load_examples, positive_kind,
                                problem)
from claimcheck.pack.rulepack import Cue, LexiconEntry, load_pack

PACK = load_pack()
EXAMPLES = load_examples(PACK)


@pytest.fixture(scope="module")
def outcomes():
    """Every annotated line analyzed once, in one ``analyze`` call."""
    return {o.example: o for o in evaluate(EXAMPLES, PACK)}


def _param(example):
    # strict: a todo line that now passes fails the suite, so the annotation is kept honest.
    marks = [pytest.mark.xfail(reason="todo: known failure of the cue or lexicon data", strict=True)] \
        if example.todo else []
    return pytest.param(example, id=example.name, marks=marks)


@pytest.mark.parametrize("example", [_param(e) for e in EXAMPLES])
def test_fixture_line(example, outcomes):
    outcome = outcomes[example]
    assert outcome.passed, f"{example.where()}\n  {example.text}\n  {outcome.detail}"


def test_fixture_files_exist():
    names = {p.name for p in fixture_paths(PACK)}
    assert {"modality.fixture.md", "predicates.fixture.md"} <= names
    assert len(EXAMPLES) >= 2 * (len(PACK.cues) + len(PACK.lexicon))


def test_every_cue_and_lexicon_entry_has_both_examples():
    missing = coverage(PACK, EXAMPLES)
    assert not missing, "\n".join(missing)


def test_annotations_name_known_ids():
    bad = [f"{e.where()}: {why}" for e in EXAMPLES if (why := problem(e, PACK))]
    assert not bad, "\n".join(bad)


def test_new_cue_or_entry_without_examples_is_reported():
    cue = Cue("brand-new-cue", "hedged", "forward", ["arguably"], [], None, "cues/extra.yaml")
    pseudo = Cue("brand-new-pseudo", "pseudo", "none", ["not least"], [], None, "cues/extra.yaml")
    entry = LexiconEntry("brand-new-entry", "predicate", "treat", ["mends"], [], [], "lexicon/extra.yaml")
    pack = dataclasses.replace(PACK, cues=[*PACK.cues, cue, pseudo], lexicon=[*PACK.lexicon, entry])
    missing = coverage(pack, EXAMPLES)
    assert any("'cue: brand-new-cue'" in m for m in missing)
    assert any("'no-cue: brand-new-cue'" in m for m in missing)
    assert any("'pseudo: brand-new-pseudo'" in m for m in missing)
    assert any("'pattern: brand-new-entry'" in m for m in missing)
    assert any("'no-pattern: brand-new-entry'" in m for m in missing)


def test_annotation_targets_next_text_line(tmp_path):
    raw = ("<!-- cue: negation-particles, negation-evidence -->\n\n"
           "There is no proof that stem cells cure MS.\n"
           "<!-- todo-no-pattern: treat-verbs -->\n<!-- modality: hedged -->\n"
           "Stem cells may help arthritis.\n")
    found = examples(tmp_path / "x.fixture.md", raw)
    assert [(e.kind, e.target, e.line, e.todo) for e in found] == [
        ("cue", "negation-particles", 3, False), ("cue", "negation-evidence", 3, False),
        ("no-pattern", "treat-verbs", 6, True), ("modality", "hedged", 6, False)]
    assert found[0].text == "There is no proof that stem cells cure MS."
    assert found[2].name == "todo-no-pattern:treat-verbs:L6"


def test_wrong_expectations_fail():
    """The checks are not vacuous: inverted annotations on fixture-style lines fail."""
    wrong = [
        examples("x.md", "<!-- no-cue: negation-particles -->\nStem cells never heal a torn meniscus.\n"),
        examples("x.md", "<!-- cue: hedge-modals -->\nStem cells heal a torn meniscus.\n"),
        examples("x.md", "<!-- pseudo: pseudo-negation -->\nStem cells do not heal a torn meniscus.\n"),
        examples("x.md", "<!-- terminates: terminators -->\nStem cells do not heal a torn meniscus.\n"),
        examples("x.md", "<!-- no-cue: terminators -->\nIt is no cure, but stem cells heal a torn meniscus.\n"),
        examples("x.md", "<!-- modality: negated -->\nStem cells heal a torn meniscus.\n"),
        examples("x.md", "<!-- pattern: cure-words -->\nStem cells heal a torn meniscus.\n"),
        examples("x.md", "<!-- no-pattern: we-offer -->\nWe offer stem cells for a torn meniscus.\n"),
        examples("x.md", "<!-- cue: no-such-cue -->\nStem cells heal a torn meniscus.\n"),
    ]
    results = evaluate([e for group in wrong for e in group], PACK)
    assert len(results) == len(wrong)
    assert [o.example.kind for o in results if o.passed] == []


# --- every token pattern has a positive example of its own --------------------------------------------


def _positive_lines(item) -> list[Example]:
    """The passing-kind (not todo) positive examples for a cue or lexicon entry, from the fixture
    files in the folder of the YAML file that defines it (cues/*.fixture.md, lexicon/*.fixture.md)."""
    kind = positive_kind(item) if isinstance(item, Cue) else "pattern"
    folder = Path(item.path).parent
    return [e for e in EXAMPLES if not e.todo and e.kind == kind and e.target == item.id
            and Path(e.path).parent == folder]


def _pattern_params():
    params, seen = [], Counter()
    for item in [*PACK.cues, *PACK.lexicon]:
        if item.patterns:
            name = f"{Path(item.path).name}:{item.id}"
            seen[name] += 1  # an id defined twice in one file gets a case of its own: neither hides the other
            params.append(pytest.param(item, id=name if seen[name] == 1 else f"{name}#{seen[name]}"))
    return params


@pytest.fixture(scope="module")
def tokenized():
    """Each positive fixture line, normalized as ``cuetest`` does and tokenized by the pipeline's tokenizer."""
    from claimcheck.extract.pipeline import build_pipeline
    from claimcheck.model import Source
    from claimcheck.normalize import normalize

    nlp = build_pipeline(PACK)
    lines = dict.fromkeys(e.text for e in EXAMPLES)
    return nlp, {line: nlp.make_doc(normalize(Source("line", "text/plain", line)).text) for line in lines}


def _uncovered(item, nlp, docs) -> list[int]:
    """The indexes of the item's token patterns that no positive example of it matches on its own."""
    positives = _positive_lines(item)
    uncovered = []
    for index, pattern in enumerate(item.patterns):
        matcher = Matcher(nlp.vocab, validate=True)
        matcher.add(f"{item.id}-{index}", [pattern])
        if not any(matcher(docs[e.text]) for e in positives):
            uncovered.append(index)
    return uncovered


@pytest.mark.parametrize("item", _pattern_params())
def test_every_token_pattern_has_a_positive_example(item, tokenized):
    """Each token pattern (not phrase) of a cue or lexicon entry matches, on its own, at least one
    positive fixture line of that entry: a per-id example can leave a pattern never exercised."""
    nlp, docs = tokenized
    uncovered = _uncovered(item, nlp, docs)
    positives = _positive_lines(item)
    fixtures = sorted({e.path for e in positives}) or [f"{Path(item.path).parent}/*.fixture.md"]
    assert not uncovered, "\n".join(
        f"{', '.join(fixtures)}: {item.id} ({item.path}) pattern {index} matches none of its "
        f"{len(positives)} positive fixture lines: {item.patterns[index]}" for index in uncovered)


def test_token_pattern_without_its_own_example_is_reported(tokenized):
    """An extra pattern on an entry whose other patterns have examples is still caught."""
    nlp, docs = tokenized
    entry = next(e for e in PACK.lexicon if e.id == "success-rate")
    extra = [{"LOWER": "never-in-any-fixture"}, {"LIKE_NUM": True}]
    assert _uncovered(dataclasses.replace(entry, patterns=[*entry.patterns, extra]), nlp, docs) == [
        len(entry.patterns)]
