"""Badges as PDF: WeasyPrint renders ``templates/badges/badge.html``.

Where the time goes, and what this module does about it (bench/README.md has
the profiles; ``bench/badge_render.py`` measures it):

- A badge alone (one document) is now about 73 % of the instructions it
  took before issue 17's render work (single-sided; double-sided ~75 %). What
  is left, single-sided: WeasyPrint's layout (Python; mostly the
  absolutely positioned blocks and the ~7 lines of text Pango shapes) about
  40 %, drawing the page and writing the PDF about 30 % (subsetting and
  embedding two fonts, regular and bold, ~10 %), building boxes and the
  cascade about 15 %, the QR code (then segno) and the template about 10 %.
  Tried and not kept: one stylesheet instead of two (no gain), a Latin-only
  font stack (-1 %), uncompressed PDF streams (-3 %, for larger files).
- WeasyPrint's full HTML5 user-agent stylesheet is not used: ``ua.css``
  (beside the templates) holds its rules for the elements a badge uses, with
  the same values, so the cascade and the 16 page-margin boxes of every page
  cost a fraction (``BadgeHTML``). The templates are well-formed XML, parsed
  by expat instead of tinyhtml5 (Python), with no whitespace between tags.
  tests/badges/test_rendering_equivalence.py checks every page prints pixel
  for pixel what WeasyPrint's standard path prints.
- The QR code is made by zxing-cpp (C++: ~0.2 ms, where segno, in Python,
  took ~2 ms even with its mask chosen faster), still with the mask of
  lowest penalty (ISO 18004), and written as an 8-bit greyscale PNG, which
  WeasyPrint embeds as it is (a 1-bit PNG it first converts to RGB).
- Embedding fonts is what made a naive badge slow (~500 ms). With
  ``libharfbuzz-subset0`` installed WeasyPrint subsets with HarfBuzz instead
  of fontTools, and ``full_fonts`` stays off, so a badge embeds only the
  glyphs it prints.
- The stylesheet is parsed once per process against one shared
  ``FontConfiguration`` (fontconfig's font lookups stay cached between
  documents). Images are not cached across documents: every QR code differs.
- Computed styles are kept between documents too (``SharedStyleFor``): a
  badge alone in its document had each of its elements' styles computed
  again, property by property, where badges in one document share them.
  Keeping them cut a one-badge document from 93.3 M to 71.7 M instructions
  (single-sided; callgrind, bench/README.md).
- Each badge is its own document (``badges.stored`` keeps each badge's PDF
  and serves it until what it shows changes; ``badges.sheets`` merges the
  stored pages). Many badges to render are batches of ``BATCH_SIZE``
  badges, in a pool of processes when there are several batches
  (``badges.pool``: started by a forkserver, so it is safe in a threaded
  server).
- The design (``badges.design``) reaches the renderer as plain data once a
  document; its colours are a small stylesheet parsed once per design and
  process, its logo a PNG already scaled to the size it prints.

Sides: ``single`` is the front only; ``double`` prints each badge's back as
the next page (A6), or the next sheet with the columns swapped (A4, for
duplex printing flipped on the long edge); ``fold`` prints the back and the
front side by side on one A5 landscape page (A6) or two such a sheet (A4),
folded along the middle. Everything printed lies at least 5 mm inside each
badge, so on an A4 sheet nothing is within 5 mm of the sheet's edge.

The QR code is a PNG of one pixel a module, drawn with ``image-rendering:
pixelated`` (WeasyPrint writes the image with ``/Interpolate false``, so a
viewer or printer paints every module as an exact 0.8 mm square at any
resolution: the printed result of a vector, with no resampling blur). Inline
SVG is the other choice, kept behind the ``BADGE_QR_FORMAT = "svg"`` setting:
WeasyPrint parses and draws the SVG path in Python, which measured (CPU,
bench/README.md) 2.7 ms more for one badge (22.4 against 19.7 ms) and 5 ms
more a badge in bulk (100 badges: 1.69 against 1.15 s), for no visible
difference on paper.
"""

