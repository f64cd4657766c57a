"""Builds the Word and PDF fixtures in ``fixtures/documents/`` from a Markdown ad, and
the unreadable PDFs in ``tests/documents/``.

    pip install python-docx fpdf2    # fpdf2 is needed only here, not by claimcheck
    python tests/make_document_fixtures.py

Writes, from ``fixtures/violating/knee-clinic.md``:

* ``knee-clinic.docx``: headings, paragraphs, a bulleted list, a 2 x 2 table holding
  the "Why patients trust Summit" points, and the address line in the page footer;
* ``knee-clinic.pdf``: the same ad laid out on A4 pages (DejaVu Sans, so the em dashes
  and curly quotes survive), over two pages;
* ``owner-locked.pdf``: the ad with an owner password only (opens without one, as
  copy-protected brochures do), so its text must still be read;
* ``tests/documents/encrypted.pdf``: needs a user password to open;
* ``tests/documents/scanned.pdf``: one page that is only an image of text, as from a
  scanner. (These two are errors by design, so they stay out of ``fixtures/``, which
  the README's quick start checks.)

The outputs are committed, so the tests never need this script or fpdf2.
"""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "fixtures" / "violating" / "knee-clinic.md"
OUT = ROOT / "fixtures" / "documents"
UNREADABLE = ROOT / "tests" / "documents"
FONTS = Path("/usr/share/fonts/truetype/dejavu")
TABLE_SECTION = "Why patients trust Summit"


def blocks(markdown: str) -> list[tuple[str, str]]:
    """(kind, text) pairs: title, heading, bullet, quote, paragraph; inline markup removed."""
    out = []
    for line in markdown.split("\n"):
        line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line.strip())
        if not line:
            continue
        for prefix, kind in (("# ", "title"), ("## ", "heading"), ("- ", "bullet"), ("> ", "quote")):
            if line.startswith(prefix):
                out.append((kind, line[len(prefix):]))
                break
        else:
            out.append(("paragraph", line.strip("*")))
    return out


def build_docx(items, path: Path) -> None:
    import docx

    document = docx.Document()
    section_heading, table_cells = None, []
    footer_text = items[-1][1]
    for kind, text in items[:-1]:
        if kind == "heading":
            section_heading = text
        if kind == "bullet" and section_heading == TABLE_SECTION:
            table_cells.append(text)
            if len(table_cells) == 4:
                table = document.add_table(rows=2, cols=2)
                table.style = "Table Grid"
                for index, cell_text in enumerate(table_cells):
                    table.cell(index // 2, index % 2).text = cell_text
            continue
        if kind == "title":
            document.add_heading(text, level=0)
        elif kind == "heading":
            document.add_heading(text, level=1)
        elif kind == "bullet":
            document.add_paragraph(text, style="List Bullet")
        elif kind == "quote":
            document.add_paragraph(text, style="Quote")
        else:
            document.add_paragraph(text)
    document.sections[0].footer.paragraphs[0].text = footer_text
    document.save(str(path))


def new_pdf():
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_margins(22, 20, 22)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_font("DejaVu", "I", str(FONTS / "DejaVuSans-Oblique.ttf"))
    return pdf


def write_ad(pdf, items) -> None:
    pdf.add_page()
    width = pdf.epw
    for kind, text in items:
        if kind == "title":
            pdf.set_font("DejaVu", "B", 20)
            pdf.multi_cell(width, 10, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
        elif kind == "heading":
            pdf.ln(3)
            pdf.set_font("DejaVu", "B", 14)
            pdf.multi_cell(width, 8, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif kind == "bullet":
            pdf.set_font("DejaVu", "", 11)
            pdf.multi_cell(width, 6, "•  " + text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        else:
            pdf.set_font("DejaVu", "I" if kind == "quote" else "", 11)
            pdf.multi_cell(width, 6, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)


def build_pdfs(items) -> None:
    pdf = new_pdf()
    write_ad(pdf, items)
    pdf.output(str(OUT / "knee-clinic.pdf"))

    pdf = new_pdf()
    write_ad(pdf, items)
    pdf.set_encryption(owner_password="owner-only")
    pdf.output(str(OUT / "owner-locked.pdf"))

    pdf = new_pdf()
    write_ad(pdf, items[:4])
    pdf.set_encryption(owner_password="owner", user_password="open-sesame")
    pdf.output(str(UNREADABLE / "encrypted.pdf"))

    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1200, 300), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONTS / "DejaVuSans.ttf"), 40)
    draw.text((40, 60), "Our stem cell injections heal damaged knees.", fill=0, font=font)
    draw.text((40, 140), "FDA approved. No side effects.", fill=0, font=font)
    scan = UNREADABLE / "scanned.png"
    image.save(scan)
    pdf = new_pdf()
    pdf.add_page()
    pdf.image(str(scan), x=15, y=20, w=180)
    pdf.output(str(UNREADABLE / "scanned.pdf"))
    scan.unlink()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    UNREADABLE.mkdir(parents=True, exist_ok=True)
    items = blocks(SOURCE.read_text(encoding="utf-8"))
    build_docx(items, OUT / "knee-clinic.docx")
    build_pdfs(items)
    for path in sorted(OUT.iterdir()) + sorted(UNREADABLE.iterdir()):
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
