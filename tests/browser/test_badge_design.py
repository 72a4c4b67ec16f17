"""An organiser shapes the badge on a phone: logo, a category colour, the back's text, which questions' answers
print; sees them in the preview as they go (a picked logo before it is saved), saves, and downloads the preview
PDF (text extracted, QR codes decoded on both sides)."""

import base64
import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from badges import services
from tests.badges.pdfcheck import page_count, page_texts, qr_codes
from tests.browser.axe import assert_accessible
from tests.conftest import login
from tests.factories import (
    ConferenceFactory,
    InvitationFactory,
    OrganiserFactory,
    QuestionFactory,
    RegistrationFactory,
)

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


def shown_png(page, image):
    """The picture an image shows, as PNG bytes, read back from the page (a canvas of the decoded image)."""
    url = image.evaluate(
        """(img) => {
            const canvas = document.createElement("canvas");
            canvas.width = img.naturalWidth;
            canvas.height = img.naturalHeight;
            canvas.getContext("2d").drawImage(img, 0, 0);
            return canvas.toDataURL("image/png");
        }"""
    )
    return base64.b64decode(url.split(",", 1)[1])


def redrawn(page, image, old_src):
    """Wait until ``image`` shows a new drawing and the preview says it is up to date."""
    page.wait_for_function(
        """([selector, old]) => document.querySelector(selector).src !== old
            && document.getElementById("preview-state").textContent === "Preview updated." """,
        arg=["img[data-kind=rtl][data-side=front]", old_src],
    )


def test_organiser_changes_logo_colour_and_back_text_and_sees_them_in_preview_and_pdf(page, live_server, tmp_path):
    conference = ConferenceFactory(name="COG Annual Conference 2027")
    diet = QuestionFactory(conference=conference, label="Dietary needs", kind="choice", choices=["vegetarian", "vegan"])
    arabic = RegistrationFactory(
        invitation=InvitationFactory(conference=conference, category="press"),
        first_name="ليلى",
        last_name="حداد",
        answers={str(diet.pk): "vegan"},
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

    # A file that is no logo: refused beside the field, before anything is saved.
    logo_input = page.get_by_label("Logo (PNG or SVG, at most 1 MB)")
    logo_input.set_input_files(files=[{"name": "logo.gif", "mimeType": "image/gif", "buffer": b"GIF89a" + bytes(100)}])
    error = page.locator("#logo-preview-error")
    error.filter(has_text="Upload the logo as a PNG or an SVG file.").wait_for()
    assert logo_input.get_attribute("aria-invalid") == "true"
    assert_accessible(page)

    # A logo picked: the preview shows it before saving (drawn by a POST of the form, shown from an object URL).
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (400, 160), LOGO_RED + (255,)).save(logo, "PNG")
    old_src = front.get_attribute("src")
    logo_input.set_input_files(str(logo))
    redrawn(page, front, old_src)
    assert front.get_attribute("src").startswith("blob:")
    with_logo = shown_png(page, front)
    assert pixel_mm(with_logo, 10, 8) == LOGO_RED
    assert pixel_mm(with_logo, 20, 137) == MAGENTA
    assert error.is_hidden() and logo_input.get_attribute("aria-invalid") is None

    # A question ticked: its answer joins the preview before saving.
    old_src = front.get_attribute("src")
    page.get_by_role("group", name="Print the answer on the badge").get_by_label("Dietary needs").check()
    redrawn(page, front, old_src)
    assert shown_png(page, front) != with_logo
    unsaved_pdf = page.request.get(page.get_by_role("link", name="Download the preview (PDF)").get_attribute("href"))
    assert "vegan" in page_texts(unsaved_pdf.body())[2]  # the right-to-left delegate's front
    diet.refresh_from_db()
    assert diet.on_badge is False  # nothing saved yet
    assert_accessible(page)

    # The back's text; then save.
    page.get_by_label("Help desk").fill("Hall 3, by the cloakroom")
    page.get_by_label("Wi-Fi network").fill("COG-Guest")
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
    assert "Dietary needs" in texts[2] and "vegan" in texts[2]
    diet.refresh_from_db()
    assert diet.on_badge is True
    code = services.current_badge(arabic).code
    assert [c for c, _ in qr_codes(pdf, 2)] == [code]
    assert [c for c, _ in qr_codes(pdf, 3)] == [code]
    for side in (2, 3):  # the press delegate's band, both sides
        image = pdfium.PdfDocument(pdf)[side].render(scale=1).to_pil().convert("RGB")
        assert image.getpixel((round(20 / 25.4 * 72), round(137 / 25.4 * 72))) == MAGENTA
