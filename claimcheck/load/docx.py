"""Word ``.docx`` files, read with python-docx.

Every paragraph with text is taken in reading order: body paragraphs, table cells
(row by row, each of a cell's paragraphs), text boxes and content controls, found by
walking the body's XML so that nothing nested is missed or read twice (a text box's
legacy VML copy under ``mc:Fallback`` is skipped). Then the paragraphs of each
distinct header and footer. Paragraph styles give the Markdown structure: Title and
Heading n become headings, list paragraphs (numbered or bulleted) and table cells
list items, Quote styles quotes. Line breaks inside a paragraph become spaces.

Paragraphs are numbered from 1 counting only those with text, as a reader counts
them; a finding's location is ``{"paragraph": n}``, or ``{"header": n}`` /
``{"footer": n}`` for the n-th paragraph of the headers or footers.
"""
from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.text.paragraph import CT_P

from claimcheck.errors import CANNOT_PARSE, TOO_LARGE, UNREADABLE, InputProblem
from claimcheck.load.document_text import TextAssembler, TextTooLong
from claimcheck.load.files import size_problem
from claimcheck.load.limits import expansion_problem
from claimcheck.model import Source

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_TABLE_CELL = f"{{{_W}}}tc"


def _style_names(document) -> dict[str, str]:
    return {style.style_id: (style.name or "") for style in document.styles}


def _prefix(node, style: str) -> str:
    """The Markdown block marker for a paragraph: its heading level, list or quote."""
    name = style.lower()
    if name == "title":
        return "# "
    if name.startswith("heading "):
        level = name.split()[-1]
        return "#" * min(int(level), 6) + " " if level.isdigit() else ""
    if "quote" in name:
        return "> "
    listed = node.pPr is not None and node.pPr.numPr is not None
    if listed or name.startswith("list") or any(True for _ in node.iterancestors(_TABLE_CELL)):
        return "- "  # table cells read like list items, as in the HTML normalizer
    return ""


def _paragraphs(element, styles: dict[str, str]) -> Iterator[tuple[str, str]]:
    """(Markdown prefix, text) of each paragraph with text under ``element``, in reading order."""
    for node in element.iter(f"{{{_W}}}p"):
        if not isinstance(node, CT_P) or any(True for _ in node.iterancestors(_MC_FALLBACK)):
            continue
        text = " ".join(node.text.split())
        if text:
            yield _prefix(node, styles.get(node.style or "", "")), text


def _margins(document) -> Iterator[tuple[str, object]]:
    """Each distinct header and footer part (a linked one repeats the previous section's)."""
    seen = set()
    for section in document.sections:
        for kind, parts in (("header", (section.first_page_header, section.header, section.even_page_header)),
                            ("footer", (section.first_page_footer, section.footer, section.even_page_footer))):
            for part in parts:
                if part.is_linked_to_previous:
                    continue
                element = part._element
                if id(element) not in seen:
                    seen.add(id(element))
                    yield kind, element


def _zip_bomb(path: Path) -> InputProblem | None:
    """The parts' sizes as the zip's directory declares them (a part that decompresses to
    more fails its CRC check), over the limits: python-docx would read them all into memory."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # docx.Document reports it
    expanded = sum(member.file_size for member in members)
    compressed = sum(member.compress_size for member in members)
    problem = expansion_problem(expanded, compressed)
    return InputProblem(str(path), TOO_LARGE, f"Word file {problem}") if problem else None


def load(path: Path, max_bytes: int) -> Source | InputProblem:
    problem = size_problem(path, max_bytes) or _zip_bomb(path)
    if problem:
        return problem
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError):
        return InputProblem(str(path), CANNOT_PARSE,
                            "not a Word .docx file (an old .doc, a password-protected file, or damaged); "
                            "save it as .docx and check it again")
    except OSError as exc:
        return InputProblem(str(path), UNREADABLE, f"cannot read file: {exc.strerror or exc}")
    except Exception as exc:  # a damaged part inside the zip
        return InputProblem(str(path), CANNOT_PARSE, f"cannot read this Word file: {type(exc).__name__}: {exc}")
    styles = _style_names(document)
    text = TextAssembler(max_chars=max_bytes)
    try:
        _add_paragraphs(document, styles, text)
    except TextTooLong as exc:
        return InputProblem(str(path), TOO_LARGE, str(exc))
    return text.source(path)


def _add_paragraphs(document, styles: dict[str, str], text: TextAssembler) -> None:
    for number, (prefix, paragraph) in enumerate(_paragraphs(document.element.body, styles), 1):
        text.add(paragraph, {"paragraph": number}, prefix=prefix)
    counts = {"header": 0, "footer": 0}
    for kind, element in _margins(document):
        for prefix, paragraph in _paragraphs(element, styles):
            counts[kind] += 1
            text.add(paragraph, {kind: counts[kind]}, prefix=prefix)
