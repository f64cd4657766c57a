"""``claimcheck baseline PATHS -o FILE``: record today's findings, so that
``claimcheck check --baseline FILE`` reports only new ones.

It runs exactly what ``check`` runs (same configuration, selection and
suppression comments) and writes every reported finding, keyed so that moving
text does not invalidate it (see ``claimcheck.project.baseline``).
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from claimcheck.commands.check import lint_options, lint_request, run_lint
from claimcheck.commands.common import EXIT_ERROR, EXIT_OK, print_problems

DEFAULT_BASELINE = ".claimcheck-baseline.json"


@click.command("baseline")
@click.argument("paths", nargs=-1)
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=DEFAULT_BASELINE, show_default=True,
              help="The baseline file to write.")
@lint_options
def baseline_command(paths, output, **options):
    """Record today's findings so that later runs report only new ones.

    Commit the file, then run 'claimcheck check --baseline FILE PATHS': findings recorded
    in it are not reported (JSON and SARIF keep them, marked as suppressed).
    """
    from claimcheck.project import baseline

    result = run_lint(lint_request(paths or (".",), **options))
    print_problems(result.problems)
    if any(p.fatal for p in result.problems):
        click.echo("claimcheck: error: baseline not written: fix the input errors above first", err=True)
        sys.exit(EXIT_ERROR)
    path = Path(output)
    try:
        data = baseline.write(result.documents, path)
    except OSError as exc:
        click.echo(f"{output}: error: cannot write baseline: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_ERROR)
    findings = sum(entry["count"] for entry in data["entries"])
    files = len({entry["path"] for entry in data["entries"]})
    click.echo(f"Wrote {path}: {findings} finding(s) in {files} of {len(result.documents)} document(s).")
    sys.exit(EXIT_OK)
