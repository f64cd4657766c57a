"""Standard input named as a Word or PDF file (``--stdin-filename brochure.docx -``) is
read as that format, as the file itself would be; bytes that are not that format are
one clear error naming the given name, never a pass as text."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from claimcheck.cli import cli
from tests.conftest import FIXTURES

DOCUMENTS = FIXTURES / "documents"


def check(*args, input=None):
    return CliRunner().invoke(cli, ["check", *args], input=input)


def located_findings(report: dict) -> list[tuple]:
    (document,) = report["documents"]
    return [(f["code"], f["line"], f["column"], f["end_line"], f["end_column"], json.dumps(f.get("location")))
            for f in document["findings"]]


@pytest.mark.parametrize("suffix", ["docx", "pdf"])
def test_stdin_named_as_a_document_gives_the_files_findings(suffix):
    path = DOCUMENTS / f"knee-clinic.{suffix}"
    from_file = check("--format", "json", str(path))
    piped = check("--format", "json", "--stdin-filename", f"brochure.{suffix}", "-", input=path.read_bytes())
    assert piped.exit_code == from_file.exit_code == 1, piped.output
    report = json.loads(piped.stdout)
    assert report["documents"][0]["path"] == f"brochure.{suffix}"
    assert located_findings(report) == located_findings(json.loads(from_file.stdout))
    assert "claimcheck-stdin-" not in piped.output  # the temporary file's name never shows


@pytest.mark.parametrize("suffix, problem", [
    ("docx", "not a Word .docx file"),
    ("pdf", "cannot read as a PDF"),
])
def test_text_named_as_a_document_is_an_error_not_a_pass(suffix, problem):
    result = check("--no-color", "--stdin-filename", f"foo.{suffix}", "-",
                   input=b"Feel younger with our stem cell therapy.\n")
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith(f"foo.{suffix}: error:")]
    assert len(errors) == 1 and problem in errors[0], result.stderr
    assert "Traceback" not in result.output and "claimcheck-stdin-" not in result.output
