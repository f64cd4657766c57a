"""A scan's database turns into a report: scan -> report, end to end through the CLI."""
from __future__ import annotations

import shutil
import sqlite3

from click.testing import CliRunner

from claimcheck.cli import cli
from tests.conftest import FIXTURES


def test_scan_then_report(tmp_path):
    mirror = tmp_path / "crawl"
    (mirror / "knee-clinic.example").mkdir(parents=True)
    (mirror / "hospital.example").mkdir()
    shutil.copy(FIXTURES / "violating" / "wellness-center.html", mirror / "knee-clinic.example" / "index.html")
    shutil.copy(FIXTURES / "compliant" / "transplant-center.html", mirror / "hospital.example" / "index.html")
    (mirror / "hospital.example" / "parking.html").write_text("<p>Parking is free on weekends.</p>")
    db = tmp_path / "results.sqlite"
    scanned = CliRunner().invoke(cli, ["scan", str(mirror), "--db", str(db), "--workers", "1", "--quiet"])
    assert scanned.exit_code == 0, scanned.output
    with sqlite3.connect(db) as connection:
        sites = dict(connection.execute("SELECT site, site_grade FROM sites").fetchall())
        statuses = dict(connection.execute("SELECT url, status FROM pages").fetchall())
    assert sites["knee-clinic.example"] == "F" and sites["hospital.example"] == "A"
    assert sorted(statuses.values()) == ["fail", "irrelevant", "pass"]

    report = tmp_path / "report.html"
    written = CliRunner().invoke(cli, ["report", str(db), "-o", str(report)])
    assert written.exit_code == 0, written.output
    html = report.read_text(encoding="utf-8")
    assert "knee-clinic.example" in html and "hospital.example" in html
    assert html.index("knee-clinic.example") < html.index("hospital.example")  # worst first
    assert "<script" not in html.lower()
