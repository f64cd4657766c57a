"""Takes the README's screenshots of the two HTML reports, in Debian's headless Chromium.

    python tests/make_report_screenshots.py

Writes ``docs/images/check-report.png`` (``claimcheck check --format html`` on
``fixtures/violating/knee-clinic.md``) and ``docs/images/scan-report.png``
(``claimcheck report`` on a scan store of the fixture sites, built as the tests
build theirs). Run it again after changing the report's design.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claimcheck.cli import cli  # noqa: E402
from claimcheck.pack.rulepack import load_pack  # noqa: E402
from tests.html_report_support import build_store, fixture_pages  # noqa: E402
from tests.test_browser import CHROMIUM, FLAGS  # noqa: E402

IMAGES = ROOT / "docs" / "images"


def main() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    os.chdir(ROOT)  # paths in the report as a user would type them
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        check = work / "check.html"
        CliRunner().invoke(cli, ["check", "--format", "html", "-o", str(check),
                                 "fixtures/violating/knee-clinic.md"])
        store = work / "results.sqlite"
        build_store(store, load_pack(), pages=[p for p in fixture_pages() if "example" in p[1]
                                               and not p[1].startswith("hostile")])
        scan = work / "scan.html"
        CliRunner().invoke(cli, ["report", str(store), "-o", str(scan)])
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(check.as_uri())
            page.screenshot(path=str(IMAGES / "check-report.png"))
            page.goto(scan.as_uri())
            page.screenshot(path=str(IMAGES / "scan-report.png"))
            browser.close()
    for name in ("check-report.png", "scan-report.png"):
        print(f"docs/images/{name}: {(IMAGES / name).stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
