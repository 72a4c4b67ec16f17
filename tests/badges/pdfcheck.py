"""Reading real badge PDFs back: pages, text, fonts, glyphs and QR codes (pypdf, pypdfium2, zxing-cpp)."""

import io
import re

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


def page_images(pdf_bytes, dpi=100, pages=None):
    """Pages rasterised by PDFium at ``dpi``, as RGB images: every page, or those at the indexes ``pages``."""
    document = pdfium.PdfDocument(pdf_bytes)
    try:
        indexes = range(len(document)) if pages is None else pages
        return [document[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in indexes]
    finally:
        document.close()


def image_of(pdf_bytes, page, dpi=100):
    """One page rasterised at ``dpi``, as an RGB image."""
    return page_images(pdf_bytes, dpi, [page])[0]


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


def _code_to_cid(font):
    """How a Type0 font maps two-byte codes to glyphs: identity, or the font's own CMap.

    WeasyPrint writes ``/Identity-H`` when every glyph exists; when some text has
    no glyph in any font it writes a CMap that sends those codes to CID 0.
    """
    encoding = font.get("/Encoding")
    if not hasattr(encoding, "get_object") or not hasattr(encoding.get_object(), "get_data"):
        return None  # /Identity-H
    mapping = {}
    for line in encoding.get_object().get_data().decode("latin-1").splitlines():
        match = re.fullmatch(r"<([0-9a-fA-F]{4})>\s+(\d+)", line.strip())
        if match:
            mapping[int(match.group(1), 16)] = int(match.group(2))
    return mapping


def notdef_glyphs(pdf_bytes):
    """How many glyphs shown are .notdef (CID 0, the "missing glyph" box) in the PDF's CID fonts."""
    reader = PdfReader(io.BytesIO(pdf_bytes))
    count = 0
    for page in reader.pages:
        fonts = {name: ref.get_object() for name, ref in page.get("/Resources", {}).get("/Font", {}).items()}
        maps = {name: _code_to_cid(font) for name, font in fonts.items() if font.get("/Subtype") == "/Type0"}
        current = None
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tf":
                current = operands[0]
            elif operator in (b"Tj", b"TJ", b"'", b'"') and current in maps:
                mapping = maps[current]
                strings = operands[0] if operator == b"TJ" else [operands[-1]]
                for item in strings:
                    if isinstance(item, (int, float)):
                        continue
                    raw = item.original_bytes if hasattr(item, "original_bytes") else bytes(item)
                    for i in range(0, len(raw) - 1, 2):
                        code = raw[i] << 8 | raw[i + 1]
                        cid = code if mapping is None else mapping.get(code, 0)
                        count += cid == 0
    return count
