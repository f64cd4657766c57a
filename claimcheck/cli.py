"""The ``claimcheck`` command line.

Subcommands live in ``claimcheck.commands.<name>`` and are imported only when
invoked, so ``claimcheck --help`` and ``--version`` never import spaCy.
"""
from __future__ import annotations

import importlib
import importlib.util
import os
import sys

import click

from claimcheck import __version__
from claimcheck.runtime import interrupts

EXIT_CLOSED_PIPE = 141  # 128 + SIGPIPE, as a shell reports a writer its reader left
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as other Unix tools exit on Ctrl-C

COMMANDS = {
    "check": ("claimcheck.commands.check", "Check ad copy for problematic claims and grade each document."),
    "explain": ("claimcheck.commands.explain", "Show what the pipeline saw, sentence by sentence."),
    "rules": ("claimcheck.commands.rules", "List the rules."),
    "rule": ("claimcheck.commands.rules", "Show one rule's documentation."),
    "eval": ("claimcheck.commands.eval", "Measure detection quality on a labelled JSONL corpus."),
    "test": ("claimcheck.commands.test", "Run every rule's annotated fixtures in a rules folder."),
    "docs": ("claimcheck.commands.docs", "Write one Markdown page per rule, plus an index."),
    "baseline": ("claimcheck.commands.baseline", "Record today's findings so that later runs report only new ones."),
    "scan": ("claimcheck.commands.scan", "Batch-scan crawled websites into a results database."),
    "export": ("claimcheck.commands.export", "Export a scan database's tables as CSV, JSONL or Parquet."),
    "report": ("claimcheck.commands.report", "Write an HTML report of a scan database."),
    "train": ("claimcheck.commands.train", "Train the learned components on a labelled corpus, or cross-validate them."),
    "lsp": ("claimcheck.commands.lsp", "Run the language server: findings in your editor as you type."),
}


class ClosedPipe(Exception):
    """Standard output's reader went away. Not an OSError, so that click's own handling
    (exit 1, the code for "findings found") lets it through to ``main``."""


class LazyGroup(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BrokenPipeError as exc:
            raise ClosedPipe() from exc

    def list_commands(self, ctx):
        return [name for name, (module, _) in COMMANDS.items() if importlib.util.find_spec(module)]

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module_name, _ = COMMANDS[name]
        if importlib.util.find_spec(module_name) is None:
            return None
        module = importlib.import_module(module_name)
        return getattr(module, f"{name}_command")

    def format_commands(self, ctx, formatter):
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="claimcheck")
def cli():
    """claimcheck: a compliance linter for stem-cell and regenerative-medicine advertising.

    It finds each claim in ad copy, decides with rules kept as YAML data whether it contradicts
    the approved uses and documented risks in its knowledge base, and grades each document.
    """


def main():
    interrupts.watch()
    try:
        _run()
        code = 0
    except SystemExit as exc:
        code = exc.code
    # The work is done: a Ctrl-C from here on only sets the status, and one that was
    # swallowed on the way (runtime/interrupts.py) still does.
    interrupts.hold()
    if interrupts.came() and code != EXIT_INTERRUPTED:
        click.echo("claimcheck: interrupted", err=True)
        code = EXIT_INTERRUPTED
    _exit_without_teardown(code)
    sys.exit(code)


def _exit_without_teardown(code) -> None:
    """Exit now, without freeing every object the run made: Python's teardown takes each
    module's objects apart one by one (spaCy's vocabulary and matchers, the run's documents),
    a tenth of a second that nobody waits for gladly in a pre-commit hook. mypy exits the
    same way. The exit handlers run first and the output is flushed; where another thread
    is still running, or this Python has no way to run the handlers, the exit is Python's own."""
    import atexit
    import threading

    run_handlers = getattr(atexit, "_run_exitfuncs", None)
    if run_handlers is None or threading.active_count() > 1:
        return
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): Python prints it and exits 1
        return
    run_handlers()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        return  # let Python report or swallow it as it would
    os._exit(status)


def _run():
    # Not click's standalone mode: it turns Ctrl-C into "Aborted!" and exit 1, which is the
    # code for "findings found"; an interrupted run exits 130 like other Unix tools.
    try:
        cli.main(prog_name="claimcheck", standalone_mode=False)
    except (KeyboardInterrupt, click.exceptions.Abort):
        click.echo("claimcheck: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except ClosedPipe:
        # The reader went away (``claimcheck rules | head``): stop quietly with the status a
        # Unix tool killed by SIGPIPE has (128 + 13), which no run of claimcheck otherwise
        # gives, and never 1, "findings found". Standard output is dropped so that Python's
        # flush at exit does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_CLOSED_PIPE)
