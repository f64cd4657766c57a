"""``claimcheck scan INPUT... --db results.sqlite``: batch-scan crawled websites.

The command line only: reading options, the progress bar, one line per bad
input. The work is ``claimcheck.scan.scanner.run_scan``.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from claimcheck.errors import UNREADABLE
from claimcheck.load.limits import DEFAULT_TIMEOUT_SECONDS
from claimcheck.commands.common import (EXIT_ERROR, EXIT_OK, jurisdiction_option, load_pack_or_exit, model_option,
                                        no_builtin_pack_option, print_problems, rule_path_option)

MAX_ERROR_LINES = 20


class Progress:
    """Pages done, pages per second and the time left, on standard error.

    The time left is estimated from the bytes of input read so far: the number
    of pages in a WARC or JSONL file is not known until it has been read, its
    size is."""

    def __init__(self, inputs: list[Path], enabled: bool):
        self.done_pages = 0
        self.findings = 0
        self.tasks = None  # (done, sent) chunks, once workers report them
        self.started = time.monotonic()
        self.bar = None
        self._sizes = {}
        self._finished_bytes = 0
        self._shown = 0.0
        if enabled:
            from tqdm import tqdm

            from claimcheck.load.crawl import input_size
            self._sizes = {path: input_size(path) for path in inputs}
            self.bar = tqdm(total=sum(self._sizes.values()), file=sys.stderr, dynamic_ncols=True, mininterval=0.5,
                            bar_format="{percentage:3.0f}%|{bar}| {desc} [{elapsed}<{remaining}]")
            self.bar.set_description_str("0 pages", refresh=False)

    def read(self, page) -> None:
        if self.bar is not None:
            self.bar.n = min(self._finished_bytes + page.position, self.bar.total)

    def input_done(self, path: Path) -> None:
        self._finished_bytes += self._sizes.get(path, 0)

    def page_done(self, count: int = 1, findings: int = 0) -> None:
        self.done_pages += count
        self.findings += findings
        if self.bar is None:
            return
        now = time.monotonic()
        if now - self._shown >= 0.5:
            self._shown = now
            rate = self.done_pages / max(now - self.started, 1e-9)
            tasks = f"{self.tasks[0]}/{self.tasks[1]} tasks, " if self.tasks else ""
            self.bar.set_description_str(f"{tasks}{self.done_pages} pages, {self.findings} findings, "
                                         f"{rate:.1f} pages/s", refresh=False)
            self.bar.refresh()

    def tasks_done(self, done: int, sent: int) -> None:
        self.tasks = (done, sent)

    def task_done(self, result) -> None:
        """A task of a partitioned scan: its bytes read, its pages and findings."""
        if self.bar is not None:
            self._finished_bytes += result.bytes
            self.bar.n = min(self._finished_bytes, self.bar.total)
        self._shown = 0.0  # a task is a rare event: show it at once
        self.page_done(sum(result.statuses.values()), result.findings)

    def write(self, line: str) -> None:
        if self.bar is not None:
            self.bar.write(line, file=sys.stderr)
        else:
            click.echo(line, err=True)

    def abandon(self) -> None:
        """Take the bar off the terminal: the scan stops before it began, and only its error shows."""
        if self.bar is not None:
            self.bar.leave = False
            self.bar.close()
            self.bar = None

    def close(self) -> None:
        if self.bar is not None:
            self.bar.n = self.bar.total
            self.bar.set_description_str(f"{self.done_pages} pages", refresh=False)
            self.bar.close()


@click.command("scan")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--db", "db_path", type=click.Path(dir_okay=False),
              help="The SQLite results file (created if missing; a re-run skips pages already in it).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Write partitioned Parquet results to this folder instead (one file per task, written by "
                   "whoever checks it; a re-run skips the tasks already written). Needs pyarrow.")
@click.option("--task-size", type=click.FloatRange(min=0, min_open=True), default=None,
              help="With --out: split larger WARC and JSONL files into tasks of this many MB (default: a "
                   "64th of the input files' size, from 0.25 to 64 MB). A rerun must use the same size.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: the number of cores). 1 checks pages in this process.")
@click.option("--max-page-size", type=click.FloatRange(min=0, min_open=True), default=10, show_default=True,
              help="Largest page to check, in MB; larger ones are recorded as errors.")
@click.option("--scheme", type=click.Choice(["https", "http"]), default="https", show_default=True,
              help="Scheme of the URLs given to pages of mirror folders.")
@click.option("--batch-size", type=click.IntRange(min=1), default=500, show_default=True,
              help="Pages per transaction: what a killed scan may have to check again.")
@click.option("--dask", "dask_address", metavar="ADDRESS|local[:N]", default=None,
              help="Check pages on a Dask cluster: a scheduler's address (tcp://HOST:8786), or 'local:N' to "
                   "start N worker processes here (N: --workers, else the cores). Needs "
                   "pip install 'claimcheck[dask]'.")
@click.option("--timeout", type=click.FloatRange(min=0), default=DEFAULT_TIMEOUT_SECONDS, show_default=True,
              help="Seconds a page may take to check; a longer one is recorded as an error (CC915), not "
                   "tried again by a re-run while unchanged, and the scan goes on. 0: no limit. Not enforced "
                   "with --dask.")
@rule_path_option
@jurisdiction_option
@no_builtin_pack_option
@model_option
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary line.")
def scan_command(inputs, db_path, out_dir, task_size, workers, max_page_size, scheme, batch_size, dask_address,
                 timeout, rule_paths, jurisdiction, no_builtin_pack, quiet):
    """Batch-scan crawled websites into a results database.

    INPUT is a folder saved by wget --mirror (the site is the host folder), a WARC or
    WARC.gz file, a JSONL file of {"url": ..., "html": ...} (or "text") records, or a
    list of WARC paths (.paths, .paths.gz, .txt: one a line, as Common Crawl's warc.paths.gz).
    Each page's site is its host name. Pages that name no cell product are recorded
    as irrelevant without being linted. Interrupt or kill it at any time: running
    the same command again skips the pages already stored and checks the rest.
    """
    from claimcheck.load.crawl import InputKindError, input_kind
    from claimcheck.pack.rulepack import DEFAULT_JURISDICTION, PackChoice
    from claimcheck.scan.scanner import ClusterError, ScanOptions, dask_target, default_workers, run_scan
    from claimcheck.scan.store import StoreError
    from claimcheck.scan.tasks import TaskListError, expand_path_list, is_path_list

    if (db_path is None) == (out_dir is None):
        raise click.UsageError("give one of --db FILE (SQLite) and --out DIR (partitioned Parquet)")
    if out_dir is not None:
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            click.echo("claimcheck scan: --out needs pyarrow: pip install 'claimcheck[parquet]'", err=True)
            sys.exit(EXIT_ERROR)
    if dask_address is not None:
        try:
            kind, _ = dask_target(dask_address, workers)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="'--dask'") from None
        if kind == "scheduler" and workers is not None:
            raise click.UsageError("--workers is for a local scan or --dask local:N; the scheduler at "
                                   f"{dask_address} has its own workers")
        try:
            import distributed  # noqa: F401
        except ImportError:
            click.echo("claimcheck scan: --dask needs Dask: pip install 'claimcheck[dask]'", err=True)
            sys.exit(EXIT_ERROR)
    usable, exit_code, named = [], EXIT_OK, []
    for path in inputs:
        try:
            named.extend(expand_path_list(path) if is_path_list(path) else [path])
        except TaskListError as exc:
            click.echo(f"{path}: error: {exc} [CC901]", err=True)
            exit_code = EXIT_ERROR
    for path in named:
        try:
            input_kind(path)
            usable.append(path)
        except InputKindError as exc:
            click.echo(f"{path}: error: {exc} [CC901]", err=True)
            exit_code = EXIT_ERROR
    if not usable:
        sys.exit(EXIT_ERROR)
    pack_choice = PackChoice(tuple(rule_paths), jurisdiction or DEFAULT_JURISDICTION, not no_builtin_pack)
    pack = load_pack_or_exit(rule_paths, (), not no_builtin_pack, jurisdiction)
    print_problems(pack.problems)

    progress = Progress(usable, enabled=not quiet)
    errors = 0

    def on_outcome(outcome) -> None:
        nonlocal errors
        progress.page_done(findings=len(outcome.findings))
        if outcome.status == "error":
            errors += 1
            if errors <= MAX_ERROR_LINES:
                progress.write(f"{outcome.origin}: error: {outcome.error} [{outcome.error_code}]")
            elif errors == MAX_ERROR_LINES + 1:
                progress.write("claimcheck scan: more errors not shown; they are in the pages table "
                               "(status = 'error')")

    options = ScanOptions(workers=workers or default_workers(), max_bytes=int(max_page_size * 1_048_576),
                          pack_choice=pack_choice, scheme=scheme, batch_pages=batch_size, dask=dask_address,
                          timeout=timeout or None)
    if out_dir is not None:
        _partitioned(usable, Path(out_dir), options, int(task_size * 1_048_576) if task_size else None, progress, quiet, exit_code)
    try:
        summary = run_scan(usable, db_path, options, on_page=progress.read, on_outcome=on_outcome,
                           on_unchanged=progress.page_done, on_input_done=progress.input_done,
                           on_tasks=progress.tasks_done,
                           on_message=progress.write if not quiet else lambda line: None)
    except StoreError as exc:
        if progress.done_pages:
            progress.close()
        else:
            progress.abandon()
        click.echo(f"{exc} [{UNREADABLE}]", err=True)
        sys.exit(EXIT_ERROR)
    except ClusterError as exc:
        progress.close()
        click.echo(str(exc), err=True)
        sys.exit(EXIT_ERROR)
    progress.close()
    if not quiet:
        click.echo(summary.line(db_path), err=True)
    sys.exit(exit_code)


def _partitioned(usable: list[Path], out_dir: Path, options, task_bytes: int | None, progress: Progress, quiet: bool,
                 exit_code: int) -> None:
    """``--out DIR``: the partitioned scan, its error lines and its summary; exits."""
    from claimcheck.scan.partitioned import run_partitioned_scan
    from claimcheck.scan.partitions import ResultsError
    from claimcheck.scan.scanner import ClusterError

    errors = 0

    def on_task(result) -> None:
        nonlocal errors
        progress.task_done(result)
        for origin, error, code in result.errors:
            errors += 1
            if errors <= MAX_ERROR_LINES:
                progress.write(f"{origin}: error: {error} [{code}]")
        errors += max(0, result.statuses["error"] - len(result.errors))
        if errors > MAX_ERROR_LINES and not getattr(on_task, "told", False):
            on_task.told = True
            progress.write("claimcheck scan: more errors not shown; they are in the pages partitions "
                           "(status = 'error')")

    def on_failed(task, why: str) -> None:
        progress.write(f"{task.path}: error: task {task.name} not written: {why} [{UNREADABLE}]")

    try:
        summary = run_partitioned_scan(usable, out_dir, options, task_bytes, on_task=on_task,
                                       on_tasks=progress.tasks_done, on_failed=on_failed,
                                       on_message=progress.write if not quiet else lambda line: None)
    except (ResultsError, ClusterError) as exc:
        progress.close()
        click.echo(f"{exc}", err=True)
        sys.exit(EXIT_ERROR)
    progress.close()
    if not quiet:
        click.echo(summary.line(str(out_dir)), err=True)
    sys.exit(EXIT_ERROR if summary.tasks_failed else exit_code)
