"""Rule packs as first-class: ``claimcheck test`` on a pack's annotated fixtures,
``claimcheck docs`` and the committed pages (stale pages fail here), and
``claimcheck rules`` listing the suppression meta-rules."""
from __future__ import annotations

import filecmp
from pathlib import Path

from tests.clitools import invoke, write, write_rule_pack

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "rules"


def test_a_passing_pack(tmp_path):
    pack = write_rule_pack(tmp_path / "house", "HSE201", "ftc-endorsement-guides-2023")
    result = invoke("test", pack)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == (
        "1 rule(s): 1 passed, 0 failed; expectations: 2 passed, 0 failed, 0 todo")


def test_failures_are_path_line_and_exit_1(tmp_path):
    pack = write_rule_pack(tmp_path / "house", "HSE202", "ftc-endorsement-guides-2023")
    fixture = pack / "checks" / "HSE202-house-patient-story.md"
    fixture.write_text(fixture.read_text() + "\n<!-- ruleid: HSE202 -->\nBook your consultation today.\n")
    result = invoke("test", pack)
    assert result.exit_code == 1
    assert f"{fixture}:10: ruleid HSE202: expected a finding, got none" in result.stdout
    assert "FAIL HSE202 house-patient-story" in result.stdout


def test_todo_annotations_are_reported_without_failing(tmp_path):
    pack = write_rule_pack(tmp_path / "house", "HSE203", "ftc-endorsement-guides-2023")
    fixture = pack / "checks" / "HSE203-house-patient-story.md"
    fixture.write_text(fixture.read_text()
                       + "\n<!-- todoruleid: HSE203 -->\nBook your consultation today.\n"
                       + "\n<!-- todook: HSE203 -->\nOur patients report less knee pain after a stem cell injection.\n"
                       + "\n<!-- todoruleid: HSE203 -->\nHe was back on the tennis court a month after his stem cell "
                         "injection.\n")
    result = invoke("test", pack)
    assert result.exit_code == 0, result.output
    assert f"{fixture}:10: todoruleid HSE203: known gap (expected a finding, got none)" in result.stdout
    assert f"{fixture}:13: todook HSE203: known gap (expected no finding, got one)" in result.stdout
    assert f"{fixture}:16: todoruleid HSE203: now passes; change it to 'ruleid'" in result.stdout
    assert result.stdout.strip().endswith("2 todo, 1 todo now passing")


def test_a_broken_rule_file_fails_the_pack(tmp_path):
    pack = write_rule_pack(tmp_path / "house", "HSE204", "ftc-endorsement-guides-2023")
    broken = write(pack / "checks" / "HSE205-typo.yaml", "code: HSE205\nname: typo\nkidn: claim_phrase\n")
    result = invoke("test", pack)
    assert result.exit_code == 1
    assert str(broken) in result.stderr


def test_a_rule_without_an_ok_example_fails(tmp_path):
    pack = write_rule_pack(tmp_path / "house", "HSE206", "ftc-endorsement-guides-2023")
    fixture = pack / "checks" / "HSE206-house-patient-story.md"
    fixture.write_text(fixture.read_text().replace("<!-- ok: HSE206 -->", ""))
    result = invoke("test", pack)
    assert result.exit_code == 1
    assert "fixtures have no 'ok: HSE206' example" in result.stdout


def test_an_empty_folder_is_a_usage_error(tmp_path):
    result = invoke("test", tmp_path)
    assert result.exit_code == 2
    assert "no rules found" in result.stderr


def test_committed_rule_docs_are_current(tmp_path):
    result = invoke("docs", "-o", tmp_path)
    assert result.exit_code == 0, result.output
    generated = sorted(p.name for p in tmp_path.iterdir())
    committed = sorted(p.name for p in DOCS.iterdir())
    stale = [name for name in generated if name not in committed or not filecmp.cmp(tmp_path / name, DOCS / name,
                                                                                     shallow=False)]
    extra = [name for name in committed if name not in generated]
    assert not stale and not extra, (
        f"docs/rules is stale (changed: {stale}, no longer generated: {extra}); "
        "run 'claimcheck docs -o docs/rules' and commit the result")


def test_docs_are_deterministic_and_indexed(tmp_path):
    invoke("docs", "-o", tmp_path / "a")
    invoke("docs", "-o", tmp_path / "b")
    assert not filecmp.dircmp(tmp_path / "a", tmp_path / "b").diff_files
    index = (tmp_path / "a" / "index.md").read_text()
    pages = [p.name for p in (tmp_path / "a").iterdir() if p.name != "index.md"]
    assert pages and all(f"]({name})" in index for name in pages)
    assert "/work/" not in index and str(ROOT) not in (tmp_path / "a" / pages[0]).read_text()


