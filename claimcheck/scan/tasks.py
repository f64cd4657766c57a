"""The inputs of a partitioned scan (``--out DIR``) as tasks a worker reads by itself.

Splitting looks at file names and sizes only; no page is read here, so the
client of a cluster never reads the crawl (the workers need it on a shared
file system, at the same paths). A task is one of:

* a whole input (a small WARC or JSONL file, a gzipped JSONL, a mirror folder
  with pages of its own);
* a host folder of a mirror folder that holds one folder per site (the site
  is the unit: its pages stay together);
* a byte range ``[start, end)`` of a large WARC, WARC.gz or plain JSONL file.
  A record belongs to the range its first byte is in: a range reader starts
  at the first record that begins at or after ``start`` (a gzip member, a
  ``WARC/1.x`` header or a line) and stops at the first that begins at or
  after ``end``, so neighbouring ranges neither skip nor repeat a record.

A list of WARC files (``*.paths``, ``*.paths.gz``, ``*.txt``: one path a
line, as Common Crawl publishes ``warc.paths.gz``; relative paths are taken
from the list's folder) stands for the files it names.

A task's ``name`` is stable across runs (the input's path, the range), so its
output files are the same on a rerun: that is what makes a resumed or retried
scan exactly-once.
"""
from __future__ import annotations

import gzip
import hashlib
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from claimcheck.errors import CORRUPT_RECORD
from claimcheck.load import crawl
from claimcheck.load.crawl import CrawledPage, input_kind

TASK_BYTES = 64 * 1024 * 1024  # the largest range of a large file, unless --task-size says otherwise
MIN_TASK_BYTES = 256 * 1024
TASKS_WANTED = 64  # a small crawl is still split this far, so that every worker gets some of it
LIST_SUFFIXES = (".paths", ".paths.gz", ".txt")
_WARC_HEADER = re.compile(rb"WARC/1\.\d\r?\n")


@dataclass(frozen=True)
class InputTask:
    path: str
    kind: str  # mirror, warc or jsonl
    start: int = 0
    end: int | None = None  # None: to the end of the input

    @property
    def name(self) -> str:
        """The task's file name stem: readable, unique, the same on every run."""
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(self.path).name)[:60] or "input"
        digest = hashlib.sha1(self.path.encode("utf-8", "surrogateescape")).hexdigest()[:10]
        return f"{stem}-{digest}-{self.start:015d}"

    @property
    def size(self) -> int:
        """Bytes this task reads (for progress)."""
        if self.end is not None:
            return self.end - self.start
        return crawl.input_size(Path(self.path))


class TaskListError(ValueError):
    """A list of WARC paths that cannot be used; the message names it."""


def is_path_list(path: Path) -> bool:
    return path.is_file() and path.name.lower().endswith(LIST_SUFFIXES)


def expand_path_list(path: Path) -> list[Path]:
    """The files a list of WARC paths names (blank lines and ``#`` comments skipped)."""
    try:
        opener = gzip.open if path.name.lower().endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as handle:
            lines = [line.strip() for line in handle]
    except (OSError, UnicodeDecodeError, EOFError, zlib.error) as exc:
        raise TaskListError(f"cannot read the list of WARC paths: {exc}") from None
    found = []
    for number, line in enumerate(lines, 1):
        if not line or line.startswith("#"):
            continue
        if "://" in line:
            raise TaskListError(f"line {number}: {line!r} is a URL; the workers read WARC files from a shared "
                                "file system (download them first, or list their local paths)")
        named = Path(line)
        found.append(named if named.is_absolute() else path.parent / named)
    return found


