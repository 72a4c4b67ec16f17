"""A conference's badge design: what organisers choose, checked and stored; and its plain form for rendering.

The rules here: which logo files are accepted (:func:`clean_logo`), what a
design may hold (:func:`save_design`), what a conference without a design
prints (:func:`design_of`), and copying a design into another conference
(:func:`copy_design`). Rendering reads :func:`design_data`, plain data
(picklable: it goes to the rendering processes once a batch).
"""

import base64
import io
import re
import xml.etree.ElementTree as ET

from django.core.files.base import ContentFile
from django.db import transaction

from conference.plumbing.errors import ServiceError
from registration import questions
from registration.models import CATEGORY_COLOURS, Category

from .models import BadgeDesign
from .sheets import pdfium_lock

LOGO_MAX_BYTES = 1024 * 1024  # an upload
LOGO_MAX_PIXELS = 6000  # either side of a PNG, before it is scaled down
LOGO_BOX_PX = (640, 256)  # the stored logo fits in this (40 x 16 mm at about 400 dpi)
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class DesignError(ServiceError):
    code = "invalid_design"


def design_of(conference):
    """The conference's design, or an unsaved default one (:func:`default_design_of`)."""
    return BadgeDesign.objects.filter(conference=conference).first() or default_design_of(conference)


def default_design_of(conference):
    """What a conference that has saved no design prints: its own colour, the default category colours."""
    return BadgeDesign(conference=conference, primary_colour=conference.colour or "#1d4ed8")


def category_colours(design):
    """Every category's band colour: the design's choice, else the default."""
    chosen = design.category_colours or {}
    return {
        category: chosen.get(category) if COLOUR.match(chosen.get(category) or "") else default
        for category, default in CATEGORY_COLOURS.items()
    }


def _check_colour(value, field):
    if not COLOUR.match(value or ""):
        raise DesignError(f"Give the colour as #RRGGBB, for example #1d4ed8, not “{value}”.", code="invalid_colour")
    return value.lower()


# --- Logos ---------------------------------------------------------------------------
#
# A logo is stored as a PNG scaled to fit LOGO_BOX_PX, whatever was uploaded: an
# SVG is sanitised, then drawn once (WeasyPrint, with the badge's fetcher that
# loads nothing) and rasterised (PDFium). Badges therefore never carry SVG, so
# nothing in an upload can run or load anything when a badge is drawn, and each
# badge only places a small PNG.

SVG_ALLOWED = {
    "svg",
    "g",
    "defs",
    "title",
    "desc",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "text",
    "tspan",
    "lineargradient",
    "radialgradient",
    "stop",
    "clippath",
    "mask",
    "symbol",
    "use",
    "style",
    "pattern",
}


def _local(name):
    return name.rsplit("}", 1)[-1].lower()


def sanitise_svg(data):
    """An SVG's bytes with only drawing left: no script, no event handler, no external reference.

    Refuses (``invalid_logo``) what is not well-formed SVG or declares a
    DOCTYPE or entities; removes every element not in ``SVG_ALLOWED``, every
    ``on…`` attribute, every link that is not to the same document (``#id``)
    and any style that loads something.
    """
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise DesignError("This SVG declares a DOCTYPE or entities; save it as plain SVG.", code="invalid_logo")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise DesignError(f"This SVG cannot be read ({exc}).", code="invalid_logo") from exc
    if _local(root.tag) != "svg":
        raise DesignError("This file is not an SVG image.", code="invalid_logo")

    def loads_something(text):
        text = (text or "").lower()
        return "@import" in text or re.search(r"url\(\s*['\"]?(?!#)", text) or "javascript:" in text

    def clean(element):
        for child in list(element):
            if not isinstance(child.tag, str) or _local(child.tag) not in SVG_ALLOWED:
                element.remove(child)
                continue
            if _local(child.tag) == "style" and loads_something(child.text):
                element.remove(child)
                continue
            clean(child)
        for name in list(element.attrib):
            value = element.attrib[name]
            local = _local(name)
            if local.startswith("on") or (local == "href" and not value.startswith("#")) or loads_something(value):
                del element.attrib[name]

    clean(root)
    return ET.tostring(root)


