"""Runs a partitioned scan (``claimcheck scan --out DIR``): one task, one pair of Parquet files.

The inputs are split into tasks (``claimcheck.scan.tasks``) without being
read; tasks already committed in ``DIR`` are skipped (resume). Whoever checks a
task also reads its pages and writes its partition (``scan_task``): this
process with one worker, the processes of a pool with ``--workers N``, the
workers of a Dask cluster with ``--dask`` (``claimcheck.scan.cluster``). Only
counts come back, so nothing funnels through one writer. A page gets the
findings of ``check_pages``, the same function as in a ``--db`` scan.

A task that fails (its worker died twice, the folder cannot be written) is
reported and left uncommitted; the other tasks go on, and running the same
command again does only the tasks that are missing.
"""
from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from claimcheck.extract.learned import selected_model
from claimcheck.normalize.site_template import SiteTemplates
from claimcheck.scan.scanner import ScanSummary, first_pass
from claimcheck.scan.partitions import PartitionWriter, done_tasks, prepare_folder
from claimcheck.scan.tasks import InputTask, read_task, split_inputs
from claimcheck.scan.worker import PageOutcome, check_pages, init_worker

CHUNK_PAGES = 32  # pages per check_pages call, as in a --db scan
CHUNK_CHARS = 2_000_000


@dataclass
class TaskResult:
    """What a task sends back: counts, not pages."""
    name: str
    statuses: Counter = field(default_factory=Counter)
    findings: int = 0
    sites: set = field(default_factory=set)
    bytes: int = 0
    errors: list = field(default_factory=list)  # (origin, message, code) of error pages, the first few


@dataclass
class PartitionedSummary(ScanSummary):
    findings: int = 0
    tasks: int = 0
    tasks_skipped: int = 0
    tasks_failed: int = 0

    def add(self, result: TaskResult) -> None:
        self.statuses.update(result.statuses)
        self.findings += result.findings
        self.sites.update(result.sites)

    def line(self, out: str) -> str:
        counts = ", ".join(f"{self.statuses[s]} {s}" for s in ("fail", "review", "pass", "irrelevant", "error")
                           if self.statuses[s])
        rate = self.written / self.seconds if self.seconds else 0.0
        failed = f", {self.tasks_failed} failed (run again to retry them)" if self.tasks_failed else ""
        return (f"claimcheck scan: {self.written} pages checked ({counts or 'none'}), {self.findings} findings, "
                f"{len(self.sites)} sites; {self.tasks - self.tasks_skipped} tasks done, {self.tasks_skipped} "
                f"already done and skipped{failed}; {self.seconds:.1f} s ({rate:.0f} pages/s) -> {out}")


MAX_ERRORS_RETURNED = 20


def scan_task(task: InputTask, out: str, max_bytes: int, scheme: str,
              templates: SiteTemplates | None = None) -> TaskResult:
    """Read, check and write one task (the pipeline is already built in this process);
    ``templates``: the scan's first pass, so a site's template blocks are left out as a
    results store's scan leaves them out."""
    from claimcheck.scan.scanner import _outcome_for_problem as outcome_for_problem, page_hash
    from claimcheck.scan.worker import PageTask

    result = TaskResult(task.name, bytes=task.size)
    writer = PartitionWriter(Path(out), task.name)

    def keep(outcome: PageOutcome) -> None:
        writer.add(outcome)
        result.statuses[outcome.status] += 1
        result.findings += len(outcome.findings)
        if outcome.status == "error" and len(result.errors) < MAX_ERRORS_RETURNED:
            result.errors.append((outcome.origin, outcome.error, outcome.error_code))

    try:
        chunk: list[PageTask] = []
        size = 0
        for page in read_task(task, max_bytes, scheme):
            result.sites.add(page.site)
            if page.text is None:
                keep(outcome_for_problem(page))
                continue
            repeated = templates.repeated(page.site, page.url) if templates is not None else frozenset()
            chunk.append(PageTask(page.url, page.site, page.origin, page.media_type, page.text,
                                  page_hash(page), repeated, page.stylesheets))
            size += len(page.text)
            if len(chunk) >= CHUNK_PAGES or size >= CHUNK_CHARS:
                for outcome in check_pages(chunk):
                    keep(outcome)
                chunk, size = [], 0
        for outcome in check_pages(chunk) if chunk else ():
            keep(outcome)
        writer.commit()
    except BaseException:
        writer.abandon()
        raise
    return result