import base64
import io
import itertools
import logging
import math
import os
import re
import unicodedata
from pathlib import Path
from xml.etree import ElementTree

import zxingcpp
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats
from PIL import Image

from registration.models import CATEGORY_COLOURS, Category
from registration.questions import badge_answers

from . import sheets

logger = logging.getLogger(__name__)

LAYOUTS = ("a6", "a4")
SIDES = ("single", "double", "fold")
BATCH_SIZE = 100  # badges a document in bulk runs: a multiple of 4 (an A4 sheet)
QR_MODULE_MM = 0.8  # printed module width (at least 0.5 mm, README: Badges)
QR_BORDER = 4  # quiet zone, in modules
QR_FORMATS = ("png", "svg")
QR_FORMAT = getattr(settings, "BADGE_QR_FORMAT", "png")
QR_V2_MODULES = 25 + 2 * QR_BORDER  # a badge code's symbol (version 2) and its quiet zone
SVG_NS = "http://www.w3.org/2000/svg"
PNG_DATA_URI = "data:image/png;base64,"

# The fonts, in fallback order (Debian: fonts-noto-core, fonts-noto-cjk).
# Pango picks, glyph by glyph, the first family that has the glyph.
FONT_STACK = [
    "Noto Sans",
    "Noto Sans Arabic",
    "Noto Sans Hebrew",
    "Noto Sans Devanagari",
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK KR",
    "sans-serif",
]

CJK_FONTS = {"zh": "Noto Sans CJK SC", "ja": "Noto Sans CJK JP", "ko": "Noto Sans CJK KR"}


def font_stacks():
    """The stylesheet's font stacks: the default, and one per CJK language with that language's font first
    among the CJK ones (Han characters take Chinese, Japanese or Korean forms)."""
    stacks = {"/*FONT_STACK*/": FONT_STACK}
    for lang, font in CJK_FONTS.items():
        stack = [name for name in FONT_STACK if name != font]
        stack.insert(FONT_STACK.index("Noto Sans CJK SC"), font)
        stacks[f"/*FONT_STACK_{lang.upper()}*/"] = stack
    return stacks


# Text fitting: usable width of a badge, and for each line of text the sizes
# (pt) to try, largest first, and the height (mm) it may take.
TEXT_WIDTH_MM = 93
FIELD_FIT = {
    "badge_name": ((54, 44, 34, 28, 24, 20, 16, 13, 11, 9), 28),
    "full_name": ((16, 14, 12, 11, 10, 9, 8, 7), 13),
    "job_title": ((12, 11, 10, 9, 8, 7, 6.5), 10),
    "organisation": ((14, 13, 12, 11, 10, 9, 8, 7, 6.5), 13),
    "back_name": ((26, 22, 18, 15, 13, 11, 9, 7, 6, 5), 12),
    "back_full_name": ((9, 8, 7, 6, 5), 7),
    "conference": ((16, 14, 12, 11, 10, 9, 8, 7), 11),
}
HEADER_TEXT_WIDTH_MM = 52  # the conference's name beside the logo
LINE_HEIGHT = 1.25
PT_PER_MM = 72 / 25.4


def text_units(text):
    """The width of ``text`` in average Latin characters (CJK and other wide characters count ~1.7)."""
    units = 0.0
    for char in text:
        if unicodedata.combining(char):
            continue
        units += 1.7 if unicodedata.east_asian_width(char) in ("W", "F") else 1.0
    return units


