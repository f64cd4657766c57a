"""Crawl inputs, streamed one page at a time: wget mirror folders, WARC(.gz), JSONL.

Every input yields ``CrawledPage`` objects, each either a decoded page or a
problem (``code``, ``error``) to be recorded in the results store. Nothing
here lists a whole crawl: folders are walked, archives and JSONL files are
read record by record, so memory does not grow with the crawl.

* **Mirror folder** (as ``wget --mirror`` leaves it): the site is the host
  folder (``www.clinic.example/``), either the folder given or the first
  folder below it that looks like a host name; otherwise the folder's own
  name. A file's URL is ``https://HOST/PATH`` with ``index.html`` read as
  its folder (``https://HOST/knee/``). Files ending in ``.html``, ``.htm``,
  ``.xhtml``, ``.shtml``, ``.php``, ``.asp``, ``.aspx``, ``.jsp`` or with no
  suffix at all (wget without ``--adjust-extension``) are pages.
* **WARC / WARC.gz** (read with ``warcio``): ``response`` and ``resource``
  records whose HTTP status is 2xx and whose content type is HTML. A corrupt
  record is recorded as an error and reading resumes at the next record that
  can be read (for ``.warc.gz``, the next gzip member).
* **JSONL** (``.jsonl``, ``.ndjson``, optionally ``.gz``): one object per line
  with ``url`` and ``html`` (or ``text`` for plain text).

The site of every page is its URL's host name. Pages over ``max_bytes`` are
not read (recorded as too large); PDFs, other binary data and empty pages are
recorded as such.
"""
from __future__ import annotations

import errno
import gzip
import json
import os
import re
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from claimcheck.errors import CORRUPT_RECORD, EMPTY, NOT_TEXT, TOO_LARGE, UNREADABLE, InputProblem
from claimcheck.load.decoding import decode
from claimcheck.load.linked_styles import linked_stylesheet_paths

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml", ".php", ".asp", ".aspx", ".jsp")
WARC_SUFFIXES = (".warc", ".warc.gz")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
HTML_TYPES = ("text/html", "application/xhtml+xml")
UNKNOWN_SITE = "(unknown)"

# A DNS label has at most 63 characters; bounding it also bounds the backtracking in each label.
_HOST = re.compile(r"^(?:(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]|localhost|\d{1,3}(?:\.\d{1,3}){3})"
                   r"(?::\d+)?$", re.I)


@dataclass
class CrawledPage:
    url: str
    site: str
    origin: str  # where it was read: a file, a WARC offset, a JSONL line
    media_type: str = "text/html"
    text: str | None = None  # the decoded page; None when there is a problem
    code: str | None = None  # CC9xx when the page could not be read
    error: str | None = None
    position: int = 0  # bytes of the input consumed so far (for the progress bar)
    # A mirror's HTML page: the paths of the local stylesheets it links (load/linked_styles.py).
    stylesheets: tuple[str, ...] = ()

    @property
    def problem(self) -> str | None:
        return None if self.error is None else f"{self.origin}: {self.error} [{self.code}]"


class InputKindError(ValueError):
    """An input that is none of the kinds scan reads."""


def site_of(url: str) -> str:
    try:
        host = urlsplit(url).hostname
    except ValueError:
        host = None
    return host or UNKNOWN_SITE


def input_kind(path: Path) -> str:
    """mirror, warc or jsonl; InputKindError (its message without the path) otherwise."""
    name = path.name.lower()
    if not path.exists():
        raise InputKindError("no such file or folder")
    if path.is_dir():
        if not _holds_a_page(path):  # as check does for a folder with nothing to check
            raise InputKindError("no pages to scan in this folder (looked for HTML files, and files without a "
                                 "suffix as wget saves them)")
        return "mirror"
    if not path.is_file():  # a FIFO, socket or device: reading it would block
        raise InputKindError("not a regular file (a FIFO, socket or device)")
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    raise InputKindError("not a mirror folder, a WARC (.warc, .warc.gz) or a JSONL (.jsonl, .ndjson) file")


def input_size(path: Path) -> int:
    """Bytes to read, for the progress bar's estimate of the time left."""
    if path.is_file():
        return path.stat().st_size
    total = 0
    for page in _page_paths(path):
        try:
            total += page.stat().st_size
        except OSError:
            pass
    return total


def read_input(path: Path, max_bytes: int, scheme: str = "https") -> Iterator[CrawledPage]:
    kind = input_kind(path)
    if kind == "mirror":
        return read_mirror(path, max_bytes, scheme)
    if kind == "warc":
        return read_warc(path, max_bytes)
    return read_jsonl(path, max_bytes)


