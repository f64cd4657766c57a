"""claimcheck scan: inputs agree, kills lose nothing, bad pages are recorded, re-runs skip."""
from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimcheck.cli import cli
from claimcheck.scan.scanner import ScanOptions, run_scan

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import make_crawl  # noqa: E402

PAGE_FIELDS = "url, site, content_hash, relevant, words, score, grade, status, error_code"
FINDING_FIELDS = 'url, code, severity, line, "column", start_offset, end_offset, text'


def pages_of(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return sorted(connection.execute(f"SELECT {PAGE_FIELDS} FROM pages"))


def findings_of(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return sorted(connection.execute(f"SELECT {FINDING_FIELDS} FROM findings"))


def scan(inputs, db: Path, **options) -> object:
    return run_scan([Path(p) for p in inputs], str(db), ScanOptions(**{"workers": 1, **options}))


@pytest.fixture(scope="module")
def small_crawl(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("crawl")
    make_crawl.write_crawl(out, 40, 0.5, sites=4)
    return out


def test_mirror_warc_and_jsonl_give_the_same_pages_and_findings(small_crawl, tmp_path):
    results = {}
    for name in ("mirror", "crawl.warc.gz", "crawl.jsonl"):
        db = tmp_path / f"{name}.sqlite"
        summary = scan([small_crawl / name], db)
        assert summary.written == 40
        results[name] = (pages_of(db), findings_of(db))
    assert results["mirror"] == results["crawl.warc.gz"] == results["crawl.jsonl"]
    pages, findings = results["mirror"]
    assert sum(p[3] for p in pages) == 20  # relevant
    assert {p[7] for p in pages if not p[3]} == {"irrelevant"}
    assert findings, "the fixture pages have findings"
    assert {p[1] for p in pages} == {f"site-{i:03d}.example" for i in range(4)}


def test_findings_point_into_the_original_page(small_crawl, tmp_path):
    db = tmp_path / "r.sqlite"
    scan([small_crawl / "crawl.jsonl"], db)
    with sqlite3.connect(db) as connection:
        rows = connection.execute('SELECT p.raw, f.start_offset, f.end_offset, f.text, f.line, f."column" '
                                  "FROM findings f JOIN pages p ON p.url = f.url").fetchall()
    assert rows
    for raw, start, end, text, line, column in rows:
        assert raw[start:end] == text
        assert raw.count("\n", 0, start) + 1 == line
        assert start - (raw.rfind("\n", 0, start) + 1) + 1 == column


def test_a_page_seen_alone_keeps_what_a_reader_sees_whatever_its_class_names(tmp_path):
    """Template is decided by structure and repetition, not by class names or landmarks:
    only lists of links are left out of a page with no other page of its site."""
    from claimcheck.pack.rulepack import load_pack
    from claimcheck.normalize.main_content import Disclosures, main_content

    raw = """<html><body>
<header class="site-header"><p>Stem cell therapy cures arthritis!</p></header>
<div class="cookie-banner"><p>Stem cells cure cookies.</p></div>
<main><h1>Knee care</h1><p>Our stem cell injections heal torn cartilage.</p>
<p><a href="/book">Book a stem cell consultation</a></p>
<ul><li><a href="/a">Stem cells for knees</a></li><li><a href="/b">Stem cells for hips</a></li></ul></main>
<aside><p>Stem cells reverse aging.</p></aside>
<footer><p>Stem cell therapy is not FDA-approved for these uses.</p><p>&copy; 2025 Clinic</p></footer>
</body></html>"""
    text = main_content(raw, Disclosures.from_pack(load_pack()))
    for kept in ("heal torn cartilage", "Book a stem cell consultation", "not FDA-approved", "cures arthritis",
                 "cure cookies", "reverse aging", "2025 Clinic"):
        assert kept in text.text
    for gone in ("Stem cells for knees", "Stem cells for hips"):  # a list of links is a menu
        assert gone not in text.text
    for index, char in enumerate(text.text):
        if not char.isspace() and index not in text.replaced_ends:  # an entity maps to its "&"
            assert raw[text.raw_offsets[index]] == char


def test_blocks_a_site_repeats_are_linted_on_one_of_its_pages(tmp_path):
    from claimcheck.pack.rulepack import load_pack
    from claimcheck.normalize.main_content import Disclosures, main_content
    from claimcheck.normalize.site_template import SiteTemplates

    banner = '<div class="hero"><p>Our stem cells cure arthritis.</p></div>'
    footer = "<footer><p>Stem cell therapy is not FDA approved.</p><p>Open Monday to Friday.</p></footer>"
    pages = {f"https://s.example/{name}": f"<body>{banner}<p>Stem cell page {name} about knees.</p>{footer}</body>"
             for name in ("d", "b", "c", "a")}
    templates = SiteTemplates()
    for url, raw in pages.items():
        templates.add_page("s.example", url, raw)
    templates.add_page("alone.example", "https://alone.example/", pages["https://s.example/a"])
    templates.finish()
    disclosures = Disclosures.from_pack(load_pack())
    texts = {url: main_content(raw, disclosures, templates.repeated("s.example", url)).text
             for url, raw in pages.items()}
    # The banner is linted once, on the first page in URL order; the disclaimer everywhere.
    assert [url for url, text in sorted(texts.items()) if "cure arthritis" in text] == ["https://s.example/a"]
    assert all("not FDA approved" in text and "about knees" in text for text in texts.values())
    assert sum("Open Monday" in text for text in texts.values()) == 1
    assert not templates.repeated("alone.example", "https://alone.example/")


def test_prefilter_skips_pages_that_name_no_cell_product(tmp_path):
    from claimcheck.pack.rulepack import load_pack
    from claimcheck.scan.prefilter import Prefilter

    prefilter = Prefilter.from_pack(load_pack())
    assert prefilter.relevant("Our Stem  Cells heal knees")
    assert prefilter.relevant("Try UC-MSCs today") or prefilter.relevant("umbilical cord MSCs")
    assert not prefilter.relevant("Our sourdough heals the soul; the ecosystem cells")
    assert prefilter.maybe_relevant("<p>stem <b>cells</b></p>")
    assert not prefilter.maybe_relevant("<p>system cells excellent</p>")
    records = [{"url": "https://a.example/nav-only", "html": "<nav><a>Stem cells</a></nav><p>Opening hours.</p>"},
               {"url": "https://a.example/bread", "html": "<p>Fresh bread daily.</p>"}]
    path = tmp_path / "pages.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    scan([path], tmp_path / "r.sqlite")
    assert {(p[0], p[3], p[7]) for p in pages_of(tmp_path / "r.sqlite")} == {
        ("https://a.example/nav-only", 0, "irrelevant"), ("https://a.example/bread", 0, "irrelevant")}


def _corrupt_warc(path: Path) -> None:
    """Five HTML response records, the third one's gzip member damaged."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    members = []
    for number in range(5):
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=True)
        body = f"<html><body><p>Record {number}: our stem cells cure arthritis.</p></body></html>".encode()
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        # Fixed record ids and dates: warcio's random ones change the damaged member's bytes,
        # and with them how the damage reads (one run in five used to lose a second record).
        fixed = {"WARC-Record-ID": f"<urn:uuid:00000000-0000-4000-8000-00000000000{number}>",
                 "WARC-Date": "2026-01-01T00:00:00Z"}
        writer.write_record(writer.create_warc_record(f"https://w.example/{number}", "response",
                                                      payload=io.BytesIO(body), http_headers=headers,
                                                      warc_headers_dict=fixed))
        members.append(buffer.getvalue())
    damaged = bytearray(members[2])
    damaged[30:60] = b"\x00" * 30
    members[2] = bytes(damaged)
    path.write_bytes(b"".join(members))


def test_bad_pages_are_recorded_and_the_scan_completes(tmp_path):
    site = tmp_path / "mirror" / "bad.example"
    site.mkdir(parents=True)
    (site / "report.html").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    (site / "empty.html").write_bytes(b"")
    with open(site / "huge.html", "wb") as handle:
        handle.write(b"<html><body>" + b"<p>stem cells heal</p>" * 1_450_000 + b"</body></html>")  # ~30 MB
    (site / "index.html").write_text("<p>Our stem cells cure arthritis.</p>")
    warc = tmp_path / "bad.warc.gz"
    _corrupt_warc(warc)
    jsonl = tmp_path / "bad.jsonl"
    jsonl.write_text('{"url": "https://j.example/", "html": "<p>fine</p>"}\n{not json\n')

    result = CliRunner().invoke(cli, ["scan", str(tmp_path / "mirror"), str(warc), str(jsonl),
                                      "--db", str(tmp_path / "r.sqlite"), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    rows = {p[0]: p for p in pages_of(tmp_path / "r.sqlite")}
    assert rows["https://bad.example/report.html"][7:] == ("error", "CC902")
    assert rows["https://bad.example/empty.html"][7:] == ("error", "CC907")
    assert rows["https://bad.example/huge.html"][7:] == ("error", "CC905")
    assert rows["https://bad.example/"][7] == "fail"
    corrupt = [p for p in rows.values() if p[8] == "CC914"]
    assert len(corrupt) == 2  # the damaged WARC record and the bad JSONL line
    assert {f"https://w.example/{n}" for n in (0, 1, 3, 4)} <= set(rows)  # records after the damage are read
    assert "https://w.example/2" not in rows
    assert "https://j.example/" in rows
    lines = [line for line in result.output.splitlines() if ": error: " in line]
    # A library's message quoting the damaged bytes reaches neither the screen nor the store raw.
    assert all(c.isprintable() for line in lines for c in line), lines
    with sqlite3.connect(tmp_path / "r.sqlite") as connection:
        stored = [row[0] for row in connection.execute("SELECT error FROM pages WHERE error_code = 'CC914'")]
    assert stored and all(c.isprintable() for error in stored for c in error), stored
    assert any("a PDF document" in line for line in lines)
    assert any("over the 10 MB limit" in line for line in lines)


def test_rerun_skips_unchanged_pages_and_rechecks_changed_ones(tmp_path):
    site = tmp_path / "mirror" / "c.example"
    site.mkdir(parents=True)
    (site / "a.html").write_text("<p>Our stem cells cure arthritis.</p>")
    (site / "b.html").write_text("<p>Our stem cells heal knees without surgery.</p>")
    (site / "c.html").write_text("<p>Bread and butter.</p>")
    db = tmp_path / "r.sqlite"
    first = scan([tmp_path / "mirror"], db)
    assert first.written == 3 and first.unchanged == 0
    before = findings_of(db)
    assert any(f[0] == "https://c.example/a.html" for f in before)

    (site / "a.html").write_text("<p>Stem cell therapy is not FDA-approved; we do not offer it.</p>")
    second = scan([tmp_path / "mirror"], db)
    assert second.written == 1 and second.unchanged == 2
    after = findings_of(db)
    assert [f for f in after if f[0] != "https://c.example/a.html"] == \
           [f for f in before if f[0] != "https://c.example/a.html"]
    assert not [f for f in after if f[0] == "https://c.example/a.html" and "cure" in f[7]]
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT COUNT(*) FROM pages").fetchone()[0] == 3


def test_sigkill_mid_scan_then_rerun_loses_and_duplicates_nothing(tmp_path):
    crawl = tmp_path / "crawl"
    # A fifth relevant: hundreds of pages are linted and have findings, so the comparison
    # after the rerun is about findings, not only about pages the prefilter skipped.
    make_crawl.write_crawl(crawl, 3000, 0.2, sites=6, formats=("jsonl",))
    reference = tmp_path / "reference.sqlite"
    scan([crawl / "crawl.jsonl"], reference)

    db = tmp_path / "killed.sqlite"
    command = [sys.executable, "-m", "claimcheck", "scan", str(crawl / "crawl.jsonl"), "--db", str(db),
               "--workers", "2", "--batch-size", "50", "--quiet"]
    process = subprocess.Popen(command, start_new_session=True, stderr=subprocess.DEVNULL)
    committed = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if db.exists():  # never create it: the scan must be the one to
            try:
                connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
                committed = connection.execute("SELECT COUNT(*) FROM pages").fetchone()[0]
                connection.close()
            except sqlite3.Error:
                committed = 0
        if committed >= 1000:
            break
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)  # the scan and its workers, mid-transaction or not
    process.wait()
    with sqlite3.connect(db) as connection:
        stored = connection.execute("SELECT COUNT(*) FROM pages").fetchone()[0]
        orphans = connection.execute("SELECT COUNT(*) FROM findings WHERE url NOT IN (SELECT url FROM pages)"
                                     ).fetchone()[0]
        linted_with_findings = connection.execute(
            "SELECT COUNT(DISTINCT url) FROM findings").fetchone()[0]
    assert 0 < stored < 3000, "the kill should land mid-scan"
    assert linted_with_findings >= 50, "the killed run should already have stored findings"
    assert orphans == 0

    rerun = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert pages_of(db) == pages_of(reference)
    assert findings_of(db) == findings_of(reference)
    assert len(pages_of(db)) == 3000


def test_a_fifo_in_a_mirror_or_named_as_a_crawl_is_an_error_not_a_hang(tmp_path):
    import os

    site = tmp_path / "mirror" / "f.example"
    site.mkdir(parents=True)
    (site / "index.html").write_text("<p>Our stem cells cure arthritis.</p>")
    os.mkfifo(site / "pipe.html")
    os.mkfifo(tmp_path / "crawl.warc")
    result = CliRunner().invoke(cli, ["scan", str(tmp_path / "mirror"), str(tmp_path / "crawl.warc"),
                                      "--db", str(tmp_path / "r.sqlite"), "--workers", "1"])
    assert "not a regular file" in result.output and "Traceback" not in result.output
    rows = {p[0]: p for p in pages_of(tmp_path / "r.sqlite")}
    assert rows["https://f.example/"][7] == "fail"
    assert rows["https://f.example/pipe.html"][7] == "error"


def test_an_empty_folder_is_an_input_error_as_in_check(tmp_path):
    """check and scan agree: a folder with nothing to read is one CC901 line and exit 2."""
    from tests.clitools import invoke

    (tmp_path / "empty" / "assets").mkdir(parents=True)
    (tmp_path / "empty" / "assets" / "logo.png").write_bytes(b"\x89PNG")
    scanned = invoke("scan", tmp_path / "empty", "--db", tmp_path / "results.sqlite", "-q")
    checked = invoke("check", tmp_path / "empty")
    assert scanned.exit_code == checked.exit_code == 2
    assert "no pages to scan in this folder" in scanned.stderr and "[CC901]" in scanned.stderr
    assert "[CC901]" in checked.stderr


def test_a_mirror_page_reads_the_stylesheets_it_links_and_a_changed_one_rechecks_it(tmp_path):
    site = tmp_path / "mirror" / "d.example"
    (site / "css").mkdir(parents=True)
    sheet = site / "css" / "site.css"
    sheet.write_text(".fine{display:none}")
    (site / "knee.html").write_text(
        '<html><head><link rel="stylesheet" href="css/site.css"></head><body>'
        "<h1>Knee clinic</h1><p>Our stem cell injections heal arthritic knees.</p>"
        '<p class="fine">Risks include infection. This treatment is not FDA approved.</p></body></html>')
    db = tmp_path / "s.sqlite"
    scan([tmp_path / "mirror"], db)
    assert {"CC303", "CC304"} <= {f[1] for f in findings_of(db)}

    sheet.write_text(".other{display:none}")  # the disclaimer shows now: the page is checked again
    again = scan([tmp_path / "mirror"], db)
    assert again.written == 1 and again.unchanged == 0
    assert not {"CC303", "CC304"} & {f[1] for f in findings_of(db)}
