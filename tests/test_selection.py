"""Rule selection resolves like ruff's: specificity inside a layer, layers in
order (configuration, then command line), per-file-ignores last. Pure logic:
fake rules, no pipeline."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from claimcheck.project.config import PerFileIgnore
from claimcheck.project.selection import Layer, enabled_codes, glob_matches, unknown


@dataclass
class FakeRule:
    code: str
    name: str
    enabled: bool = True


RULES = [FakeRule("CC101", "unapproved-use"), FakeRule("CC102", "cure-guarantee"),
         FakeRule("CC201", "false-approval"), FakeRule("CC303", "missing-risk-disclosure"),
         FakeRule("CC921", "unused-suppression"), FakeRule("CC999", "experimental", enabled=False)]
DEFAULT = {"CC101", "CC102", "CC201", "CC303", "CC921"}


def resolve(*layers):
    return enabled_codes(RULES, list(layers))


def test_default_is_every_rule_on_by_default():
    assert resolve() == DEFAULT


def test_all_includes_rules_that_are_off_by_default():
    assert resolve(Layer(select=("ALL",))) == DEFAULT | {"CC999"}


def test_select_replaces_extend_select_adds_ignore_removes():
    assert resolve(Layer(select=("CC1",))) == {"CC101", "CC102"}
    assert resolve(Layer(select=("CC1",), extend_select=("CC201",))) == {"CC101", "CC102", "CC201"}
    assert resolve(Layer(ignore=("CC3",))) == DEFAULT - {"CC303"}
    assert resolve(Layer(extend_select=("CC999",))) == DEFAULT | {"CC999"}


def test_the_more_specific_selector_wins_within_a_layer():
    assert resolve(Layer(select=("CC1",), ignore=("CC101",))) == {"CC102"}
    assert resolve(Layer(select=("CC101",), ignore=("CC1",))) == {"CC101"}
    assert resolve(Layer(select=("ALL",), ignore=("CC",))) == set()
    assert resolve(Layer(select=("CC10",), ignore=("CC1",))) == {"CC101", "CC102"}


def test_at_equal_specificity_ignore_wins():
    assert resolve(Layer(select=("CC101", "CC102"), ignore=("CC101",))) == {"CC102"}


def test_names_count_as_exact_codes():
    assert resolve(Layer(select=("CC1",), ignore=("cure-guarantee",))) == {"CC101"}
    assert resolve(Layer(select=("unapproved-use",))) == {"CC101"}


def test_later_layers_build_on_earlier_ones():
    config = Layer(select=("CC1", "CC2"), ignore=("CC101",))
    assert resolve(config, Layer(select=("CC101",))) == {"CC101"}  # the command line's select wins
    assert resolve(config, Layer(extend_select=("CC303",))) == {"CC102", "CC201", "CC303"}
    assert resolve(config, Layer(ignore=("CC2",))) == {"CC102"}


def test_selectors_are_case_insensitive_for_codes():
    assert resolve(Layer(select=("cc102",))) == {"CC102"}
    assert resolve(Layer(select=("all",), ignore=("cc9",))) == DEFAULT - {"CC921"}


def test_unknown_selectors_are_found():
    assert unknown(["CC1", "CC199", "ALL", "unapproved-use", "unapproved"], RULES) == ["CC199", "unapproved"]


@pytest.mark.parametrize("pattern, path, expected", [
    ("legal/*.md", "legal/terms.md", True),
    ("legal/*.md", "legal/old/terms.md", False),
    ("legal/**/*.md", "legal/old/terms.md", True),
    ("legal/**/*.md", "legal/terms.md", True),
    ("legal/", "legal/old/terms.md", True),
    ("*.html", "site/deep/page.html", True),  # no "/": the file name is matched too
    ("site/*.html", "other/site/page.html", False),
    ("draft-?.md", "draft-1.md", True),
    ("draft-[0-9].md", "draft-x.md", False),
    ("!campaigns/**", "legal/terms.md", True),
    ("!campaigns/**", "campaigns/spring/page.md", False),
])
def test_per_file_ignore_globs(tmp_path, pattern, path, expected):
    entry = PerFileIgnore(pattern, ("CC1",), tmp_path)
    assert glob_matches(entry, str(tmp_path / path)) is expected


def test_globs_are_relative_to_the_configuration_folder(tmp_path, monkeypatch):
    entry = PerFileIgnore("legal/*.md", ("CC1",), tmp_path / "site")
    monkeypatch.chdir(tmp_path)
    assert glob_matches(entry, str(Path("site") / "legal" / "terms.md"))
    assert not glob_matches(entry, str(Path("legal") / "terms.md"))
