"""claimcheck scan --out DIR: partitioned Parquet results that report and export read as
they read the SQLite store, tasks split from inputs without reading them, resume by task."""
from __future__ import annotations

import gzip
import re
import subprocess
import sys
from pathlib import Path

import pytest

from claimcheck.scan.partitions import FINDINGS, PAGES, PartitionWriter, ResultsError, done_tasks, sqlite_copy
from claimcheck.scan.tasks import InputTask, expand_path_list, read_task, split_inputs
from claimcheck.scan.worker import PageOutcome

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import make_crawl  # noqa: E402

STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ|\d{4}-\d\d-\d\d \d\d:\d\d UTC")


def claimcheck(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "claimcheck", *arguments], capture_output=True, text=True,
                          timeout=300)


def without_stamps(text: str) -> str:
    return STAMP.sub("TIME", text)


@pytest.fixture(scope="module")
def crawl(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("crawl")
    make_crawl.write_crawl(out, 60, 0.4, sites=4)
    return out


@pytest.fixture(scope="module")
def both(crawl, tmp_path_factory) -> tuple[Path, Path]:
    """The WARC scanned into SQLite, and into a results folder in ranges of 40 KB."""
    work = tmp_path_factory.mktemp("results")
    db, out = work / "scan-db.sqlite", work / "scan-out"
    first = claimcheck("scan", str(crawl / "crawl.warc.gz"), "--db", str(db), "--workers", "1", "-q")
    assert first.returncode == 0, first.stderr
    second = claimcheck("scan", str(crawl / "crawl.warc.gz"), "--out", str(out), "--workers", "2",
                        "--task-size", "0.04")
    assert second.returncode == 0, second.stderr
    assert "60 pages checked" in second.stderr and "already done and skipped" in second.stderr
    return db, out


def test_the_report_of_a_parquet_scan_is_the_report_of_the_sqlite_scan(both, tmp_path):
    db, out = both
    assert len(done_tasks(out)) > 1  # the WARC was split into ranges, one partition each
    for source, name in ((db, "db.html"), (out, "out.html")):
        result = claimcheck("report", str(source), "-o", str(tmp_path / name))
        assert result.returncode == 0, result.stderr
    sqlite_report = without_stamps((tmp_path / "db.html").read_text(encoding="utf-8"))
    parquet_report = without_stamps((tmp_path / "out.html").read_text(encoding="utf-8"))
    # The report names what it was made from, not the temporary copy it read.
    assert f"Scan report: {out.name}" in parquet_report
    assert parquet_report.replace(str(out), "RESULTS").replace(out.name, "RESULTS") == \
        sqlite_report.replace(str(db), "RESULTS").replace(db.name, "RESULTS")
    assert "fail" in sqlite_report


@pytest.mark.parametrize("table", ["pages", "findings", "sites"])
def test_export_of_a_parquet_scan_is_the_export_of_the_sqlite_scan(both, table):
    db, out = both
    exports = []
    for source in (db, out):
        result = claimcheck("export", str(source), "--table", table, "--format", "jsonl", "--with-raw")
        assert result.returncode == 0, result.stderr
        exports.append(without_stamps(result.stdout))
    assert exports[0] == exports[1]
    assert exports[0].count("\n") >= 4


def test_a_rerun_skips_the_tasks_written_and_does_the_missing_ones(both, crawl, tmp_path):
    db, out = both
    names = sorted(done_tasks(out))
    copy = tmp_path / "copy"
    for table in (PAGES, FINDINGS):
        (copy / table).mkdir(parents=True)
        for name in names[1:]:
            (copy / table / f"{name}.parquet").write_bytes((out / table / f"{name}.parquet").read_bytes())
    # A task that died after its findings file: not done, and its findings are not read.
    (copy / FINDINGS / f"{names[0]}.parquet").write_bytes((out / FINDINGS / f"{names[1]}.parquet").read_bytes())
    (copy / PAGES / f".{names[0]}.123.tmp").write_bytes(b"half a file")
    again = claimcheck("scan", str(crawl / "crawl.warc.gz"), "--out", str(copy), "--workers", "1",
                       "--task-size", "0.04")
    assert again.returncode == 0, again.stderr
    assert f"1 tasks done, {len(names) - 1} already done and skipped" in again.stderr
    assert done_tasks(copy) == set(names)
    report = [claimcheck("export", str(source), "--table", "findings", "--format", "csv").stdout
              for source in (db, copy)]
    assert report[0] == report[1]


def test_ranges_of_a_large_file_read_every_record_once(crawl):
    warc, jsonl = crawl / "crawl.warc.gz", crawl / "crawl.jsonl"
    for path, origin in ((warc, None), (jsonl, " at byte ")):
        whole = [(p.url, p.text) for p in read_task(InputTask(str(path), split_inputs([path])[0].kind), 1 << 24)]
        for size in (997, 10_000, 65_536):
            tasks = split_inputs([path], size)
            assert len(tasks) == -(-path.stat().st_size // size)
            pages = [p for task in tasks for p in read_task(task, 1 << 24)]
            assert [(p.url, p.text) for p in pages] == whole, (path.name, size)
            if origin:
                assert all(origin in p.origin for p in pages)
    assert len(whole) == 60


def test_mirror_of_hosts_is_one_task_per_site_and_lists_of_warc_paths_are_read(crawl, tmp_path):
    tasks = split_inputs([crawl / "mirror"])
    assert [Path(t.path).name for t in tasks] == sorted(p.name for p in (crawl / "mirror").iterdir())
    listing = tmp_path / "warc.paths.gz"
    with gzip.open(listing, "wt") as handle:
        handle.write(f"# a comment\n{crawl / 'crawl.warc.gz'}\n\nrelative/x.warc.gz\n")
    assert expand_path_list(listing) == [crawl / "crawl.warc.gz", tmp_path / "relative" / "x.warc.gz"]
    urls = tmp_path / "urls.paths"
    urls.write_text("https://data.commoncrawl.org/crawl-data/x.warc.gz\n")
    result = claimcheck("scan", str(urls), str(listing), "--out", str(tmp_path / "out"), "--workers", "1")
    assert result.returncode == 2
    assert f"{urls}: error: line 1: " in result.stderr and "is a URL" in result.stderr
    assert "x.warc.gz: error: no such file or folder [CC901]" in result.stderr
    assert "60 pages checked" in result.stderr  # the listed file that exists was scanned


def test_bad_results_folders_are_one_line(tmp_path):
    not_results = tmp_path / "photos"
    not_results.mkdir()
    (not_results / "a.jpg").write_bytes(b"x")
    page = tmp_path / "p.jsonl"
    page.write_text('{"url": "https://a.example/", "html": "<p>Our stem cells cure arthritis.</p>"}\n')
    result = claimcheck("scan", str(page), "--out", str(not_results))
    assert result.returncode == 2 and "not a claimcheck results folder" in result.stderr
    assert "Traceback" not in result.stderr
    result = claimcheck("report", str(not_results))
    assert result.returncode == 2 and "not a claimcheck results folder" in result.stderr
    result = claimcheck("scan", str(page), "--out", str(tmp_path / "o"), "--db", str(tmp_path / "r.sqlite"))
    assert result.returncode == 2 and "one of --db" in result.stderr
    (tmp_path / "o" / PAGES).mkdir(parents=True)
    (tmp_path / "o" / PAGES / "broken.parquet").write_bytes(b"not parquet")
    result = claimcheck("export", str(tmp_path / "o"))
    assert result.returncode == 2 and "broken.parquet: not a claimcheck results partition" in result.stderr
    with pytest.raises(ResultsError):
        sqlite_copy(tmp_path / "o", tmp_path / "copy.sqlite")


def test_an_abandoned_partition_leaves_nothing(tmp_path):
    (tmp_path / PAGES).mkdir()
    (tmp_path / FINDINGS).mkdir()
    writer = PartitionWriter(tmp_path, "task-1")
    writer.add(PageOutcome("https://a.example/", "a.example", "test", "h", "text/html", "irrelevant"))
    writer.abandon()
    assert [p.name for p in (tmp_path / PAGES).iterdir()] == []
    assert done_tasks(tmp_path) == set()


def test_a_task_that_cannot_be_written_is_one_line_and_the_others_are_written(tmp_path):
    inputs = []
    for name in ("a", "b"):
        inputs.append(tmp_path / f"{name}.jsonl")
        inputs[-1].write_text(f'{{"url": "https://{name}.example/", "html": "<p>Our stem cells cure arthritis.</p>"}}\n')
    out = tmp_path / "out"
    blocked = split_inputs([inputs[0]])[0].name
    (out / PAGES).mkdir(parents=True)
    (out / FINDINGS / f"{blocked}.parquet").mkdir(parents=True)  # its findings file cannot be put there
    result = claimcheck("scan", *map(str, inputs), "--out", str(out), "--workers", "1")
    assert result.returncode == 2
    assert f"{inputs[0]}: error: task {blocked} not written: cannot write its results" in result.stderr
    assert "Traceback" not in result.stderr
    assert done_tasks(out) == {split_inputs([inputs[1]])[0].name}
    assert "1 failed (run again to retry them)" in result.stderr
