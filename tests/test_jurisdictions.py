"""A jurisdiction is a rule-pack folder: a toy one, written here with its own knowledge base,
a rule of a built-in kind and a rule of a check kind from a temporary package (registered
through the ``claimcheck.kinds`` entry point), is selected by flag or configuration with no
change to claimcheck's code, and its findings appear; the US pack's do not."""
from __future__ import annotations

from pathlib import Path

import pytest

from claimcheck.pack.rulepack import load_pack
from tests.clitools import check_json, codes, invoke, write
from tests.test_third_party_kind import RULE as TOY_KIND_RULE
from tests.test_third_party_kind import third_party  # noqa: F401  (the temporary package's fixture)

AD = "Drink our miracle juice every morning.\n\nOur stem cell injections cure knee arthritis.\n"


def write_toy_jurisdiction(folder: Path) -> Path:
    """Jurisdiction XX: one source, one cell product (what makes a crawled page relevant), a
    patient-story rule of a built-in kind and the toy kind's rule."""
    write(folder / "pack.yaml", """
        name: A toy jurisdiction for tests
        jurisdiction: XX
        """)
    write(folder / "kb" / "sources.yaml", """
        sources:
          - id: xx-advertising-code
            issuer: XX Advertising Standards Board
            title: Code for health advertising
            date: "2025"
        products:
          - id: xx-stem-cells
            name: Stem cells
            origin: either
            hematopoietic: false
            generic: true
            terms: [stem cell, stem cells]
            sources: [xx-advertising-code]
        """)
    write(folder / "checks" / "XX101-patient-story.yaml", """
        code: XX101
        name: patient-story
        kind: claim_phrase
        category: testimonial
        severity: major
        scope: claim
        message: "XX forbids patient stories about {product}"
        parameters:
          predicates: [testimonial]
          cell_context: document
        docs:
          what: Flags patient stories.
          why: The XX code bans testimonials in health advertising.
          example: "She was back on the golf course in three weeks."
          use_instead: "Describe the treatment and its risks, not a patient."
          references: [xx-advertising-code]
        """)
    (folder / "checks" / "XX102-miracle-juice.yaml").write_text(
        TOY_KIND_RULE.replace("CC990", "XX102").replace("ftc-endorsement-guides-2023", "xx-advertising-code"))
    return folder


def test_a_jurisdiction_folder_brings_its_own_law(tmp_path, third_party):  # noqa: F811
    pack_folder = write_toy_jurisdiction(tmp_path / "packs" / "xx")
    ad = write(tmp_path / "ad.md", AD)

    report, status = check_json("--jurisdiction", "XX", "--rule-path", pack_folder, ad)
    assert report["jurisdiction"] == "XX"
    assert status == 1
    found = codes(report)
    assert "XX102" in found  # the third-party kind's rule of the XX pack
    assert not {code for code in found if code.startswith("CC1") or code.startswith("CC2")}  # no US law

    # The default jurisdiction is US: the XX pack's rules stay out, the built-in ones apply.
    report, _ = check_json("--rule-path", pack_folder, ad)
    assert report["jurisdiction"] == "US"
    assert "CC101" in codes(report) and not {c for c in codes(report) if c.startswith("XX")}


def test_the_configuration_selects_the_jurisdiction(tmp_path, third_party):  # noqa: F811
    write_toy_jurisdiction(tmp_path / "packs" / "xx")
    write(tmp_path / ".claimcheck.yaml", """
        jurisdiction: XX
        rule-paths: [packs/xx]
        """)
    ad = write(tmp_path / "ad.md", AD)
    report, _ = check_json(ad)
    assert report["jurisdiction"] == "XX" and "XX102" in codes(report)


def test_a_jurisdiction_no_pack_names_is_one_line_and_exit_2(tmp_path):
    ad = write(tmp_path / "ad.md", AD)
    result = invoke("check", "--jurisdiction", "ZZ", ad)
    assert result.exit_code == 2
    assert result.stderr.strip() == ("--jurisdiction: error: jurisdiction 'ZZ': no rule pack's pack.yaml names it "
                                     "(the packs in use name: US) [CC912]")