def fit_font_size(text, field, strict=False):
    """The largest size of ``field``'s scale at which ``text`` fits the height allowed
    (the smallest if none does; None then when ``strict``: the caller leaves the text out).

    An estimate with room to spare (0.65 em a character, lines 85 % full to
    allow for word wrapping); the template also wraps anywhere, so text never
    runs past the edge. The tests check the laid-out boxes stay inside the badge.
    """
    sizes, height_mm = FIELD_FIT[field]
    width_pt = (HEADER_TEXT_WIDTH_MM if field == "conference" else TEXT_WIDTH_MM) * PT_PER_MM * 0.85
    units = max(text_units(text), 1)
    for size in sizes:
        lines = math.ceil(units * 0.65 * size / width_pt)
        if lines * size * LINE_HEIGHT <= height_mm * PT_PER_MM:
            return size
    return None if strict else sizes[-1]


def text_direction(text):
    """``rtl`` when the first strong character is right to left (Arabic, Hebrew), else ``ltr``.

    HTML's ``dir="auto"`` does this in browsers; WeasyPrint honours only
    explicit ``dir="rtl"``/``"ltr"``, so the direction is decided here.
    """
    for char in text:
        bidi = unicodedata.bidirectional(char)
        if bidi in ("R", "AL"):
            return "rtl"
        if bidi == "L":
            return "ltr"
    return "ltr"


def cjk_language(text):
    """``ja``, ``ko`` or ``zh`` for text with CJK characters (so Han characters take the right forms), else ""."""
    has_han = False
    for char in text:
        code = ord(char)
        if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF:
            return "ja"
        if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
            return "ko"
        if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF:
            has_han = True
    return "zh" if has_han else ""


def size_class(size):
    """The stylesheet's class for a font size: ``fs-13``, ``fs-6_5``."""
    return "fs-" + f"{size:g}".replace(".", "_")


def _text(value, field=None, strict=False):
    value = (value or "").strip()
    size = fit_font_size(value, field, strict) if field else None
    if strict and size is None:
        return None
    return {
        "text": value,
        "dir": text_direction(value),
        "lang": cjk_language(value),
        "size": size,
        "size_class": size_class(size) if size else "",
    }


def conference_dates(conference):
    """ "14–15 October 2027", "30 September – 1 October 2027", or one day."""
    start, end = conference.starts_on, conference.ends_on
    if start == end:
        return formats.date_format(start, "j F Y")
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{formats.date_format(end, 'j F Y')}"
    if start.year == end.year:
        return f"{formats.date_format(start, 'j F')} – {formats.date_format(end, 'j F Y')}"
    return f"{formats.date_format(start, 'j F Y')} – {formats.date_format(end, 'j F Y')}"


def workshop_lines(sessions, tz):
    """``[{"when", "title", "room"}]`` of ``(starts_at, title, room name)`` rows, in that order, in time zone ``tz``."""
    return [
        {"when": formats.date_format(starts_at.astimezone(tz), "D H:i"), "title": title, "room": room or ""}
        for starts_at, title, room in sessions
    ]


def _workshops(registration):
    """The delegate's workshops (not cancelled), in time order: [{"when", "title", "room"}]."""
    if registration.pk is None:  # a preview's sample delegate, never saved
        return []
    sessions = sorted(
        (s for s in registration.workshops.all() if s.cancelled_at is None), key=lambda s: (s.starts_at, s.pk)
    )
    return workshop_lines(
        [(s.starts_at, s.title, s.room.name if s.room_id else "") for s in sessions], registration.conference.tz
    )


