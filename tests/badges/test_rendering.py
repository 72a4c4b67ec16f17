"""The real badge PDF: rendered by WeasyPrint, read back with PDFium, pypdf and zxing-cpp."""

import io
import unicodedata

import pytest

from badges import rendering, services
from badges.rendering import QR_BORDER, QR_MODULE_MM
from registration.models import CATEGORY_COLOURS, Category
from tests.badges.pdfcheck import embedded_fonts, notdef_glyphs, page_count, page_sizes_mm, page_texts, qr_codes
from tests.factories import ConferenceFactory, InvitationFactory, OrganisationFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

# (script, first name, last name, organisation). Names chosen so PDF text
# extraction round-trips them: extraction cannot restore Devanagari's
# reordered vowel signs (e.g. the i-matra), so those are checked by glyphs only.
NAMES = [
    ("accents", "Zoë", "Brontë-Ångström", "Université de Genève"),
    ("Greek", "Ζωή", "Παπαδοπούλου", "Πανεπιστήμιο Αθηνών"),
    ("Cyrillic", "Жанна", "Иванова", "Московский университет"),
    ("Arabic", "محمد", "عبد الله", "جامعة القاهرة"),
    ("Hebrew", "דוד", "כהן", "אוניברסיטת תל אביב"),
    ("Chinese", "小明", "王", "北京大学"),
    ("Japanese", "さくら", "山田", "東京大学"),
    ("Korean", "민준", "김", "서울대학교"),
    ("Devanagari", "अनन्या", "नायक", "भारतीय संस्थान"),
]


def delegate(conference, first, last, org, category="speaker", **kwargs):
    invitation = InvitationFactory(conference=conference, organisation=OrganisationFactory(name=org), category=category)
    return RegistrationFactory(invitation=invitation, first_name=first, last_name=last, badge_name=first, **kwargs)


def design(sides="double", **values):
    """A design as the renderer takes it (plain data)."""
    return {**rendering.default_design(), "sides": sides, **values}


def render(badges, layout="a6", sides="single"):
    return rendering.render_document([rendering.badge_data(b) for b in badges], layout, design=design(sides))


def test_badge_pdf_is_double_sided_by_default_with_the_qr_code_on_both_sides():
    registration = RegistrationFactory()
    badge = services.current_badge(registration)
    pdf = rendering.render_badge(badge)
    assert page_count(pdf) == 2
    assert page_sizes_mm(pdf) == [(105.0, 148.0), (105.0, 148.0)]
    for side in (0, 1):
        [(text, width_mm)] = qr_codes(pdf, side)
        assert text == badge.code


@pytest.mark.parametrize("qr_format", rendering.QR_FORMATS)
def test_badge_qr_modules_are_at_least_half_a_millimetre_with_a_four_module_quiet_zone(qr_format):
    import pypdfium2 as pdfium

    badge = services.current_badge(RegistrationFactory())
    pdf = rendering.render_document([rendering.badge_data(badge)], qr_format=qr_format)
    dpi = 600
    [(text, width_mm)] = qr_codes(pdf, dpi=dpi)
    assert text == badge.code
    modules = rendering.qr_modules(badge.code)
    module_mm = width_mm / modules
    assert module_mm >= 0.5
    assert module_mm == pytest.approx(QR_MODULE_MM, abs=0.03)
    # The quiet zone: the four modules around the symbol are white on the printed page.
    image = pdfium.PdfDocument(pdf)[0].render(scale=dpi / 72).to_pil().convert("L")
    symbol = _dark_bounding_box(image, around=qr_codes_position(pdf, dpi))
    module_px = (symbol[2] - symbol[0]) / modules
    quiet = QR_BORDER * module_px
    left, top, right, bottom = symbol
    ring = image.crop(
        (round(left - quiet) + 2, round(top - quiet) + 2, round(right + quiet) - 2, round(bottom + quiet) - 2)
    )
    inner = (round(quiet) - 2, round(quiet) - 2, round(quiet) - 2 + right - left, round(quiet) - 2 + bottom - top)
    dark_outside = [
        (x, y)
        for y in range(ring.height)
        for x in range(0, ring.width, 3)
        if not (inner[0] <= x < inner[2] and inner[1] <= y < inner[3]) and ring.getpixel((x, y)) < 128
    ]
    assert dark_outside == []


def test_the_printed_qr_code_is_version_2_with_error_correction_m():
    """Read back from the printed page: the level and size the door's scanners and the stylesheet expect."""
    import pypdfium2 as pdfium
    import zxingcpp

    badge = services.current_badge(RegistrationFactory())
    pdf = rendering.render_document([rendering.badge_data(badge)])
    image = pdfium.PdfDocument(pdf)[0].render(scale=300 / 72).to_pil()
    [result] = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert result.text == badge.code
    assert result.ec_level == "M"
    assert rendering.qr_modules(badge.code) == 25  # version 2: the stylesheet's .qr-v2 size


