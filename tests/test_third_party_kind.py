"""A check kind from another package, registered through the ``claimcheck.kinds`` entry
point, runs a rule from a rule folder of that package's own: no change to claimcheck."""
from __future__ import annotations

import textwrap

import pytest

from claimcheck.evaluate.kinds import Check, load_kind, registered
from claimcheck.pack.rulepack import load_pack
from tests.conftest import check_text

KIND_MODULE = '''
"""A toy kind: flags every sentence that names a "miracle juice"."""
import re

from claimcheck.evaluate.hits import Hit

PARAMETERS = {"type": "object", "properties": {"phrase": {"type": "string"}}, "required": ["phrase"]}


def compile(rule, pack):
    pattern = re.compile(re.escape(rule.parameters["phrase"]), re.I)

    def check(analysis, findings=()):
        for start, end in analysis.sentences:
            match = pattern.search(analysis.text.text, start, end)
            if match:
                yield Hit(match.start(), match.end(), None, explanation={"toy": True})
    return check
'''

RULE = """\
code: CC990
name: miracle-juice
kind: toy_phrase
category: cure-guarantee
severity: major
scope: claim
message: "'{text}' sells a miracle"
suggestion: "Say what the product does and for whom."
parameters:
  phrase: miracle juice
docs:
  what: Flags a miracle juice.
  why: No juice is a miracle.
  example: "Our miracle juice heals."
  use_instead: "Describe the product plainly."
  references: [ftc-endorsement-guides-2023]
"""


@pytest.fixture()
def third_party(tmp_path, monkeypatch):
    site = tmp_path / "site-packages"
    (site / "toykind").mkdir(parents=True)
    (site / "toykind" / "__init__.py").write_text(textwrap.dedent(KIND_MODULE))
    info = site / "toykind-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: toykind\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[claimcheck.kinds]\ntoy_phrase = toykind\n")
    monkeypatch.syspath_prepend(str(site))
    registered.cache_clear()
    rules = tmp_path / "juice-pack" / "checks"
    rules.mkdir(parents=True)
    (rules / "CC990-miracle-juice.yaml").write_text(RULE)
    yield tmp_path / "juice-pack"
    registered.cache_clear()


def test_a_kind_from_another_package_runs_its_rules(third_party):
    assert "toy_phrase" in registered()
    assert isinstance(load_kind("toy_phrase"), Check)
    pack = load_pack((str(third_party),))
    assert not pack.problems, pack.problems
    findings = check_text("Drink our Miracle Juice every morning.", pack=pack).result.findings
    toy = [(f.code, f.text, f.message, f.explanation["toy"]) for f in findings if f.code == "CC990"]
    assert toy == [("CC990", "Miracle Juice", "'Miracle Juice' sells a miracle", True)]
    assert not [f for f in check_text("Drink our Miracle Juice every morning.").result.findings
                if f.code == "CC990"]  # the built-in pack alone has no such rule


def test_an_unknown_kind_is_one_problem_naming_the_file(tmp_path):
    rules = tmp_path / "pack" / "checks"
    rules.mkdir(parents=True)
    (rules / "CC991-x.yaml").write_text(RULE.replace("CC990", "CC991").replace("toy_phrase", "no_such_kind"))
    pack = load_pack((str(tmp_path / "pack"),))
    (problem,) = pack.problems
    assert problem.path.endswith("CC991-x.yaml") and "unknown kind 'no_such_kind'" in problem.message


def test_the_built_in_kinds_satisfy_the_protocol():
    for name in ("approval_status", "claim_phrase", "donor_rejection", "missing_disclosure", "unapproved_use"):
        assert isinstance(load_kind(name), Check)
