"""``claimcheck check PATHS``: lint ad copy and grade each document.

Also home of the options ``check`` and ``baseline`` share (configuration,
rule selection), so that a baseline records what ``check`` would report.
Command-line flags win over the configuration files, as in ruff.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from claimcheck.commands.common import (EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, fail_on_option, jurisdiction_option,
                                        model_option, no_builtin_pack_option, print_problems, rule_path_option,
                                        use_color, write_output)
from claimcheck.load.files import DEFAULT_MAX_BYTES
from claimcheck.load.limits import DEFAULT_TIMEOUT_SECONDS
from claimcheck.model import SEVERITIES, SEVERITY_RANK
from claimcheck.report import available


def exit_code(run, fail_on_by_path: dict | None = None) -> int:
    """2 on input errors; 1 when a document has an unsuppressed finding at or above
    its own fail-on (each file's configuration may set one); else 0."""
    if any(p.fatal for p in run.problems):
        return EXIT_ERROR
    for document in run.documents:
        threshold = SEVERITY_RANK[(fail_on_by_path or {}).get(document.path, run.fail_on)]
        if any(f.suppressed is None and SEVERITY_RANK[f.severity] >= threshold for f in document.findings):
            return EXIT_FINDINGS
    return EXIT_OK


def _selectors(values) -> tuple[str, ...] | None:
    """``--select CC1,CC2 --select CC3`` -> (CC1, CC2, CC3); None when not given."""
    if not values:
        return None
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _per_file_ignores(values, option: str):
    from claimcheck.project.config import PerFileIgnore

    entries = []
    for value in values:
        pattern, separator, codes = value.rpartition(":")
        if not separator or not pattern or not codes.strip():
            raise click.BadParameter(f"{value!r}: expected GLOB:CODES, e.g. 'legal/*.md:CC303,CC304'",
                                     param_hint=option)
        entries.append(PerFileIgnore(pattern, _selectors([codes]), Path.cwd()))
    return tuple(entries)


def _severities(values):
    pairs = []
    for value in values:
        code, separator, severity = value.partition("=")
        if not separator or severity not in SEVERITIES:
            raise click.BadParameter(f"{value!r}: expected CODE=SEVERITY, severity one of {', '.join(SEVERITIES)}",
                                     param_hint="--severity")
        pairs.append((code.strip(), severity))
    return tuple(pairs)


def _no_cache(ctx, param, value):
    if value:
        from claimcheck.runtime import cache
        cache.disable()


def lint_options(command):
    """The options shared by ``check`` and ``baseline``."""
    options = [
        click.option("--config", "config_file", type=click.Path(dir_okay=False),
                     help="Use this .claimcheck.yaml or pyproject.toml for every file, instead of "
                          "the nearest one above each file."),
        click.option("--isolated", is_flag=True, help="Ignore all configuration files."),
        click.option("--select", multiple=True, metavar="CODES",
                     help="Run only these rules: codes, prefixes (CC1), names or ALL, comma-separated."),
        click.option("--extend-select", multiple=True, metavar="CODES", help="Run these rules as well."),
        click.option("--ignore", multiple=True, metavar="CODES", help="Do not run these rules."),
        click.option("--per-file-ignores", multiple=True, metavar="GLOB:CODES",
                     help="Rules not to run on matching files, instead of the configuration's."),
        click.option("--extend-per-file-ignores", multiple=True, metavar="GLOB:CODES",
                     help="Rules not to run on matching files, besides the configuration's."),
        click.option("--severity", "severity_overrides", multiple=True, metavar="CODE=SEVERITY",
                     help="Give every finding of a rule this severity."),
        fail_on_option,
        rule_path_option,
        model_option,
        click.option("--knowledge-base", "knowledge_base", multiple=True, type=click.Path(dir_okay=False),
                     help="An extra knowledge-base YAML file (repeatable)."),
        jurisdiction_option,
        no_builtin_pack_option,
        click.option("--stdin-filename", help="Name (and so type: .md, .html) of the text read from '-'."),
        click.option("--exclude", multiple=True, metavar="PATTERNS",
                     help="Files and folders a folder walk leaves out (gitignore patterns, comma-separated), "
                          "instead of the configuration's and the default (version-control, dependency and "
                          "hidden folders). A file named on the command line is always checked."),
        click.option("--extend-exclude", multiple=True, metavar="PATTERNS",
                     help="Files and folders to leave out besides the others (gitignore patterns)."),
        click.option("--respect-gitignore/--no-respect-gitignore", default=None,
                     help="Leave out what the repository's .gitignore files leave out (default: on)."),
        click.option("--no-cache", is_flag=True, callback=_no_cache, expose_value=False, is_eager=True,
                     help="Build the rule pack and pipeline from their files instead of loading them from "
                          "the compiled cache, and leave the cache as it is (also $CLAIMCHECK_NO_CACHE=1)."),
        click.option("--max-file-size", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES // 1_048_576,
                     show_default=True, help="Largest file to read, in MB."),
        click.option("-j", "--jobs", type=click.IntRange(min=0), default=0, show_default=True,
                     envvar="CLAIMCHECK_JOBS",
                     help="Processes to check with. 0: one per core when there is enough to check (a quarter "
                          "of a megabyte of text or more), else one. The output is the same either way."),
        click.option("--timeout", type=click.FloatRange(min=0), default=DEFAULT_TIMEOUT_SECONDS, show_default=True,
                     help="Seconds a document may take to read, and to check; one that takes longer is an "
                          "error (CC915) and the others are still checked. 0: no limit."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def lint_request(paths, *, config_file, isolated, select, extend_select, ignore, per_file_ignores,
                 extend_per_file_ignores, severity_overrides, fail_on, rule_paths, knowledge_base, jurisdiction,
                 stdin_filename, max_file_size, timeout, jobs=1, no_builtin_pack=False, baseline=None,
                 exclude=(), extend_exclude=(), respect_gitignore=None):
    from claimcheck.load.exclusion import patterns
    from claimcheck.project.config import Config
    from claimcheck.project.lint import LintRequest

    cwd = Path.cwd()
    command_line = Config(
        path=None, root=cwd, select=_selectors(select), extend_select=_selectors(extend_select) or (),
        ignore=_selectors(ignore) or (), severity=_severities(severity_overrides), fail_on=fail_on,
        per_file_ignores=(_per_file_ignores(per_file_ignores, "--per-file-ignores")
                          + _per_file_ignores(extend_per_file_ignores, "--extend-per-file-ignores")),
        rule_paths=tuple(str((cwd / p).resolve()) for p in rule_paths),
        knowledge_base=tuple(str((cwd / p).resolve()) for p in knowledge_base), jurisdiction=jurisdiction,
        exclude=patterns(exclude) or None, extend_exclude=patterns(extend_exclude),
        respect_gitignore=respect_gitignore)
    return LintRequest(paths=tuple(paths), command_line=command_line, config_file=config_file, isolated=isolated,
                       replace_per_file_ignores=bool(per_file_ignores), baseline=baseline,
                       stdin_filename=stdin_filename, max_bytes=max_file_size * 1_048_576, timeout=timeout or None,
                       include_builtin=not no_builtin_pack, jobs=jobs)


def _show_settings(request) -> None:
    from claimcheck.project.config import ConfigError
    from claimcheck.project.lint import prepare
    from claimcheck.project.settings import describe

    try:
        prepared = prepare(request)
    except ConfigError as exc:
        print_problems(exc.problems)
        sys.exit(EXIT_ERROR)
    print_problems([p for p in prepared.problems if p.fatal])
    click.echo(describe(prepared, request), nl=False)
    sys.exit(EXIT_OK)


def run_lint(request):
    """``project.lint`` with its stopping problems turned into one line each and exit 2."""
    from claimcheck.runtime import collector
    from claimcheck.project.baseline import BaselineError
    from claimcheck.project.config import ConfigError
    from claimcheck.project.lint import lint

    collector.pause()  # until the pipeline is built (extract.pipeline resumes it)
    try:
        return lint(request)
    except ConfigError as exc:
        print_problems(exc.problems)
    except BaselineError as exc:
        print_problems([exc.problem])
    finally:
        collector.resume()  # when no pipeline was built
    sys.exit(EXIT_ERROR)


@click.command("check")
@click.argument("paths", nargs=-1)
@click.option("--format", "--output-format", "fmt", type=click.Choice(available()), default="text",
              show_default=True, help="Output format (concise: one line per finding).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to this file.")
@click.option("--baseline", type=click.Path(dir_okay=False),
              help="Report only findings not recorded in this baseline (see 'claimcheck baseline').")
@lint_options
@click.option("--color/--no-color", default=None,
              help="Colour the text report (default: on a terminal or with FORCE_COLOR set, never with "
                   "NO_COLOR set).")
@click.option("-q", "--quiet", is_flag=True, help="Print the findings and errors only: no grade or summary lines.")
@click.option("--statistics", is_flag=True, help="Print how many findings each rule has, instead of the findings.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are at or above --fail-on (2 still "
                                                "means an error).")
@click.option("--show-settings", is_flag=True,
              help="Print the settings each file would be checked with (configuration file, rules, severities, "
                   "exclusions, model) as YAML, and check nothing.")
def check_command(paths, fmt, output, baseline, color, quiet, statistics, exit_zero, show_settings, **options):
    """Check ad copy for problematic claims and grade each document.

    PATHS are files or folders (folders are searched for .txt .md .markdown .html .htm .docx .pdf;
    the current folder when none is given); '-' reads standard input. Settings come from the
    nearest .claimcheck.yaml or pyproject.toml [tool.claimcheck] above each file; flags win over
    them. Exit status:
    0 nothing at or above --fail-on, 1 findings at or above it, 2 usage or input errors.
    """
    from claimcheck.report import Run, render
    from claimcheck.project.suppress import META_RULES

    request = lint_request(paths or (".",), baseline=baseline, **options)
    if show_settings:
        _show_settings(request)
    result = run_lint(request)
    run = Run(documents=result.documents, problems=result.problems, rules=list(result.pack.rules) + META_RULES,
              fail_on=options["fail_on"] or result.strictest_fail_on,
              color=use_color(color, output), sources=result.sources,
              notes=result.notes, jurisdiction=result.jurisdiction, configs=result.configs,
              baseline=result.baseline.summary() if result.baseline else None, quiet=quiet)
    print_problems([p for p in result.problems if p.fatal or not quiet])
    if statistics:
        from claimcheck.report.statistics import render as render_statistics
        write_output(render_statistics(run), output)
    else:
        write_output(render(fmt, run), output, color=run.color or None)
    status = exit_code(run, result.fail_on)
    sys.exit(EXIT_OK if exit_zero and status == EXIT_FINDINGS else status)