# -- decoding -------------------------------------------------------------------

def decode_page(data: bytes, declared: str | None = None) -> tuple[str | None, str | None, str | None]:
    """(text, code, error) of a crawled page's bytes, decoded as every input is
    (``load.decoding``: an HTML page as a browser reads it, in its declared charset)."""
    if data.startswith(b"%PDF-"):
        return None, NOT_TEXT, "a PDF document, not an HTML page"
    text = decode(data, "", html=True, declared=declared, subject="page")
    if isinstance(text, InputProblem):
        return None, text.code, text.message
    return text, None, None


def page_from_bytes(url: str, site: str, origin: str, data: bytes, media_type: str,
                    declared: str | None = None, position: int = 0) -> CrawledPage:
    text, code, error = decode_page(data, declared)
    page = CrawledPage(url, site, origin, media_type, text, code, error, position)
    return check_empty(page)


def check_empty(page: CrawledPage) -> CrawledPage:
    if page.text is not None and not page.text.strip():
        page.text, page.code, page.error = None, EMPTY, "empty page, nothing to check"
    return page


def too_large(url: str, site: str, origin: str, size: int, max_bytes: int, position: int = 0) -> CrawledPage:
    return CrawledPage(url, site, origin, code=TOO_LARGE, position=position,
                       error=f"page is {size / 1_048_576:.1f} MB, over the {max_bytes / 1_048_576:g} MB limit "
                             f"(--max-page-size); not checked")


def cannot_open(path: Path, exc: OSError, url: str | None = None, site: str = UNKNOWN_SITE) -> CrawledPage:
    return CrawledPage(url or str(path), site, str(path), code=UNREADABLE,
                       error=f"cannot read file: {exc.strerror or exc}")


def open_input(path: Path):
    """The input opened for reading, or the page that records why it cannot be."""
    try:
        return open(path, "rb")
    except OSError as exc:
        return cannot_open(path, exc)


# -- mirror folders -------------------------------------------------------------

