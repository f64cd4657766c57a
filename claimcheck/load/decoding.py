"""Bytes to text, one way for every input: a file, standard input and a crawled page are
decoded by the same rules, so ``check`` and ``scan`` read the same bytes as the same text.

UTF-8 (with or without a byte-order mark) and UTF-16 (with a mark, or told by its NUL bytes,
as Windows tools write it) are read as such. Other bytes with NULs are binary, not text.
An HTML document that is not UTF-8 is read as browsers read it: in the charset its server
(``declared``) or its own ``<meta>`` names, else Windows-1252. Markdown and plain text carry
no declaration, so a file in another encoding is an error that says how to fix it, never a
guess.
"""
from __future__ import annotations

import codecs
import re

from claimcheck.errors import BAD_ENCODING, NOT_TEXT, InputProblem

# <meta charset="..."> and <meta http-equiv="Content-Type" content="text/html; charset=...">;
# browsers look for it in the first 1,024 bytes, and we allow more for long heads.
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_PREFIX_SCANNED = 4096


def utf16_without_bom(data: bytes) -> str | None:
    """The codec of UTF-16 text written without a byte-order mark (Windows tools do), told by
    the NUL bytes: Latin-script text in UTF-16 has one in every other byte, binary data has
    them anywhere. None when the data does not look so."""
    sample = data[:8192]
    if len(data) % 2 or len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd >= 0.9 * half and even <= 0.01 * half:
        return "utf-16-le"
    if even >= 0.9 * half and odd <= 0.01 * half:
        return "utf-16-be"
    return None


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML document's own ``<meta>`` names, if any."""
    match = _META_CHARSET.search(data[:_PREFIX_SCANNED])
    return match.group(1).decode("ascii") if match else None


def decode(data: bytes, origin: str, *, html: bool = False, declared: str | None = None,
           subject: str = "file") -> str | InputProblem:
    """``data`` as text, or the problem that stops it being read (``subject`` names what the
    bytes are in that message: a file, a page)."""
    utf16 = "utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else utf16_without_bom(data)
    if utf16:
        try:
            return data.decode(utf16)
        except UnicodeDecodeError as exc:
            return InputProblem(origin, BAD_ENCODING, f"not valid UTF-16: {exc.reason} at byte {exc.start}")
    if b"\x00" in data[:8192]:
        return InputProblem(origin, NOT_TEXT, f"binary {subject} (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if html:
            return _as_a_browser_would(data, declared)
        line = data[:exc.start].count(b"\n") + 1
        return InputProblem(
            origin, BAD_ENCODING,
            f"not valid UTF-8: byte 0x{data[exc.start]:02x} on line {line}; save the file as UTF-8")


def _as_a_browser_would(data: bytes, declared: str | None) -> str:
    for charset in (declared or declared_charset(data), "cp1252"):
        if not charset:
            continue
        try:
            return data.decode(charset, errors="replace")
        except LookupError:  # a charset Python does not know
            continue
    return data.decode("latin-1")
