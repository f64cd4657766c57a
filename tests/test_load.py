"""load: decoding and the problems each bad input turns into."""
from __future__ import annotations

import codecs
from pathlib import Path

from claimcheck.errors import InputProblem
from claimcheck.load.decoding import decode
from claimcheck.load.files import read_source


def test_utf8_bom_and_utf16_are_decoded():
    assert decode(codecs.BOM_UTF8 + "café".encode(), "x") == "café"
    assert decode("stem cells".encode("utf-16"), "x") == "stem cells"


def test_unreadable_file_is_one_problem(tmp_path, monkeypatch):
    path = tmp_path / "ad.md"
    path.write_text("x")

    def refuse(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    problem = read_source(path)
    assert isinstance(problem, InputProblem)
    assert problem.render() == f"{path}: error: cannot read file: Permission denied [CC904]"


def test_media_type_from_suffix_and_unknown_suffix_is_plain(tmp_path):
    for name, media in [("a.md", "text/markdown"), ("a.HTM", "text/html"), ("a.ad", "text/plain")]:
        (tmp_path / name).write_text("x")
        assert read_source(tmp_path / name).media_type == media


def test_a_fifo_is_one_problem_not_a_hang(tmp_path):
    import os

    from claimcheck.load.files import iter_sources

    (tmp_path / "ad.txt").write_text("Our stem cells cure arthritis.\n")
    os.mkfifo(tmp_path / "pipe.txt")
    for given, expected in (([str(tmp_path)], [str(tmp_path / "ad.txt")]), ([str(tmp_path / "pipe.txt")], [])):
        problems = []
        assert [s.origin for s in iter_sources(given, problems)] == expected
        assert [p.message for p in problems] == ["not a regular file (a FIFO): not read"]
