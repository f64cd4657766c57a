"""scan on hostile crawls: bombs, cut files, a URL twice, slow pages, a damaged store, a kill.
Each is one error per page (or record) in bounded memory, and the scan goes on."""
from __future__ import annotations

import gzip
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from limits_inputs import (ROOT, VIOLATING, gzip_bomb_jsonl, gzip_bomb_record, html_page, jsonl_line,  # noqa: E402
                           run_limited, warc_record, zeros_deflate)

from claimcheck.errors import UNREADABLE  # noqa: E402
from tests.clitools import invoke  # noqa: E402

MEMORY_CEILING_MB = 300


def pages(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT url, status, error_code, findings FROM pages ORDER BY url").fetchall()


def finding_count(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT COUNT(*) FROM findings").fetchone()[0]


def scan(*args):
    return invoke("scan", "-q", "--workers", "1", *args)


def read_codes(path: Path) -> subprocess.CompletedProcess:
    """The pages' (URL, code) as the loader reads them, in a process limited to the ceiling."""
    return run_limited("import sys; from pathlib import Path; from claimcheck.load.crawl import read_input;"
                       f"print([(p.url, p.code) for p in read_input(Path({str(path)!r}), 10 << 20)])",
                       MEMORY_CEILING_MB, path.parent)


def three_pages(bomb: bytes, gzipped: bool) -> bytes:
    records = [warc_record("https://a.example/1", html_page()), bomb, warc_record("https://a.example/2", html_page())]
    return b"".join(gzip.compress(r) if gzipped and r is not bomb else r for r in records)


def test_warc_gz_record_that_inflates_to_gigabytes_is_skipped_unread(tmp_path):
    warc = tmp_path / "bomb.warc.gz"
    warc.write_bytes(three_pages(gzip_bomb_record("https://a.example/bomb", 4096), gzipped=True))
    assert warc.stat().st_size < 5_000_000
    loaded = read_codes(warc)
    assert loaded.stdout.strip() == str([("https://a.example/1", None), ("https://a.example/bomb", "CC905"),
                                         ("https://a.example/2", None)]), loaded.stderr[-500:]


def test_gzip_bomb_in_a_pages_content_encoding_is_cut_at_the_page_limit(tmp_path):
    bomb = warc_record("https://a.example/bomb", zeros_deflate(1024, 31), "Content-Encoding: gzip\r\n")
    warc = tmp_path / "bomb.warc"
    warc.write_bytes(three_pages(bomb, gzipped=False))
    loaded = read_codes(warc)
    assert loaded.stdout.strip() == str([("https://a.example/1", None), ("https://a.example/bomb", "CC905"),
                                         ("https://a.example/2", None)]), loaded.stderr[-500:]


def test_jsonl_gz_with_a_line_of_gigabytes_is_one_error_and_the_lines_before_are_kept(tmp_path):
    jsonl = tmp_path / "big.jsonl.gz"
    jsonl.write_bytes(gzip_bomb_jsonl(jsonl_line("https://a.example/1", html_page().decode()),
                                      "https://a.example/big", 4096, b""))
    loaded = read_codes(jsonl)
    assert loaded.stdout.strip() == str([("https://a.example/1", None), (f"{jsonl}:2", "CC905")]), loaded.stderr
    db = tmp_path / "results.sqlite"
    result = scan(jsonl, "--db", db)
    assert result.exit_code == 0
    [line] = result.stderr.splitlines()
    assert line.startswith(f"{jsonl}:2: error: this gzip file expands") and line.endswith("[CC905]")
    assert [(url, status) for url, status, _, _ in pages(db)] == [(f"{jsonl}:2", "error"),
                                                                  ("https://a.example/1", "fail")]


def test_jsonl_with_an_overlong_line_skips_that_line_only(tmp_path):
    jsonl = tmp_path / "long.jsonl"
    with open(jsonl, "wb") as out:
        out.write(jsonl_line("https://a.example/1", html_page().decode()))
        out.write(jsonl_line("https://a.example/long", "a" * (3 << 20)))
        out.write(jsonl_line("https://a.example/2", html_page().decode()))
    db = tmp_path / "results.sqlite"
    result = scan(jsonl, "--db", db, "--max-page-size", "1")
    assert result.exit_code == 0
    assert [(url, code) for url, _, code, _ in pages(db)] == [
        (f"{jsonl}:2", "CC905"), ("https://a.example/1", None), ("https://a.example/2", None)]


@pytest.mark.parametrize("cut", ["in the last record's body", "in the last record's headers"])
def test_truncated_last_gzip_member_keeps_the_records_before_it_with_one_error(tmp_path, cut):
    members = [gzip.compress(warc_record(f"https://a.example/{n}", html_page())) for n in range(3)]
    last = members[2][:-30] if cut == "in the last record's body" else members[2][:len(members[2]) // 3]
    warc = tmp_path / "cut.warc.gz"
    warc.write_bytes(b"".join(members[:2]) + last)
    db = tmp_path / "results.sqlite"
    result = scan(warc, "--db", db)
    assert result.exit_code == 0
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].endswith("[CC914]"), result.stderr
    rows = pages(db)
    assert [(url, status) for url, status, _, _ in rows if status != "error"] == [
        ("https://a.example/0", "fail"), ("https://a.example/1", "fail")]
    assert len(rows) == 3


def test_a_url_seen_twice_is_one_page_and_the_last_record_wins(tmp_path):
    jsonl = tmp_path / "twice.jsonl"
    jsonl.write_bytes(jsonl_line("https://a.example/x", html_page().decode())
                      + jsonl_line("https://a.example/x", html_page(f"{VIOLATING} It is FDA approved.").decode())
                      + jsonl_line("https://a.example/x", html_page().decode()))
    alone = tmp_path / "once.jsonl"
    alone.write_bytes(jsonl_line("https://a.example/x", html_page().decode()))
    db, db_alone = tmp_path / "twice.sqlite", tmp_path / "once.sqlite"
    assert scan(jsonl, "--db", db).exit_code == 0
    assert scan(alone, "--db", db_alone).exit_code == 0
    assert pages(db) == pages(db_alone)
    assert finding_count(db) == finding_count(db_alone) > 0


def test_a_page_over_its_time_budget_is_an_error_and_a_rerun_does_not_try_it_again(tmp_path):
    jsonl = tmp_path / "slow.jsonl"
    prose = "Our stem cell injections cure knee arthritis and many other conditions in our clinic. " * 30_000
    jsonl.write_bytes(jsonl_line("https://a.example/1", html_page().decode())
                      + b'{"url": "https://a.example/slow", "text": "%s"}\n' % prose.encode()
                      + jsonl_line("https://a.example/2", html_page().decode()))
    db = tmp_path / "results.sqlite"
    # The slow page takes about 18 s; a small page's first check (lazy imports, a cold start) took
    # over half a second once on a loaded machine, so the budget leaves the small pages room.
    result = scan(jsonl, "--db", db, "--timeout", "2")
    assert result.exit_code == 0
    assert result.stderr.strip().endswith("[CC915]") and len(result.stderr.strip().splitlines()) == 1
    assert [(url, status, code) for url, status, code, _ in pages(db)] == [
        ("https://a.example/1", "fail", None), ("https://a.example/2", "fail", None),
        ("https://a.example/slow", "error", "CC915")]
    again = invoke("scan", "--workers", "1", jsonl, "--db", db, "--timeout", "2")
    assert "0 pages checked (none), 3 unchanged and skipped" in again.stderr


@pytest.mark.parametrize("damage", ["garbage", "truncated", "overwritten"])
def test_a_damaged_store_is_one_line_for_scan_report_and_export(tmp_path, damage):
    jsonl = tmp_path / "pages.jsonl"
    jsonl.write_bytes(b"".join(jsonl_line(f"https://a.example/{n}", html_page().decode()) for n in range(30)))
    db = tmp_path / "results.sqlite"
    assert scan(jsonl, "--db", db).exit_code == 0
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    if damage == "garbage":
        data = bytearray(os.urandom(len(data)))
    elif damage == "truncated":
        data = data[:len(data) // 2]
    else:
        data[len(data) // 2:len(data) // 2 + 4096] = os.urandom(4096)
    db.write_bytes(bytes(data))
    jsonl.write_bytes(b"".join(jsonl_line(f"https://a.example/{n}", html_page(f"Page {n}.").decode())
                               for n in range(30)))  # changed pages: the rerun must look them up
    failed = []
    for command in (["scan", "-q", "--workers", "1", jsonl, "--db", db], ["report", db, "-o", tmp_path / "r.html"],
                    ["export", db, "--table", "findings"], ["export", db, "--table", "pages"]):
        result = invoke(*command)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        if result.exit_code == 0 and not lines:
            continue  # the damage missed what this command reads
        assert result.exit_code == 2 and len(lines) == 1 and str(db) in lines[0], (command, result.stderr)
        failed.append(command[0])
    assert "scan" in failed  # every rerun looks its pages up, so it meets the damage


def test_a_store_damaged_where_the_scan_does_not_look_is_refused_and_left_as_it_was(tmp_path):
    # The reproduction: the last pages of the file overwritten, then a scan of a new
    # URL, which looks up nothing there, used to add to the store and exit 0.
    jsonl = tmp_path / "pages.jsonl"
    jsonl.write_bytes(jsonl_line("https://a.example/", f"<p>{VIOLATING}</p>"))
    db = tmp_path / "results.sqlite"
    assert scan(jsonl, "--db", db).exit_code == 0
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    data[-8192:-8192 + 201] = b"\x0d" + os.urandom(200)
    db.write_bytes(bytes(data))
    jsonl.write_bytes(jsonl_line("https://b.example/", f"<p>{VIOLATING}</p>"))
    result = scan(jsonl, "--db", db)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 2 and len(lines) == 1, result.stderr
    assert str(db) in lines[0] and "damaged" in lines[0] and lines[0].endswith(f"[{UNREADABLE}]")
    assert db.read_bytes() == bytes(data)  # nothing written over what was stored


def test_no_worker_outlives_a_scan_killed_with_sigkill(tmp_path):
    jsonl = tmp_path / "pages.jsonl"
    prose = "Our stem cell injections cure knee arthritis. " * 2_000
    jsonl.write_bytes(b"".join(jsonl_line(f"https://a.example/{n}", f"<p>{prose}</p>") for n in range(400)))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    scan_process = subprocess.Popen([sys.executable, "-m", "claimcheck", "scan", "-q", "--workers", "2", str(jsonl),
                                     "--db", str(tmp_path / "results.sqlite")],
                                    env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        parent = psutil.Process(scan_process.pid)
        deadline = time.monotonic() + 60  # a hang guard, not a speed test
        while len(parent.children()) < 2 and time.monotonic() < deadline and scan_process.poll() is None:
            time.sleep(0.1)
        workers = parent.children(recursive=True)
        assert len(workers) >= 2
    finally:
        os.kill(scan_process.pid, signal.SIGKILL)
        scan_process.wait()
    _, alive = psutil.wait_procs(workers, timeout=10)
    for orphan in alive:
        orphan.kill()
    assert not alive
