"""PDF files, read with pdfminer.six.

pdfminer's layout analysis groups a page's characters into lines and lines into
text boxes (paragraphs), in reading order; lines less than a line height apart
are taken as one paragraph. Each box becomes one paragraph of the extracted
Markdown: its wrapped lines are joined with a space (a word hyphenated across two
lines is joined without one). A bulleted line starts a list item; a line set
clearly larger than the body text (the most used font size) is a heading, the
largest size level 1. Every line keeps its place, so a finding's
location is ``{"page": p, "line": n}``, n counting the text lines of page p from the
top in reading order.

A PDF with no text layer (scanned pages) or one that needs a password to open is
reported as having no text to check, never passed as clean. Before pdfminer reads
it (pdfminer inflates each stream whole), its deflated streams other than images are
inflated here a megabyte at a time and counted: over ``limits.MAX_DECOMPRESSED_BYTES``
together, or over the compression-ratio limit, the file is refused as a compression bomb.
An object that refers to itself, directly or through a chain of references, is a
damaged file, reported as one: pdfminer alone follows such a chain forever.
"""
from __future__ import annotations

import logging
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTFigure, LTTextBox, LTTextLine
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.pdftypes import PDFObjRef

from claimcheck.errors import CANNOT_PARSE, NO_TEXT, TOO_LARGE, UNREADABLE, InputProblem
from claimcheck.load.document_text import TextAssembler, TextTooLong
from claimcheck.load.files import size_problem
from claimcheck.load.limits import MAX_DECOMPRESSED_BYTES, expansion_problem
from claimcheck.model import Source

_BULLET = re.compile(r"^\s*(?:[-*•·▪◦‣+–]|\d{1,3}[.)])\s+")
_UNMAPPED_GLYPH = re.compile(r"\(cid:\d+\)")
_STREAM_START = re.compile(rb"\bstream(?:\r\n|\n|\r)")
_IMAGE = re.compile(rb"/Subtype\s*/Image")
_INFLATE_STEP = 1 << 20


class ReferenceCycle(PDFSyntaxError):
    """An indirect object whose value is a chain of references that comes back to itself."""


def _resolve_to_a_value(reference: PDFObjRef, default: object = None) -> object:
    """``PDFObjRef.resolve``, following a chain of bare references to the object at its end.

    pdfminer's ``resolve1`` loops ``while`` its value is a reference, one hop per call, so
    ``1 0 obj 1 0 R endobj`` (111 bytes) kept it busy until the time budget. Following
    the whole chain here, with the objects seen, ends every such loop after one call.
    """
    seen = {reference.objid: None}  # in chain order
    value = _resolve_one_hop(reference, default)
    while isinstance(value, PDFObjRef):
        if value.objid in seen:
            path = [*seen, value.objid]
            chain = " -> ".join(map(str, path if len(path) <= 12 else [*path[:11], "...", path[-1]]))
            raise ReferenceCycle(f"object {value.objid} refers to itself ({chain})")
        seen[value.objid] = None
        value = _resolve_one_hop(value, default)
    return value


_resolve_one_hop = PDFObjRef.resolve
PDFObjRef.resolve = _resolve_to_a_value  # every caller in pdfminer resolves through this method


def _inflated_size(data: bytes, start: int, allowance: int) -> int:
    """Bytes the deflate stream at ``data[start:]`` inflates to, counted without keeping
    them; stops once over ``allowance``. 0 when it is not a deflate stream."""
    inflater = zlib.decompressobj()
    total = 0
    position = start
    try:
        while position < len(data) and not inflater.eof and total <= allowance:
            chunk = data[position:position + _INFLATE_STEP]
            position += len(chunk)
            total += len(inflater.decompress(chunk, _INFLATE_STEP))
            while inflater.unconsumed_tail and total <= allowance:
                total += len(inflater.decompress(inflater.unconsumed_tail, _INFLATE_STEP))
    except zlib.error:
        pass  # not deflated (or damaged: pdfminer reports that)
    return total


def _compression_bomb(path: Path) -> InputProblem | None:
    """Inflate every deflated stream that pdfminer may read (images it does not), counting."""
    try:
        data = path.read_bytes()
    except OSError:
        return None  # pdfminer reports it
    total = 0
    for match in _STREAM_START.finditer(data):
        dictionary = data[max(0, match.start() - 4096):match.start()]
        if _IMAGE.search(dictionary[dictionary.rfind(b" obj"):]):
            continue
        total += _inflated_size(data, match.end(), MAX_DECOMPRESSED_BYTES - total)
        problem = expansion_problem(total, len(data))
        if problem:
            return InputProblem(str(path), TOO_LARGE, f"PDF {problem}")
    return None


