"""PDF files, read with pdfminer.six.

pdfminer's layout analysis groups a page's characters into lines and lines into
text boxes (paragraphs), in reading order; lines less than a line height apart
are taken as one paragraph. Each box becomes one paragraph of the
extracted text: its wrapped lines are joined with a space (a word hyphenated across
two lines is joined without one), except that a bulleted line or a line in another
font size (a heading) starts a new block. Every line keeps its place, so a finding's
location is ``{"page": p, "line": n}``, n counting the text lines of page p from the
top in reading order.

A PDF with no text layer (scanned pages) or one that needs a password to open is
reported as having no text to check, never passed as clean.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path

from claimcheck.errors import InputProblem
from claimcheck.loaders import NO_TEXT, TextAssembler, too_large
from claimcheck.model import Source

_BULLET = re.compile(r"^\s*(?:[-*•·▪◦‣+–]|\d{1,3}[.)])\s+")
_UNMAPPED_GLYPH = re.compile(r"\(cid:\d+\)")


def _font_size(line) -> float:
    sizes = [round(getattr(char, "size", 0), 1) for char in line if hasattr(char, "size")]
    return max(set(sizes), key=sizes.count) if sizes else 0.0


def _separator(previous: str, line: str, size_changed: bool) -> str:
    if size_changed:
        return "\n\n"
    if _BULLET.match(line):
        return "\n"
    if previous.endswith("-") and len(previous) > 1 and previous[-2].isalpha() and line[:1].islower():
        return ""
    return " "


def _read(path: Path, text: TextAssembler) -> None:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTFigure, LTTextBox, LTTextLine

    # line_margin: lines closer than one line height belong to the same paragraph
    # (pdfminer's default, half a line, splits loosely set prose line by line).
    layout = LAParams(line_margin=1.0, all_texts=True)

    def boxes(container):  # in reading order; text inside a figure (form XObject) too
        for item in container:
            if isinstance(item, LTTextBox):
                yield item
            elif isinstance(item, LTFigure):
                yield from boxes(item)

    for page_number, page in enumerate(extract_pages(str(path), laparams=layout), 1):
        line_number = 0
        for box in boxes(page):
            previous, previous_size = None, 0.0
            for line in (item for item in box if isinstance(item, LTTextLine)):
                content = " ".join(line.get_text().split())
                if not content:
                    continue
                line_number += 1
                size = _font_size(line)
                where = {"page": page_number, "line": line_number}
                if previous is None:
                    text.add(content, where)
                else:
                    changed = bool(previous_size and size and abs(size - previous_size) > 0.1 * previous_size)
                    text.add(content, where, _separator(previous, content, changed))
                previous, previous_size = content, size


def load(path: Path, max_bytes: int) -> Source | InputProblem:
    problem = too_large(path, max_bytes)
    if problem:
        return problem
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its warnings on odd files are noise here
    text = TextAssembler()
    try:
        _read(path, text)
    except (PDFPasswordIncorrect, PDFEncryptionError):
        return InputProblem(str(path), NO_TEXT,
                            "no text to check: the PDF is encrypted and needs a password to open; "
                            "check an unprotected copy")
    except OSError as exc:
        return InputProblem(str(path), "CC904", f"cannot read file: {exc.strerror or exc}")
    except Exception as exc:  # pdfminer raises many kinds of errors on damaged files
        return InputProblem(str(path), "CC908", f"cannot read as a PDF: {type(exc).__name__}: {exc}")
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
