"""Partitioned Parquet results (``claimcheck scan --out DIR``): written by tasks, read as a store.

Layout: ``DIR/pages/TASK.parquet`` and ``DIR/findings/TASK.parquet``, one pair
per task (``claimcheck.scan.tasks``), with the columns of the SQLite store's
``pages`` and ``findings`` tables (``store.PAGE_COLUMNS``, ``FINDING_COLUMNS``).

Exactly-once by rename: a task writes both files under temporary names in the
same folders, then renames the findings file into place and the pages file
last. A task is done when its pages file exists; a rerun of a task (a resumed
scan, or Dask retrying the task of a dead worker) writes the same names, so a
page is never counted twice, and files of a task that died half-way are
temporary names that nothing reads (a findings file without its pages file
is ignored and replaced).

Sites are not written: a site's grade depends on all its pages, which may be
in many partitions. ``sqlite_copy`` loads the partitions, in task-name order,
into an SQLite store of the same schema, whose ``sites`` view grades them
exactly as a ``--db`` scan does; ``claimcheck report`` and ``export`` read a
results folder through it, so their output is the same as for a ``--db`` scan
of the same crawl. (A URL in two partitions keeps the row of the later one, as
a ``--db`` scan keeps the later write.)

Needs pyarrow (``claimcheck[parquet]`` or ``claimcheck[dask]``).
"""
from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from claimcheck.scan.store import FINDING_COLUMNS, PAGE_COLUMNS, Store, StoreError, page_row, timestamp
from claimcheck.scan.worker import PageOutcome

PAGES, FINDINGS = "pages", "findings"
SUFFIX = ".parquet"
INTEGER_COLUMNS = {"relevant", "words", "score", "claims", "findings", "line", "column", "end_line", "end_column",
                   "start_offset", "end_offset"}
LOAD_BATCH = 2_000  # pages per transaction when loading partitions into SQLite


class ResultsError(Exception):
    """A results folder that cannot be read or written; the message says why."""


def _pyarrow():
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ResultsError("Parquet results need pyarrow: pip install 'claimcheck[parquet]'") from None
    return pa, pq


def schema(table: str):
    pa, _ = _pyarrow()
    names = PAGE_COLUMNS if table == PAGES else FINDING_COLUMNS
    return pa.schema([(name, pa.int64() if name in INTEGER_COLUMNS else pa.string()) for name in names])


def done_tasks(out: Path) -> set[str]:
    """Names of the tasks whose results are committed."""
    folder = out / PAGES
    if not folder.is_dir():
        return set()
    return {entry.name[:-len(SUFFIX)] for entry in os.scandir(folder)
            if entry.name.endswith(SUFFIX) and not entry.name.startswith(".")}


def prepare_folder(out: Path) -> None:
    """Create ``out`` and its table folders; ``ResultsError`` if it is not usable."""
    if out.exists() and not out.is_dir():
        raise ResultsError(f"{out}: not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / PAGES).is_dir():
        raise ResultsError(f"{out}: not empty and not a claimcheck results folder (no {PAGES}/)")
    try:
        for table in (PAGES, FINDINGS):
            (out / table).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ResultsError(f"{out}: cannot create the results folder: {exc.strerror or exc}") from None


class PartitionWriter:
    """The pages and findings of one task, streamed to temporary files and committed by rename."""

    def __init__(self, out: Path, task_name: str, batch_pages: int = 64):
        self.out, self.name, self.batch_pages = Path(out), task_name, batch_pages
        token = f".{task_name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
        self.temporary = {table: self.out / table / token for table in (PAGES, FINDINGS)}
        _, pq = _pyarrow()
        self.writers = {table: pq.ParquetWriter(self.temporary[table], schema(table), compression="zstd")
                        for table in (PAGES, FINDINGS)}
        self.scanned_at = timestamp()
        self._pages: list[tuple] = []
        self._findings: list[tuple] = []

    def add(self, outcome: PageOutcome) -> None:
        self._pages.append(page_row(outcome, self.scanned_at))
        self._findings.extend((outcome.url, *row) for row in outcome.findings)
        if len(self._pages) >= self.batch_pages:
            self._flush()

    def _flush(self) -> None:
        for table, rows in ((PAGES, self._pages), (FINDINGS, self._findings)):
            if rows:
                self.writers[table].write_table(_arrow_table(table, rows))
        self._pages, self._findings = [], []

    def commit(self) -> None:
        """Findings first, pages last: the pages file is the mark of a finished task."""
        self._flush()
        for table in (FINDINGS, PAGES):
            self.writers[table].close()
            with open(self.temporary[table], "rb+") as handle:  # on disk before the name says it is done
                os.fsync(handle.fileno())
            os.replace(self.temporary[table], self.out / table / f"{self.name}{SUFFIX}")

    def abandon(self) -> None:
        for table in (PAGES, FINDINGS):
            with contextlib.suppress(Exception):
                self.writers[table].close()
            with contextlib.suppress(OSError):
                self.temporary[table].unlink()


def _arrow_table(table: str, rows: list[tuple]):
    pa, _ = _pyarrow()
    described = schema(table)
    columns = list(zip(*rows))
    return pa.Table.from_arrays([pa.array(list(values), type=described.field(i).type)
                                 for i, values in enumerate(columns)], schema=described)


def is_results_folder(path: str | Path) -> bool:
    return Path(path).is_dir()


def _partition_rows(file: Path) -> Iterator[tuple]:
    _, pq = _pyarrow()
    try:
        parquet = pq.ParquetFile(file)
        names = PAGE_COLUMNS if file.parent.name == PAGES else FINDING_COLUMNS
        for batch in parquet.iter_batches(batch_size=LOAD_BATCH, columns=list(names)):
            yield from zip(*(column.to_pylist() for column in batch.columns))
    except Exception as exc:  # noqa: BLE001 - pyarrow's errors (ArrowInvalid, OSError, KeyError) all mean one thing
        raise ResultsError(f"{file}: not a claimcheck results partition ({type(exc).__name__}: {exc})") from None


def sqlite_copy(out: Path, db_path: Path) -> None:
    """Load the committed partitions of ``out`` into a new SQLite store at ``db_path``."""
    out = Path(out)
    if not (out / PAGES).is_dir():
        raise ResultsError(f"{out}: not a claimcheck results folder (no {PAGES}/ in it); "
                           "make one with 'claimcheck scan ... --out DIR'")
    store = Store(db_path)
    try:
        for name in sorted(done_tasks(out)):
            pages = list(_partition_rows(out / PAGES / f"{name}{SUFFIX}"))
            findings_file = out / FINDINGS / f"{name}{SUFFIX}"
            findings = list(_partition_rows(findings_file)) if findings_file.exists() else []
            store.write_rows(pages, findings)
    finally:
        store.db.close()


@contextlib.contextmanager
def readable_store(path: str | Path) -> Iterator[str]:
    """The SQLite store to read for ``path``: itself, or, for a results folder, a
    temporary copy of its partitions (removed afterwards)."""
    if not is_results_folder(path):
        yield str(path)
        return
    with tempfile.TemporaryDirectory(prefix="claimcheck-results-") as work:
        copy = Path(work) / "results.sqlite"
        try:
            sqlite_copy(Path(path), copy)
        except StoreError as exc:
            raise ResultsError(str(exc)) from None
        yield str(copy)