def badge_data(badge, questions=None, workshops=None):
    """Everything one badge prints, as plain data (picklable: batches go to other processes).

    ``badge`` has its registration, invitation, organisation and conference
    loaded, the workshops with their rooms prefetched
    (``services.badges_to_print`` does that; otherwise they are queried);
    ``questions``, the conference's ``on_badge`` questions, saves a query a badge in bulk;
    ``workshops``, the lines :func:`workshop_lines` makes, when the caller has read them.
    """
    registration = badge.registration
    conference = registration.conference
    invitation = registration.invitation
    category = invitation.category
    return {
        "code": badge.code,
        "badge_name": _text(registration.display_badge_name, "badge_name"),
        "back_name": _text(registration.display_badge_name, "back_name"),
        "full_name": _text(registration.full_name, "full_name"),
        # The back repeats the full name under the badge name when it fits in small type (else only the badge name).
        "back_full_name": _text(registration.full_name, "back_full_name", strict=True),
        "job_title": _text(registration.job_title, "job_title"),
        "organisation": _text(invitation.organisation.name, "organisation"),
        "category": (Category(category).label if category in Category.values else category).upper(),
        "colour": CATEGORY_COLOURS.get(category, "#374151"),
        "category_class": f"cat-{category}" if category in CATEGORY_COLOURS else "",
        "conference": _text(conference.name, "conference"),
        "dates": conference_dates(conference),
        "workshops": _workshops(registration) if workshops is None else workshops,
        "answers": [{"label": label, "value": value} for label, value in badge_answers(registration, questions)],
    }


def qr_symbol(code):
    """``code``'s QR code: error correction M, the smallest version that holds it, the mask of lowest
    penalty (ISO/IEC 18004), made by zxing-cpp (C++, with libzint) in ~0.2 ms, where segno (Python) took
    ~2 ms, a tenth of a badge's first render."""
    return zxingcpp.create_barcode(code, zxingcpp.BarcodeFormat.QRCode, ec_level="M")


def qr_modules(code):
    """The width of ``code``'s QR symbol in modules, without its quiet zone (25 for a badge code: version 2)."""
    return memoryview(qr_symbol(code).to_image(scale=1, add_quiet_zones=False)).shape[1]


def qr_markup(code, qr_format=None):
    """The QR code of ``code`` as a PNG ``<img>`` or inline SVG, sized so a module is QR_MODULE_MM wide.

    Either draws the symbol and its quiet zone of QR_BORDER modules (zxing-cpp's, as ISO/IEC 18004 asks).
    Badge codes all make the same symbol size (version 2), whose size the
    stylesheet's ``.qr-v2`` class holds; any other size gets its size inline.
    """
    qr_format = qr_format or QR_FORMAT
    if qr_format not in QR_FORMATS:
        raise ValueError(f"unknown QR format {qr_format!r}")
    symbol = qr_symbol(code)
    image = symbol.to_image(scale=1, add_quiet_zones=True)  # one byte a module: 0 dark, 255 light
    height, width = memoryview(image).shape
    if width == QR_V2_MODULES:
        css_class, style = "qr qr-v2", ""
    else:
        width_mm = width * QR_MODULE_MM
        css_class, style = "qr", f' style="width:{width_mm:.2f}mm;height:{width_mm:.2f}mm"'
    if qr_format == "png":
        png = io.BytesIO()
        # Greyscale ("L"): WeasyPrint embeds it as it is (a 1-bit or palette PNG it converts to RGB first).
        Image.frombytes("L", (width, height), bytes(image)).save(png, "PNG")
        uri = PNG_DATA_URI + base64.b64encode(png.getvalue()).decode()
        return f'<img class="{css_class}"{style} alt="" src="{uri}"/>'
    paths = "".join(
        f'<path d="{path.get("d")}"/>' for path in ElementTree.fromstring(symbol.to_svg()).iter(f"{{{SVG_NS}}}path")
    )
    return f'<svg xmlns="{SVG_NS}" class="{css_class}"{style} viewBox="0 0 {width} {height}">{paths}</svg>'


def generated_css():
    """Rules made from the settings above, so the badge markup carries classes, not inline styles
    (WeasyPrint parses every ``style`` attribute on its own: classes cut 15-25 % of the layout time)."""
    rules = []
    for sizes, _ in FIELD_FIT.values():
        for size in sizes:
            rules.append(f".{size_class(size)} {{ font-size: {size:g}pt; }}")
    width_mm = QR_V2_MODULES * QR_MODULE_MM
    rules.append(f".qr-v2 {{ width: {width_mm:.2f}mm; height: {width_mm:.2f}mm; }}")
    return "\n".join(sorted(set(rules)))


