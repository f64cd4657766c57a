"""check on hostile Word, PDF and text files: each is one error line naming the file, exit 2,
memory bounded, and the other files' findings kept."""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from limits_inputs import VIOLATING, _write_pdf_objects, run_limited, write_docx, write_pdf  # noqa: E402

from tests.clitools import invoke  # noqa: E402

MEMORY_CEILING_MB = 300  # address space for a loader on a bomb; holding its contents takes GBs


@pytest.fixture
def good_file(tmp_path) -> Path:
    path = tmp_path / "good.md"
    path.write_text(f"{VIOLATING}\n", encoding="utf-8")
    return path


def check(*args) -> tuple[dict, int, str]:
    result = invoke("check", "--format", "json", *args)
    return json.loads(result.stdout), result.exit_code, result.stderr


def assert_one_error(stderr: str, path: Path, code: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"{path}: error: ") and lines[0].endswith(f"[{code}]"), stderr


def assert_good_file_checked(report: dict, good_file: Path) -> None:
    [document] = [d for d in report["documents"] if d["path"] == str(good_file)]
    assert {f["code"] for f in document["findings"]} >= {"CC101"}


def test_docx_zip_bomb_is_refused_without_reading_it(tmp_path, good_file):
    bomb = write_docx(tmp_path / "bomb.docx", [VIOLATING], padding_megabytes=60)
    assert bomb.stat().st_size < 1_000_000
    report, status, stderr = check(bomb, good_file)
    assert status == 2
    assert_one_error(stderr, bomb, "CC905")
    assert "compression bomb" in stderr
    assert_good_file_checked(report, good_file)
    loaded = run_limited("from pathlib import Path; from claimcheck.load import docx;"
                         "print(docx.load(Path('bomb.docx'), 10 << 20).code)", MEMORY_CEILING_MB, tmp_path)
    assert loaded.stdout.strip() == "CC905", loaded.stderr[-500:]


def test_docx_of_many_paragraphs_is_held_to_the_file_size_limit(tmp_path, good_file):
    # 5,000 paragraphs of random words (so no compression-ratio alarm): 1.3 MB of text over a 1 MB limit.
    words = random.Random(11).choices(["stem", "cell", "knee", "pain", "clinic", "visit", "today", "our"], k=250_000)
    many = write_docx(tmp_path / "many.docx", (" ".join(words[n:n + 50]) for n in range(0, len(words), 50)))
    report, status, stderr = check("--max-file-size", "1", many, good_file)
    assert status == 2
    assert_one_error(stderr, many, "CC905")
    assert "the text in this file is over the 1 MB limit" in stderr
    assert_good_file_checked(report, good_file)


def test_pdf_compression_bomb_is_refused_in_bounded_memory(tmp_path, good_file):
    bomb = write_pdf(tmp_path / "bomb.pdf", bomb_megabytes=400)
    assert bomb.stat().st_size < 1_000_000
    report, status, stderr = check(bomb, good_file)
    assert status == 2
    assert_one_error(stderr, bomb, "CC905")
    assert_good_file_checked(report, good_file)
    loaded = run_limited("from pathlib import Path; from claimcheck.load import pdf;"
                         "print(pdf.load(Path('bomb.pdf'), 10 << 20).code)", MEMORY_CEILING_MB, tmp_path)
    assert loaded.stdout.strip() == "CC905", loaded.stderr[-500:]


def test_a_small_pdf_with_a_deflated_stream_is_still_read(tmp_path):
    report, status, _ = check(write_pdf(tmp_path / "ad.pdf"))
    assert status == 1
    assert {f["code"] for f in report["documents"][0]["findings"]} >= {"CC101"}


def test_pdf_that_keeps_the_parser_busy_is_cut_by_the_time_budget(tmp_path, good_file):
    # 3 MB of text operators: pdfminer needs far more than the 1 s budget for them.
    content = b"BT /F1 12 Tf 72 720 Td " + b"(stem cell) Tj " * 200_000 + b"ET"
    slow = _write_pdf_objects(tmp_path / "slow.pdf", [
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"])
    report, status, stderr = check("--timeout", "1", slow, good_file)
    assert status == 2
    assert_one_error(stderr, slow, "CC915")
    assert_good_file_checked(report, good_file)


@pytest.mark.parametrize("catalog, chain", [
    (b"1 0 R", "1 -> 1"),  # the 111-byte file of the report: object 1 is "1 0 R"
    (b"2 0 R", "1 -> 2 -> 1"),
])
def test_pdf_whose_object_refers_to_itself_is_one_error_not_a_hang(tmp_path, good_file, catalog, chain):
    looping = _write_pdf_objects(tmp_path / "loop.pdf", [catalog, b"1 0 R"])
    report, status, stderr = check("--timeout", "30", looping, good_file)
    assert status == 2
    assert_one_error(stderr, looping, "CC908")
    assert f"refers to itself ({chain})" in stderr
    assert_good_file_checked(report, good_file)


def test_text_longer_than_the_analysis_takes_is_that_documents_error_not_a_crash(pack):
    # Over spaCy's max_length, which raised E088 in the middle of the batch and lost every result
    # (a 174 KB .docx of 800k paragraphs did that). The text is made directly: normalizing
    # 20 MB would only slow the test.
    from array import array

    from claimcheck.load.limits import MAX_TEXT_CHARS
    from claimcheck.model import NormalizedText, Source
    from claimcheck.normalize import normalize
    from claimcheck.project.runner import CheckOptions, check_sources

    def huge_or_normal(source):
        if source.origin == "huge.txt":
            return NormalizedText("a" * (MAX_TEXT_CHARS + 1), array("q"))  # offsets unused: refused first
        return normalize(source)

    sources = [Source(name, "text/plain", VIOLATING) for name in ("a.txt", "huge.txt", "b.txt")]
    problems = []
    checked = list(check_sources(sources, pack, problems, CheckOptions(normalize=huge_or_normal)))
    assert [c.source.origin for c in checked] == ["a.txt", "b.txt"]
    assert [(p.path, p.code) for p in problems] == [("huge.txt", "CC905")]


def test_a_crash_inside_one_document_costs_only_that_document(pack):
    from claimcheck.model import Source
    from claimcheck.normalize import normalize
    from claimcheck.project.runner import CheckOptions, check_sources

    def fragile(source):
        if source.origin == "bad.txt":
            raise RecursionError("maximum recursion depth exceeded")
        return normalize(source)

    sources = [Source(name, "text/plain", VIOLATING) for name in ("a.txt", "bad.txt", "b.txt")]
    problems = []
    checked = list(check_sources(sources, pack, problems, CheckOptions(normalize=fragile)))
    assert [c.source.origin for c in checked] == ["a.txt", "b.txt"]
    assert [(p.path, p.code) for p in problems] == [("bad.txt", "CC908")]
    assert all(c.result.findings for c in checked)
