"""What several subcommands share: loading the pack and reporting problems."""
from __future__ import annotations

import os
import sys

from pathlib import Path

import click

from claimcheck.errors import InputProblem
from claimcheck.model import SEVERITIES

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

fail_on_option = click.option(
    "--fail-on", type=click.Choice(SEVERITIES), default=None,
    help="Exit 1 when a finding at or above this severity remains (default: major).")


def _select_model(ctx, param, value):
    from claimcheck.extract.learned import default_model, select_model
    if value == "none":
        select_model(None)
    elif value is not None:
        if not (Path(value) / "meta.json").is_file():
            raise click.BadParameter(f"{value}: not a model folder (no meta.json); "
                                     "'claimcheck train CORPUS -o DIR' writes one")
        from claimcheck.extract.learned import ModelError, load_model
        try:  # a damaged folder is one line here, not a traceback from inside the pipeline
            load_model(str(Path(value).resolve()))
        except ModelError as exc:
            raise click.BadParameter(str(exc)) from None
        select_model(value)
    else:
        select_model(default_model())
    return value


model_option = click.option(
    "--model", metavar="DIR|none", callback=_select_model, expose_value=False, is_eager=True,
    help="The learned model to read sentences and pages with (written by 'claimcheck train'); "
         "'none' runs the rules alone. Default: $CLAIMCHECK_MODEL, else the model shipped with claimcheck.")
rule_path_option = click.option(
    "--rule-path", "rule_paths", multiple=True, type=click.Path(file_okay=False),
    help="An extra rule pack folder (repeatable).")
jurisdiction_option = click.option(
    "--jurisdiction", metavar="NAME",
    help="Whose law applies: the knowledge base and rules of the rule packs whose pack.yaml names NAME "
         "(the built-in pack is US, the default).")
no_builtin_pack_option = click.option(
    "--no-builtin-pack", "no_builtin_pack", is_flag=True,
    help="Leave out the built-in rule pack: only the --rule-path (and rule-paths) packs apply.")


def print_problems(problems: list[InputProblem]) -> None:
    for problem in problems:
        click.echo(problem.render(), err=True)


def load_pack_or_exit(rule_paths=(), kb_paths=(), include_builtin=True, jurisdiction=None):
    """The pack, or one line per problem and exit 2 when it has no usable rules or no pack
    names the jurisdiction asked for (None: the default, which needs no pack to name it)."""
    from claimcheck.pack.rulepack import DEFAULT_JURISDICTION, load_pack

    pack = load_pack(tuple(rule_paths), tuple(kb_paths), include_builtin, jurisdiction or DEFAULT_JURISDICTION)
    if jurisdiction and jurisdiction not in pack.jurisdictions:
        known = ", ".join(sorted(pack.jurisdictions)) or "none"
        click.echo(f"--jurisdiction: error: jurisdiction {jurisdiction!r}: no rule pack's pack.yaml names it "
                   f"(the packs in use name: {known}) [CC912]", err=True)
        sys.exit(EXIT_ERROR)
    if not pack.rules:
        print_problems(pack.problems)
        click.echo("claimcheck: error: no usable rules", err=True)
        sys.exit(EXIT_ERROR)
    return pack


def use_color(option: bool | None, output: str | None) -> bool:
    """``--color``/``--no-color`` when given; otherwise none if NO_COLOR is set
    (https://no-color.org), colour if FORCE_COLOR is (https://force-color.org: CI logs
    that render it), else colour on a terminal. Never into a file (``-o``) unless asked."""
    if option is not None:
        return option
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR") and not output:
        return True
    return sys.stdout.isatty() and not output


def write_output(text: str, output: str | None, color: bool | None = None) -> None:
    """``color``: keep the text's colour codes even when standard output is not a terminal
    (``--color`` into a pipe); click strips them there otherwise."""
    if output:
        try:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as exc:
            click.echo(f"{output}: error: cannot write output: {exc.strerror or exc}", err=True)
            sys.exit(EXIT_ERROR)
    else:
        _write_stdout(text, color)


def _write_stdout(text: str, color: bool | None) -> None:
    """``text`` on standard output, every byte or a BrokenPipeError. Into a pipe or a file the
    bytes go to the descriptor in a loop: Python's text layer over an unbuffered stream
    (``PYTHONUNBUFFERED``, common in containers) drops the rest of a write the kernel takes
    only in part, which is what a reader leaving mid-report (``check | head``) causes, so the
    run went on to exit 1 instead of 141. A terminal, and anything without a descriptor (a
    test's captured output), get click's echo, which knows consoles."""
    stream = sys.stdout
    try:
        descriptor = stream.fileno()
    except (AttributeError, OSError, ValueError):
        descriptor = None
    if descriptor is None or os.name != "posix" or stream.isatty():
        click.echo(text, nl=False, color=color)
        return
    if not color:
        text = click.unstyle(text)  # as click.echo does into a pipe or a file
    data = memoryview(text.encode(stream.encoding or "utf-8", stream.errors or "strict"))
    stream.flush()  # whatever was printed before stays before
    while data:
        data = data[os.write(descriptor, data):]


def read_pages_or_exit(folder):
    """The labelled page records under ``folder`` (``corpus/GUIDE.md``), with their sentences
    labelled; or one line naming the folder and the problem, and exit 2."""
    from claimcheck.train.corpus import read_corpus

    try:
        pages = read_corpus(folder)
    except (OSError, ValueError, KeyError) as exc:
        click.echo(f"{folder}: error: cannot read the corpus: {type(exc).__name__}: {exc} [CC930]", err=True)
        sys.exit(EXIT_ERROR)
    if not pages:
        click.echo(f"{folder}: error: no page records (*.json) found [CC930]", err=True)
        sys.exit(EXIT_ERROR)
    return pages