def qr_codes_position(pdf, dpi):
    import pypdfium2 as pdfium
    import zxingcpp

    image = pdfium.PdfDocument(pdf)[0].render(scale=dpi / 72).to_pil()
    [result] = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    p = result.position
    xs = [p.top_left.x, p.top_right.x, p.bottom_left.x, p.bottom_right.x]
    ys = [p.top_left.y, p.top_right.y, p.bottom_left.y, p.bottom_right.y]
    return min(xs), min(ys), max(xs), max(ys)


def _dark_bounding_box(image, around):
    """The exact box of the dark modules near zxing's (approximate) corners of the symbol."""
    left, top, right, bottom = around
    pad = 40
    region = image.crop((left - pad, top - pad, right + pad, bottom + pad)).point(lambda v: 255 if v < 128 else 0)
    box = region.getbbox()
    return box[0] + left - pad, box[1] + top - pad, box[2] + left - pad, box[3] + top - pad


def test_badge_shows_names_organisation_job_category_and_conference():
    conference = ConferenceFactory(name="COG Annual Conference 2027")
    registration = delegate(conference, "Margaret", "Hamilton", "Aston University", job_title="Chief Engineer")
    registration.badge_name = "Maggie"
    registration.save()
    pdf = rendering.render_badge(services.current_badge(registration))
    text, back = page_texts(pdf)
    for expected in ("Maggie", "Margaret Hamilton", "COG Annual Conference 2027", "SPEAKER"):
        assert expected in back
    for expected in ("Maggie", "Margaret Hamilton", "Aston University", "Chief Engineer", "SPEAKER"):
        assert expected in text
    assert "COG Annual Conference 2027" in text
    assert rendering.conference_dates(conference) in text


@pytest.mark.parametrize("category", list(CATEGORY_COLOURS))
def test_badge_band_is_printed_in_the_category_colour(category):
    import pypdfium2 as pdfium

    registration = delegate(ConferenceFactory(), "Ada", "Lovelace", "Analytical Engines", category=category)
    pdf = rendering.render_badge(services.current_badge(registration))
    assert Category(category).label.upper() in page_texts(pdf)[0]
    dpi = 72
    image = pdfium.PdfDocument(pdf)[0].render(scale=dpi / 72).to_pil().convert("RGB")
    # a point in the band (13 mm high, 5 mm inside the edge), left of the category's name, on both sides
    expected = tuple(int(CATEGORY_COLOURS[category][i : i + 2], 16) for i in (1, 3, 5))
    for side in (0, 1):
        image = pdfium.PdfDocument(pdf)[side].render(scale=dpi / 72).to_pil().convert("RGB")
        pixel = image.getpixel((round(8 / 25.4 * dpi), round((148 - 8) / 25.4 * dpi)))
        assert all(abs(a - b) <= 3 for a, b in zip(pixel, expected, strict=True)), (pixel, expected)


@pytest.mark.parametrize(("script", "first", "last", "org"), NAMES, ids=[n[0] for n in NAMES])
def test_badge_prints_names_in_every_script(script, first, last, org):
    registration = delegate(ConferenceFactory(), first, last, org)
    badge = services.current_badge(registration)
    pdf = rendering.render_badge(badge)
    text, back = page_texts(pdf)
    assert first in text
    assert last in text
    assert org in text
    assert first in back
    assert notdef_glyphs(pdf) == 0
    assert qr_codes(pdf)[0][0] == badge.code
    assert qr_codes(pdf, 1)[0][0] == badge.code


def test_all_scripts_on_one_badge_use_the_noto_fonts_with_no_missing_glyph():
    conference = ConferenceFactory()
    full = " ".join(n[1] for n in NAMES)
    registration = delegate(conference, full[:100], "शर्मा प्रिया", "Organisation")
    pdf = rendering.render_badge(services.current_badge(registration))
    fonts = embedded_fonts(pdf)
    for family in ("Noto-Sans", "Noto-Sans-Arabic", "Noto-Sans-Hebrew", "Noto-Sans-Devanagari", "Noto-Sans-CJK"):
        assert any(name.startswith(family) for name in fonts), (family, fonts)
    assert notdef_glyphs(pdf) == 0


