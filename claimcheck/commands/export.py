"""``claimcheck export results.sqlite``: a scan store's table as CSV, JSONL or Parquet.

A results folder of ``scan --out DIR`` is read through a temporary SQLite copy of its
partitions (``claimcheck.scan.partitions``), so its export is that of a ``--db`` scan."""
from __future__ import annotations

import sys

import click

from claimcheck.commands.common import EXIT_ERROR, EXIT_OK


@click.command("export")
@click.argument("database", metavar="RESULTS.sqlite|DIR", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "parquet"]), default="csv", show_default=True,
              help="Output format.")
@click.option("--table", type=click.Choice(["pages", "findings", "sites"]), default="pages", show_default=True,
              help="What to export: one row per page, per finding, or per site.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write to this file (required for parquet; otherwise standard output).")
@click.option("--with-raw", is_flag=True, help="Include pages.raw, the whole page (large).")
def export_command(database, fmt, table, output, with_raw):
    """Export a scan's tables as CSV, JSONL or Parquet.

    RESULTS is a results file written by 'claimcheck scan --db', or a folder written by
    'claimcheck scan --out'. Rows come in a stable
    order (pages by site and URL, findings by URL and position, sites by name).
    """
    from claimcheck.scan.partitions import ResultsError, readable_store

    def fail(message: str) -> None:
        click.echo(f"claimcheck export: error: {message}", err=True)
        sys.exit(EXIT_ERROR)

    try:
        with readable_store(database) as store:
            _export(database, store, fmt, table, output, with_raw, fail)
    except ResultsError as exc:
        fail(str(exc))
    sys.exit(EXIT_OK)


def _export(database: str, store: str, fmt: str, table: str, output: str | None, with_raw: bool, fail) -> None:
    from claimcheck.scan.export import ExportError, write_csv, write_jsonl, write_parquet
    from claimcheck.scan.store import StoreError, connect

    try:
        db = connect(store, readonly=True)
    except StoreError as exc:
        fail(str(exc))
    try:
        if fmt == "parquet":
            if not output:
                fail("--format parquet writes a binary file: give it with -o FILE")
            write_parquet(db, table, output, with_raw)
        else:
            writer = write_csv if fmt == "csv" else write_jsonl
            if output:
                with open(output, "w", encoding="utf-8", newline="") as handle:
                    writer(db, table, handle, with_raw)
            else:
                writer(db, table, sys.stdout, with_raw)
    except ExportError as exc:
        fail(str(exc))
    except BrokenPipeError:  # piped into head: cli.main stops quietly
        raise
    except OSError as exc:
        fail(f"{output}: cannot write: {exc.strerror or exc}")
    except Exception as exc:  # sqlite3.DatabaseError and friends: one line, not a traceback
        fail(f"{database}: cannot read: {type(exc).__name__}: {exc}")