def design_css(design):
    """The design's colours as rules: the accent, and each category's band."""
    rules = [f".accent {{ background-color: {design['primary_colour']}; }}"]
    for category, colour in design["category_colours"].items():
        rules.append(f".cat-{category} {{ background-color: {colour}; }}")
    return "\n".join(rules)


_process_state = {}


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class BadgeFetcher(URLFetcher):
        """Decodes the PNG ``data:`` URIs (QR codes, the logo) directly; refuses every other URL.

        WeasyPrint's default fetcher goes through urllib, which parses MIME
        headers with the e-mail package: about 1 ms an image, a badge each.
        A badge loads nothing else, so nothing else is fetched (no file or
        network access from delegate-supplied text, whatever it contains).
        """

        def fetch(self, url, headers=None):
            if url.startswith(PNG_DATA_URI):
                return URLFetcherResponse(
                    url, base64.b64decode(url[len(PNG_DATA_URI) :]), {"Content-Type": "image/png"}
                )
            raise ValueError(f"badges load no external resource ({url[:40]})")

    return BadgeFetcher


def _xml_root(markup):
    """The badge document's element tree parsed by expat, or None when expat refuses the markup.

    The badge templates are well-formed XML as well as HTML, and expat (C)
    parses them about ten times faster than tinyhtml5 (WeasyPrint's HTML5
    parser, in Python). Markup that is not XML goes to tinyhtml5: inline SVG
    QR codes (their namespace), or a character XML forbids (a control
    character in a delegate's name).
    """
    if "<svg" in markup:
        return None
    try:
        return ElementTree.fromstring(markup)
    except ElementTree.ParseError:
        return None


