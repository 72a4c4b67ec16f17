"""The alignment test page: a sheet to print before the badges, to check the printer and the badge paper.

Each badge's place is a numbered frame 5 mm inside the badge's edges with a
cross in its middle, placed exactly as the badges are (:mod:`badges.sheets`,
the same code): if the frames print whole and even and the cut marks fall on
the perforations, the badges will too. In the conference's design's sides:
double-sided adds the sheet of backs (each back numbered as its front, to
hold to the light), a fold-over shows the back and front halves.
"""

import io

from django.template.loader import render_to_string

from . import rendering, sheets


def _pages(sides, layout):
    if sides == "fold":
        badges = 2 if layout == "a4" else 1
        return [
            {"fold": True, "cells": [{"label": f"{n} back", "back": True}, {"label": f"{n} front", "back": False}]}
            for n in range(1, badges + 1)
        ]
    pages = []
    for n in range(1, 5 if layout == "a4" else 2):
        pages.append({"fold": False, "cells": [{"label": f"{n} front", "back": False}]})
        if sides == "double":
            pages.append({"fold": False, "cells": [{"label": f"{n} back", "back": True}]})
    return pages


def alignment_pdf(sides="double", layout="a4"):
    """The test page (bytes): four numbered frames an A4 sheet (and the sheet of backs), or A6 pages."""
    from weasyprint import HTML

    state = rendering.weasy_state()
    html = render_to_string("badges/alignment.html", {"pages": _pages(sides, layout)})
    pdf = HTML(string=html, url_fetcher=state["fetcher"]).write_pdf(font_config=state["font_config"])
    if layout == "a6":
        return pdf
    output = io.BytesIO()
    sheets.assemble([pdf], output, layout="a4", sides=sides)
    return output.getvalue()
