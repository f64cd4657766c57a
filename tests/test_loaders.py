"""Word and PDF inputs: the same findings as the Markdown original, located by
paragraph (Word) or page and line (PDF); unreadable documents give one clear line."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimcheck.cli import cli
from claimcheck.errors import InputProblem
from claimcheck.load.files import FOLDER_SUFFIXES, discover, read_source
from claimcheck.model import Source
from claimcheck.project.runner import check_sources
from tests.conftest import FIXTURES

DOCUMENTS = FIXTURES / "documents"
UNREADABLE = Path(__file__).parent / "documents"  # encrypted and scanned PDFs
ORIGINAL = FIXTURES / "violating" / "knee-clinic.md"


def _words(text: str) -> str:
    return " ".join(re.sub(r"[*_>#•-]", " ", text).split())


def _check(pack, path: Path):
    source = read_source(path)
    assert isinstance(source, Source), source
    problems: list[InputProblem] = []
    [checked] = check_sources([source], pack, problems)
    assert not [p for p in problems if p.fatal]
    return source, checked.result


@pytest.fixture(scope="module")
def original(pack):
    return _check(pack, ORIGINAL)[1]


def _unit_text(source: Source, location: dict) -> tuple[str, str]:
    """The text of the paragraph (or PDF line) at ``location`` and of the one after it."""
    starts = [offset for offset, where in source.locations] + [len(source.raw)] * 2
    index = [where for _, where in source.locations].index(location)
    return source.raw[starts[index]:starts[index + 1]], source.raw[starts[index + 1]:starts[index + 2]]


@pytest.mark.parametrize("name", ["knee-clinic.docx", "knee-clinic.pdf", "owner-locked.pdf"])
def test_same_findings_as_markdown(pack, original, name):
    source, result = _check(pack, DOCUMENTS / name)
    expected = [(f.code, _words(f.text)) for f in original.findings]
    assert [(f.code, _words(f.text)) for f in result.findings] == expected
    assert (result.grade, result.status) == (original.grade, original.status)
    for finding in result.findings:
        assert finding.location, finding
        # The claim starts in the paragraph or line its location names (and may run on).
        unit, following = (_words(t) for t in _unit_text(source, finding.location))
        claim = _words(finding.text)
        assert claim.split()[0] in unit.split(), (finding.location, unit, claim)
        assert claim[:20] in f"{unit} {following}", (finding.location, unit, claim)


def test_docx_paragraph_numbers_count_table_cells_in_reading_order(pack):
    _, result = _check(pack, DOCUMENTS / "knee-clinic.docx")
    where = {f.text: f.location for f in result.findings}
    assert where["stem cell injections heal damaged knees and put an end to arthritis pain"] == {"paragraph": 4}
    # The "Why patients trust Summit" points are the four cells of a 2 x 2 table.
    assert where["stem cell therapy is FDA approved"] == {"paragraph": 19}
    assert where["no side effects"] == {"paragraph": 20}
    assert where["94% of our patients report less pain"] == {"paragraph": 21}


def test_docx_reads_the_footer():
    source = read_source(DOCUMENTS / "knee-clinic.docx")
    footer_at = source.raw.index("7400 E. Pinnacle Peak Rd")
    assert source.locate(footer_at) == {"footer": 1}
    assert source.locate(0) == {"paragraph": 1}


def test_pdf_pages_and_lines(pack):
    source, result = _check(pack, DOCUMENTS / "knee-clinic.pdf")
    where = {f.text: f.location for f in result.findings}
    assert where["stem cell injections heal damaged knees and put an end to arthritis pain"] == {"page": 1, "line": 6}
    assert where["94% of our patients report less pain"] == {"page": 2, "line": 1}
    # Wrapped lines are joined into one paragraph, so a claim across a line break is one claim.
    assert "we help your knee heal itself." in source.raw
    assert "talk about replacing your joint?" in source.raw
    pages = {where["page"] for _, where in source.locations}
    assert pages == {1, 2}


@pytest.mark.parametrize("name, words", [
    ("encrypted.pdf", "encrypted and needs a password"),
    ("scanned.pdf", "no text layer"),
])
def test_pdf_without_text_is_an_error_not_a_pass(name, words):
    problem = read_source(UNREADABLE / name)
    assert isinstance(problem, InputProblem)
    assert problem.code == "CC909" and problem.fatal
    assert problem.message.startswith("no text to check") and words in problem.message


@pytest.mark.parametrize("name, content", [
    ("notes.docx", b"plain text saved with the wrong suffix\n"),
    ("brochure.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage"),
    ("empty.pdf", b""),
])
def test_damaged_documents_give_one_clear_line(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if ": error: " in line]
    assert len(errors) == 1 and errors[0].startswith(f"{path}: error: ")


def test_size_limit_applies_to_documents():
    problem = read_source(DOCUMENTS / "knee-clinic.docx", max_bytes=1000)
    assert isinstance(problem, InputProblem) and problem.code == "CC905"


def test_folders_include_word_and_pdf_files():
    assert ".docx" in FOLDER_SUFFIXES and ".pdf" in FOLDER_SUFFIXES
    found = {p.name for p in discover([str(DOCUMENTS)], [])}
    assert {"knee-clinic.docx", "knee-clinic.pdf", "owner-locked.pdf"} <= found


def test_reports_show_locations(tmp_path):
    docx = str(DOCUMENTS / "knee-clinic.docx")
    text = CliRunner().invoke(cli, ["check", "--no-color", docx]).output
    assert f"{docx} (paragraph 19): CC201 critical" in text
    data = json.loads(CliRunner().invoke(cli, ["check", "--format", "json", str(DOCUMENTS / "knee-clinic.pdf")]).output)
    locations = [f["location"] for f in data["documents"][0]["findings"]]
    assert {"page": 2, "line": 1} in locations
    plain = json.loads(CliRunner().invoke(cli, ["check", "--format", "json", str(ORIGINAL)]).output)
    assert all("location" not in f for f in plain["documents"][0]["findings"])


def test_locate_maps_offsets_to_the_unit_they_fall_in():
    source = Source("x.pdf", "text/plain", "aaaa\n\nbbbb", locations=[(0, {"page": 1, "line": 1}),
                                                                   (6, {"page": 2, "line": 1})])
    assert source.locate(0) == {"page": 1, "line": 1}
    assert source.locate(5) == {"page": 1, "line": 1}
    assert source.locate(6) == {"page": 2, "line": 1}
    assert Source("a.txt", "text/plain", "text").locate(2) is None


def test_pdf_lines_become_markdown_blocks():
    from claimcheck.load.document_text import TextAssembler
    from claimcheck.load.pdf import _assemble, _Line

    lines = [
        _Line(1, 1, 1, "Knee Pain Relief", 18.0),
        _Line(1, 2, 2, "Our stem cell injections regen-", 11.0),
        _Line(1, 3, 2, "erate cartilage and end", 11.0),
        _Line(1, 4, 2, "knee pain.", 11.0),
        _Line(1, 5, 3, "• No side effects", 11.0),
        _Line(1, 6, 3, "• 1. Not a list number", 11.0),
        _Line(2, 1, 4, "- 95% success", 11.0),
    ]
    text = TextAssembler()
    _assemble(lines, text)
    source = text.source(Path("x.pdf"))
    assert source.raw == ("# Knee Pain Relief\n\nOur stem cell injections regen-erate cartilage and end knee pain."
                          "\n\n- No side effects\n\n- 1\\. Not a list number\n\n- 95% success")
    assert source.locate(source.raw.index("knee pain.")) == {"page": 1, "line": 4}
    assert source.locate(source.raw.index("95%")) == {"page": 2, "line": 1}


def test_docx_reads_text_boxes_once_and_merged_cells_once(tmp_path):
    import docx
    from lxml import etree

    document = docx.Document()
    document.add_paragraph("Before the box.")
    table = document.add_table(rows=1, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "Merged cell text"
    table.cell(0, 2).text = "Last cell"
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    box = etree.fromstring(
        f'<w:p xmlns:w="{w}" xmlns:mc="{mc}"><w:r><mc:AlternateContent>'
        f'<mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>Boxed claim</w:t></w:r></w:p>'
        f'</w:txbxContent></w:drawing></mc:Choice>'
        f'<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>Boxed claim</w:t></w:r></w:p></w:txbxContent>'
        f'</w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>')
    document.element.body.insert(1, box)
    path = tmp_path / "boxes.docx"
    document.save(str(path))
    source = read_source(path)
    assert source.raw.count("Boxed claim") == 1 and source.raw.count("Merged cell text") == 1
    assert source.raw.index("Before") < source.raw.index("Boxed") < source.raw.index("Merged") < source.raw.index("Last")
    assert source.locate(source.raw.index("Last cell")) == {"paragraph": 4}


def test_missing_library_is_one_clear_problem(monkeypatch):
    import sys

    monkeypatch.delitem(sys.modules, "claimcheck.load.pdf", raising=False)
    monkeypatch.setitem(sys.modules, "pdfminer.high_level", None)  # as if pdfminer.six were not installed
    problem = read_source(DOCUMENTS / "knee-clinic.pdf")
    assert isinstance(problem, InputProblem) and problem.code == "CC906"
    assert "cannot read .pdf files" in problem.message