def test_docs_remove_pages_of_rules_that_are_gone(tmp_path):
    stale = write(tmp_path / "CC199-retired-rule.md", "# old\n")
    keep = write(tmp_path / "notes.md", "# our own notes\n")
    result = invoke("docs", "-o", tmp_path)
    assert not stale.exists() and keep.exists()
    assert "removed" in result.stdout


def test_rules_lists_the_suppression_meta_rules():
    result = invoke("rules")
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert {"CC920", "CC921", "CC922"} <= set(listed)
    assert "unused-suppression" in invoke("rule", "CC921").stdout


def _house_lexicon(pack: Path, entries: str) -> Path:
    return write(pack / "lexicon" / "house-predicates.yaml", """
        label: predicate
        description: A house lexicon.
        entries:
        """ + entries)


def test_a_token_pattern_word_the_tokenizer_splits_fails_the_pack_at_its_line(tmp_path):
    pack = write_rule_pack(tmp_path / "house", "HSE207", "ftc-endorsement-guides-2023")
    lexicon = _house_lexicon(pack, """
          - id: house-pain-free
            class: testimonial
            patterns:
              - [{LOWER: {IN: [i, she]}}, {LOWER: {IN: [was, is]}},
                 {LOWER: {IN: [free, "pain-free"]}}]
        """)
    result = invoke("test", pack)
    assert result.exit_code == 1
    assert (f"{lexicon}:9: error: house-pain-free: pattern 0, token 2: 'pain-free' is 3 tokens to the tokenizer "
            f"(pain - free)") in result.stderr
    # Written as one token spec per token, the same pattern is fine (another folder: a
    # process loads each rule pack once).
    fixed = write_rule_pack(tmp_path / "fixed", "HSE207", "ftc-endorsement-guides-2023")
    write(fixed / "lexicon" / "house-predicates.yaml", lexicon.read_text().replace(
        '{LOWER: {IN: [free, "pain-free"]}}', '{LOWER: "pain", OP: "?"}, {LOWER: "-", OP: "?"}, {LOWER: "free"}'))
    result = invoke("test", fixed)
    assert result.exit_code == 0, result.output


def test_words_that_are_whole_tokens_in_context_are_accepted(tmp_path):
    pack = write_rule_pack(tmp_path / "house", "HSE208", "ftc-endorsement-guides-2023")
    _house_lexicon(pack, """
          - id: house-clitics
            class: testimonial
            patterns:
              - [{LOWER: {IN: [i, he]}}, {LOWER: {IN: ["'m", "'s", "n't"]}}, {ORTH: "%", OP: "?"}]
        """)
    result = invoke("test", pack)
    assert result.exit_code == 0, result.output


def test_a_duplicate_lexicon_id_is_reported_at_its_line(tmp_path):
    pack = write_rule_pack(tmp_path / "house", "HSE209", "ftc-endorsement-guides-2023")
    lexicon = _house_lexicon(pack, """
          - id: house-story
            class: testimonial
            phrases: ["my story"]
          - id: house-story
            class: testimonial
            phrases: ["her story"]
        """)
    result = invoke("test", pack)
    assert result.exit_code == 1
    assert f"{lexicon}:8: error: entries: duplicate id 'house-story' [CC910]" in result.stderr


def test_the_shipped_pack_has_no_dead_token_pattern_words():
    import spacy

    from claimcheck.extract.patterns import pattern_problems
    from claimcheck.pack.rulepack import load_pack

    pack = load_pack()
    assert not pack.problems
    assert [p.render() for p in pattern_problems([*pack.cues, *pack.lexicon], spacy.blank("en").tokenizer)] == []


def test_an_unquoted_yaml_boolean_in_a_pattern_is_explained(tmp_path):
    pack = write_rule_pack(tmp_path / "house", "HSE210", "ftc-endorsement-guides-2023")
    lexicon = _house_lexicon(pack, """
          - id: house-switch
            class: testimonial
            patterns:
              - [{LOWER: {IN: [switched, off]}}, {LOWER: "pain"}]
        """)
    result = invoke("test", pack)
    assert result.exit_code == 1
    assert f"{lexicon}:8: error:" in result.stderr
    assert "YAML reads unquoted on, off, yes and no as true or false: quote them" in result.stderr