def _font_size(line) -> float:
    sizes = [round(getattr(char, "size", 0), 1) for char in line if hasattr(char, "size")]
    return max(set(sizes), key=sizes.count) if sizes else 0.0


@dataclass
class _Line:
    page: int
    number: int  # on its page
    box: int
    text: str
    size: float


def _lines(path: Path) -> list[_Line]:
    # line_margin: lines closer than one line height belong to the same paragraph
    # (pdfminer's default, half a line, splits loosely set prose line by line).
    layout = LAParams(line_margin=1.0, all_texts=True)

    def boxes(container):  # in reading order; text inside a figure (form XObject) too
        for item in container:
            if isinstance(item, LTTextBox):
                yield item
            elif isinstance(item, LTFigure):
                yield from boxes(item)

    out: list[_Line] = []
    box_id = 0
    for page_number, page in enumerate(extract_pages(str(path), laparams=layout), 1):
        line_number = 0
        for box in boxes(page):
            box_id += 1
            for line in (item for item in box if isinstance(item, LTTextLine)):
                content = " ".join(line.get_text().split())
                if content:
                    line_number += 1
                    out.append(_Line(page_number, line_number, box_id, content, _font_size(line)))
    return out


def _heading_levels(lines: list[_Line]) -> dict[float, int]:
    """Font sizes clearly larger than the body text's, largest first: heading levels 1, 2, 3 ..."""
    weight: dict[float, int] = {}
    for line in lines:
        weight[line.size] = weight.get(line.size, 0) + len(line.text)
    if not weight:
        return {}
    body = max(weight, key=weight.get)
    larger = sorted((size for size in weight if size > body * 1.15), reverse=True)
    return {size: min(level, 6) for level, size in enumerate(larger, 1)}


def _assemble(lines: list[_Line], text: TextAssembler) -> None:
    headings = _heading_levels(lines)
    previous: _Line | None = None
    for line in lines:
        where = {"page": line.page, "line": line.number}
        content = line.text
        bullet = _BULLET.match(content)
        if bullet:
            content = content[bullet.end():]
        if previous is None or previous.box != line.box or previous.size != line.size or bullet:
            prefix = "- " if bullet else "#" * headings[line.size] + " " if line.size in headings else ""
            text.add(content, where, prefix=prefix)
        elif previous.text.endswith("-") and previous.text[-2:-1].isalpha() and content[:1].islower():
            text.add(content, where, separator="")  # a word hyphenated across the line break
        else:
            text.add(content, where, separator=" ")
        previous = line


def load(path: Path, max_bytes: int) -> Source | InputProblem:
    problem = size_problem(path, max_bytes) or _compression_bomb(path)
    if problem:
        return problem
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its warnings on odd files are noise here
    text = TextAssembler(max_chars=max_bytes)
    try:
        _assemble(_lines(path), text)
    except TextTooLong as exc:
        return InputProblem(str(path), TOO_LARGE, str(exc))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        return InputProblem(str(path), NO_TEXT,
                            "no text to check: the PDF is encrypted and needs a password to open; "
                            "check an unprotected copy")
    except OSError as exc:
        return InputProblem(str(path), UNREADABLE, f"cannot read file: {exc.strerror or exc}")
    except ReferenceCycle as exc:
        return InputProblem(str(path), CANNOT_PARSE, f"cannot read as a PDF: {exc}")
    except Exception as exc:  # pdfminer raises many kinds of errors on damaged files
        return InputProblem(str(path), CANNOT_PARSE, f"cannot read as a PDF: {type(exc).__name__}: {exc}")
    source = text.source(path)
    unmapped = len(_UNMAPPED_GLYPH.findall(source.raw))
    readable = len("".join(_UNMAPPED_GLYPH.sub("", source.raw).split()))
    if not readable and not unmapped:
        return InputProblem(str(path), NO_TEXT,
                            "no text to check: the PDF has no text layer (its pages are images, as in a scan); "
                            "run OCR on it first, for example with ocrmypdf")
    if unmapped > readable:
        return InputProblem(str(path), NO_TEXT,
                            "no text to check: the PDF's fonts carry no text mapping, so its words cannot be read")
    return source
