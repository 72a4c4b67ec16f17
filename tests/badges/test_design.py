"""The organiser's badge design page: the form, the stored design, logos, the preview (real PNGs and PDFs)."""

import io

import pytest
import zxingcpp
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from badges import design as designs
from badges import preview, services
from badges.models import BadgeDesign
from registration.models import CATEGORY_COLOURS, Category
from tests.badges.pdfcheck import page_count, page_texts, qr_codes
from tests.factories import ConferenceFactory, InvitationFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def design_url(conference):
    return f"/organiser/{conference.slug}/badges/design/"


def png_bytes(size=(400, 160), colour=(200, 20, 20, 255)):
    out = io.BytesIO()
    Image.new("RGBA", size, colour).save(out, "PNG")
    return out.getvalue()


def upload(name, data, content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def form_data(conference, **changes):
    """The page's form as a browser would post it, from the conference's current design."""
    saved = designs.design_of(conference)
    data = {
        "sides": saved.sides,
        "layout": saved.layout,
        "primary_colour": saved.primary_colour,
        "show_full_name": "on",
        "show_job_title": "on",
        "show_organisation": "on",
        "show_answers": "on",
        "show_workshops": "on",
        "wifi_network": "",
        "wifi_password": "",
        "help_desk": "",
        "back_note": "",
    }
    data.update({f"colour_{c}": colour for c, colour in designs.category_colours(saved).items()})
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- who may see it -------------------------------------------------------------------


def test_design_page_is_for_organisers_only(client, organiser, door_staff):
    conference = ConferenceFactory()
    url = design_url(conference)
    assert client.get(url).status_code == 302
    assert client.get(f"{url}preview/long-front.png").status_code == 302
    client.force_login(door_staff)
    assert client.get(url).status_code == 403
    assert client.post(url, form_data(conference, help_desk="x")).status_code == 403
    assert client.get(f"{url}preview.pdf").status_code == 403
    assert not BadgeDesign.objects.exists()
    client.force_login(organiser)
    assert client.get(url).status_code == 200


def test_design_page_labels_its_fields_and_shows_six_previews(client, organiser):
    conference = ConferenceFactory()
    client.force_login(organiser)
    body = client.get(design_url(conference)).content.decode()
    for label in (
        "Logo (PNG or SVG, at most 1 MB)",
        "Main colour",
        "Speaker band colour",
        "Wi-Fi network",
        "Help desk",
    ):
        assert f">{label}</label>" in body
    assert body.count('src="/organiser/') == 6
    assert "Save the design</button>" in body


# --- saving ------------------------------------------------------------------------------


def test_saving_the_form_stores_the_design_and_badges_follow_it(client, organiser):
    conference = ConferenceFactory()
    registration = RegistrationFactory(invitation=InvitationFactory(conference=conference, category="press"))
    client.force_login(organiser)
    response = client.post(
        design_url(conference),
        form_data(
            conference,
            sides="fold",
            layout="a4",
            colour_press="#ff00ff",
            show_job_title=None,
            wifi_network="COG-Guest",
            help_desk="Main foyer, 8:00 to 18:00",
            back_note="Lunch is at 12:30.",
        ),
    )
    assert response.status_code == 302
    saved = BadgeDesign.objects.get(conference=conference)
    assert (saved.sides, saved.layout, saved.show_job_title) == ("fold", "a4", False)
    assert saved.category_colours["press"] == "#ff00ff"
    pdf = services_pdf(registration)
    assert page_count(pdf) == 1  # a fold-over: one A5 page
    assert "Main foyer, 8:00 to 18:00" in page_texts(pdf)[0]
    # the print page now offers the remembered layout
    assert 'value="a4" selected' in client.get(f"/organiser/{conference.slug}/badges/").content.decode()


def services_pdf(registration):
    from badges.rendering import render_badge

    return render_badge(services.current_badge(registration))


def test_a_wrong_colour_is_refused_with_a_message_and_nothing_saved(client, organiser):
    conference = ConferenceFactory()
    client.force_login(organiser)
    response = client.post(design_url(conference), form_data(conference, colour_vip="red"))
    assert response.status_code == 400
    assert "Give the colour as #RRGGBB" in response.content.decode()
    assert not BadgeDesign.objects.exists()


def test_save_design_refuses_unknown_values():
    conference = ConferenceFactory()
    with pytest.raises(designs.DesignError) as error:
        designs.save_design(conference, sides="triple")
    assert error.value.code == "invalid_sides"
    with pytest.raises(designs.DesignError) as error:
        designs.save_design(conference, category_colours={"alien": "#000000"})
    assert error.value.code == "invalid_category"
    assert not BadgeDesign.objects.exists()


def test_a_conference_without_a_design_prints_the_default():
    conference = ConferenceFactory(colour="#334455")
    saved = designs.design_of(conference)
    assert saved._state.adding  # not saved: nothing is written until an organiser saves a design
    assert (saved.sides, saved.primary_colour) == ("double", "#334455")
    assert designs.category_colours(saved) == {str(k): v for k, v in CATEGORY_COLOURS.items()}


def test_copy_design_gives_next_year_the_same_design():
    this_year, next_year = ConferenceFactory(), ConferenceFactory()
    designs.save_design(this_year, help_desk="Foyer", logo=upload("logo.png", png_bytes()))
    copy = designs.copy_design(this_year, next_year)
    assert copy.help_desk == "Foyer"
    assert copy.logo and copy.logo.name != this_year.badge_design.logo.name
    assert designs.copy_design(ConferenceFactory(), ConferenceFactory()) is None


# --- logos ----------------------------------------------------------------------------------


def test_a_png_logo_is_stored_scaled_and_printed(client, organiser):
    conference = ConferenceFactory()
    client.force_login(organiser)
    response = client.post(
        design_url(conference), {**form_data(conference), "logo": upload("logo.png", png_bytes((3000, 1000)))}
    )
    assert response.status_code == 302
    saved = BadgeDesign.objects.get(conference=conference)
    with saved.logo.open("rb") as f:
        stored = Image.open(io.BytesIO(f.read()))
    assert stored.format == "PNG"
    assert stored.size[0] <= designs.LOGO_BOX_PX[0] and stored.size[1] <= designs.LOGO_BOX_PX[1]
    # the logo is on the badge: red pixels at the top left, where it sits
    pdf = services_pdf(RegistrationFactory(invitation__conference=conference))
    import pypdfium2 as pdfium

    image = pdfium.PdfDocument(pdf)[0].render(scale=1).to_pil().convert("RGB")
    assert image.getpixel((round(10 / 25.4 * 72), round(8 / 25.4 * 72))) == (200, 20, 20)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("logo.gif", b"GIF89a" + b"\0" * 100, "Upload the logo as a PNG or an SVG file."),
        ("logo.png", b"\x89PNG\r\n\x1a\n" + b"broken" * 10, "This PNG file is damaged"),
        ("logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (1024 * 1024 + 1), "upload one of at most 1 MB"),
        (
            "logo.svg",
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
            "declares a DOCTYPE or entities",
        ),
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><rect", "This SVG cannot be read"),
    ],
    ids=["gif", "damaged-png", "too-large", "svg-entities", "svg-broken"],
)
def test_a_wrong_logo_is_refused_with_a_message_and_nothing_saved(client, organiser, name, data, message):
    conference = ConferenceFactory()
    client.force_login(organiser)
    response = client.post(
        design_url(conference), {**form_data(conference, help_desk="Changed"), "logo": upload(name, data)}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not BadgeDesign.objects.exists()


def test_a_png_with_too_many_pixels_is_refused():
    out = io.BytesIO()
    Image.new("1", (7000, 10)).save(out, "PNG")
    with pytest.raises(designs.DesignError, match="at most 6000 pixels a side"):
        designs.clean_logo(io.BytesIO(out.getvalue()))


SVG_WITH_SCRIPT = b"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
  width="200" height="80" viewBox="0 0 200 80" onload="alert(1)">
  <script>alert(2)</script>
  <foreignObject><p xmlns="http://www.w3.org/1999/xhtml">hi</p></foreignObject>
  <image xlink:href="http://example.org/x.png" width="10" height="10"/>
  <rect x="0" y="0" width="200" height="80" fill="#00aa00" onclick="alert(3)"/>
  <a href="javascript:alert(4)"><circle cx="20" cy="20" r="5"/></a>
  <use href="#r"/>
</svg>"""


def test_an_svg_logo_is_sanitised_and_rasterised():
    clean = designs.sanitise_svg(SVG_WITH_SCRIPT).decode()
    for gone in ("script", "onload", "onclick", "foreignObject", "example.org", "javascript:", "alert"):
        assert gone not in clean
    assert "<ns0:rect" in clean or "<rect" in clean
    assert 'href="#r"' in clean
    png = designs.clean_logo(io.BytesIO(SVG_WITH_SCRIPT))
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.convert("RGB").getpixel((image.width // 2, image.height // 2)) == (0, 170, 0)


# --- the preview ----------------------------------------------------------------------------------


def decode(png):
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def test_preview_uses_real_delegates_and_samples_for_the_rest(client, organiser):
    conference = ConferenceFactory()
    arabic = RegistrationFactory(invitation__conference=conference, first_name="ليلى", last_name="حداد")
    badges = preview.preview_badges(conference)
    assert badges["rtl"].registration.pk == arabic.pk
    assert badges["cjk"].pk is None and badges["long"].pk is None  # samples, never saved
    client.force_login(organiser)
    for side in ("front", "back"):
        response = client.get(f"{design_url(conference)}preview/rtl-{side}.png")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert decode(response.content) == [services.current_badge(arabic).code]


def test_preview_follows_unsaved_choices_in_the_query(client, organiser):
    conference = ConferenceFactory()
    client.force_login(organiser)
    url = f"{design_url(conference)}preview/cjk-front.png"
    before = Image.open(io.BytesIO(client.get(url).content)).convert("RGB")
    response = client.get(url, {"colour_sponsor": "#00ff00"})
    after = Image.open(io.BytesIO(response.content)).convert("RGB")
    band = (round(20 / 25.4 * 110), round(137 / 25.4 * 110))
    assert before.getpixel(band) != (0, 255, 0)
    assert after.getpixel(band) == (0, 255, 0)
    assert not BadgeDesign.objects.exists()  # a preview saves nothing


def test_preview_refuses_bad_choices_and_unknown_samples(client, organiser):
    conference = ConferenceFactory()
    client.force_login(organiser)
    refused = client.get(f"{design_url(conference)}preview/cjk-front.png", {"primary_colour": "x"})
    assert refused.status_code == 400
    assert refused.json() == {
        "detail": "Main colour: Give the colour as #RRGGBB, for example #1d4ed8.",
        "code": "invalid_choices",
    }
    assert client.get(f"{design_url(conference)}preview/nobody-front.png").status_code == 404
    assert client.get(f"{design_url(conference)}preview/cjk-inside.png").status_code == 404


def test_preview_pdf_has_both_sides_of_each_sample(client, organiser):
    conference = ConferenceFactory()
    designs.save_design(conference, wifi_network="COG-Guest")
    client.force_login(organiser)
    response = client.get(f"{design_url(conference)}preview.pdf")
    assert response.status_code == 200
    pdf = response.content
    assert page_count(pdf) == 6
    texts = page_texts(pdf)
    assert "COG-Guest" in texts[1] and "جامعة القاهرة" in texts[2] and "小明" in texts[4]
    for page in range(6):
        assert len(qr_codes(pdf, page)) == 1


def test_every_category_has_a_colour_field():
    from badges.forms import DesignForm

    form = DesignForm()
    assert [f.name for f in form.category_fields()] == [f"colour_{c}" for c in Category.values]


def test_copying_a_conference_to_next_year_copies_its_badge_design(organiser_api):
    from badges.design import save_design
    from badges.models import BadgeDesign
    from tests.factories import ConferenceFactory

    this_year = ConferenceFactory(slug="cog-2027")
    save_design(
        this_year, sides="fold", primary_colour="#0f766e", category_colours={"vip": "#7c2d12"}, help_desk="Stand 4"
    )
    answer = organiser_api.post(
        "/api/conferences/cog-2027/copy/", {"name": "COG 2028", "slug": "cog-2028", "starts_on": "2028-05-18"}
    )
    assert answer.status_code == 201, answer.json()
    copied = BadgeDesign.objects.get(conference__slug="cog-2028")
    assert (copied.sides, copied.primary_colour, copied.help_desk) == ("fold", "#0f766e", "Stand 4")
    assert copied.category_colours["vip"] == "#7c2d12"
    # The copy is its own: changing next year's leaves this year's alone.
    save_design(copied.conference, help_desk="Stand 9")
    assert BadgeDesign.objects.get(conference=this_year).help_desk == "Stand 4"


# --- which questions' answers print (the design page's list) ------------------------------------------


def diet_and_pronouns(conference):
    """Two questions of ``conference``: a choice (printed today) and a text (not printed)."""
    from tests.factories import QuestionFactory

    diet = QuestionFactory(
        conference=conference, label="Dietary needs", kind="choice", choices=["vegetarian", "vegan"], on_badge=True
    )
    pronouns = QuestionFactory(conference=conference, label="Pronouns", kind="text", on_badge=False)
    return diet, pronouns


def printed(pdf):
    return "\n".join(page_texts(pdf))


def question_boxes(body):
    """``{question id: ticked}`` of the page's "print the answer on the badge" boxes."""
    import re

    boxes = re.findall(r'<input type="checkbox" name="print_questions" value="(\d+)" id="[^"]+"( checked)?>', body)
    return {int(pk): bool(checked) for pk, checked in boxes}


def test_the_page_lists_the_questions_ticked_as_they_print(client, organiser):
    conference = ConferenceFactory()
    diet, pronouns = diet_and_pronouns(conference)
    client.force_login(organiser)
    body = client.get(design_url(conference)).content.decode()
    assert "<legend>Print the answer on the badge</legend>" in body
    assert question_boxes(body) == {diet.pk: True, pronouns.pk: False}
    assert f"> {diet.label}</label>" in body
    assert f"/organiser/{conference.slug}/questions/" in body
    # A design saved with answers switched off printed none: no box is ticked, as nothing prints.
    BadgeDesign.objects.create(conference=conference, primary_colour="#1d4ed8", show_answers=False)
    body = client.get(design_url(conference)).content.decode()
    assert question_boxes(body) == {diet.pk: False, pronouns.pk: False}


def test_a_conference_without_questions_is_told_where_to_add_them(client, organiser):
    conference = ConferenceFactory()
    client.force_login(organiser)
    body = client.get(design_url(conference)).content.decode()
    assert "asks no questions of its own yet" in body


def test_saving_the_chosen_questions_prints_exactly_their_answers(client, organiser):
    conference = ConferenceFactory()
    diet, pronouns = diet_and_pronouns(conference)
    delegate = RegistrationFactory(
        invitation__conference=conference, answers={str(diet.pk): "vegan", str(pronouns.pk): "she/her"}
    )
    client.force_login(organiser)
    assert "vegan" in printed(services_pdf(delegate)) and "she/her" not in printed(services_pdf(delegate))

    response = client.post(design_url(conference), form_data(conference, print_questions=[str(pronouns.pk)]))
    assert response.status_code == 302
    diet.refresh_from_db()
    pronouns.refresh_from_db()
    assert (diet.on_badge, pronouns.on_badge) == (False, True)
    text = printed(services_pdf(delegate))
    assert "Pronouns" in text and "she/her" in text
    assert "Dietary needs" not in text and "vegan" not in text

    # None ticked: none printed.
    assert client.post(design_url(conference), form_data(conference)).status_code == 302
    text = printed(services_pdf(delegate))
    assert "she/her" not in text and "vegan" not in text
    assert not conference.questions.filter(on_badge=True).exists()


def test_a_design_saved_without_answers_prints_them_again_once_chosen_on_the_page(client, organiser):
    conference = ConferenceFactory()
    diet, _ = diet_and_pronouns(conference)
    delegate = RegistrationFactory(invitation__conference=conference, answers={str(diet.pk): "vegan"})
    BadgeDesign.objects.create(conference=conference, primary_colour="#1d4ed8", show_answers=False)
    assert "vegan" not in printed(services_pdf(delegate))
    client.force_login(organiser)
    client.post(design_url(conference), form_data(conference, print_questions=[str(diet.pk)]))
    assert BadgeDesign.objects.get(conference=conference).show_answers is True
    assert "vegan" in printed(services_pdf(delegate))


def test_another_conferences_question_is_refused_and_nothing_changes(client, organiser, settings):
    conference = ConferenceFactory()
    diet, pronouns = diet_and_pronouns(conference)
    elsewhere, _ = diet_and_pronouns(ConferenceFactory())
    client.force_login(organiser)
    response = client.post(
        design_url(conference),
        {
            **form_data(conference, help_desk="Changed", print_questions=[str(elsewhere.pk)]),
            "logo": upload("l.png", png_bytes()),
        },
    )
    assert response.status_code == 400
    assert "One of these questions was deleted meanwhile; reload the page." in response.content.decode()
    # The service refuses it too (a question deleted between the page's check and the save), logo and all.
    with pytest.raises(designs.DesignError) as error:
        designs.save_design(
            conference,
            help_desk="Changed",
            badge_questions=[pronouns.pk, elsewhere.pk],
            logo=upload("l.png", png_bytes()),
        )
    assert error.value.code == "invalid_question"
    assert f"Not a question of {conference.name}: {elsewhere.pk}." in error.value.message
    assert not BadgeDesign.objects.exists()
    diet.refresh_from_db()
    pronouns.refresh_from_db()
    assert (diet.on_badge, pronouns.on_badge) == (True, False)
    assert stored_files(settings) == []


def test_the_preview_follows_unticked_and_ticked_questions_before_saving(client, organiser):
    conference = ConferenceFactory()
    diet, pronouns = diet_and_pronouns(conference)
    arabic = RegistrationFactory(
        invitation__conference=conference,
        first_name="ليلى",
        last_name="حداد",
        answers={str(diet.pk): "vegan", str(pronouns.pk): "she/her"},
    )
    client.force_login(organiser)
    png = f"{design_url(conference)}preview/rtl-front.png"
    pdf = f"{design_url(conference)}preview.pdf"
    none = form_data(conference)
    both = form_data(conference, print_questions=[str(diet.pk), str(pronouns.pk)])
    assert client.get(png, none).content != client.get(png, both).content
    assert decode(client.get(png, both).content) == [services.current_badge(arabic).code]
    texts = page_texts(client.get(pdf, both).content)
    assert "vegan" in texts[2] and "she/her" in texts[2]  # the right-to-left delegate's front
    texts = page_texts(client.get(pdf, none).content)
    assert "vegan" not in texts[2] and "she/her" not in texts[2]
    # A hand-made link naming only the questions keeps the rest of the saved design.
    texts = page_texts(client.get(pdf, {"print_questions": str(pronouns.pk)}).content)
    assert "she/her" in texts[2] and "vegan" not in texts[2]
    # Without choices, the saved design: the diet question prints today.
    texts = page_texts(client.get(pdf).content)
    assert "vegan" in texts[2] and "she/her" not in texts[2]
    # A question of another conference is not a choice here.
    elsewhere, _ = diet_and_pronouns(ConferenceFactory())
    assert client.get(png, form_data(conference, print_questions=[str(elsewhere.pk)])).status_code == 400
    # Nothing was saved.
    assert not BadgeDesign.objects.exists()
    assert list(conference.questions.filter(on_badge=True)) == [diet]


def test_samples_answer_the_questions_their_category_is_asked(client, organiser):
    from tests.factories import QuestionFactory

    conference = ConferenceFactory()
    diet, _ = diet_and_pronouns(conference)
    talk = QuestionFactory(
        conference=conference, label="Talk length", kind="number", categories=["speaker"], on_badge=True
    )
    client.force_login(organiser)
    texts = page_texts(client.get(f"{design_url(conference)}preview.pdf").content)
    # Fronts: the long name (a speaker), the right-to-left name (press), the CJK name (a sponsor); all samples.
    for front in (0, 2, 4):
        assert "Dietary needs" in texts[front] and "vegetarian" in texts[front]
    assert "Talk length" in texts[0]
    assert "Talk length" not in texts[2] and "Talk length" not in texts[4]
    assert talk.pk and not BadgeDesign.objects.exists()


# --- a logo picked and not yet saved (POST preview) --------------------------------------------------------


def stored_files(settings):
    from pathlib import Path

    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_a_picked_logo_is_previewed_by_post_and_nothing_is_stored(client, organiser, settings):
    conference = ConferenceFactory()
    client.force_login(organiser)
    url = f"{design_url(conference)}preview/long-front.png"
    without = client.get(url).content
    response = client.post(url, {**form_data(conference), "logo": upload("logo.png", png_bytes((3000, 1000)))})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "no-store"
    assert response.content != without
    logo_place = (round(10 / 25.4 * 110), round(8 / 25.4 * 110))
    assert Image.open(io.BytesIO(response.content)).convert("RGB").getpixel(logo_place) == (200, 20, 20)
    assert Image.open(io.BytesIO(without)).convert("RGB").getpixel(logo_place) != (200, 20, 20)
    # An SVG is sanitised and drawn the same way.
    response = client.post(url, {**form_data(conference), "logo": upload("logo.svg", SVG_WITH_SCRIPT, "image/svg+xml")})
    assert response.status_code == 200
    assert Image.open(io.BytesIO(response.content)).convert("RGB").getpixel(logo_place) == (0, 170, 0)
    assert not BadgeDesign.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("logo.gif", b"GIF89a" + b"\0" * 100, "Upload the logo as a PNG or an SVG file."),
        ("logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (1024 * 1024 + 1), "upload one of at most 1 MB"),
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><rect", "This SVG cannot be read"),
    ],
    ids=["gif", "too-large", "svg-broken"],
)
def test_a_bad_picked_logo_is_refused_with_its_message_and_nothing_stored(
    client, organiser, settings, name, data, message
):
    conference = ConferenceFactory()
    client.force_login(organiser)
    response = client.post(
        f"{design_url(conference)}preview/cjk-front.png", {**form_data(conference), "logo": upload(name, data)}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_logo"
    assert message in response.json()["detail"]
    assert not BadgeDesign.objects.exists()
    assert stored_files(settings) == []


def test_the_post_preview_is_for_organisers_and_needs_the_csrf_token(client, organiser, door_staff):
    from django.test import Client

    conference = ConferenceFactory()
    url = f"{design_url(conference)}preview/long-front.png"

    def data():
        return {**form_data(conference), "logo": upload("logo.png", png_bytes())}

    assert client.post(url, data()).status_code == 302  # to the login page
    client.force_login(door_staff)
    assert client.post(url, data()).status_code == 403
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(organiser)
    token = browser.get(design_url(conference)).context["csrf_token"]
    assert browser.post(url, data()).status_code == 403  # no CSRF token
    assert browser.post(url, {**data(), "csrfmiddlewaretoken": str(token)}).status_code == 200


def test_remove_the_logo_ticked_shows_the_preview_without_it_before_saving(client, organiser):
    conference = ConferenceFactory()
    designs.save_design(conference, logo=upload("logo.png", png_bytes()))
    client.force_login(organiser)
    url = f"{design_url(conference)}preview/long-front.png"
    logo_place = (round(10 / 25.4 * 110), round(8 / 25.4 * 110))
    kept = Image.open(io.BytesIO(client.get(url, form_data(conference)).content)).convert("RGB")
    removed = Image.open(io.BytesIO(client.get(url, form_data(conference, remove_logo="on")).content)).convert("RGB")
    assert kept.getpixel(logo_place) == (200, 20, 20)
    assert removed.getpixel(logo_place) != (200, 20, 20)
    assert BadgeDesign.objects.get(conference=conference).logo  # still saved