def _page_paths(folder: Path) -> Iterator[Path]:
    """A mirror folder's page files, in a stable order, hidden folders left out."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if _is_page_file(name):
                yield Path(root) / name


def _holds_a_page(folder: Path) -> bool:
    """Whether a mirror folder holds a page file (stops at the first)."""
    return next(_page_paths(folder), None) is not None


def _is_page_file(name: str) -> bool:
    name = name.split("?", 1)[0].lower()
    if name.endswith(HTML_SUFFIXES):
        return True
    return "." not in name and not name.startswith(".")


def _looks_like_host(name: str) -> bool:
    return bool(_HOST.match(name)) and "." in name or name.startswith("localhost")


def mirror_url(site: str, parts: list[str], scheme: str) -> str:
    if parts and parts[-1].lower() in ("index.html", "index.htm"):
        parts = parts[:-1] + [""]
    return f"{scheme}://{site}/" + "/".join(parts)


def read_mirror(folder: Path, max_bytes: int, scheme: str = "https") -> Iterator[CrawledPage]:
    root_name = folder.resolve().name
    position = 0
    for path in _page_paths(folder):
        parts = [*path.relative_to(folder).parts]
        if _looks_like_host(root_name):
            site = root_name
        else:
            index = next((i for i, part in enumerate(parts[:-1]) if _looks_like_host(part)), None)
            site, parts = (root_name, parts) if index is None else (parts[index], parts[index + 1:])
        url = mirror_url(site.lower(), parts, scheme)
        origin = str(path)
        try:
            status = path.stat()
            if not stat.S_ISREG(status.st_mode):  # reading a FIFO or a device would block
                yield cannot_open(path, OSError(errno.EINVAL, "not a regular file (a FIFO, socket or device)"),
                                  url, site.lower())
                continue
            size = status.st_size
            if size > max_bytes:
                position += size
                yield too_large(url, site.lower(), origin, size, max_bytes, position)
                continue
            data = path.read_bytes()
        except OSError as exc:
            yield cannot_open(path, exc, url, site.lower())
            continue
        position += size
        page = page_from_bytes(url, site.lower(), origin, data, "text/html", position=position)
        if page.text is not None:
            page.stylesheets = linked_stylesheet_paths(page.text, path)
        yield page


# -- WARC -----------------------------------------------------------------------

_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"WARC/1."


def _next_record_start(handle, after: int, gzipped: bool) -> int | None:
    """Where the next record may begin after byte ``after``: a gzip member or a WARC header."""
    magic = _GZIP_MAGIC if gzipped else _WARC_MAGIC
    handle.seek(after)
    carry = b""
    base = after
    while True:
        chunk = handle.read(1 << 20)
        if not chunk:
            return None
        data = carry + chunk
        found = data.find(magic)
        if found >= 0:
            return base - len(carry) + found
        carry = data[-(len(magic) - 1):]
        base += len(chunk)


def _record_html(record) -> tuple[bool, str | None]:
    """(is an HTML page, declared charset) for a WARC record."""
    if record.rec_type not in ("response", "resource"):
        return False, None
    if record.rec_type == "response":
        headers = record.http_headers
        if headers is None:
            return False, None
        status = headers.get_statuscode() or ""
        if not status.startswith("2"):
            return False, None
        content_type = headers.get_header("Content-Type") or ""
    else:
        content_type = record.rec_headers.get_header("Content-Type") or ""
    media = content_type.split(";", 1)[0].strip().lower()
    if media not in HTML_TYPES:
        return False, None
    match = re.search(r"charset\s*=\s*\"?([A-Za-z0-9._:-]+)", content_type, re.I)
    return True, match.group(1) if match else None


class _SkipMember(Exception):
    """A gzip member not worth decompressing (its record is over the limit): resume after it."""


def read_warc(path: Path, max_bytes: int) -> Iterator[CrawledPage]:
    from warcio.archiveiterator import ArchiveIterator

    gzipped = path.name.lower().endswith(".gz")
    handle = open_input(path)
    if isinstance(handle, CrawledPage):
        yield handle
        return
    with handle:
        start: int | None = 0
        while start is not None:
            handle.seek(start)
            records = ArchiveIterator(handle)
            last_good, url = None, None
            try:
                for record in records:
                    offset = records.offset  # this record's start (get_record_offset() would read it to the end)
                    url = record.rec_headers.get_header("WARC-Target-URI")
                    page = _warc_page(path, record, offset, max_bytes)
                    if page is not None and page.code == TOO_LARGE and gzipped:
                        yield page
                        raise _SkipMember  # inflating it only to skip it could take minutes
                    records.read_to_end()  # what the iterator does next; then the record is known whole
                    missing = _missing_bytes(record)
                    if missing:
                        page = CrawledPage(url or f"{path}#offset={offset}", site_of(url) if url else UNKNOWN_SITE,
                                           f"{path} at byte {offset}", code=CORRUPT_RECORD,
                                           error=f"truncated WARC record: the file ends {missing} bytes before "
                                                 "the record does; not checked")
                    if page is not None:
                        page.position = offset
                        yield page
                    last_good, url = offset, None
                    end = sum(records.member_info)
                cut = _unread_tail(handle, end if last_good is not None else start)
                start = None
                if cut is not None:
                    yield cut_short(path, cut)
            except _SkipMember:
                start = _next_record_start(handle, offset + 1, gzipped)
            except Exception as exc:  # warcio, zlib and parsing errors all mean one bad record
                # A retry from a spot that fails at once is the same bad stretch: report it once.
                if last_good is not None or start == 0:
                    where = start if last_good is None else last_good + 1
                    yield CrawledPage(url or f"{path}#offset={where}", site_of(url) if url else UNKNOWN_SITE,
                                      f"{path} after byte {where}", code=CORRUPT_RECORD, position=where,
                                      error=f"corrupt WARC record ({type(exc).__name__}: {_readable(str(exc))}); "
                                            "skipped to the next readable record")
                start = _next_record_start(handle, (start if last_good is None else last_good) + 1, gzipped)


def _readable(text: str, limit: int = 200) -> str:
    """A library's error message for a line and a database column: the raw bytes it may quote
    (a gzip header read as text: "first line: \\x1f\\x8b...") written as escapes, then cut."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}"
                   for c in text[:limit])


def _unread_tail(handle, end: int) -> int | None:
    """Where bytes that are not blank lines follow the last whole record (warcio ends quietly
    when the file ends inside a record's headers), or None."""
    handle.seek(end)
    rest = handle.read(65536)
    return end + (len(rest) - len(rest.lstrip())) if rest.strip() else None


def cut_short(path: Path, where: int) -> CrawledPage:
    return CrawledPage(f"{path}#offset={where}", UNKNOWN_SITE, f"{path} after byte {where}", code=CORRUPT_RECORD,
                       position=where, error="the file ends inside a WARC record (a cut download?); "
                                             "the records before it were read")


def _missing_bytes(record) -> int:
    """Bytes of the record's declared length that its file did not hold (a cut download)."""
    from warcio.limitreader import LimitReader

    stream = record.raw_stream
    return stream.limit if isinstance(stream, LimitReader) else 0


