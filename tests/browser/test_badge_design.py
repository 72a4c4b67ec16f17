"""An organiser shapes the badge on a phone: logo, a category colour, the back's text; sees them in the
preview as they go, saves, and downloads the preview PDF (text extracted, QR codes decoded on both sides)."""

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from badges import services
from tests.badges.pdfcheck import page_count, page_texts, qr_codes
from tests.browser.axe import assert_accessible
from tests.conftest import login
from tests.factories import ConferenceFactory, InvitationFactory, OrganiserFactory, RegistrationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAGENTA = (255, 0, 255)
LOGO_RED = (200, 20, 20)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pixel_mm(png_bytes, x_mm, y_mm, width_mm=105):
    image = Image.open(io.BytesIO(png_bytes)).convert("RGB")
    scale = image.width / width_mm
    return image.getpixel((round(x_mm * scale), round(y_mm * scale)))


def test_organiser_changes_logo_colour_and_back_text_and_sees_them_in_preview_and_pdf(page, live_server, tmp_path):
    conference = ConferenceFactory(name="COG Annual Conference 2027")
    arabic = RegistrationFactory(
        invitation=InvitationFactory(conference=conference, category="press"), first_name="ليلى", last_name="حداد"
    )
    organiser = OrganiserFactory()
    url = f"/organiser/{conference.slug}/badges/design/"

    login(page, live_server, organiser.username, next_url=url)
    assert page.get_by_role("heading", level=1).inner_text() == "Badge design"
    assert_accessible(page)

    # A category colour, changed: the preview redraws with it before anything is saved.
    front = page.locator("img[data-kind=rtl][data-side=front]")
    page.get_by_label("Press band colour").fill("#ff00ff")
    page.get_by_role("status").filter(has_text="Preview updated.").wait_for()
    src = front.get_attribute("src")
    assert "colour_press=%23ff00ff" in src
    assert pixel_mm(page.request.get(src).body(), 20, 137) == MAGENTA

    # The back's text and a logo; then save.
    page.get_by_label("Help desk").fill("Hall 3, by the cloakroom")
    page.get_by_label("Wi-Fi network").fill("COG-Guest")
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (400, 160), LOGO_RED + (255,)).save(logo, "PNG")
    page.get_by_label("Logo (PNG or SVG, at most 1 MB)").set_input_files(str(logo))
    page.get_by_role("button", name="Save the design").click()
    page.wait_for_load_state()
    assert "Badge design saved." in page.get_by_role("status").first.inner_text()
    assert_accessible(page)

    # The saved preview has the logo (top left) and the colour.
    saved_front = page.request.get(front.get_attribute("src")).body()
    assert pixel_mm(saved_front, 10, 8) == LOGO_RED
    assert pixel_mm(saved_front, 20, 137) == MAGENTA

    # The downloaded preview: front and back of each sample, the real delegate's code on both sides.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the preview (PDF)").click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert page_count(pdf) == 6
    texts = page_texts(pdf)
    for back in (1, 3, 5):
        assert "Hall 3, by the cloakroom" in texts[back]
        assert "COG-Guest" in texts[back]
    code = services.current_badge(arabic).code
    assert [c for c, _ in qr_codes(pdf, 2)] == [code]
    assert [c for c, _ in qr_codes(pdf, 3)] == [code]
    for side in (2, 3):  # the press delegate's band, both sides
        image = pdfium.PdfDocument(pdf)[side].render(scale=1).to_pil().convert("RGB")
        assert image.getpixel((round(20 / 25.4 * 72), round(137 / 25.4 * 72))) == MAGENTA