def test_notdef_check_sees_a_missing_glyph():
    """The glyph check itself: a private-use character no installed font has prints as .notdef."""
    registration = delegate(ConferenceFactory(), "Anna\U000f0001", "Smith", "Organisation")
    pdf = rendering.render_badge(services.current_badge(registration))
    assert notdef_glyphs(pdf) > 0


def test_right_to_left_names_are_set_right_to_left():
    data = rendering.badge_data(services.current_badge(delegate(ConferenceFactory(), "محمد", "عبد الله", "X")))
    assert data["badge_name"]["dir"] == "rtl"
    assert data["organisation"]["dir"] == "ltr"
    assert 'dir="rtl"' in rendering.render_html([data])


def test_cjk_names_get_their_language_for_the_right_glyph_forms():
    assert rendering.cjk_language("山田 さくら") == "ja"
    assert rendering.cjk_language("김민준") == "ko"
    assert rendering.cjk_language("王小明") == "zh"
    assert rendering.cjk_language("Zoë") == ""


LONG_CASES = {
    "latin": ("W" * 100, "M" * 100, "Organisation " * 15, "Chief " * 33),
    "cjk": ("王" * 100, "明" * 100, "大学" * 100, "工程师" * 66),
    "words": (
        "Maximiliane Wilhelmina Theodora Konstanze",
        "von Hohenzollern-Sigmaringen-Weißenburg-Lichtenstein",
        "Black Country Innovative Manufacturing Organisation and Regional Technology Partnership Limited",
        "Head of Strategic Partnerships, Research Commercialisation and Knowledge Exchange",
    ),
}


@pytest.mark.parametrize("case", LONG_CASES, ids=list(LONG_CASES))
@pytest.mark.parametrize("layout", ["a6", "a4"])
def test_long_names_wrap_inside_the_badge_and_are_never_cut(case, layout):
    first, last, org, job = LONG_CASES[case]
    registration = delegate(ConferenceFactory(), first, last, org[:200], job_title=job[:200])
    badge = services.current_badge(registration)
    data = rendering.badge_data(badge)
    # Every line of text lies inside its badge's names area (nothing overflows or is clipped).
    from weasyprint import HTML

    state = rendering._weasy()
    document = HTML(string=rendering.render_html([data], layout), url_fetcher=state["fetcher"]).render(
        stylesheets=[state["css"]], font_config=state["font_config"]
    )
    assert len(document.pages) == 2  # the front, then the back (double-sided by default)
    # the front's names, and the back's (the name again), each inside its area
    for page, area in ((0, "names"), (1, "back-names")):
        names_box, lines = _names_area_and_lines(document.pages[page]._page_box, area)
        assert lines
        for line in lines:
            assert line.position_y + line.height <= names_box.position_y + names_box.height + 0.01
            assert line.position_x >= names_box.position_x - 0.01
            assert line.position_x + line.width <= names_box.position_x + names_box.width + 0.01
    pdf = rendering.render_document([data], layout)
    text = page_texts(pdf)[0]
    for value in (first, last, org[:200], job[:200]):
        assert _letters(value) in _letters(text)
    assert qr_codes(pdf)[0][0] == badge.code
    assert qr_codes(pdf, 1)[0][0] == badge.code


def _letters(text):
    """Text without spaces, line breaks, the markers PDFium puts at wrapped lines, and dashes
    (PDFium drops a hyphen that ends a line, taking it for hyphenation)."""
    return "".join(c for c in text if unicodedata.category(c)[0] in "LNPS" and unicodedata.category(c) != "Pd")


def _names_area_and_lines(page_box, area="names"):
    from weasyprint.formatting_structure import boxes

    names, lines = None, []

    def walk(box, inside):
        nonlocal names
        box = getattr(box, "_box", box)  # an absolutely positioned box sits in a placeholder
        is_names = getattr(box, "element", None) is not None and area in (box.element.get("class") or "").split()
        if is_names and isinstance(box, boxes.BlockBox):
            names = box
        if isinstance(box, boxes.LineBox) and inside:
            lines.append(box)
        for child in getattr(box, "children", []):
            walk(child, inside or is_names)

    walk(page_box, False)
    return names, lines


def test_a6_layout_is_one_badge_a_page_and_a4_four_a_sheet():
    conference = ConferenceFactory()
    badges = [services.current_badge(delegate(conference, f"Name{i}", f"Surname{i}", "Org")) for i in range(9)]
    a6 = render(badges, "a6")
    assert page_count(a6) == 9
    assert set(page_sizes_mm(a6)) == {(105.0, 148.0)}
    a4 = render(badges, "a4")
    assert page_count(a4) == 3
    assert set(page_sizes_mm(a4)) == {(210.0, 297.0)}
    decoded = {text for page in range(3) for text, _ in qr_codes(a4, page)}
    assert decoded == {b.code for b in badges}
    assert [len(qr_codes(a4, page)) for page in range(3)] == [4, 4, 1]


