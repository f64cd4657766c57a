"""Configuration files: discovery (nearest wins), validation (one line per
problem), and the options they share with the command line."""
from __future__ import annotations

from tests.clitools import (RISKS_LINE, VIOLATING_LINE, check_json, codes, findings, invoke, write,
                            write_rule_pack)

AD = f"# Knee care\n\n{VIOLATING_LINE}\n\n{RISKS_LINE}\n"


def test_claimcheck_yaml_is_found_from_the_files_folder_upward(tmp_path):
    write(tmp_path / ".claimcheck.yaml", "ignore: [CC102]\n")
    ad = write(tmp_path / "site" / "ads" / "knee.md", AD)
    report, _ = check_json(ad)
    assert "CC101" in codes(report)
    assert "CC102" not in codes(report)
    assert report["configs"] == [str((tmp_path / ".claimcheck.yaml").resolve())]


def test_pyproject_tool_table_is_a_configuration(tmp_path):
    write(tmp_path / "pyproject.toml", """
        [project]
        name = "marketing-site"

        [tool.claimcheck]
        select = ["CC102"]
        """)
    report, _ = check_json(write(tmp_path / "knee.md", AD))
    assert codes(report) == {"CC102"}


def test_pyproject_without_our_table_is_skipped(tmp_path):
    write(tmp_path / ".claimcheck.yaml", "select: [CC101]\n")
    write(tmp_path / "ads" / "pyproject.toml", "[tool.black]\nline-length = 100\n")
    report, _ = check_json(write(tmp_path / "ads" / "knee.md", AD))
    assert codes(report) == {"CC101"}


def test_nearest_configuration_wins_whole(tmp_path):
    write(tmp_path / ".claimcheck.yaml", "ignore: [CC101]\n")
    write(tmp_path / "landing" / "pyproject.toml", '[tool.claimcheck]\nignore = ["CC102"]\n')
    top = write(tmp_path / "top.md", AD)
    nested = write(tmp_path / "landing" / "nested.md", AD)
    report, _ = check_json(top, nested)
    assert "CC101" not in codes(report, top) and "CC102" in codes(report, top)
    # Not merged with the parent's: CC101 runs again below "landing".
    assert "CC101" in codes(report, nested) and "CC102" not in codes(report, nested)


def test_yaml_beats_pyproject_in_the_same_folder(tmp_path):
    write(tmp_path / ".claimcheck.yaml", "select: [CC101]\n")
    write(tmp_path / "pyproject.toml", '[tool.claimcheck]\nselect = ["CC102"]\n')
    report, _ = check_json(write(tmp_path / "knee.md", AD))
    assert codes(report) == {"CC101"}


def test_config_option_replaces_discovery_and_isolated_ignores_files(tmp_path):
    write(tmp_path / ".claimcheck.yaml", "select: [CC101]\n")
    other = write(tmp_path / "elsewhere" / "strict.yaml", "select: [CC102]\n")
    ad = write(tmp_path / "knee.md", AD)
    assert codes(check_json(ad)[0]) == {"CC101"}
    assert codes(check_json("--config", other, ad)[0]) == {"CC102"}
    assert {"CC101", "CC102"} <= codes(check_json("--isolated", ad)[0])


def test_a_typo_in_a_key_is_one_line_naming_file_line_key_and_the_fix(tmp_path):
    config = write(tmp_path / ".claimcheck.yaml", "ignore: [CC102]\nselct: [CC1]\n")
    result = invoke("check", write(tmp_path / "knee.md", AD))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{config.resolve()}:2: error: unknown key 'selct'")
    assert "did you mean 'select'?" in lines[0]
    assert result.stdout == ""  # stopped before any checking


def test_a_typo_in_pyproject_points_at_its_line(tmp_path):
    config = write(tmp_path / "pyproject.toml", """
        [project]
        name = "x"

        [tool.claimcheck]
        select = ["CC1"]
        ignroe = ["CC102"]
        """)
    result = invoke("check", write(tmp_path / "knee.md", AD))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"{config.resolve()}:6: error: unknown key 'ignroe' (did you mean 'ignore'? expected one of: exclude, "
        "extend-exclude, extend-select, fail-on, ignore, jurisdiction, knowledge-base, per-file-ignores, "
        "respect-gitignore, rule-docs-url, rule-paths, select, severity) [CC912]"]