def _warc_page(path: Path, record, offset: int, max_bytes: int) -> CrawledPage | None:
    is_html, charset = _record_html(record)
    if not is_html:
        return None
    url = record.rec_headers.get_header("WARC-Target-URI") or f"{path}#offset={offset}"
    site = site_of(url)
    origin = f"{path} at byte {offset}"
    declared_length = record.rec_headers.get_header("Content-Length")
    if declared_length and declared_length.isdigit() and int(declared_length) > max_bytes + 65536:
        return too_large(url, site, origin, int(declared_length), max_bytes)
    data = record.content_stream().read(max_bytes + 1)
    if len(data) > max_bytes:
        return too_large(url, site, origin, len(data), max_bytes)
    return page_from_bytes(url, site, origin, data, "text/html", charset)


# -- JSONL ----------------------------------------------------------------------

# A JSON line carries its page escaped: allow it this much more than --max-page-size.
_JSONL_OVERHEAD = 2


def read_jsonl(path: Path, max_bytes: int) -> Iterator[CrawledPage]:
    """Lines are read up to a limit (a line of many GB would not fit in memory); a longer
    line is skipped a megabyte at a time. A ``.gz`` file that expands more than
    ``limits.MAX_COMPRESSION_RATIO`` times its size is read no further (a gzip bomb)."""
    raw_handle = open_input(path)
    if isinstance(raw_handle, CrawledPage):
        yield raw_handle
        return
    line_limit = max_bytes * _JSONL_OVERHEAD + 1024
    with raw_handle:
        gzipped = path.name.lower().endswith(".gz")
        lines = gzip.open(raw_handle) if gzipped else raw_handle
        number = 0
        while True:
            origin = f"{path}:{number + 1}"
            try:
                line = lines.readline(line_limit)
                if line and not line.endswith(b"\n") and len(line) == line_limit:
                    number += 1
                    size = len(line) + _skip_line(lines, raw_handle if gzipped else None)
                    yield too_large(origin, UNKNOWN_SITE, origin, size, max_bytes, raw_handle.tell())
                    continue
            except _GzipBomb as exc:
                yield CrawledPage(origin, UNKNOWN_SITE, origin, code=TOO_LARGE, error=str(exc))
                return
            except (OSError, EOFError, zlib.error) as exc:
                yield CrawledPage(origin, UNKNOWN_SITE, origin, code=UNREADABLE, error=f"cannot read further: {exc}")
                return
            if not line:
                return
            number += 1
            if line.strip():
                yield _jsonl_page(path, number, line, max_bytes, raw_handle.tell())


class _GzipBomb(Exception):
    """A gzip file that expands over the ratio limit; the message says so."""


def _skip_line(lines, compressed) -> int:
    """Read past the rest of a line a megabyte at a time; the bytes skipped. ``compressed``:
    the raw file under a gzip stream, to stop once it expands over the ratio limit."""
    from claimcheck.load.limits import expansion_problem

    skipped = 0
    while True:
        chunk = lines.readline(1 << 20)
        skipped += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return skipped
        if compressed is not None:
            problem = expansion_problem(lines.tell(), compressed.tell())
            if problem:
                raise _GzipBomb(f"this gzip file {problem} further")


def _jsonl_page(path: Path, number: int, line: bytes, max_bytes: int, position: int) -> CrawledPage:
    origin = f"{path}:{number}"

    def problem(code, message):
        return CrawledPage(origin, UNKNOWN_SITE, origin, code=code, error=message, position=position)

    try:
        record = json.loads(line)
    except ValueError as exc:
        return problem(CORRUPT_RECORD, f"not a JSON object: {exc}")
    if not isinstance(record, dict):
        return problem(CORRUPT_RECORD, "not a JSON object")
    url = record.get("url")
    if not isinstance(url, str) or not url.strip():
        return problem(CORRUPT_RECORD, "record has no 'url'")
    body, media_type = record.get("html"), "text/html"
    if body is None:
        body, media_type = record.get("text"), "text/plain"
    site = site_of(url)
    if not isinstance(body, str):
        return CrawledPage(url, site, origin, code=CORRUPT_RECORD, position=position,
                           error="record has no 'html' or 'text' string")
    if len(body) > max_bytes and len(body.encode("utf-8")) > max_bytes:
        return too_large(url, site, origin, len(body.encode("utf-8")), max_bytes, position)
    if body.startswith("%PDF-"):
        return CrawledPage(url, site, origin, code=NOT_TEXT, error="a PDF document, not an HTML page",
                           position=position)
    return check_empty(CrawledPage(url, site, origin, media_type, body, position=position))
