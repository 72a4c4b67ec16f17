"""Reading real badge PDFs back: pages, text, fonts, glyphs and QR codes (pypdf, pypdfium2, zxing-cpp)."""

import io

import pypdfium2 as pdfium
import zxingcpp
from pypdf import PdfReader
from pypdf.generic import ContentStream


def page_count(pdf_bytes):
    return len(PdfReader(io.BytesIO(pdf_bytes)).pages)


def page_texts(pdf_bytes):
    """The text of each page, as PDFium extracts it (logical order, right-to-left text included)."""
    document = pdfium.PdfDocument(pdf_bytes)
    try:
        return [document[i].get_textpage().get_text_range().replace("\r\n", "\n") for i in range(len(document))]
    finally:
        document.close()


def page_sizes_mm(pdf_bytes):
    reader = PdfReader(io.BytesIO(pdf_bytes))
    return [
        (round(float(p.mediabox.width) * 25.4 / 72, 1), round(float(p.mediabox.height) * 25.4 / 72, 1))
        for p in reader.pages
    ]


def qr_codes(pdf_bytes, page_index=0, dpi=300):
    """The QR codes on one page, rasterised at ``dpi``: [(text, width of the symbol in mm)]."""
    document = pdfium.PdfDocument(pdf_bytes)
    try:
        image = document[page_index].render(scale=dpi / 72).to_pil()
    finally:
        document.close()
    found = []
    for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
        top_left, top_right = result.position.top_left, result.position.top_right
        width_px = ((top_right.x - top_left.x) ** 2 + (top_right.y - top_left.y) ** 2) ** 0.5
        found.append((result.text, width_px * 25.4 / dpi))
    return found


def embedded_fonts(pdf_bytes):
    """The base names of the fonts embedded in the PDF (subset prefixes dropped)."""
    reader = PdfReader(io.BytesIO(pdf_bytes))
    names = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            name = str(font.get("/BaseFont", ""))
            names.add(name.split("+", 1)[-1].lstrip("/"))
    return names


def notdef_glyphs(pdf_bytes):
    """How many times a page shows glyph 0 (.notdef, the "missing glyph" box) with a CID font.

    WeasyPrint writes text with Identity-H fonts: every glyph is two bytes, its
    glyph id; 0 is .notdef.
    """
    reader = PdfReader(io.BytesIO(pdf_bytes))
    count = 0
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        cid_fonts = {name for name, ref in fonts.items() if ref.get_object().get("/Subtype") == "/Type0"}
        current = None
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tf":
                current = operands[0]
            elif operator in (b"Tj", b"TJ", b"'", b'"') and current in cid_fonts:
                strings = operands[0] if operator == b"TJ" else [operands[-1]]
                for item in strings:
                    if isinstance(item, (int, float)):
                        continue
                    raw = item.original_bytes if hasattr(item, "original_bytes") else bytes(item)
                    count += sum(1 for i in range(0, len(raw) - 1, 2) if raw[i] == 0 and raw[i + 1] == 0)
    return count