def test_a4_sheet_has_cut_marks_inside_the_printable_area():
    # Dark pixels on the line where the sheet is cut in two, 5 to 9 mm from the top edge; none nearer the edge.
    import pypdfium2 as pdfium

    pdf = rendering.render_document([rendering.badge_data(services.current_badge(RegistrationFactory()))], "a4")
    image = pdfium.PdfDocument(pdf)[0].render(scale=150 / 72).to_pil().convert("L")
    x = round(105 / 25.4 * 150)
    assert min(image.getpixel((x + dx, round(7 / 25.4 * 150))) for dx in (-1, 0, 1)) < 100
    assert min(image.getpixel((x + dx, round(4 / 25.4 * 150))) for dx in (-1, 0, 1)) == 255


@pytest.mark.parametrize("processes", [1, 2])
@pytest.mark.parametrize("layout", ["a6", "a4"])
def test_write_badges_in_batches_keeps_order_and_counts(processes, layout):
    conference = ConferenceFactory()
    badges = [services.current_badge(delegate(conference, f"N{i}", f"S{i}", "Org")) for i in range(11)]
    items = [rendering.badge_data(b) for b in badges]
    seen = []
    output = io.BytesIO()
    pages = rendering.write_badges(
        items,
        output,
        layout=layout,
        design=design("single"),
        processes=processes,
        batch_size=4,
        progress=lambda d, t: seen.append((d, t)),
    )
    pdf = output.getvalue()
    expected_pages = 11 if layout == "a6" else 3
    assert pages == page_count(pdf) == expected_pages
    assert seen == [(4, 11), (8, 11), (11, 11)]
    if layout == "a6":
        assert [qr_codes(pdf, page)[0][0] for page in range(11)] == [b.code for b in badges]


def test_fit_font_size_shrinks_as_text_grows():
    sizes = [rendering.fit_font_size("W" * n, "badge_name") for n in (4, 10, 20, 40, 100)]
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[0] > sizes[-1]
    assert rendering.fit_font_size("王" * 6, "badge_name") < rendering.fit_font_size("W" * 6, "badge_name")


def test_badge_markup_loads_nothing_but_its_qr_code():
    """Delegate-supplied text is escaped; and even a URL in the markup is never fetched."""
    registration = delegate(ConferenceFactory(), '<img src="file:///etc/passwd">', "Smith", "Org")
    pdf = rendering.render_badge(services.current_badge(registration))
    assert '<img src="file:///etc/passwd">' in page_texts(pdf)[0]
    fetcher = rendering._weasy()["fetcher"]
    with pytest.raises(ValueError, match="no external resource"):
        fetcher.fetch("file:///etc/passwd")


def test_array_types_are_made_without_the_c_parser_and_are_the_parsed_types(monkeypatch):
    """WeasyPrint asks cffi for ``hb_codepoint_t[N]`` with a new N most badges: made directly, not parsed."""
    from weasyprint.text.ffi import ffi

    rendering.weasy_state()  # installs the shortcut
    ffi.typeof("hb_codepoint_t *"), ffi.typeof("unsigned int *")  # the item types, parsed once a process

    def refuse(cdecl):
        raise AssertionError(f"cffi parsed {cdecl!r}")

    fresh_lengths = [9_999_991, 9_999_992]
    with monkeypatch.context() as patched:
        patched.setattr(ffi._parser, "parse_type", refuse)
        made = [ffi.typeof(f"hb_codepoint_t[{n}]") for n in fresh_lengths] + [ffi.typeof("unsigned int[77]")]
    monkeypatch.setattr(ffi, "_parsed_types", {})  # cffi's own way again: parse every string
    parsed = [ffi.typeof(f"hb_codepoint_t[{n}]") for n in fresh_lengths] + [ffi.typeof("unsigned int[77]")]
    assert made == parsed
    assert [ffi.sizeof(t) for t in made] == [4 * n for n in fresh_lengths] + [4 * 77]
    array = ffi.new("hb_codepoint_t[3]", [5, 6, 7])
    assert list(array) == [5, 6, 7]


def test_other_c_types_are_still_parsed():
    import cffi
    from weasyprint.text.ffi import ffi

    rendering.weasy_state()
    assert ffi.typeof("hb_codepoint_t *") == ffi.typeof("hb_codepoint_t*")
    assert ffi.sizeof("char[4]") == 4
    with pytest.raises(cffi.CDefError):
        ffi.typeof("no_such_type_t[3]")
