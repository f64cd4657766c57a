"""The modality-cue and lexicon fixtures (rules/cues/*.fixture.md, rules/lexicon/*.fixture.md),
one test per annotated expectation, plus coverage: every cue and every lexicon entry has
a positive and a negative example. See claimcheck/cuetest.py for the annotations."""
from __future__ import annotations

import dataclasses

import pytest

from claimcheck.cuetest import coverage, evaluate, examples, fixture_paths, load_examples, problem
from claimcheck.rulepack import Cue, LexiconEntry, load_pack

PACK = load_pack()
EXAMPLES = load_examples(PACK)


@pytest.fixture(scope="module")
def outcomes():
    """Every annotated line analyzed once, in one ``analyze`` call."""
    return {o.example: o for o in evaluate(EXAMPLES, PACK)}


def _param(example):
    marks = [pytest.mark.xfail(reason="todo: known failure of the cue or lexicon data", strict=False)] \
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