def _html_class():
    import functools

    import cssselect2
    from weasyprint import DEFAULT_OPTIONS, HTML
    from weasyprint.css import StyleFor
    from weasyprint.css.targets import TargetCollector
    from weasyprint.document import Document
    from weasyprint.images import get_image_from_uri as original_get_image_from_uri
    from weasyprint.layout import LayoutContext

    class BadgeHTML(HTML):
        """A badge document: WeasyPrint's HTML, parsed by expat, with a user-agent stylesheet of only what a badge uses.

        WeasyPrint's own (``html5_ua.css``: hundreds of rules for every HTML
        element, forms, tables, and the 16 page-margin boxes) is matched
        against every element and page of every document. ``ua.css`` keeps
        its rules for the elements the badge templates use, with the same
        values, so the cascade gives the same result at a fraction of the
        cost (tests/badges/test_rendering_equivalence.py compares the pixels).
        """

        def __init__(self, string, base_url, url_fetcher):
            root = _xml_root(string)
            if root is None:
                super().__init__(string=string, base_url=base_url, url_fetcher=url_fetcher)
                return
            # What HTML.__init__ (WeasyPrint 70) sets, from expat's tree instead of tinyhtml5's.
            self.base_url = base_url
            self.url_fetcher = url_fetcher
            self.media_type = "print"
            self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
            self.etree_element = self.wrapper_element.etree_element

        def _ua_stylesheets(self, forms=False):
            return [_weasy()["ua"]]

        def render(self, font_config=None, counter_style=None, color_profiles=None, **options):
            """``HTML.render``, laid out by :class:`BadgeDocument` (computed styles shared between documents)."""
            return BadgeDocument._render(
                self, font_config, counter_style, color_profiles, {**DEFAULT_OPTIONS, **options}
            )

    class BadgeDocument(Document):
        @classmethod
        def _build_layout_context(cls, html, font_config, counter_style, color_profiles, options):
            # What Document._build_layout_context and get_all_computed_styles (WeasyPrint 70) do, with a
            # SharedStyleFor. Every stylesheet is given, parsed (the badge templates hold no <style> or
            # <link>); the image cache is a dict (render_document's).
            for ua_counter_style in html._ua_counter_style():
                counter_style.update(ua_counter_style)
            target_collector = TargetCollector()
            sheets = [(sheet, "user agent", None) for sheet in html._ua_stylesheets()]
            sheets += [(sheet, "user", None) for sheet in options["stylesheets"] or ()]
            style_for = SharedStyleFor(html, sheets, False, font_config, target_collector, _weasy()["styles"])
            get_image_from_uri = functools.partial(
                original_get_image_from_uri,
                cache={} if options["cache"] is None else options["cache"],
                url_fetcher=html.url_fetcher,
                options=options,
            )
            return LayoutContext(style_for, get_image_from_uri, font_config, counter_style, target_collector)

    class SharedStyleFor(StyleFor):
        """Computed styles kept between badge documents of this process (``_weasy()["styles"]``).

        WeasyPrint computes each element's style lazily, property by
        property, and shares a computed style between the elements of one
        document that have the same parent style and the same declarations.
        A badge alone in its document shares nothing, so each of its ~25
        elements had every property computed again, for every badge: about
        a quarter of a one-badge document's time. This extends WeasyPrint's
        sharing across documents: the key is the parent's style (itself
        shared), whether the element is a page, its pseudo-element and its
        cascaded declarations by value (by identity for a value that cannot
        be hashed: the kept style holds the value, so its id stays its own).
        Sound because what WeasyPrint writes into a computed style after
        computing it is the same in every badge document: the root's and
        body's ``overflow`` (``visible`` in badge.css), a page's ``overflow``,
        a marker's ``position``. Viewport and page units (``vw``, ``pvw``)
        would keep the first document's page size: badge.css uses none.
        tests/badges/test_rendering_equivalence.py checks one-badge documents
        in turn, across designs, against WeasyPrint's standard path.
        """

        def __init__(self, html, sheets, presentational_hints, font_config, target_collector, shared):
            self.shared = shared  # set first: StyleFor.__init__ computes the styles
            super().__init__(html, sheets, presentational_hints, font_config, target_collector)

        def set_computed_styles(
            self, element, parent, root=None, pseudo_type=None, base_url=None, target_collector=None
        ):
            shared = self.shared
            cascaded = self._cascaded_styles.get((element, pseudo_type), {})
            parent_style = None if parent is None else self._computed_styles[parent, None]
            declared = tuple(cascaded.items())  # ((name, (value, weight)), ...): hashable for most elements
            try:
                hash(declared)
            except TypeError:
                declared = tuple((name, _value_key(value), _value_key(weight)) for name, (value, weight) in declared)
            key = (id(parent_style), id(self.font_config), base_url, hasattr(element, "tag"), pseudo_type, declared)
            style = shared.get(key)
            if style is None:
                super().set_computed_styles(element, parent, root, pseudo_type, base_url, target_collector)
                if len(shared) >= SHARED_STYLES:
                    shared.clear()
                shared[key] = self._computed_styles[element, pseudo_type]
                return
            self._computed_styles[element, pseudo_type] = style
            if target_collector and style["anchor"]:
                target_collector.collect_anchor(style["anchor"])

    return BadgeHTML


SHARED_STYLES = 1024  # computed styles kept a process, ~5 KB each (a design in every script: ~75); emptied when full


def _value_key(value):
    """A declaration's value (or weight) as part of a dictionary key: itself, or lists made tuples, or its id."""
    try:
        hash(value)
    except TypeError:
        if isinstance(value, (list, tuple)):
            return (type(value).__name__, *map(_value_key, value))
        return ("id", id(value))
    return value