def default_task_bytes(paths: list[Path]) -> int:
    """The range size for these inputs: a 64th of their files' bytes, within 256 KB and 64 MB.
    It depends on the inputs alone (not on the workers), so a rerun splits them the same way."""
    total = sum(path.stat().st_size for path in paths if path.is_file())
    return max(MIN_TASK_BYTES, min(TASK_BYTES, total // TASKS_WANTED))


def split_inputs(paths: list[Path], task_bytes: int | None = None) -> list[InputTask]:
    """The tasks of usable inputs (``input_kind`` has accepted each), in input order."""
    task_bytes = task_bytes or default_task_bytes(paths)
    tasks: list[InputTask] = []
    for path in paths:
        kind = input_kind(path)
        text = str(path)
        if kind == "mirror":
            tasks.extend(InputTask(str(host), kind) for host in _host_folders(path)) if _split_by_host(path) \
                else tasks.append(InputTask(text, kind))
            continue
        size = path.stat().st_size
        splittable = kind == "warc" or not path.name.lower().endswith(".gz")
        if not splittable or size <= task_bytes:
            tasks.append(InputTask(text, kind))
            continue
        for start in range(0, size, task_bytes):
            tasks.append(InputTask(text, kind, start, min(start + task_bytes, size)))
    return tasks


def _host_folders(folder: Path) -> list[Path]:
    return sorted(child for child in folder.iterdir() if child.is_dir() and not child.name.startswith("."))


def _split_by_host(folder: Path) -> bool:
    """A folder of host folders and nothing else to read: each host is a task. (A host folder
    itself, or a folder with pages of its own, is read whole, as ``read_mirror`` names them.)"""
    if crawl._looks_like_host(folder.resolve().name):
        return False
    children = list(folder.iterdir())
    hosts = [c for c in children if c.is_dir() and not c.name.startswith(".")]
    return bool(hosts) and all(crawl._looks_like_host(c.name) for c in hosts) and not any(
        c.is_file() and crawl._is_page_file(c.name) for c in children)


def read_task(task: InputTask, max_bytes: int, scheme: str = "https") -> Iterator[CrawledPage]:
    """The pages of one task, as ``read_input`` gives those of a whole input."""
    path = Path(task.path)
    if task.end is None:
        return crawl.read_input(path, max_bytes, scheme)
    if task.kind == "warc":
        return _read_warc_range(path, task.start, task.end, max_bytes)
    return _read_jsonl_range(path, task.start, task.end, max_bytes)


def _first_record(handle, start: int, gzipped: bool) -> int | None:
    """The first offset at or after ``start`` where a WARC record really begins (a gzip
    member that inflates to a WARC header, or a WARC header): the magic bytes alone
    also occur inside compressed data and page text."""
    candidate = start
    while True:
        candidate = crawl._next_record_start(handle, candidate, gzipped)
        if candidate is None:
            return None
        handle.seek(candidate)
        head = handle.read(4096)
        if gzipped:
            try:
                head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
            except zlib.error:
                head = b""
        elif candidate > 0:
            handle.seek(candidate - 1)
            if handle.read(1) != b"\n":
                head = b""
        if _WARC_HEADER.match(head):
            return candidate
        candidate += 1


def _read_warc_range(path: Path, start: int, end: int, max_bytes: int) -> Iterator[CrawledPage]:
    from warcio.archiveiterator import ArchiveIterator

    gzipped = path.name.lower().endswith(".gz")
    handle = crawl.open_input(path)
    if isinstance(handle, CrawledPage):
        if start == 0:  # one range reports it, not every one
            yield handle
        return
    with handle:
        position = 0 if start == 0 else _first_record(handle, start, gzipped)
        first_try = True
        while position is not None and position < end:
            handle.seek(position)
            records = ArchiveIterator(handle)
            last_good, url = None, None
            try:
                for record in records:
                    offset = records.offset
                    if offset >= end:
                        return
                    url = record.rec_headers.get_header("WARC-Target-URI")
                    page = crawl._warc_page(path, record, offset, max_bytes)
                    if page is not None:
                        page.position = offset
                        yield page
                    last_good, url = offset, None
                return
            except Exception as exc:  # as read_warc: one bad record, resume at the next readable one
                where = position if last_good is None else last_good + 1
                if last_good is not None or first_try:  # a retry failing at once: the same bad stretch
                    yield CrawledPage(url or f"{path}#offset={where}",
                                      crawl.site_of(url) if url else crawl.UNKNOWN_SITE,
                                      f"{path} after byte {where}", code=CORRUPT_RECORD, position=where,
                                      error=f"corrupt WARC record ({type(exc).__name__}: {str(exc)[:200]}); "
                                            "skipped to the next readable record")
                first_try = False
                position = _first_record(handle, (position if last_good is None else last_good) + 1, gzipped)


def _read_jsonl_range(path: Path, start: int, end: int, max_bytes: int) -> Iterator[CrawledPage]:
    """The lines that begin in ``[start, end)``. Their line numbers are not known without
    reading the file from its start, so a line's origin is ``FILE at byte N``."""
    handle = crawl.open_input(path)
    if isinstance(handle, CrawledPage):
        if start == 0:
            yield handle
        return
    with handle:
        position = start
        if start > 0:
            handle.seek(start - 1)
            if handle.read(1) != b"\n":  # mid-line: that line is the previous range's
                handle.readline()
            position = handle.tell()
        while position < end:
            line = handle.readline()
            if not line:
                return
            if line.strip():
                page = crawl._jsonl_page(path, 0, line, max_bytes, position)
                where = f"{path} at byte {position}"
                if page.url == page.origin:  # a problem line is known by its origin
                    page.url = where
                page.origin = where
                yield page
            position += len(line)
