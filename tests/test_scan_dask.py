"""claimcheck scan --dask: the same store as --workers, the pipeline built once per worker,
and Dask never imported without the flag."""
from __future__ import annotations

import importlib.util
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import make_crawl  # noqa: E402

# Columns that legitimately differ between two scans of the same pages: when the row was written.
VARYING = {"pages": {"scanned_at"}, "findings": set(), "sites": set()}


def rows(db: Path, table: str) -> tuple[list[str], list[tuple]]:
    with sqlite3.connect(db) as connection:
        names = [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
        kept = [name for name in names if name not in VARYING[table]]
        quoted = ", ".join(f'"{name}"' for name in kept)
        return kept, sorted(connection.execute(f"SELECT {quoted} FROM {table}"), key=repr)


def scan(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "claimcheck", "scan", *arguments], capture_output=True,
                          text=True, timeout=300)


def test_importing_scan_does_not_import_dask(tmp_path):
    code = ("import sys\n"
            "import claimcheck.commands.scan, claimcheck.scan.scanner, claimcheck.cli\n"
            "from pathlib import Path\n"
            "from claimcheck.scan.scanner import ScanOptions, run_scan\n"
            f"Path({str(tmp_path / 'p.jsonl')!r}).write_text('{{\"url\": \"https://a.example/\", "
            "\"html\": \"<p>Our stem cells cure arthritis.</p>\"}\\n')\n"
            f"run_scan([Path({str(tmp_path / 'p.jsonl')!r})], {str(tmp_path / 'r.sqlite')!r}, ScanOptions(workers=1))\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "[]"


def test_dask_option_is_checked_before_anything_runs(tmp_path):
    from claimcheck.scan.scanner import dask_target

    assert dask_target("local:3") == ("local", 3)
    assert dask_target("local", workers=2) == ("local", 2)
    assert dask_target("tcp://10.0.0.1:8786") == ("scheduler", "tcp://10.0.0.1:8786")
    for bad in ("local:0", "local:x", ""):
        with pytest.raises(ValueError):
            dask_target(bad)
    crawl = tmp_path / "p.jsonl"
    crawl.write_text('{"url": "https://a.example/", "html": "<p>hi</p>"}\n')
    result = scan(str(crawl), "--db", str(tmp_path / "r.sqlite"), "--dask", "local:0")
    assert result.returncode == 2 and "local:N" in result.stderr
    result = scan(str(crawl), "--db", str(tmp_path / "r.sqlite"), "--dask", "tcp://127.0.0.1:8786",
                  "--workers", "2")
    assert result.returncode == 2 and "own workers" in result.stderr
    assert not (tmp_path / "r.sqlite").exists()


needs_dask = pytest.mark.skipif(importlib.util.find_spec("distributed") is None,
                                reason="Dask is not installed (pip install 'claimcheck[dask]')")


@pytest.fixture(scope="module")
def crawl(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("crawl")
    make_crawl.write_crawl(out, 240, 0.3, sites=5, formats=("warc",))
    return out / "crawl.warc.gz"


@needs_dask
def test_dask_local_gives_the_same_store_as_two_workers(crawl, tmp_path):
    stores = {}
    for name, option in (("workers", ["--workers", "2"]), ("dask", ["--dask", "local:2"])):
        stores[name] = tmp_path / f"{name}.sqlite"
        result = scan(str(crawl), "--db", str(stores[name]), *option)
        assert result.returncode == 0, result.stderr
        assert "240 pages checked" in result.stderr
    assert "claimcheck scan: Dask, 2 workers (2 threads) at tcp://127.0.0.1:" in result.stderr
    assert "dashboard: http://127.0.0.1:" in result.stderr
    for table in ("pages", "findings", "sites"):
        columns, expected = rows(stores["workers"], table)
        same_columns, got = rows(stores["dask"], table)
        assert columns == same_columns
        assert len(got) == len(expected), table
        for index, (left, right) in enumerate(zip(expected, got)):
            assert left == right, f"{table} row {index} differs"
    _, pages = rows(stores["dask"], "pages")
    _, findings = rows(stores["dask"], "findings")
    assert len(pages) == 240 and len(findings) > 100

    # Resume: a second run over the same store skips every page and changes nothing.
    again = scan(str(crawl), "--db", str(stores["dask"]), "--dask", "local:2")
    assert again.returncode == 0, again.stderr
    assert "0 pages checked (none), 240 unchanged and skipped" in again.stderr
    for table in ("pages", "findings"):
        assert rows(stores["dask"], table) == rows(stores["workers"], table)


@needs_dask
def test_each_dask_worker_builds_the_pipeline_once(tmp_path):
    from claimcheck.scan.cluster import DaskWorkers
    from claimcheck.scan.worker import PageTask

    messages: list[str] = []
    workers = DaskWorkers("local:2", (), None, on_message=messages.append)
    try:
        tasks = [[PageTask(f"https://a.example/{n}", "a.example", "test", "text/html",
                           f"<p>Our stem cells cure arthritis, page {n}.</p>", str(n))] for n in range(12)]
        outcomes = [workers.submit(chunk).result(timeout=120) for chunk in tasks]
        assert all(o[0].status == "fail" for o in outcomes)
        builds = workers.client.run(lambda: __import__("claimcheck.scan.cluster", fromlist=["x"]).builds)
        assert sorted(builds.values()) == [1, 1]
    finally:
        workers.close()
    assert messages and "2 workers" in messages[0]
