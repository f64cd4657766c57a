"""The local stylesheets an HTML file links, read beside it.

A disclaimer hidden by a rule in ``css/site.css`` is as unseen as one hidden by the
page's own ``<style>`` block. For an HTML file read from disk, each
``<link rel="stylesheet" href="...">`` whose address is a relative path (no scheme, no
host, not from the root) is resolved against the file's folder and read when it is a
regular ``.css`` file of at most ``MAX_STYLESHEET_BYTES``; nothing is fetched from the
network, and an address that is missing, elsewhere or too large is passed over (the
page's own rules still count). Their texts go to ``normalize`` with the source, in the
order the page links them.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from claimcheck.normalize.stylesheet import stylesheet_links

MAX_STYLESHEET_BYTES = 1 << 20
MAX_STYLESHEETS = 32


def linked_stylesheets(raw: str, page: Path) -> tuple[str, ...]:
    """The texts of the local stylesheets ``raw`` (the HTML file ``page``) links."""
    texts = []
    for href in stylesheet_links(raw)[:MAX_STYLESHEETS]:
        path = _local_path(href, page)
        if path is not None:
            text = _read(path)
            if text is not None:
                texts.append(text)
    return tuple(texts)


def _local_path(href: str, page: Path) -> Path | None:
    parts = urlsplit(href.strip())
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
        return None  # on the web, or from a root this file does not know
    path = page.parent / unquote(parts.path)
    return path if path.suffix.lower() == ".css" else None


def _read(path: Path) -> str | None:
    try:
        # is_file() is false for a FIFO or a device, which would block or never end.
        if not path.is_file() or path.stat().st_size > MAX_STYLESHEET_BYTES:
            return None
        return path.read_bytes().decode("utf-8-sig", errors="replace")
    except (OSError, ValueError):
        return None