def _png_fitted(image):
    from PIL import Image

    image = image.convert("RGBA")
    bbox = image.getchannel("A").getbbox()
    if bbox:
        image = image.crop(bbox)
    image.thumbnail(LOGO_BOX_PX, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _rasterise_svg(svg):
    """The sanitised SVG drawn into a 40 x 16 mm box and read back as pixels (transparent background)."""
    import pypdfium2 as pdfium
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()

    class OnlyThisSVG(URLFetcher):
        """Serves the logo itself and refuses every other URL (nothing is loaded from outside)."""

        def fetch(self, url, headers=None):
            if url == uri:
                return URLFetcherResponse(url, svg, {"Content-Type": "image/svg+xml"})
            raise ValueError("a logo loads no external resource")

    html = HTML(string=f'<img src="{uri}" alt="">', url_fetcher=OnlyThisSVG())
    css = CSS(
        string="@page { size: 40mm 16mm; margin: 0 } body { margin: 0 }"
        " img { display: block; width: 40mm; height: 16mm; object-fit: contain }"
    )
    pdf = html.write_pdf(stylesheets=[css])
    with pdfium_lock:  # PDFium is not thread-safe (badges.sheets)
        document = pdfium.PdfDocument(pdf)
        try:
            page = document[0]
            image = page.render(scale=LOGO_BOX_PX[0] / page.get_width(), fill_color=(255, 255, 255, 0)).to_pil()
        finally:
            document.close()
    return image


def clean_logo(upload):
    """The logo to store (PNG bytes) from an uploaded file, or ``DesignError`` (``invalid_logo``) saying why not.

    PNG or SVG, at most 1 MB; a PNG at most 6,000 pixels a side. Stored
    scaled to fit 640 x 256 pixels, transparent margins trimmed.
    """
    size = getattr(upload, "size", None)
    if size is not None and size > LOGO_MAX_BYTES:
        raise DesignError(f"The logo is {size / 1024 / 1024:.1f} MB; upload one of at most 1 MB.", code="invalid_logo")
    data = upload.read(LOGO_MAX_BYTES + 1)
    if len(data) > LOGO_MAX_BYTES:
        raise DesignError("The logo is larger than 1 MB; upload a smaller one.", code="invalid_logo")
    if not data:
        raise DesignError("The logo file is empty.", code="invalid_logo")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        from PIL import Image, UnidentifiedImageError

        try:
            image = Image.open(io.BytesIO(data))
            if max(image.size) > LOGO_MAX_PIXELS:
                raise DesignError(
                    f"The logo is {image.size[0]} x {image.size[1]} pixels; "
                    f"upload one of at most {LOGO_MAX_PIXELS} pixels a side.",
                    code="invalid_logo",
                )
            image.load()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise DesignError("This PNG file is damaged and cannot be read.", code="invalid_logo") from exc
        return _png_fitted(image)
    if b"<svg" in data[:4096].lower():
        svg = sanitise_svg(data)
        try:
            return _png_fitted(_rasterise_svg(svg))
        except Exception as exc:
            raise DesignError("This SVG cannot be drawn; export it again as plain SVG.", code="invalid_logo") from exc
    raise DesignError("Upload the logo as a PNG or an SVG file.", code="invalid_logo")


# --- Saving and copying ---------------------------------------------------------------------


DESIGN_FIELDS = (
    "sides",
    "layout",
    "primary_colour",
    "show_full_name",
    "show_job_title",
    "show_organisation",
    "show_answers",
    "show_workshops",
    "wifi_network",
    "wifi_password",
    "help_desk",
    "back_note",
)


def save_design(conference, *, logo=None, remove_logo=False, category_colours=None, badge_questions=None, **values):
    """Store the conference's design; returns it. ``logo``: an uploaded file (checked by :func:`clean_logo`).

    ``badge_questions``: the ids of the questions whose answers print (the
    design page's list); given, exactly those print (each question's
    ``on_badge``, through ``registration.questions.set_on_badge``) and the
    design shows answers, so the list alone decides.

    Every value is checked before anything is written, so a refused logo,
    colour or question changes nothing.
    """
    unknown = set(values) - set(DESIGN_FIELDS)
    if unknown:
        raise DesignError(f"Unknown design fields: {', '.join(sorted(unknown))}.")
    if "sides" in values and values["sides"] not in BadgeDesign.Sides.values:
        raise DesignError("Choose single-sided, double-sided or fold-over.", code="invalid_sides")
    if "layout" in values and values["layout"] not in BadgeDesign.Layout.values:
        raise DesignError("Choose the layout a6 or a4.", code="invalid_layout")
    if "primary_colour" in values:
        values["primary_colour"] = _check_colour(values["primary_colour"], "primary_colour")
    colours = None
    if category_colours is not None:
        colours = {}
        for category, colour in category_colours.items():
            if category not in Category.values:
                raise DesignError(f"“{category}” is not a category.", code="invalid_category")
            colours[category] = _check_colour(colour, category)
    logo_png = clean_logo(logo) if logo is not None else None
    if badge_questions is not None:
        values["show_answers"] = True
    with transaction.atomic():
        design = BadgeDesign.objects.select_for_update().filter(conference=conference).first() or design_of(conference)
        if badge_questions is not None:  # first: a refusal here rolls back before a logo file is written
            try:
                questions.set_on_badge(conference, badge_questions)
            except questions.QuestionInvalid as exc:
                raise DesignError(exc.errors["on_badge"], code="invalid_question") from exc
        for name, value in values.items():
            setattr(design, name, value)
        if colours is not None:
            design.category_colours = colours
        old_logo = design.logo.name if design.logo else ""
        if remove_logo:
            design.logo = ""
        if logo_png is not None:
            design.logo.save(f"{conference.slug}.png", ContentFile(logo_png), save=False)
        design.save()
    if old_logo and old_logo != (design.logo.name or ""):
        design.logo.storage.delete(old_logo)
    return design


def copy_design(source, target):
    """Give conference ``target`` a copy of ``source``'s design (next year from this year); returns it or None."""
    design = BadgeDesign.objects.filter(conference=source).first()
    if design is None:
        return None
    values = {name: getattr(design, name) for name in DESIGN_FIELDS}
    copy = BadgeDesign(conference=target, category_colours=dict(design.category_colours), **values)
    if design.logo:
        with design.logo.open("rb") as logo:
            copy.logo.save(f"{target.slug}.png", ContentFile(logo.read()), save=False)
    copy.save()
    return copy


def copy_design_when_copied(sender, source, target, **kwargs):
    """A receiver of ``registration.copying.conference_copied``."""
    copy_design(source, target)


# --- What rendering reads ----------------------------------------------------------------------

_logo_cache = {}  # (logo name, design's updated_at) -> data URI


def _png_uri(png):
    return "data:image/png;base64," + base64.b64encode(png).decode()


def preview_logo(upload):
    """An uploaded logo as the badge would print it once saved (a ``data:`` URI), stored nowhere.

    The same checks as saving (:func:`clean_logo`): a refused file raises ``DesignError`` (``invalid_logo``).
    """
    return _png_uri(clean_logo(upload))


def _logo_uri(design):
    if not design.logo:
        return ""
    key = (design.logo.name, design.updated_at)
    uri = _logo_cache.get(key)
    if uri is None:
        try:
            with design.logo.open("rb") as logo:
                uri = _png_uri(logo.read())
        except OSError:
            uri = ""  # a logo file lost from storage: print without it rather than fail
        if len(_logo_cache) > 32:
            _logo_cache.clear()
        _logo_cache[key] = uri
    return uri


def design_data(design):
    """The design as plain data for the renderer (one copy a batch, not a badge)."""
    stamp = design.updated_at.timestamp() if design.updated_at else 0
    return {
        "key": f"{design.conference_id}:{stamp}:{design.primary_colour}:{sorted(category_colours(design).items())}",
        "sides": design.sides,
        "primary_colour": design.primary_colour,
        "category_colours": category_colours(design),
        "logo": _logo_uri(design),
        "show_full_name": design.show_full_name,
        "show_job_title": design.show_job_title,
        "show_organisation": design.show_organisation,
        "show_answers": design.show_answers,
        "show_workshops": design.show_workshops,
        "wifi_network": design.wifi_network,
        "wifi_password": design.wifi_password,
        "help_desk": design.help_desk,
        "back_note": design.back_note,
    }
