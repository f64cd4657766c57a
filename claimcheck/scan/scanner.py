"""Runs a scan: inputs -> (skip unchanged) -> worker pool -> the one writer.

The main process reads the inputs, hashes each page, asks the store whether
it is already there with the same content, and hands the rest to the workers
in chunks. At most ``IN_FLIGHT_PER_WORKER`` chunks per worker are out at any
time (so a fast reader cannot pile a whole crawl up in memory), and results
are written in input order by this process alone, in batched transactions.

With one worker the pages are checked in this process: no pool, no pickling,
which is also the baseline the benchmark compares two workers against.

``--dask`` replaces only the pool: the same chunks go to ``check_pages`` on
the workers of a Dask cluster (``claimcheck.scan.cluster``, imported only
then), and their outcomes come back to this process's one writer.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from claimcheck.errors import CANNOT_PARSE
from claimcheck.extract.learned import selected_model
from claimcheck.load.crawl import CrawledPage, read_input
from claimcheck.load.limits import DEFAULT_TIMEOUT_SECONDS
from claimcheck.pack.rulepack import PackChoice
from claimcheck.scan.store import BATCH_PAGES, Store
from claimcheck.normalize.site_template import SiteTemplates
from claimcheck.scan.worker import (PageOutcome, PageTask, check_pages, error_outcome, init_pool_worker, init_worker,
                                     worker_prefilter)

CHUNK_PAGES = 32
CHUNK_CHARS = 2_000_000
IN_FLIGHT_PER_WORKER = 3


@dataclass
class ScanOptions:
    workers: int = 1
    max_bytes: int = 10 * 1024 * 1024
    pack_choice: PackChoice = PackChoice()  # which rule pack: rule paths, jurisdiction, built-in or not
    scheme: str = "https"
    batch_pages: int = BATCH_PAGES
    dask: str | None = None  # a scheduler address, or "local" / "local:N" (see dask_target)
    timeout: float | None = DEFAULT_TIMEOUT_SECONDS  # per page; not enforced in Dask's worker threads


class ClusterError(Exception):
    """The Dask cluster cannot be started, reached or used; the message says why."""


def dask_target(value: str, workers: int | None = None) -> tuple[str, int | str]:
    """``("local", N)`` for ``local`` or ``local:N`` (N defaults to ``workers``, else the
    cores), or ``("scheduler", ADDRESS)``. Raises ``ValueError`` with a message."""
    value = value.strip()
    if value == "local" or value.startswith("local:"):
        count = value.partition(":")[2]
        if count and (not count.isdigit() or int(count) < 1):
            raise ValueError(f"'{value}': expected local or local:N with N a number of workers, at least 1")
        return "local", int(count) if count else (workers or default_workers())
    if not value:
        raise ValueError("expected a scheduler address (tcp://HOST:8786) or local[:N]")
    return "scheduler", value


@dataclass
class ScanSummary:
    statuses: Counter = field(default_factory=Counter)
    unchanged: int = 0
    sites: set = field(default_factory=set)
    seconds: float = 0.0

    @property
    def written(self) -> int:
        return sum(self.statuses.values())

    def line(self, db: str) -> str:
        counts = ", ".join(f"{self.statuses[s]} {s}" for s in ("fail", "review", "pass", "irrelevant", "error")
                           if self.statuses[s])
        rate = (self.written + self.unchanged) / self.seconds if self.seconds else 0.0
        return (f"claimcheck scan: {self.written} pages checked ({counts or 'none'}), {self.unchanged} unchanged "
                f"and skipped, {len(self.sites)} sites, {self.seconds:.1f} s ({rate:.0f} pages/s) -> {db}")


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def page_hash(page: CrawledPage) -> str:
    """What tells a changed page from the one last scanned: its text, and for a page that
    links local stylesheets their paths, sizes and times of change (a rule that now hides
    its disclaimer changes the result as much as an edit of the page)."""
    if not page.stylesheets:
        return content_hash(page.text)
    from claimcheck.load.linked_styles import stylesheet_signature
    return content_hash(page.text + "\0" + stylesheet_signature(page.stylesheets))


def _outcome_for_problem(page: CrawledPage) -> PageOutcome:
    # An unreadable page has no content to hash; its error stands in, so it is stable.
    return error_outcome(PageTask(page.url, page.site, page.origin, page.media_type, "",
                                  content_hash(f"{page.code}:{page.error}")), page.code, page.error)


def site_templates(inputs: list[Path], options: ScanOptions, prefilter) -> SiteTemplates:
    """The first pass over the inputs: each site's template, from the blocks its pages
    share. Pages that cannot be relevant (``prefilter.maybe_relevant``) are not parsed,
    so they count neither as pages nor as blocks of their site."""
    templates = SiteTemplates()
    for path in inputs:
        for page in read_input(path, options.max_bytes, options.scheme):
            if page.text is not None and page.media_type == "text/html" and prefilter.maybe_relevant(page.text):
                templates.add_page(page.site, page.url, page.text)
    templates.finish()
    return templates


def first_pass(inputs: list[Path], options: ScanOptions) -> SiteTemplates:
    """``site_templates`` with the prefilter the run's rule pack gives: the one pass every
    way of scanning (one process, a pool, Dask, a results store or a results folder) makes
    first, so a page is read against the same template wherever it is checked."""
    if options.workers <= 1 and not options.dask:
        # This process checks the pages: built with the run's model and time budget.
        init_worker(options.pack_choice, selected_model(), timeout=options.timeout)
        prefilter = worker_prefilter()
    else:
        from claimcheck.scan.prefilter import Prefilter
        prefilter = Prefilter.from_pack(options.pack_choice.load())
    return site_templates(inputs, options, prefilter)


def _chunks(pages: Iterable[CrawledPage], store: Store, summary: ScanSummary, on_page: Callable[[CrawledPage], None],
            on_unchanged: Callable[[], None],
            templates: SiteTemplates | None = None) -> Iterator[list[PageTask] | PageOutcome]:
    """Chunks of tasks for the workers, and outcomes known without them (problems)."""
    chunk: list[PageTask] = []
    size = 0
    for page in pages:
        summary.sites.add(page.site)
        if page.text is None:
            on_page(page)
            yield _outcome_for_problem(page)
            continue
        digest = page_hash(page)
        if store.unchanged(page.url, digest):
            summary.unchanged += 1
            on_page(page)
            on_unchanged()
            continue
        repeated = templates.repeated(page.site, page.url) if templates is not None else frozenset()
        chunk.append(PageTask(page.url, page.site, page.origin, page.media_type, page.text, digest, repeated,
                              page.stylesheets))
        size += len(page.text)
        on_page(page)
        if len(chunk) >= CHUNK_PAGES or size >= CHUNK_CHARS:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


class _Workers:
    """The process pool, restarted when a worker dies."""

    broken = (BrokenProcessPool,)  # what a future raises when the worker running it died

    def __init__(self, workers: int, pack_choice: PackChoice, timeout: float | None):
        self.workers, self.pack_choice, self.timeout = workers, pack_choice, timeout
        self.slots = workers
        self.executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        # fork starts workers in milliseconds and the parent has not imported spaCy, so
        # there is nothing heavy to copy; elsewhere the platform default is used.
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context(method),
                                   initializer=init_pool_worker,
                                   initargs=(os.getpid(), self.pack_choice, selected_model(), self.timeout))

    def submit(self, tasks: list[PageTask]) -> Future:
        return self.executor.submit(check_pages, tasks)

    def restart(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = self._start()

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


def check_alone(workers, tasks: list[PageTask]) -> list[PageOutcome]:
    """Check a chunk that killed a worker one page at a time; a page that kills a
    worker again is recorded as an error and the scan goes on."""
    outcomes = []
    for task in tasks:
        try:
            outcomes.extend(workers.submit([task]).result())
        except workers.broken:
            workers.restart()
            outcomes.append(error_outcome(task, CANNOT_PARSE, "the worker checking this page died "
                                                         "(a crash in native code, or out of memory)"))
    return outcomes


def _nothing(*_args) -> None:
    pass


def run_scan(inputs: list[Path], db_path: str, options: ScanOptions,
             on_page: Callable[[CrawledPage], None] = _nothing,
             on_outcome: Callable[[PageOutcome], None] = _nothing,
             on_unchanged: Callable[[], None] = _nothing,
             on_input_done: Callable[[Path], None] = _nothing,
             on_tasks: Callable[[int, int], None] = _nothing,
             on_message: Callable[[str], None] = _nothing) -> ScanSummary:
    """Scan ``inputs`` into the store at ``db_path``. The callbacks are for progress:
    every page read, every page written, every page skipped as unchanged, every
    input finished, chunks (done, sent) whenever either changes with workers, and
    lines to show the user (the Dask dashboard's address)."""
    started = time.perf_counter()
    summary = ScanSummary()
    store = Store(db_path, options.batch_pages)

    def write(outcome: PageOutcome) -> None:
        store.add(outcome)
        summary.statuses[outcome.status] += 1
        on_outcome(outcome)

    def pages() -> Iterator[CrawledPage]:
        for path in inputs:
            yield from read_input(path, options.max_bytes, options.scheme)
            on_input_done(path)

    try:
        if options.workers <= 1 and not options.dask:
            init_worker(options.pack_choice, selected_model(), timeout=options.timeout)
        work = _chunks(pages(), store, summary, on_page, on_unchanged, first_pass(inputs, options))
        if options.workers <= 1 and not options.dask:
            for item in work:
                for outcome in (check_pages(item) if isinstance(item, list) else [item]):
                    write(outcome)
        else:
            if options.dask:
                from claimcheck.scan.cluster import DaskWorkers
                workers = DaskWorkers(options.dask, options.pack_choice, selected_model(), options.workers,
                                      on_message)
            else:
                workers = _Workers(options.workers, options.pack_choice, options.timeout)
            _run_pool(work, workers, write, on_tasks)
    finally:
        store.close()
    summary.seconds = time.perf_counter() - started
    return summary


def _run_pool(work, workers, write: Callable[[PageOutcome], None], on_tasks: Callable[[int, int], None]) -> None:
    """Send chunks to ``workers`` (a process pool or a Dask cluster, same interface) with
    at most ``IN_FLIGHT_PER_WORKER`` per worker out, and write outcomes in input order."""
    limit = workers.slots * IN_FLIGHT_PER_WORKER
    in_flight: deque = deque()  # (future, tasks) or (None, outcome), in input order
    sent = done = 0

    def drain(until: int) -> None:
        nonlocal done
        while len(in_flight) > until:
            future, item = in_flight.popleft()
            if future is None:
                write(item)
                continue
            try:
                outcomes = future.result()
            except workers.broken:
                workers.restart()
                outcomes = check_alone(workers, item)
                # Chunks that were still out died with the pool: send them again.
                for index, (other, tasks) in enumerate(in_flight):
                    if other is not None and (other.cancelled() or (other.done() and other.exception() is not None)):
                        in_flight[index] = (workers.submit(tasks), tasks)
            done += 1
            on_tasks(done, sent)
            for outcome in outcomes:
                write(outcome)

    try:
        for item in work:
            if isinstance(item, list):
                in_flight.append((workers.submit(item), item))
                sent += 1
                on_tasks(done, sent)
            else:
                in_flight.append((None, item))
            drain(limit)
        drain(0)
    finally:
        workers.close()


def default_workers() -> int:
    return os.cpu_count() or 1
