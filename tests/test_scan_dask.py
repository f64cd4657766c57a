"""claimcheck scan --dask: the same store as --workers, the pipeline built once per worker,
and Dask never imported without the flag."""
from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import sqlite3
import subprocess
import sys
import time
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
    make_crawl.write_crawl(out, 120, 0.3, sites=5, formats=("warc",))
    return out / "crawl.warc.gz"


@pytest.fixture(scope="module")
def reference(crawl, tmp_path_factory) -> Path:
    """The crawl scanned with --workers 2: what every Dask scan must equal."""
    store = tmp_path_factory.mktemp("reference") / "workers.sqlite"
    result = scan(str(crawl), "--db", str(store), "--workers", "2", "-q")
    assert result.returncode == 0, result.stderr
    return store


def assert_same_store(got: Path, expected: Path) -> None:
    """Row by row, pages, findings and sites: every page once, the same findings."""
    for table in ("pages", "findings", "sites"):
        columns, expected_rows = rows(expected, table)
        same_columns, got_rows = rows(got, table)
        assert columns == same_columns
        assert len(got_rows) == len(expected_rows), table
        for index, (left, right) in enumerate(zip(expected_rows, got_rows)):
            assert left == right, f"{table} row {index} differs"


@needs_dask
def test_dask_local_gives_the_same_store_as_two_workers(crawl, reference, tmp_path):
    store = tmp_path / "dask.sqlite"
    result = scan(str(crawl), "--db", str(store), "--dask", "local:2")
    assert result.returncode == 0, result.stderr
    assert "120 pages checked" in result.stderr
    assert "claimcheck scan: Dask, 2 workers (2 threads) at tcp://127.0.0.1:" in result.stderr
    assert "dashboard: http://127.0.0.1:" in result.stderr
    assert_same_store(store, reference)
    _, pages = rows(store, "pages")
    _, findings = rows(store, "findings")
    assert len(pages) == 120 and len(findings) > 100

    # Resume: a second run over the same store skips every page and changes nothing.
    again = scan(str(crawl), "--db", str(store), "--dask", "local:2")
    assert again.returncode == 0, again.stderr
    assert "0 pages checked (none), 120 unchanged and skipped" in again.stderr
    assert_same_store(store, reference)


def stored_pages(store: Path) -> int:
    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as connection:
            return connection.execute("SELECT COUNT(*) FROM pages").fetchone()[0]
    except sqlite3.Error:  # not created yet
        return 0


def written_tasks(out: Path) -> int:
    from claimcheck.scan.partitions import done_tasks

    return len(done_tasks(out))


def wait_for(condition, process: subprocess.Popen, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, f"the scan ended before {what}: {process.communicate()[1]}"
        assert time.monotonic() < deadline, f"no {what} after {timeout} s"
        time.sleep(0.05)


def dask_worker_pids(client: subprocess.Popen) -> list[int]:
    """The worker processes of the client's LocalCluster (the nannies run inside the client):
    forked from it on Linux, so with its command line; spawned elsewhere."""
    import psutil

    parent = psutil.Process(client.pid)
    return [child.pid for child in parent.children(recursive=True)
            if child.cmdline() == parent.cmdline() or any("spawn_main" in part for part in child.cmdline())]


@needs_dask
@pytest.mark.parametrize("output", ["--db", "--out"])
def test_killing_a_worker_then_the_client_loses_and_doubles_nothing(output, crawl, reference, tmp_path):
    """A worker is killed mid-scan (Dask reruns its task; the scan goes on), then the client
    itself (SIGKILL, cluster and all); running the command again finishes the scan, and the
    results hold every page exactly once with the findings of an uninterrupted scan."""
    target = tmp_path / ("results.sqlite" if output == "--db" else "results")
    progress = (lambda: stored_pages(target)) if output == "--db" else (lambda: written_tasks(target))
    command = [sys.executable, "-m", "claimcheck", "scan", str(crawl), output, str(target), "--dask", "local:2",
               "-q", *(["--batch-size", "8"] if output == "--db" else ["--task-size", "0.02"])]
    client = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              start_new_session=True)
    try:
        wait_for(lambda: progress() > 0, client, "first results")
        workers = dask_worker_pids(client)
        assert len(workers) == 2
        os.kill(workers[0], signal.SIGKILL)
        before = progress()
        wait_for(lambda: progress() > before, client, "results after a worker was killed")
        os.kill(client.pid, signal.SIGKILL)
    finally:
        with contextlib.suppress(ProcessLookupError):  # the workers the client started go with it
            os.killpg(client.pid, signal.SIGKILL)
        client.communicate()
    assert 0 < progress()
    resumed = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    if output == "--out":
        from claimcheck.scan.partitions import sqlite_copy

        copy = tmp_path / "copy.sqlite"
        sqlite_copy(target, copy)
        target = copy
    assert_same_store(target, reference)


@needs_dask
def test_each_dask_worker_builds_the_pipeline_once(tmp_path):
    from claimcheck.pack.rulepack import PackChoice
    from claimcheck.scan.cluster import DaskWorkers
    from claimcheck.scan.worker import PageTask

    messages: list[str] = []
    workers = DaskWorkers("local:2", PackChoice(), None, on_message=messages.append)
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