class _ArrayTypes(dict):
    """cffi's parsed C types of WeasyPrint's ``ffi``, with each ``name[N]`` array type made directly.

    WeasyPrint subsets a font with ``ffi.new(f"hb_codepoint_t[{n}]", ...)``,
    n being the glyphs a badge prints and the highest glyph id: cffi parses
    every such string it has not seen with pycparser, about 15 ms each. A
    fresh process meets a new length every other badge for its first
    hundred badges (17 parses in 40 badges: 6.6 ms a badge). The array type
    of a known item type is one call to cffi's backend, what cffi's own
    ``ArrayType`` makes after parsing, so a missing ``name[N]`` is made so
    (tests/badges/test_rendering.py checks it is the type parsing gives).
    """

    ARRAY = re.compile(r"([A-Za-z_][A-Za-z0-9_ ]*?) ?\[([0-9]+)\]")

    def __init__(self, ffi, parsed):
        super().__init__(parsed)
        self.ffi = ffi

    def __missing__(self, cdecl):
        match = self.ARRAY.fullmatch(cdecl) if isinstance(cdecl, str) else None
        if match is None:
            raise KeyError(cdecl)  # cffi parses it
        pointer = self.ffi.typeof(match[1] + " *")
        result = self[cdecl] = (self.ffi._backend.new_array_type(pointer, int(match[2])), False)
        return result


def install_array_types():
    """Give WeasyPrint's ``ffi`` the :class:`_ArrayTypes` shortcut (once a process; idempotent)."""
    from weasyprint.text.ffi import ffi

    if not isinstance(ffi._parsed_types, _ArrayTypes):
        ffi._parsed_types = _ArrayTypes(ffi, ffi._parsed_types)


def _weasy():
    """This process's WeasyPrint objects: the font configuration, the parsed stylesheet, the designs' rules.

    Made on first use in each process (keyed by process id, so a process
    never uses state made by another before a fork).
    """
    state = _process_state.get(os.getpid())
    if state is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        install_array_types()
        font_config = FontConfiguration()
        templates = Path(settings.BASE_DIR) / "templates" / "badges"
        source = (templates / "badge.css").read_text()
        for placeholder, stack in font_stacks().items():
            source = source.replace(placeholder, ", ".join(f'"{n}"' if " " in n else n for n in stack))
        source += "\n" + generated_css()
        state = {
            "font_config": font_config,
            "css": CSS(string=source, font_config=font_config),
            "ua": CSS(string=(templates / "ua.css").read_text(), font_config=font_config),
            "html_class": _html_class(),
            "fetcher": _fetcher_class()(),
            "designs": {},
            "styles": {},
        }
        _process_state.clear()
        _process_state[os.getpid()] = state
    return state


weasy_state = _weasy


def _design_stylesheet(state, design):
    """The design's parsed rules, kept per design (a handful of designs a process at most)."""
    from weasyprint import CSS

    sheet = state["designs"].get(design["key"])
    if sheet is None:
        if len(state["designs"]) > 16:
            state["designs"].clear()
        sheet = state["designs"][design["key"]] = CSS(string=design_css(design), font_config=state["font_config"])
    return sheet


def default_design():
    """The design of a conference that has chosen none, as plain data."""
    from .design import design_data
    from .models import BadgeDesign

    return design_data(BadgeDesign(primary_colour="#1d4ed8"))


def warm_up():
    """Look fonts up and parse the stylesheet now (a new rendering process does this before its first batch)."""
    _weasy()


def render_html(items, layout="a6", qr_format=None, design=None):
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    design = design or default_design()
    if design["sides"] not in SIDES:
        raise ValueError(f"unknown sides {design['sides']!r}")
    badges = [{**item, "qr": qr_markup(item["code"], qr_format)} for item in items]
    # Always A6 pages (A5 a fold-over): an A4 sheet places the pages drawn (badges.sheets).
    return render_to_string("badges/badge.html", {"sides": design["sides"], "design": design, "badges": badges})


