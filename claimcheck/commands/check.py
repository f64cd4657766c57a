"""``claimcheck check PATHS``: lint ad copy and grade each document."""
from __future__ import annotations

import sys

import click

from claimcheck.commands.common import (EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, fail_on_option, load_pack_or_exit,
                                        print_problems, rule_path_option, write_output)
from claimcheck.load import DEFAULT_MAX_BYTES
from claimcheck.model import SEVERITY_RANK
from claimcheck.report import available


def exit_code(run) -> int:
    if any(p.fatal for p in run.problems):
        return EXIT_ERROR
    threshold = SEVERITY_RANK[run.fail_on]
    if any(f.suppressed is None and SEVERITY_RANK[f.severity] >= threshold for d in run.documents for f in d.findings):
        return EXIT_FINDINGS
    return EXIT_OK


@click.command("check")
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(available()), default="text", show_default=True,
              help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to this file.")
@fail_on_option
@click.option("--stdin-filename", help="Name (and so type: .md, .html) of the text read from '-'.")
@click.option("--max-file-size", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES // 1_048_576,
              show_default=True, help="Largest file to read, in MB.")
@rule_path_option
@click.option("--color/--no-color", default=None, help="Colour the text report (default: when a terminal).")
def check_command(paths, fmt, output, fail_on, stdin_filename, max_file_size, rule_paths, color):
    """Check ad copy for problematic claims and grade each document.

    PATHS are files or folders (folders are searched for .txt .md .markdown .html .htm);
    '-' reads standard input. Exit status: 0 nothing at or above --fail-on, 1 findings at or
    above it, 2 usage or input errors.
    """
    from claimcheck.load import iter_sources
    from claimcheck.report import Run, render
    from claimcheck.runner import check_sources

    pack = load_pack_or_exit(rule_paths)
    problems = list(pack.problems)
    sources = {}
    documents = []

    def remember(stream):
        for source in stream:
            sources[source.origin] = source.raw
            yield source

    stream = iter_sources(paths, problems, stdin_filename=stdin_filename, max_bytes=max_file_size * 1_048_576)
    for checked in check_sources(remember(stream), pack, problems):
        documents.append(checked.result)
    run = Run(documents=documents, problems=problems, rules=pack.rules, fail_on=fail_on or "major",
              color=(sys.stdout.isatty() and not output) if color is None else color, sources=sources)
    print_problems(problems)
    write_output(render(fmt, run), output)
    sys.exit(exit_code(run))
