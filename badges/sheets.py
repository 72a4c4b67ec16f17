"""Badges put together: rendered badge PDFs merged into one file, as A6 pages or four to an A4 sheet.

Rendering (WeasyPrint, :mod:`badges.rendering`) draws each badge once, as its
own small PDF: one A6 page (single-sided), two (double-sided: the front, then
the back) or one A5 landscape page (a fold-over: back and front side by side).
Everything here only copies those pages (PDFium, in C): printing every badge of
a conference costs a merge, not a render.

- ``a6``: the pages one after another, as drawn.
- ``a4``: each page placed, unscaled, in a cell of an A4 sheet: four A6 badges a
  sheet in 105 x 148.5 mm cells (a double-sided badge's back on the next sheet
  in the mirrored cell, for duplex printing flipped on the long edge), or two
  fold-overs a sheet. Cut marks are drawn on the cut lines, inside the
  printable area; a badge keeps everything 5 mm inside its own edges, so
  nothing is printed within 5 mm of the sheet's edge.

PDFium is not thread-safe: every use in this process holds :data:`pdfium_lock`
(the preview and the logo's rasterising too).
"""

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


def _draw_cut_marks(page, sides):
    import pypdfium2.raw as pdfium_c

    height = A4_MM[1]
    for x, y, w, h in FOLD_CUT_MARKS_MM if sides == "fold" else CUT_MARKS_MM:
        rect = pdfium_c.FPDFPageObj_CreateNewRect(
            x * PT_PER_MM, (height - y - h) * PT_PER_MM, w * PT_PER_MM, h * PT_PER_MM
        )
        pdfium_c.FPDFPageObj_SetFillColor(rect, 0, 0, 0, 255)
        pdfium_c.FPDFPath_SetDrawMode(rect, pdfium_c.FPDF_FILLMODE_WINDING, False)
        pdfium_c.FPDFPage_InsertObject(page.raw, rect)


class Assembler:
    """Collects badge PDFs (bytes, whole badges each) into one document, in order.

    ``add(pdf)`` copies the badges' pages in at once (a6) or holds back at
    most one sheet's worth of badges (a4); ``save(output)`` writes the
    document to a binary file and returns its page count.
    """

    def __init__(self, layout, sides):
        import pypdfium2 as pdfium

        if layout not in ("a6", "a4"):
            raise ValueError(f"unknown layout {layout!r}")
        if sides not in PAGES_PER_BADGE:
            raise ValueError(f"unknown sides {sides!r}")
        self.layout, self.sides = layout, sides
        self.per_badge = PAGES_PER_BADGE[sides]
        self.per_sheet, self.sheet_plan = _cells(sides)
        with pdfium_lock:
            self.document = pdfium.PdfDocument.new()
        self.pending = []  # a4: (source document, first page) of the badges not yet placed

    def add(self, pdf_bytes):
        import pypdfium2 as pdfium

        with pdfium_lock:
            source = pdfium.PdfDocument(pdf_bytes)
            if self.layout == "a6":
                self.document.import_pages(source)
                source.close()
                return
            badges = len(source) // self.per_badge
            self.pending.append((source, [n * self.per_badge for n in range(badges)]))
            if self._pending_badges() >= self.per_sheet:
                self._place(final=False)

    def _pending_badges(self):
        return sum(len(firsts) for _, firsts in self.pending)

    def _place(self, final):
        badges = [(source, first) for source, firsts in self.pending for first in firsts]
        cut = len(badges) if final else len(badges) - len(badges) % self.per_sheet
        for start in range(0, cut, self.per_sheet):
            self._sheet(badges[start : start + self.per_sheet])
        keep = badges[cut:]
        for source, _ in self.pending:
            if all(source is not kept for kept, _ in keep):
                source.close()
        grouped = {}
        for source, first in keep:
            grouped.setdefault(id(source), (source, []))[1].append(first)
        self.pending = list(grouped.values())

    def _sheet(self, group):
        width, height = (v * PT_PER_MM for v in A4_MM)
        for plan in self.sheet_plan:
            page = self.document.new_page(width, height)
            for index, offset, cell in plan:
                if index >= len(group):
                    continue
                source, first = group[index]
                xobject = source.page_as_xobject(first + offset, self.document)
                obj = xobject.as_pageobject()
                left_mm, top_mm = _cell_origin(cell, self.sides)
                source_page = source[first + offset]
                page_height_mm = source_page.get_height() / PT_PER_MM
                source_page.close()
                obj.transform(_translation(left_mm * PT_PER_MM, (A4_MM[1] - top_mm - page_height_mm) * PT_PER_MM))
                page.insert_obj(obj)
                xobject.close()
            _draw_cut_marks(page, self.sides)
            page.gen_content()
            page.close()

    def save(self, output):
        with pdfium_lock:
            if self.layout == "a4" and self.pending:
                self._place(final=True)
            count = len(self.document)
            self.document.save(output)
            self.document.close()
        return count


def _translation(x, y):
    import pypdfium2 as pdfium

    return pdfium.PdfMatrix().translate(x, y)


def assemble(pdfs, output, *, layout="a6", sides="double"):
    """Write the badges of ``pdfs`` (an iterable of PDF bytes, whole badges each, in order) to ``output``
    as ``layout``; returns the page count."""
    assembler = Assembler(layout, sides)
    for pdf in pdfs:
        assembler.add(pdf)
    return assembler.save(output)