def test_wrong_types_and_values_say_what_was_expected(tmp_path):
    write(tmp_path / ".claimcheck.yaml", "select: CC101\nfail-on: worst\njurisdiction: united states\n")
    result = invoke("check", write(tmp_path / "knee.md", AD))
    assert result.exit_code == 2
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 3
    assert any(":1: error: select: expected array, got str 'CC101'" in e for e in errors)
    assert any(":2: error: fail-on: 'worst' is not one of critical, major, minor, info" in e for e in errors)
    assert any(":3: error: jurisdiction: 'united states' is not a jurisdiction's name in capitals (US, EU, UK, CA-ON)"
               in e for e in errors)


def test_an_unknown_rule_selector_is_an_error(tmp_path):
    config = write(tmp_path / ".claimcheck.yaml", "select: [CC1]\nignore: [CC199]\n")
    result = invoke("check", write(tmp_path / "knee.md", AD))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{config.resolve()}:2: error: ignore: unknown rule selector 'CC199'")
    result = invoke("check", "--isolated", "--select", "CC1,CC888", tmp_path / "knee.md")
    assert result.exit_code == 2
    assert "command line: error: --select: unknown rule selector 'CC888'" in result.stderr


def test_command_line_wins_over_the_configuration(tmp_path):
    write(tmp_path / ".claimcheck.yaml", "select: [CC101]\nfail-on: critical\n")
    ad = write(tmp_path / "knee.md", AD)
    assert codes(check_json("--select", "CC102", ad)[0]) == {"CC102"}
    assert codes(check_json("--extend-select", "CC102", ad)[0]) == {"CC101", "CC102"}
    assert codes(check_json("--ignore", "CC101", "--extend-select", "CC102", ad)[0]) == {"CC102"}


def test_fail_on_and_severity_overrides_from_the_configuration(tmp_path):
    ad = write(tmp_path / "knee.md", AD)
    write(tmp_path / ".claimcheck.yaml", "select: [CC1]\nseverity:\n  CC101: minor\n  cure-guarantee: major\n")
    report, code = check_json(ad)
    assert {f["code"]: f["severity"] for f in findings(report)} == {"CC101": "minor", "CC102": "major"}
    assert code == 1  # major is at the default fail-on
    write(tmp_path / ".claimcheck.yaml", "select: [CC1]\nseverity: {CC101: minor, CC102: major}\nfail-on: critical\n")
    assert check_json(ad)[1] == 0
    assert check_json("--fail-on", "major", ad)[1] == 1


def test_per_file_ignores_use_globs_relative_to_the_configuration(tmp_path):
    write(tmp_path / ".claimcheck.yaml", """
        per-file-ignores:
          "legal/*.md": [CC1]
          "*.html": [CC102]
          "!campaigns/**": [CC304]
        """)
    legal = write(tmp_path / "legal" / "terms.md", AD)
    deep = write(tmp_path / "legal" / "archive" / "old.md", AD)
    page = write(tmp_path / "campaigns" / "spring" / "page.html", f"<p>{VIOLATING_LINE}</p><p>{RISKS_LINE}</p>")
    report, _ = check_json(legal, deep, page)
    assert not {c for c in codes(report, legal) if c.startswith("CC1")}
    assert "CC101" in codes(report, deep)  # "*" stays within one folder, as in ruff
    assert "CC304" not in codes(report, legal)  # outside campaigns/: the negated glob matches
    assert "CC102" not in codes(report, page) and "CC101" in codes(report, page)
    assert "CC304" in codes(report, page)


