"""``claimcheck report RESULTS.sqlite -o report.html``: the HTML site report of a scan.

Reads the store that ``claimcheck scan`` writes (read-only, so it works while a scan
runs), or the results folder of ``scan --out DIR`` (through a temporary SQLite copy of
its partitions, ``claimcheck.scan.partitions``, so the report is the same) and writes one self-contained HTML file: sites ranked worst first, charts of
site grades and of findings by category, and for each site its worst pages with the
paragraphs that hold findings highlighted. ``--top`` and ``--top-pages`` bound the
size; everything else is in ``claimcheck export``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from claimcheck.commands.common import EXIT_ERROR, EXIT_OK, write_output


@click.command("report")
@click.argument("database", metavar="RESULTS.sqlite|DIR")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the HTML report to this file (default: standard output).")
@click.option("--top", type=click.IntRange(min=1), default=200, show_default=True,
              help="Show this many sites, worst first.")
@click.option("--top-pages", type=click.IntRange(min=1), default=10, show_default=True,
              help="Show this many pages per site, worst first.")
def report_command(database, output, top, top_pages):
    """Write an HTML report of a scan database (or of the results folder of scan --out DIR).

    Sites are ranked by site score (worst first), then by critical, major and minor
    findings. The rest of a large scan is counted in the report and available with
    'claimcheck export'.
    """
    from claimcheck.report.html import render_scan
    from claimcheck.report.html_scan import StoreError, read_store
    from claimcheck.scan.partitions import ResultsError, readable_store

    try:
        with readable_store(database) as store:
            scan = read_store(store, top=top, top_pages=top_pages)
    except (StoreError, ResultsError) as exc:
        click.echo(f"{database}: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    scan.name, scan.database = Path(database).name, database  # not the temporary copy's
    write_output(render_scan(scan), output)
    if output:
        click.echo(f"{output}: {len(scan.sites)} of {scan.sites_total} sites, "
                   f"{scan.totals['pages']} pages, {scan.totals['findings']} findings", err=True)
    sys.exit(EXIT_OK)
