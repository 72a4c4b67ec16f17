"""Badges put together: rendered badge PDFs merged into one file, as A6 pages or four to an A4 sheet.

Rendering (WeasyPrint, :mod:`badges.rendering`) draws each badge once, as its
own small PDF: one A6 page (single-sided), two (double-sided: the front, then
the back) or one A5 landscape page (a fold-over: back and front side by side).
Everything here only copies those pages: printing every badge of a conference
costs a merge, not a render. A6 pages are copied by PDFium; A4 sheets are
made by qpdf (pikepdf): each page becomes a form XObject, and the sheet's
content stream is written here (where each goes, and the cut marks), so no
library regenerates page content (PDFium's did, at 0.4 s a sheet).

- ``a6``: the pages one after another, as drawn.
- ``a4``: each page placed, unscaled, in a cell of an A4 sheet: four A6 badges a
  sheet in 105 x 148.5 mm cells (a double-sided badge's back on the next sheet
  in the mirrored cell, for duplex printing flipped on the long edge), or two
  fold-overs a sheet. Cut marks are drawn on the cut lines, inside the
  printable area; a badge keeps everything 5 mm inside its own edges, so
  nothing is printed within 5 mm of the sheet's edge.

PDFium is not thread-safe: every use in this process holds :data:`pdfium_lock`
(the preview and the logo's rasterising too). A pikepdf document is used by one
thread only.
"""

import io
import threading

PT_PER_MM = 72 / 25.4
A4_MM = (210, 297)
CELL_MM = (105, 148.5)
FOLD_CELL_MM = (210, 148.5)
BACK_PLACE = {1: 2, 2: 1, 3: 4, 4: 3}  # a cell's back on the next sheet, printed duplex flipped on the long edge
PAGES_PER_BADGE = {"single": 1, "double": 2, "fold": 1}

# (x, y, width, height) in mm from the sheet's top left: on the vertical cut line (top, bottom, centre)
# and the horizontal one (left, right, centre), none nearer than 5 mm to the sheet's edge.
CUT_MARKS_MM = (
    (104.9, 5, 0.2, 4),
    (104.9, 288, 0.2, 4),
    (5, 148.4, 4, 0.2),
    (201, 148.4, 4, 0.2),
    (104.9, 145.5, 0.2, 6),
    (102, 148.4, 6, 0.2),
)
FOLD_CUT_MARKS_MM = ((5, 148.4, 4, 0.2), (201, 148.4, 4, 0.2))

pdfium_lock = threading.RLock()


def _cells(sides):
    """The cell of each page on a sheet, as a list of sheets: [(badge index in the group, page of the badge, cell)]."""
    if sides == "fold":
        return 2, [[(0, 0, 1), (1, 0, 2)]]
    fronts = [(n, 0, n + 1) for n in range(4)]
    if sides == "double":
        return 4, [fronts, [(n, 1, BACK_PLACE[n + 1]) for n in range(4)]]
    return 4, [fronts]


def _cell_origin(cell, sides):
    """The top left corner of a cell, in mm from the sheet's top left."""
    if sides == "fold":
        return 0, (cell - 1) * FOLD_CELL_MM[1]
    return ((cell - 1) % 2) * CELL_MM[0], ((cell - 1) // 2) * CELL_MM[1]


def _marks_operators(sides):
    """The cut marks as PDF drawing operators (black rectangles), in points from the sheet's bottom left."""
    ops = ["0 g"]
    for x, y, w, h in FOLD_CUT_MARKS_MM if sides == "fold" else CUT_MARKS_MM:
        bottom = A4_MM[1] - y - h
        ops.append(f"{x * PT_PER_MM:.3f} {bottom * PT_PER_MM:.3f} {w * PT_PER_MM:.3f} {h * PT_PER_MM:.3f} re f")
    return " ".join(ops)


class Assembler:
    """Collects badge PDFs (bytes, whole badges each) into one document, in order.

    ``add(pdf)`` copies the badges' pages in at once (a6) or holds back at
    most one sheet's worth of badges (a4); ``save(output)`` writes the
    document to a binary file and returns its page count.
    """

    def __init__(self, layout, sides):
        if layout not in ("a6", "a4"):
            raise ValueError(f"unknown layout {layout!r}")
        if sides not in PAGES_PER_BADGE:
            raise ValueError(f"unknown sides {sides!r}")
        self.layout, self.sides = layout, sides
        self.per_badge = PAGES_PER_BADGE[sides]
        self.per_sheet, self.sheet_plan = _cells(sides)
        if layout == "a6":
            import pypdfium2 as pdfium

            with pdfium_lock:
                self.document = pdfium.PdfDocument.new()
        else:
            import pikepdf

            self.document = pikepdf.Pdf.new()
            self.sources = []  # kept open until saved: qpdf copies their streams when it writes
            self.pending = []  # (source, first page) of the badges not yet placed
            self.marks = _marks_operators(sides)

    def add(self, pdf_bytes):
        if self.layout == "a6":
            import pypdfium2 as pdfium

            with pdfium_lock:
                source = pdfium.PdfDocument(pdf_bytes)
                self.document.import_pages(source)
                source.close()
            return
        import pikepdf

        source = pikepdf.Pdf.open(io.BytesIO(pdf_bytes))
        self.sources.append(source)
        self.pending += [(source, n * self.per_badge) for n in range(len(source.pages) // self.per_badge)]
        while len(self.pending) >= self.per_sheet:
            self._sheet(self.pending[: self.per_sheet])
            self.pending = self.pending[self.per_sheet :]

    def _sheet(self, group):
        import pikepdf

        width, height = (v * PT_PER_MM for v in A4_MM)
        for plan in self.sheet_plan:
            forms, operators = {}, []
            for index, offset, cell in plan:
                if index >= len(group):
                    continue
                source, first = group[index]
                page = pikepdf.Page(source.pages[first + offset])
                name = f"/Badge{cell}"
                forms[name] = self.document.copy_foreign(page.as_form_xobject())
                left_mm, top_mm = _cell_origin(cell, self.sides)
                page_height = float(page.mediabox[3]) - float(page.mediabox[1])
                bottom = height - top_mm * PT_PER_MM - page_height
                operators.append(f"q 1 0 0 1 {left_mm * PT_PER_MM:.3f} {bottom:.3f} cm {name} Do Q")
            operators.append(self.marks)
            sheet = self.document.add_blank_page(page_size=(width, height))
            sheet.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(forms))
            sheet.Contents = self.document.make_stream(" ".join(operators).encode())

    def save(self, output):
        if self.layout == "a6":
            with pdfium_lock:
                count = len(self.document)
                self.document.save(output)
                self.document.close()
            return count
        if self.pending:
            self._sheet(self.pending)
            self.pending = []
        count = len(self.document.pages)
        self.document.save(output)
        self.document.close()
        for source in self.sources:
            source.close()
        return count


def assemble(pdfs, output, *, layout="a6", sides="double"):
    """Write the badges of ``pdfs`` (an iterable of PDF bytes, whole badges each, in order) to ``output``
    as ``layout``; returns the page count."""
    assembler = Assembler(layout, sides)
    for pdf in pdfs:
        assembler.add(pdf)
    return assembler.save(output)
