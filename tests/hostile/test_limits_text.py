"""Text files a Windows tool or a deep folder makes: UTF-16 without a byte-order mark is read
as text (not called binary, never mojibake with NULs); a path too long for the system is one line."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from limits_inputs import VIOLATING  # noqa: E402

from claimcheck.load.crawl import decode_page  # noqa: E402
from claimcheck.load.decoding import decode  # noqa: E402
from tests.clitools import invoke  # noqa: E402


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_decoded_by_check_and_scan(codec, tmp_path):
    data = f"{VIOLATING}\nCall us today.\n".encode(codec)
    assert decode(data, "ad.txt") == f"{VIOLATING}\nCall us today.\n"
    assert decode_page(f"<p>{VIOLATING}</p>".encode(codec)) == (f"<p>{VIOLATING}</p>", None, None)
    path = tmp_path / "ad.txt"
    path.write_bytes(data)
    result = invoke("check", "--format", "json", path)
    assert result.exit_code == 1, result.stderr
    findings = json.loads(result.stdout)["documents"][0]["findings"]
    assert "\x00" not in "".join(f["text"] for f in findings)
    assert {f["code"] for f in findings} >= {"CC101"}


def test_binary_data_with_nuls_is_still_binary():
    assert decode(bytes(range(256)) * 8, "x.txt").code == "CC902"
    assert decode_page(b"\x00\x01\x02\x03" * 100)[1] == "CC902"


def test_a_path_too_long_for_the_system_is_one_line(tmp_path):
    too_long = str(tmp_path / ("a" * 300 + ".md"))
    deep = str(tmp_path) + "/a" * 2100 + "/ad.md"
    good = tmp_path / "good.md"
    good.write_text(f"{VIOLATING}\n", encoding="utf-8")
    result = invoke("check", "--format", "json", too_long, deep, good)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and all(line.endswith("File name too long [CC904]") for line in lines), result.stderr
    assert all(len(line) < 300 for line in lines)
    assert [d["path"] for d in json.loads(result.stdout)["documents"]] == [str(good)]


CP1252_PAGE = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
               f'</head><body><p>{VIOLATING} \u2013 results you can feel.</p></body></html>')


def test_html_in_its_declared_charset_is_read_alike_by_check_and_scan(tmp_path):
    """One decoder (load/decoding.py): check read a Windows-1252 page as an error and scan read
    it as text; now both read it as a browser would, and a text file still has to be UTF-8."""
    data = CP1252_PAGE.encode("cp1252")
    assert decode(data, "ad.html", html=True) == CP1252_PAGE
    assert decode_page(data) == (CP1252_PAGE, None, None)
    page = tmp_path / "ad.html"
    page.write_bytes(data)
    result = invoke("check", "--format", "json", page)
    assert result.exit_code == 1, result.stderr
    (document,) = json.loads(result.stdout)["documents"]
    assert "CC101" in {f["code"] for f in document["findings"]}
    undeclared = "<p>caf\u00e9 \u2013 stem cells</p>".encode("cp1252")
    assert decode(undeclared, "x.html", html=True) == "<p>caf\u00e9 \u2013 stem cells</p>"  # Windows-1252, as browsers
    assert decode(undeclared, "x.md").code == "CC903"  # Markdown declares nothing: no guessing


def _deep_folder(top, depth: int = 22):
    """A folder more than 4,096 characters below ``top`` (made step by step, as no single
    path to it can be given to the system); the steps down to it from ``top``."""
    import os

    name, here = "d" * 200, os.getcwd()
    os.chdir(top)
    try:
        for _ in range(depth):
            os.mkdir(name)
            os.chdir(name)
        with open("ad.md", "w", encoding="utf-8") as handle:
            handle.write(f"{VIOLATING}\n")
    finally:
        os.chdir(here)
    return [name] * depth


def test_files_deeper_than_the_system_can_name_are_one_line_not_a_traceback_or_silence(tmp_path, monkeypatch):
    """Checked from inside (the configuration lookup walks up a path too long to resolve) or
    walked into from above (the walk cannot list the deep folders): one line, exit 2."""
    import os

    steps = _deep_folder(tmp_path)
    (tmp_path / "top.md").write_text(f"{VIOLATING}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    walked = invoke("check", "--format", "json", ".")
    assert walked.exit_code == 2
    assert "cannot read folder: File name too long [CC904]" in walked.stderr
    assert [d["path"] for d in json.loads(walked.stdout)["documents"]] == ["top.md"]
    for step in steps:  # the process's own folder can be deeper than any path to it
        os.chdir(step)
    try:
        inside = invoke("check", "--format", "json", "ad.md")
    finally:
        os.chdir(tmp_path)
    assert inside.exit_code == 1, inside.stderr  # the findings, found: no traceback, no error
    assert json.loads(inside.stdout)["documents"][0]["findings"]
