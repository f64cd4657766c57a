"""``claimcheck lsp``: run the language server over standard input and output."""
from __future__ import annotations

import logging
import sys

import click

from claimcheck.commands.common import EXIT_ERROR, model_option


class _OneLineFormatter(logging.Formatter):
    """Log records as one line each on standard error (the editor's log), the exception's
    type and message in place of a traceback."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            message += f": {type(error).__name__}: {error}"
        return f"claimcheck lsp: {record.levelname.lower()}: {message}"


@click.command("lsp")
@click.option("--stdio", is_flag=True,
              help="Speak over standard input and output: the only transport, accepted because editors pass it.")
@model_option
def lsp_command(stdio):
    """Run the language server: findings as diagnostics while you type.

    For editors (VS Code, Neovim, Helix; see "Editor integration" in the README). Markdown,
    HTML and plain-text documents are checked as 'claimcheck check' checks the saved file, with
    the nearest .claimcheck.yaml or pyproject.toml and suppression comments.
    """
    try:
        from claimcheck.lsp.server import build_server
    except ImportError as exc:
        click.echo(f"claimcheck: error: the language server needs pygls ({exc.name} is not installed); "
                   "install it with: pip install 'claimcheck[lsp]'", err=True)
        sys.exit(EXIT_ERROR)
    # The protocol owns standard output: anything else printed there (a library's warning)
    # would corrupt a message, so the rest of the process writes to standard error instead.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLineFormatter())
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    protocol_out = sys.stdout.buffer
    sys.stdout = sys.stderr
    build_server().start_io(sys.stdin.buffer, protocol_out)