def test_rule_paths_and_knowledge_base_apply_only_where_configured(tmp_path):
    write(tmp_path / "shared" / "house-sources.yaml", """
        sources:
          - id: house-legal-rules
            issuer: Summit Legal
            title: Advertising rules of the house
            date: "2024"
        """)
    write_rule_pack(tmp_path / "shared" / "house-pack", "HSE101", "house-legal-rules")
    write(tmp_path / "brand" / ".claimcheck.yaml", """
        rule-paths: [../shared/house-pack]
        knowledge-base: [../shared/house-sources.yaml]
        """)
    story = "After her stem cell injection, she was back on the golf course in three weeks.\n"
    branded = write(tmp_path / "brand" / "story.md", story)
    other = write(tmp_path / "other" / "story.md", story)
    report, _ = check_json(branded, other)
    assert "HSE101" in codes(report, branded)
    assert "HSE101" not in codes(report, other)
    reference = next(f for f in findings(report, branded) if f["code"] == "HSE101")["references"]
    assert reference[0]["issuer"] == "Summit Legal"


def test_a_broken_knowledge_base_file_is_named(tmp_path):
    kb = write(tmp_path / "extra-kb.yaml", "sources:\n  - id: Not_Kebab\n")
    write(tmp_path / ".claimcheck.yaml", "knowledge-base: [extra-kb.yaml]\n")
    result = invoke("check", write(tmp_path / "knee.md", AD))
    assert result.exit_code == 2
    assert str(kb.resolve()) in result.stderr


def test_jurisdiction_is_recorded(tmp_path):
    write(tmp_path / ".claimcheck.yaml", "jurisdiction: US\n")
    report, _ = check_json(write(tmp_path / "knee.md", AD))
    assert report["jurisdiction"] == "US"


def test_empty_configuration_file_means_defaults(tmp_path):
    write(tmp_path / ".claimcheck.yaml", "# nothing yet\n")
    report, _ = check_json(write(tmp_path / "knee.md", AD))
    assert {"CC101", "CC102"} <= codes(report)


def test_document_rules_still_see_the_claims_of_rules_not_selected(tmp_path):
    no_risks = write(tmp_path / "page.md", f"# Knee care\n\n{VIOLATING_LINE}\n\nBook today.\n")
    assert codes(check_json("--isolated", "--select", "CC303", no_risks)[0]) == {"CC303"}
    assert "CC303" in codes(check_json("--isolated", "--ignore", "CC1", no_risks)[0])


def test_exclude_patterns_and_gitignore_leave_files_out_of_a_walk(tmp_path, monkeypatch):
    """ruff's conventions: exclude replaces the defaults, extend-exclude adds, .gitignore is
    respected unless --no-respect-gitignore, and a file named on the command line is checked."""
    import subprocess
    from pathlib import Path

    from tests.clitools import check_json

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    write(tmp_path / ".gitignore", "drafts/\n*.bak.md\n")
    for name in ("drafts/a.md", "site/b.md", "site/c.bak.md", "site/d.md", ".hidden/e.md", "archive/f.md"):
        write(tmp_path / name, AD)
    monkeypatch.chdir(tmp_path)

    def checked(*args) -> list[str]:
        report, _ = check_json(*args)
        return sorted(Path(d["path"]).as_posix() for d in report["documents"])

    assert checked() == ["archive/f.md", "site/b.md", "site/d.md"]  # default path: the current folder
    assert checked("--no-respect-gitignore") == ["archive/f.md", "drafts/a.md", "site/b.md", "site/c.bak.md",
                                                 "site/d.md"]
    assert checked("--extend-exclude", "archive/,site/d.md") == ["site/b.md"]
    assert checked("--exclude", "site/", "--no-respect-gitignore") == [".hidden/e.md", "archive/f.md",
                                                                       "drafts/a.md"]
    write(tmp_path / ".claimcheck.yaml", "extend-exclude: [archive/]\n")
    assert checked() == ["site/b.md", "site/d.md"]
    assert checked("drafts/a.md", "archive/f.md") == ["archive/f.md", "drafts/a.md"]  # named: always checked
    result = invoke("check", "--extend-exclude", "*.md", ".")
    assert result.exit_code == 2 and "left out (exclude patterns, .gitignore) [CC901]" in result.stderr