def render_document(items, layout="a6", qr_format=None, design=None):
    """One PDF (bytes) of ``items`` (``badge_data`` dicts), in the page order given, in ``design`` (plain data).

    WeasyPrint draws the badges as A6 pages (an A5 page a fold-over); ``a4``
    places those pages four a sheet (:mod:`badges.sheets`).
    """
    state = _weasy()
    design = design or default_design()
    html = state["html_class"](
        string=render_html(items, "a6", qr_format, design),
        base_url=str(settings.BASE_DIR),
        url_fetcher=state["fetcher"],
    )
    # A fresh image cache a document: every QR image is unique, so a cache kept
    # across documents would only grow in a long-lived worker.
    pdf = html.write_pdf(
        stylesheets=[state["css"], _design_stylesheet(state, design)], font_config=state["font_config"], cache={}
    )
    if layout == "a4":
        output = io.BytesIO()
        sheets.assemble([pdf], output, layout="a4", sides=design["sides"])
        return output.getvalue()
    return pdf


def render_badge(badge, layout="a6", design=None):
    """One badge's PDF (bytes), in its conference's design (or ``design``, plain data, e.g. a preview's)."""
    if design is None:
        from .design import design_data, design_of

        design = design_data(design_of(badge.registration.conference))
    return render_document([badge_data(badge)], layout, design=design)


def _render_batch(args):
    """Each badge of a batch as its own PDF (a badge is stored, and served, on its own)."""
    items, design = args
    return os.getpid(), [render_document([item], "a6", design=design) for item in items]


def default_processes():
    return max(1, min(int(getattr(settings, "BADGE_RENDER_PROCESSES", 2)), os.cpu_count() or 1))


def render_each(items, *, design=None, processes=None, batch_size=None, renderers=None):
    """Each of ``items`` (``badge_data`` dicts) drawn as its own PDF (bytes), yielded in order.

    With several batches and ``processes`` > 1, the batches are rendered in
    this process's rendering pool (``badges.pool``: workers started by a
    forkserver, safe whatever threads this process runs: a gthread worker,
    a Celery thread, a test's live server); the workers only lay out plain
    data and never touch the database. One batch is rendered here.
    ``renderers``, a set, receives the id of each process that rendered a batch.
    """
    from . import pool

    design = design or default_design()
    batch_size = batch_size or BATCH_SIZE
    batches = [(items[i : i + batch_size], design) for i in range(0, len(items), batch_size)]
    processes = processes or default_processes()
    results = None
    if len(batches) > 1 and processes > 1:
        pooled = pool.map_in_pool(_render_batch, batches, processes, warm_up="badges.rendering.warm_up")
        try:
            first = next(pooled)
        except pool.PoolUnavailable as exc:
            logger.warning("Badges rendered in one process: no rendering process could start (%s)", exc)
        else:
            results = itertools.chain([first], pooled)
    if results is None:
        results = (_render_batch(batch) for batch in batches)
    for pid, pdfs in results:
        if renderers is not None:
            renderers.add(pid)
        yield from pdfs


def write_badges(
    items, output, *, layout="a6", design=None, progress=None, processes=None, batch_size=None, renderers=None
):
    """Render ``items`` and write them as one PDF to the binary file ``output``; returns the page count.

    The badges are drawn one by one (:func:`render_each`) and put together
    by :mod:`badges.sheets` (A6 pages, or four to an A4 sheet).
    ``progress(done, total)`` is called after each batch. Badges kept in
    storage are merged without rendering by ``badges.stored``; this renders
    everything it is given (previews, tests, benchmarks).
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    design = design or default_design()
    batch_size = batch_size or BATCH_SIZE
    total = len(items)

    def counted():
        for done, pdf in enumerate(
            render_each(items, design=design, processes=processes, batch_size=batch_size, renderers=renderers),
            start=1,
        ):
            yield pdf
            if progress and (done % batch_size == 0 or done == total):
                progress(done, total)

    return sheets.assemble(counted(), output, layout=layout, sides=design["sides"])
