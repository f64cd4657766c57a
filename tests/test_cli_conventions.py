"""Conventions users bring from ruff and eslint to ``claimcheck check``: ``--exit-zero``,
``--quiet``, ``--statistics``, ``--output-format concise``, and each file checked once
however often it is named."""
from __future__ import annotations

import json
import os
import re
from collections import Counter

import pytest
from click.testing import CliRunner

from claimcheck.cli import cli
from tests.clitools import RISKS_LINE, VIOLATING_LINE, write

SECOND_AD = "# Back care\n\nOur stem cell injections heal back pain. No risk, guaranteed.\n"


def check(*args):
    return CliRunner().invoke(cli, ["check", "--no-color", *[str(a) for a in args]])


@pytest.fixture()
def ads(tmp_path):
    folder = tmp_path / "ads"
    write(folder / "knee.md", f"# Knee care\n\n{VIOLATING_LINE}\n\n{RISKS_LINE}\n")
    write(folder / "back.md", SECOND_AD)
    return folder


def reported(result) -> list[dict]:
    return [dict(f, path=d["path"]) for d in json.loads(result.stdout)["documents"] for f in d["findings"]
            if "suppressed" not in f]


def test_a_file_named_again_is_checked_once(ads, tmp_path):
    # Named again itself, through a link to it, through a link to its folder, and up and down again.
    os.symlink(ads / "knee.md", tmp_path / "link.md")
    os.symlink(ads, tmp_path / "linked-folder")
    result = check("--format", "json", ads, ads / "knee.md", tmp_path / "link.md", tmp_path / "linked-folder",
                   tmp_path / "linked-folder" / "back.md", ads / ".." / "ads" / "back.md")
    paths = [d["path"] for d in json.loads(result.stdout)["documents"]]
    assert sorted(paths) == sorted([str(ads / "back.md"), str(ads / "knee.md")])


def test_exit_zero_passes_findings_but_not_errors(ads):
    assert check(ads).exit_code == 1
    assert check("--exit-zero", ads).exit_code == 0
    assert check("--exit-zero", ads / "missing.md").exit_code == 2


def test_concise_is_one_line_per_finding(ads):
    expected = reported(check("--format", "json", ads))
    result = check("--output-format", "concise", ads)
    lines = result.stdout.splitlines()
    assert lines[-1] == f"Found {len(expected)} findings."
    assert lines[:-1] == [f"{f['path']}:{f['line']}:{f['column']}: {f['code']} {f['severity']} {f['message']}"
                          for f in expected]
    quiet = check("--format", "concise", "--quiet", ads)
    assert quiet.stdout.splitlines() == lines[:-1] and quiet.exit_code == 1


def test_quiet_prints_the_findings_and_nothing_else(ads):
    full = check(ads).stdout
    quiet = check("-q", ads)
    assert quiet.exit_code == 1
    assert "grade" in full and "Checked 2 document(s)" in full
    assert "grade" not in quiet.stdout and "Checked" not in quiet.stdout
    assert [line for line in full.splitlines() if re.match(r".+:\d+:\d+: CC\d{3} ", line)] == \
        [line for line in quiet.stdout.splitlines() if re.match(r".+:\d+:\d+: CC\d{3} ", line)]
    assert check("-q", ads / "missing.md").stderr.count("no such file") == 1  # errors still show


def test_statistics_counts_findings_per_rule(ads):
    expected = Counter(f["code"] for f in reported(check("--format", "json", ads)))
    result = check("--statistics", ads)
    assert result.exit_code == 1
    counted = {}
    for line in result.stdout.splitlines():
        count, code, _ = line.split(maxsplit=2)
        counted[code] = int(count)
    assert counted == dict(expected)
    assert list(counted.values()) == sorted(counted.values(), reverse=True)


@pytest.mark.parametrize("command", [["rules"], ["rule", "CC101"], ["check", "--format", "json", "fixtures"]])
def test_a_closed_pipe_ends_the_run_quietly_with_sigpipes_status(command):
    """``claimcheck rules | head``: no traceback, no message, and not 1 ("findings found")."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    process = subprocess.Popen([sys.executable, "-m", "claimcheck", *command], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    process.stdout.close()  # the reader leaves before the first line
    err = process.stderr.read()
    assert process.wait(timeout=120) == 141, err
    assert err == b""


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_a_reader_that_leaves_after_the_first_line_ends_the_run_with_sigpipes_status(fmt):
    """``claimcheck check | head -1`` on a report larger than a pipe holds: the reader goes
    while the report is being written."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    process = subprocess.Popen([sys.executable, "-m", "claimcheck", "check", "--format", fmt, "fixtures"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.readline()
    process.stdout.close()
    err = process.stderr.read()
    assert process.wait(timeout=120) == 141, err
    assert b"Traceback" not in err


def test_show_settings_says_what_each_file_gets_and_checks_nothing(tmp_path, monkeypatch):
    import yaml

    from tests.clitools import invoke

    write(tmp_path / "ads" / ".claimcheck.yaml", "ignore: [CC304]\nseverity: {CC402: minor}\nextend-exclude: [old/]\n"
                                                 "rule-docs-url: https://intranet.example/claimcheck/\n")
    write(tmp_path / "ads" / "knee.md", VIOLATING_LINE)
    write(tmp_path / "other" / "hip.md", VIOLATING_LINE)
    monkeypatch.chdir(tmp_path)
    result = invoke("check", "--show-settings", "--ignore", "CC401", "ads", "other")
    assert result.exit_code == 0, result.output
    shown = yaml.safe_load(result.stdout)
    by_config = {entry["configuration"]: entry for entry in shown["files"]}
    ads = by_config[str((tmp_path / "ads" / ".claimcheck.yaml").resolve())]
    assert ads["files"] == ["ads/knee.md"] and ads["extend-exclude"] == ["old/"]
    assert "CC101" in ads["rules"] and "CC304" not in ads["rules"] and "CC401" not in ads["rules"]
    assert ads["severity"] == {"CC402": "minor"}
    assert shown["rule-docs-url"] == "https://intranet.example/claimcheck/"
    defaults = by_config[None]
    assert defaults["files"] == ["other/hip.md"] and "CC304" in defaults["rules"] and "CC401" not in defaults["rules"]
    assert "CC101" not in result.stdout.split("files:")[0]  # nothing was checked: no findings printed