def test_lexicon_and_cues_apply_to_every_jurisdiction(tmp_path, third_party):  # noqa: F811
    pack_folder = write_toy_jurisdiction(tmp_path / "packs" / "xx")
    us, xx = load_pack((str(pack_folder),)), load_pack((str(pack_folder),), jurisdiction="XX")
    assert us.jurisdictions.keys() == xx.jurisdictions.keys() == {"US", "XX"}
    assert [len(us.lexicon), len(us.cues)] == [len(xx.lexicon), len(xx.cues)] != [0, 0]
    assert {r.code for r in xx.rules} == {"XX101", "XX102"}
    assert set(xx.kb.products) == {"xx-stem-cells"} and "xx-stem-cells" not in us.kb.products  # each its own law


def test_no_builtin_pack_leaves_only_the_given_packs(tmp_path, third_party):  # noqa: F811
    pack_folder = write_toy_jurisdiction(tmp_path / "packs" / "xx")
    ad = write(tmp_path / "ad.md", AD)
    report, _ = check_json("--no-builtin-pack", "--jurisdiction", "XX", "--rule-path", pack_folder, ad)
    assert codes(report) <= {"XX101", "XX102"} and "XX102" in codes(report)


@pytest.mark.parametrize("manifest, message", [
    ("name: x\njurisdiction: us\n", "jurisdiction"),
    ("name: x\ncountry: US\n", "country"),
])
def test_an_invalid_manifest_is_a_rule_pack_problem(tmp_path, manifest, message):
    folder = tmp_path / "pack"
    write(folder / "pack.yaml", manifest)
    (folder / "checks").mkdir()
    pack = load_pack((str(folder),))
    (problem,) = [p for p in pack.problems if p.path.endswith("pack.yaml")]
    assert problem.code == "CC910" and message in problem.message and problem.line


def test_claimcheck_test_runs_a_jurisdiction_pack_under_its_own_law(tmp_path, third_party):  # noqa: F811
    pack_folder = write_toy_jurisdiction(tmp_path / "packs" / "xx")
    write(pack_folder / "checks" / "XX102-miracle-juice.md", """
        <!-- ruleid: XX102 -->
        Our miracle juice heals everything.

        <!-- ok: XX102 -->
        Our juice is made from apples.
        """)
    write(pack_folder / "checks" / "XX101-patient-story.md", """
        <!-- ruleid: XX101 -->
        After her stem cell injection, she was back on the golf course in three weeks.

        <!-- ok: XX101 -->
        Stem cell therapy has not been proven to help knee pain.
        """)
    result = invoke("test", pack_folder)
    assert result.exit_code == 0, result.output
    assert "2 rule(s): 2 passed, 0 failed; expectations: 4 passed" in result.output


def test_scan_checks_pages_under_the_jurisdiction_asked_for(tmp_path, third_party):  # noqa: F811
    import sqlite3

    pack_folder = write_toy_jurisdiction(tmp_path / "packs" / "xx")
    crawl = write(tmp_path / "crawl.jsonl",
                  '{"url": "https://juice.example/", "html": "<p>Drink our miracle juice with stem cells daily.</p>"}\n')
    db = tmp_path / "results.sqlite"
    result = invoke("scan", crawl, "--db", db, "--workers", "1", "--quiet",
                    "--jurisdiction", "XX", "--rule-path", pack_folder)
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db) as connection:
        found = {code for (code,) in connection.execute("SELECT code FROM findings")}
    assert "XX102" in found and not {c for c in found if c.startswith("CC1") or c.startswith("CC2")}
    refused = invoke("scan", crawl, "--db", tmp_path / "other.sqlite", "--jurisdiction", "ZZ")
    assert refused.exit_code == 2 and "jurisdiction 'ZZ'" in refused.stderr
