"""The alignment test page: numbered frames placed as the badges are, nothing within 5 mm of the sheet's edge."""

import pypdfium2 as pdfium
import pytest

from badges.design import save_design
from tests.badges.pdfcheck import image_of, page_count, page_sizes_mm
from tests.factories import ConferenceFactory

pytestmark = pytest.mark.django_db

MM = 25.4


def url(conference, query=""):
    return f"/organiser/{conference.slug}/badges/alignment.pdf{query}"


def text_in(pdf, page, left, top, right, bottom):
    """The text PDFium finds in a rectangle given in mm from the page's top left."""
    document = pdfium.PdfDocument(pdf)
    try:
        height = document[page].get_height()
        textpage = document[page].get_textpage()
        pt = 72 / MM
        return textpage.get_text_bounded(left * pt, height - bottom * pt, right * pt, height - top * pt)
    finally:
        document.close()


def test_the_alignment_page_numbers_each_badges_place_fronts_then_mirrored_backs(client, organiser):
    conference = ConferenceFactory()
    client.force_login(organiser)

    response = client.get(url(conference, "?layout=a4"))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert page_count(pdf) == 2 and set(page_sizes_mm(pdf)) == {(210.0, 297.0)}
    cells = {1: (0, 0, 105, 148.5), 2: (105, 0, 210, 148.5), 3: (0, 148.5, 105, 297), 4: (105, 148.5, 210, 297)}
    for n, box in cells.items():
        assert f"{n} front" in text_in(pdf, 0, *box)
    # The backs, for duplex flipped on the long edge: each back behind its front, so in the other column.
    for n, back in {1: 2, 2: 1, 3: 4, 4: 3}.items():
        assert f"{n} back" in text_in(pdf, 1, *cells[back])


@pytest.mark.parametrize("sides", ["single", "double", "fold"])
def test_the_alignment_page_prints_its_frames_5_mm_inside_and_nothing_nearer_the_edge(client, organiser, sides):
    conference = ConferenceFactory()
    save_design(conference, sides=sides)
    client.force_login(organiser)
    pdf = client.get(url(conference, "?layout=a4")).content
    assert page_count(pdf) == {"single": 1, "double": 2, "fold": 1}[sides]
    dpi = 100
    edge = round(5 * dpi / MM) - 1
    for page in range(page_count(pdf)):
        image = image_of(pdf, page, dpi).convert("L")
        width, height = image.size
        for strip in ((0, 0, width, edge), (0, height - edge, width, height), (0, 0, edge, height)):
            assert image.crop(strip).getextrema()[0] >= 250, (page, strip)
        assert image.crop((width - edge, 0, width, height)).getextrema()[0] >= 250
        # the frame's line lies just inside the 5 mm: dark pixels between 5 and 6 mm from the left edge
        frame = image.crop((edge, round(60 * dpi / MM), round(6 * dpi / MM) + 1, round(80 * dpi / MM)))
        assert frame.getextrema()[0] < 100


def test_the_alignment_page_follows_the_layout_the_conference_prints_in(client, organiser):
    conference = ConferenceFactory()
    client.force_login(organiser)
    pdf = client.get(url(conference)).content
    assert page_count(pdf) == 2 and set(page_sizes_mm(pdf)) == {(105.0, 148.0)}  # A6 pages: the default layout
    save_design(conference, layout="a4")
    pdf = client.get(url(conference)).content
    assert page_count(pdf) == 2 and set(page_sizes_mm(pdf)) == {(210.0, 297.0)}


def test_an_unknown_layout_is_a_clear_400(client, organiser):
    client.force_login(organiser)
    response = client.get(url(ConferenceFactory(), "?layout=letter"))
    assert response.status_code == 400
    assert "Choose the layout a6 or a4" in response.content.decode()


def test_only_organisers_get_the_alignment_page(client, door_staff):
    conference = ConferenceFactory()
    assert client.get(url(conference)).status_code == 302  # to the login page
    client.force_login(door_staff)
    assert client.get(url(conference)).status_code == 403