def task_failure(exc: Exception) -> str:
    """Why a task failed, in one line (it stays uncommitted; a rerun tries it again)."""
    if isinstance(exc, OSError):
        return f"cannot write its results: {exc.strerror or exc}"
    return f"{type(exc).__name__}: {exc}"


def _nothing(*_args) -> None:
    pass


def run_partitioned_scan(inputs: list[Path], out: Path, options, task_bytes: int | None = None,
                         on_task: Callable[[TaskResult], None] = _nothing,
                         on_tasks: Callable[[int, int], None] = _nothing,
                         on_failed: Callable[[InputTask, str], None] = _nothing,
                         on_message: Callable[[str], None] = _nothing) -> PartitionedSummary:
    """Scan ``inputs`` (usable ones: ``input_kind`` accepts each) into the results folder ``out``.
    ``options`` is a ``scanner.ScanOptions``. Callbacks: each task's result, (tasks done, tasks
    to do) whenever it changes, a task that failed and why, lines for the user."""
    started = time.perf_counter()
    out = Path(out).resolve()  # workers elsewhere see the same shared path
    prepare_folder(out)
    tasks = split_inputs(inputs, task_bytes)
    done = done_tasks(out)
    todo = [task for task in tasks if task.name not in done]
    summary = PartitionedSummary(tasks=len(tasks), tasks_skipped=len(tasks) - len(todo))
    progress = [0]

    def finished(result: TaskResult) -> None:
        summary.add(result)
        progress[0] += 1
        on_tasks(progress[0], len(todo))
        on_task(result)

    def failed(task: InputTask, why: str) -> None:
        summary.tasks_failed += 1
        progress[0] += 1
        on_failed(task, why)
        on_tasks(progress[0], len(todo))

    on_tasks(0, len(todo))
    if todo:
        # The first pass reads every input here (as a results store's scan does); the
        # templates then travel with each task.
        arguments = (str(out), options.max_bytes, options.scheme, first_pass(inputs, options))
        if options.dask:
            from claimcheck.scan.cluster import DaskWorkers
            workers = DaskWorkers(options.dask, options.pack_choice, selected_model(), options.workers, on_message)
            try:
                workers.run_tasks(todo, arguments, finished, failed)
            finally:
                workers.close()
        elif options.workers <= 1:
            init_worker(options.pack_choice, selected_model(), timeout=options.timeout)
            for task in todo:
                try:
                    finished(scan_task(task, *arguments))
                except Exception as exc:  # noqa: BLE001 - one task fails, not the scan
                    failed(task, task_failure(exc))
        else:
            _run_in_pool(todo, arguments, options, finished, failed)
    summary.seconds = time.perf_counter() - started
    return summary


def _run_in_pool(todo: list[InputTask], arguments: tuple, options, finished, failed) -> None:
    """Tasks on a process pool; a task whose worker died is tried once more in a new pool."""
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None

    def start() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(options.workers, mp_context=multiprocessing.get_context(method),
                                   initializer=init_worker, initargs=(options.pack_choice, selected_model()))

    executor = start()
    tries: Counter = Counter()
    pending = {executor.submit(scan_task, task, *arguments): task for task in todo}
    try:
        while pending:
            completed, _ = wait(pending, return_when=FIRST_COMPLETED)
            retry: list[InputTask] = []
            for future in completed:
                task = pending.pop(future)
                try:
                    finished(future.result())
                except BrokenProcessPool:
                    tries[task.name] += 1
                    if tries[task.name] >= 2:
                        failed(task, "the worker checking it died twice (a crash in native code, or out of memory)")
                    else:
                        retry.append(task)
                except Exception as exc:  # noqa: BLE001 - one task fails, not the scan
                    failed(task, task_failure(exc))
            if retry:
                # The pool is broken: every task still out died with it and goes again.
                retry.extend(pending.values())
                executor.shutdown(wait=False, cancel_futures=True)
                executor = start()
                pending = {executor.submit(scan_task, task, *arguments): task for task in retry}
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
