"""The local stylesheets an HTML file links, read beside it.

A disclaimer hidden by a rule in ``css/site.css`` is as unseen as one hidden by the
page's own ``<style>`` block. For an HTML file read from disk, each
``<link rel="stylesheet" href="...">`` whose address is a relative path (no scheme, no
host, not from the root) is resolved against the file's folder and read when it is a
regular ``.css`` file of at most ``MAX_STYLESHEET_BYTES``; nothing is fetched from the
network, and an address that is missing, elsewhere or too large is passed over (the
page's own rules still count). Their texts go to ``normalize`` with the source, in the
order the page links them. In ``scan`` a mirror folder's pages carry the paths, and
each worker reads a site's shared stylesheet once while it is unchanged.
"""
from __future__ import annotations

import stat
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from claimcheck.normalize.stylesheet import stylesheet_links

MAX_STYLESHEET_BYTES = 1 << 20
MAX_STYLESHEETS = 32


def linked_stylesheets(raw: str, page: Path) -> tuple[str, ...]:
    """The texts of the local stylesheets ``raw`` (the HTML file ``page``) links."""
    return read_stylesheets(_local_paths(raw, page))


def linked_stylesheet_paths(raw: str, page: Path) -> tuple[str, ...]:
    """The paths of the local stylesheets ``raw`` (the HTML file ``page``) links that can be
    read: ``scan`` sends these to its workers, which read each once (``read_stylesheets``)."""
    return tuple(str(path) for path in _local_paths(raw, page) if _signature(path) is not None)


def _local_paths(raw: str, page: Path) -> list[Path]:
    paths = (_local_path(href, page) for href in stylesheet_links(raw)[:MAX_STYLESHEETS])
    return [path for path in paths if path is not None]


def read_stylesheets(paths) -> tuple[str, ...]:
    """The texts of the stylesheets at ``paths`` that are still readable regular files of at
    most ``MAX_STYLESHEET_BYTES``; a site's pages share their stylesheets, so each file is read
    once while it is unchanged."""
    texts = []
    for path in paths:
        signature = _signature(Path(path))
        if signature is not None:
            text = _read(path, *signature)
            if text is not None:
                texts.append(text)
    return tuple(texts)


def stylesheet_signature(paths) -> str:
    """What tells a changed stylesheet from the one last read: each path's size and time of change."""
    return "\n".join(f"{path}\t{_signature(Path(path))}" for path in paths)


def _local_path(href: str, page: Path) -> Path | None:
    parts = urlsplit(href.strip())
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None  # on the web, or from a root this file does not know
    path = page.parent / unquote(parts.path)
    return path if path.suffix.lower() == ".css" else None


def _signature(path: Path) -> tuple[int, int] | None:
    """(size, time of change) of a regular file of at most ``MAX_STYLESHEET_BYTES``, else None.
    A FIFO or a device is no regular file: reading one would block or never end."""
    try:
        status = path.stat()
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_STYLESHEET_BYTES:
        return None
    return status.st_size, status.st_mtime_ns


@lru_cache(maxsize=256)
def _read(path: str, size: int, changed: int) -> str | None:
    try:
        return Path(path).read_bytes()[:MAX_STYLESHEET_BYTES].decode("utf-8-sig", errors="replace")
    except (OSError, ValueError):
        return None
