"""Generators of hostile inputs for the test_limits_* tests: each builds, in a second or
less, a small file that expands, loops or breaks when read (nothing big is checked in)."""
from __future__ import annotations

import gzip
import io
import json
import os
import resource
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '</Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    '</Relationships>')

VIOLATING = "Our stem cell injections cure knee arthritis."


def zeros_deflate(megabytes: int, wbits: int) -> bytes:
    """A deflate stream (zlib, gzip or raw by ``wbits``) of ``megabytes`` MiB of zeros, built
    without compressing them all: after a full flush the compressor starts afresh, so every
    further MiB of zeros compresses to the same bytes, repeated. The gzip trailer's CRC is
    wrong (a reader stops before it, or reports it)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    head = compressor.compress(b"\0" * (1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(b"\0" * (1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return head + block * (megabytes - 1) + compressor.flush(zlib.Z_FINISH)


def write_docx(path: Path, paragraphs, padding_megabytes: int = 0) -> Path:
    """A minimal Word file with these paragraphs; ``padding_megabytes`` of spaces inside the
    body make it a zip bomb (they compress about 1000:1)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                       f'<w:document xmlns:w="{_W}"><w:body>'.encode())
            for text in paragraphs:
                part.write(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>".encode())
            for _ in range(padding_megabytes):
                part.write(b" " * (1 << 20))
            part.write(b"</w:body></w:document>")
    return path


def write_pdf(path: Path, text: str = VIOLATING, bomb_megabytes: int = 0) -> Path:
    """A one-page PDF showing ``text``; ``bomb_megabytes`` adds a content stream of that many
    MiB of zeros (a compression bomb: a few KB in the file)."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents [4 0 R 6 0 R] "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    bomb = zeros_deflate(bomb_megabytes, zlib.MAX_WBITS) if bomb_megabytes else zlib.compress(b" ")
    objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb + b"\nendstream")
    return _write_pdf_objects(path, objects)


def _write_pdf_objects(path: Path, objects: list[bytes]) -> Path:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    path.write_bytes(out.getvalue())
    return path


def html_page(body: str = VIOLATING) -> bytes:
    return f"<html><body><h1>Knee clinic</h1><p>{body}</p></body></html>".encode()


def warc_record(url: str, payload: bytes, extra_http_headers: str = "") -> bytes:
    """One uncompressed WARC response record for an HTML page."""
    http = (f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n{extra_http_headers}"
            f"Content-Length: {len(payload)}\r\n\r\n").encode() + payload
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\n"
            f"WARC-Record-ID: <urn:uuid:{abs(hash((url, len(payload)))):032x}>\r\n"
            f"WARC-Date: 2026-01-01T00:00:00Z\r\nContent-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http)}\r\n\r\n").encode()
    return head + http + b"\r\n\r\n"


def gzip_member(data: bytes) -> bytes:
    return gzip.compress(data)


def jsonl_line(url: str, html: str) -> bytes:
    return json.dumps({"url": url, "html": html}).encode() + b"\n"


def gzip_bomb_record(url: str, megabytes: int) -> bytes:
    """One gzip member of a .warc.gz: a response record that declares, and inflates to,
    ``megabytes`` MiB of HTML (about 1 KB a MiB in the file)."""
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\n"
            f"WARC-Record-ID: <urn:uuid:{abs(hash(url)):032x}>\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {megabytes << 20}\r\n\r\n"
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n").encode()
    return _repeated_member(head, b"a", megabytes)


def gzip_bomb_jsonl(before: bytes, url: str, megabytes: int, after: bytes) -> bytes:
    """A .jsonl.gz: ``before``, a line holding ``megabytes`` MiB of HTML, ``after``."""
    opening = before + json.dumps({"url": url, "html": ""}).encode()[:-2]
    return _repeated_member(opening, b"a", megabytes, b'"}\n' + after)


def _repeated_member(head: bytes, byte: bytes, megabytes: int, tail: bytes = b"") -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(byte * (1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return out + block * megabytes + compressor.compress(tail) + compressor.flush()


def run_limited(code: str, megabytes: int, cwd: Path) -> subprocess.CompletedProcess:
    """``python -c code`` with its address space limited to ``megabytes`` (a loader that
    tried to hold a bomb's contents would fail with MemoryError); 60 s only as a hang guard."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], preexec_fn=limit, capture_output=True, text=True,
                          timeout=60, cwd=cwd, env=env)
