"""The cheaper render prints exactly what WeasyPrint's standard path prints.

``badges.rendering`` parses the badge markup with expat, drops whitespace
between tags and gives WeasyPrint a user-agent stylesheet of only the rules
the badge's elements use (``templates/badges/ua.css``). Each page of such a
PDF must be, pixel for pixel, the page WeasyPrint makes from the same badges
with its own HTML5 parser, its full ``html5_ua.css`` and the markup's
whitespace back between every pair of tags: every side, layout and design
option, right-to-left and CJK names, answers, workshops and a logo.
"""

import base64
import io

import pytest
from PIL import Image, ImageChops

from badges import rendering, services
from tests.badges.pdfcheck import page_images
from tests.factories import ConferenceFactory, InvitationFactory, OrganisationFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

NAMES = [
    ("Maximiliane Wilhelmina", "von Hohenzollern-Sigmaringen", "Black Country Innovative Manufacturing Organisation"),
    ("ليلى", "عبد الله", "جامعة القاهرة"),
    ("さくら", "山田", "東京大学"),
]


def logo_uri():
    image = Image.new("RGB", (120, 40), (200, 30, 30))
    out = io.BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def items():
    conference = ConferenceFactory()
    result = []
    for first, last, org in NAMES:
        invitation = InvitationFactory(conference=conference, organisation=OrganisationFactory(name=org))
        registration = RegistrationFactory(
            invitation=invitation, first_name=first, last_name=last, badge_name=first, job_title="Research Fellow"
        )
        data = rendering.badge_data(services.current_badge(registration))
        data["answers"] = [{"label": "Pronouns", "value": "she/her"}, {"label": "Diet", "value": "vegan"}]
        data["workshops"] = [{"when": "Thu 10:00", "title": "Securing the supply chain", "room": "Hall 3"}]
        result.append(data)
    return result


def reference_pdf(badges, layout, design):
    """WeasyPrint's standard path: its HTML5 parser and user-agent stylesheet, whitespace between all tags."""
    from weasyprint import HTML

    state = rendering.weasy_state()
    markup = rendering.render_html(badges, layout, design=design).replace("><", ">\n  <")
    html = HTML(string=markup, base_url="/", url_fetcher=state["fetcher"])
    sheets = [state["css"], rendering._design_stylesheet(state, design)]
    return html.write_pdf(stylesheets=sheets, font_config=state["font_config"])


def pages(pdf):
    """Every page, rasterised at 110 dpi."""
    return page_images(pdf, dpi=110)


# A4 sheets are these A6 pages placed by badges.sheets (tests/badges/test_sides_and_design.py).
@pytest.mark.parametrize("layout", ["a6"])
@pytest.mark.parametrize("sides", rendering.SIDES)
def test_every_page_is_pixel_for_pixel_what_weasyprints_standard_path_prints(layout, sides):
    design = {
        **rendering.default_design(),
        "sides": sides,
        "logo": logo_uri(),
        "show_answers": True,
        "show_workshops": True,
        "wifi_network": "COG-Guest",
        "wifi_password": "birmingham27",
        "help_desk": "Foyer, by the cloakroom",
        "back_note": "Keep your badge visible at all times.",
    }
    badges = items()
    ours = pages(rendering.render_document(badges, layout, design=design))
    reference = pages(reference_pdf(badges, layout, design))
    assert len(ours) == len(reference) >= 1
    for number, (mine, theirs) in enumerate(zip(ours, reference, strict=True), start=1):
        assert mine.size == theirs.size
        assert ImageChops.difference(mine, theirs).getbbox() is None, f"page {number} differs"
    # Not trivially equal: the pages carry ink (names, QR codes, bands).
    assert ImageChops.difference(ours[0], Image.new("RGB", ours[0].size, "white")).getbbox() is not None


def test_markup_expat_refuses_still_renders_through_the_html5_parser():
    registration = RegistrationFactory(first_name="Ada\x0bLovelace", badge_name="Ada\x0b")
    data = rendering.badge_data(services.current_badge(registration))
    assert rendering._xml_root(rendering.render_html([data])) is None
    pdf = rendering.render_document([data])
    assert len(pages(pdf)) == 2


def test_one_badge_documents_in_turn_print_what_the_standard_path_prints():
    """Computed styles are kept between badge documents (``SharedStyleFor``): badges rendered one a document,
    one after another, in designs that differ in sides, colours and logo, each print what WeasyPrint's
    standard path prints for that badge alone (a style kept from an earlier badge or design would show)."""
    base = rendering.default_design()
    category = items()[0]["category_class"].removeprefix("cat-")
    designs = [
        {**base, "key": "turn-1", "sides": "double", "show_answers": True, "show_workshops": True},
        {
            **base,
            "key": "turn-2",
            "sides": "single",
            "primary_colour": "#b91c1c",
            "category_colours": {**base["category_colours"], category: "#0f766e"},
            "logo": logo_uri(),
        },
        {**base, "key": "turn-3", "sides": "fold", "primary_colour": "#7c3aed", "help_desk": "Stand 12"},
    ]
    badges = items()
    for design in designs:
        for badge in badges:
            ours = pages(rendering.render_document([badge], "a6", design=design))
            reference = pages(reference_pdf([badge], "a6", design))
            assert len(ours) == len(reference) >= 1
            for number, (mine, theirs) in enumerate(zip(ours, reference, strict=True), start=1):
                where = f"{design['key']}, {badge['full_name']['text']}, page {number}"
                assert ImageChops.difference(mine, theirs).getbbox() is None, f"{where} differs"
    assert len(rendering.weasy_state()["styles"]) > 0  # the styles were kept, and shared


def test_the_kept_styles_are_bounded_and_badges_still_print_right_once_they_are_emptied(monkeypatch):
    monkeypatch.setattr(rendering, "SHARED_STYLES", 6)
    design = {**rendering.default_design(), "key": "bounded", "sides": "double"}
    for badge in items():
        ours = pages(rendering.render_document([badge], "a6", design=design))
        reference = pages(reference_pdf([badge], "a6", design))
        assert len(ours) == len(reference) == 2
        for mine, theirs in zip(ours, reference, strict=True):
            assert ImageChops.difference(mine, theirs).getbbox() is None
        assert len(rendering.weasy_state()["styles"]) <= 6
