"""claimcheck export: every table in every format, streamed from the results store."""
from __future__ import annotations

import csv
import json
import sqlite3

from click.testing import CliRunner

from claimcheck.cli import cli
from tests.test_scan import scan, small_crawl  # noqa: F401  (the crawl fixture)


def test_export_in_every_format(small_crawl, tmp_path):
    import pyarrow.parquet as pq

    db = tmp_path / "r.sqlite"
    scan([small_crawl / "crawl.jsonl"], db)
    with sqlite3.connect(db) as connection:
        counts = {t: connection.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                  for t in ("pages", "findings", "sites")}
    runner = CliRunner()
    for table, count in counts.items():
        for fmt in ("csv", "jsonl", "parquet"):
            out = tmp_path / f"{table}.{fmt}"
            result = runner.invoke(cli, ["export", str(db), "--format", fmt, "--table", table, "-o", str(out)])
            assert result.exit_code == 0, result.output
            if fmt == "csv":
                rows = list(csv.reader(out.open(encoding="utf-8")))
                assert len(rows) == count + 1
                assert "raw" not in rows[0]
            elif fmt == "jsonl":
                records = [json.loads(line) for line in out.read_text().splitlines()]
                assert len(records) == count
                if table == "findings":
                    assert isinstance(records[0]["refs"], list)
                if table == "sites":
                    assert {"site", "pages", "relevant_pages", "critical", "worst_grade", "site_grade"} <= set(records[0])
            else:
                assert pq.read_table(out).num_rows == count
    result = runner.invoke(cli, ["export", str(tmp_path / "missing.sqlite")])
    assert result.exit_code == 2
    assert "no such results file" in result.output
