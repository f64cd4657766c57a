"""``claimcheck docs -o docs/rules``: one Markdown page per rule, plus index.md.

The output is deterministic, so the repository keeps the generated pages and
a test fails when they are stale. Rule pages left from rules that no longer
exist are removed; other files in the folder are left alone.
"""
from __future__ import annotations

from pathlib import Path

import click

from claimcheck.commands.common import load_pack_or_exit, print_problems, rule_path_option


@click.command("docs")
@click.option("-o", "--output", type=click.Path(file_okay=False), default="docs/rules", show_default=True,
              help="The folder to write the pages to.")
@rule_path_option
def docs_command(output, rule_paths):
    """Write one Markdown page per rule, plus an index."""
    from claimcheck.pack import docs as rule_docs
    from claimcheck.project.suppress import META_RULES

    pack = load_pack_or_exit(rule_paths)
    print_problems(pack.problems)
    pages = rule_docs.generate(list(pack.rules) + META_RULES, pack.kb, pack.directories)
    removed = rule_docs.write(pages, Path(output))
    for path in removed:
        click.echo(f"removed {path} (no such rule any more)")
    click.echo(f"Wrote {len(pages)} page(s) to {output}")
