"""Each badge rendered once: stored, served and merged from storage, rendered again only when what it shows changes."""

import io

import pytest
from django.db import transaction
from pypdf import PdfReader, PdfWriter

from badges import design as designs
from badges import services, stored
from badges.models import Badge
from badges.tasks import renderer
from registration import privacy
from registration.models import Registration
from tests.badges.pdfcheck import page_count, page_sizes_mm, page_texts, qr_codes
from tests.factories import ConferenceFactory, InvitationFactory, OrganisationFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def delegate(conference=None, first="Ana", last="Novak", org="Acme", **kwargs):
    conference = conference or ConferenceFactory()
    invitation = InvitationFactory(conference=conference, organisation=OrganisationFactory(name=org))
    return RegistrationFactory(invitation=invitation, first_name=first, last_name=last, badge_name=first, **kwargs)


def stored_badge(registration):
    return Badge.objects.get(registration=registration, revoked_at__isnull=True)


def render_now(registration):
    """The delegate's current badge, rendered and stored (as their link would); returns (badge, pdf)."""
    badge = services.current_badge(registration)
    badge.registration = registration
    return badge, stored.badge_pdf(badge)


def stored_bytes(badge):
    with badge.pdf.open("rb") as f:
        return f.read()


def exists(name):
    return Badge._meta.get_field("pdf").storage.exists(name)


def a_different_pdf(pdf_bytes, marker):
    """The same PDF with a marker in its metadata: bytes the renderer would never produce."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes)))
    writer.add_metadata({"/Subject": marker})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_delegates_badge_is_rendered_once_then_served_from_storage(client):
    registration = delegate()
    first = client.get(f"/my/{registration.token}/badge.pdf")
    assert first.status_code == 200
    badge = stored_badge(registration)
    assert badge.pdf.name.startswith(f"badges/{registration.conference_id}/{badge.code}-")
    assert stored_bytes(badge) == first.content
    # Replace the stored file's bytes: what is served next comes from storage, not from a new render.
    marked = a_different_pdf(first.content, "served from storage")
    with badge.pdf.open("wb") as f:
        f.write(marked)

    second = client.get(f"/my/{registration.token}/badge.pdf")

    assert second.content == marked
    assert PdfReader(io.BytesIO(second.content)).metadata["/Subject"] == "served from storage"
    assert stored_badge(registration).pdf.name == badge.pdf.name


def test_the_door_reprint_serves_the_stored_badge(door_api):
    registration = delegate()
    badge, pdf = render_now(registration)
    badge.refresh_from_db()
    marked = a_different_pdf(pdf, "door reprint")
    with badge.pdf.open("wb") as f:
        f.write(marked)

    response = door_api.get(
        f"/api/conferences/{registration.conference.slug}/registrations/{registration.pk}/badge.pdf"
    )

    assert response.status_code == 200
    assert b"".join(response) == marked


def test_an_edited_delegate_gets_a_new_badge_and_the_old_file_goes(client):
    registration = delegate(first="Ana")
    client.get(f"/my/{registration.token}/badge.pdf")
    old = stored_badge(registration)

    registration.badge_name = "Anastazija"
    registration.save()
    response = client.get(f"/my/{registration.token}/badge.pdf")

    assert "Anastazija" in page_texts(response.content)[0]
    new = stored_badge(registration)
    assert new.pdf.name != old.pdf.name and new.pdf_fingerprint != old.pdf_fingerprint
    assert exists(new.pdf.name) and not exists(old.pdf.name)
    assert qr_codes(response.content)[0][0] == new.code


@pytest.mark.parametrize(
    "change",
    ["organisation", "category", "conference name", "design colour", "back side text"],
)
def test_whatever_a_badge_shows_changing_makes_the_stored_one_stale(change):
    registration = delegate()
    conference = registration.conference
    badge, _ = render_now(registration)
    before = stored_badge(registration).pdf_fingerprint

    if change == "organisation":
        organisation = registration.invitation.organisation
        organisation.name = "Acme Renamed d.o.o."
        organisation.save()
    elif change == "category":
        registration.invitation.category = "press"
        registration.invitation.save()
    elif change == "conference name":
        conference.name = "A Renamed Conference"
        conference.save()
    elif change == "design colour":
        designs.save_design(conference, primary_colour="#aa0000")
    else:
        designs.save_design(conference, back_note="Lunch is served in the atrium")

    again = Badge.objects.select_related("registration__invitation__organisation", "registration__conference").get(
        pk=badge.pk
    )
    pdf = stored.badge_pdf(again)
    assert stored_badge(registration).pdf_fingerprint != before
    text = "\n".join(page_texts(pdf))
    expected = {
        "organisation": "Acme Renamed d.o.o.",
        "category": "PRESS",
        "conference name": "A Renamed Conference",
        "design colour": registration.first_name,
        "back side text": "Lunch is served in the atrium",
    }[change]
    assert expected in text


def test_a_badge_whose_file_is_lost_is_rendered_again_on_the_spot(client):
    registration = delegate()
    client.get(f"/my/{registration.token}/badge.pdf")
    badge = stored_badge(registration)
    badge.pdf.storage.delete(badge.pdf.name)

    response = client.get(f"/my/{registration.token}/badge.pdf")

    assert response.status_code == 200
    assert qr_codes(response.content)[0][0] == badge.code
    assert exists(stored_badge(registration).pdf.name)


def test_confirming_a_delegate_renders_their_badge_ahead_in_the_background(django_capture_on_commit_callbacks):
    conference = ConferenceFactory()
    with django_capture_on_commit_callbacks(execute=True):
        registration = delegate(conference)
    assert not Badge.objects.filter(registration=registration).exclude(pdf="").exists()  # not in the request

    renderer.flush()

    badge = stored_badge(registration)
    assert badge.pdf and exists(badge.pdf.name)
    assert qr_codes(stored_bytes(badge))[0][0] == badge.code


def test_saving_the_design_renders_everyone_again_in_the_background(django_capture_on_commit_callbacks):
    conference = ConferenceFactory()
    registrations = [delegate(conference, first=f"N{i}", last=f"S{i}") for i in range(3)]
    print_all(conference)
    before = {r.pk: stored_badge(r).pdf.name for r in registrations}

    with django_capture_on_commit_callbacks(execute=True):
        designs.save_design(conference, help_desk="Desk by the main entrance")
    renderer.flush()

    for registration in registrations:
        badge = stored_badge(registration)
        assert badge.pdf.name != before[registration.pk]
        assert "Desk by the main entrance" in page_texts(stored_bytes(badge))[1]


def print_all(conference, layout="a6"):
    output = io.BytesIO()
    services.print_badges(conference, output, layout=layout)
    return output.getvalue()


def test_printing_badges_rendered_ahead_merges_them_without_rendering():
    conference = ConferenceFactory()
    registrations = [delegate(conference, first=f"N{i}", last=f"S{i:02d}") for i in range(6)]
    services.render_ahead(conference.pk, processes=1)
    names = {r.pk: stored_badge(r).pdf.name for r in registrations}
    assert all(names.values())

    pdf = print_all(conference)

    # A re-render would have stored a new file (a new name): every badge was read from storage.
    assert {r.pk: stored_badge(r).pdf.name for r in registrations} == names
    assert page_count(pdf) == 12  # a front and a back each
    codes = [stored_badge(r).code for r in registrations]  # sorted by surname: S00 ... S05
    assert [qr_codes(pdf, page)[0][0] for page in range(0, 12, 2)] == codes
    assert [qr_codes(pdf, page)[0][0] for page in range(1, 12, 2)] == codes


def test_an_a4_print_places_the_stored_badges_four_a_sheet_fronts_then_backs():
    conference = ConferenceFactory()
    registrations = [delegate(conference, first=f"N{i}", last=f"S{i:02d}") for i in range(5)]
    services.render_ahead(conference.pk, processes=1)

    pdf = print_all(conference, "a4")

    assert page_count(pdf) == 4  # two sheets of fronts, each followed by its sheet of backs
    assert set(page_sizes_mm(pdf)) == {(210.0, 297.0)}
    codes = {stored_badge(r).code for r in registrations}
    for page, count in enumerate((4, 4, 1, 1)):
        found = qr_codes(pdf, page)
        assert len(found) == count
        assert {text for text, _ in found} <= codes
    assert {t for p in (0, 2) for t, _ in qr_codes(pdf, p)} == codes


def test_a_stale_badge_in_a_print_is_rendered_again_and_the_print_is_right():
    conference = ConferenceFactory()
    registrations = [delegate(conference, first=f"N{i}", last=f"S{i}") for i in range(3)]
    services.render_ahead(conference.pk, processes=1)
    changed = registrations[1]
    Registration.objects.filter(pk=changed.pk).update(badge_name="Changed quietly")  # no signal: no render ahead

    pdf = print_all(conference)

    assert "Changed quietly" in page_texts(pdf)[2]
    assert "Changed quietly" in page_texts(stored_bytes(stored_badge(changed)))[0]


def test_reissuing_a_badge_deletes_the_revoked_codes_file(django_capture_on_commit_callbacks):
    registration = delegate()
    badge, _ = render_now(registration)
    old_name = stored_badge(registration).pdf.name

    with django_capture_on_commit_callbacks(execute=True):
        services.reissue_badge(registration, reason="lost")

    assert not exists(old_name)
    assert Badge.objects.get(pk=badge.pk).pdf.name == ""


def test_erasing_a_delegates_data_deletes_their_stored_badge(django_capture_on_commit_callbacks):
    registration = delegate(first="Erased", last="Person")
    render_now(registration)
    name = stored_badge(registration).pdf.name

    with django_capture_on_commit_callbacks(execute=True):
        privacy.erase_registration(registration=registration)

    assert not exists(name)
    assert not Badge.objects.filter(registration=registration).exclude(pdf="").exists()


def test_a_cancelled_delegates_stored_badge_is_deleted(django_capture_on_commit_callbacks):
    registration = delegate()
    render_now(registration)
    name = stored_badge(registration).pdf.name

    with django_capture_on_commit_callbacks(execute=True):
        registration.status = Registration.Status.CANCELLED
        registration.save()

    assert not exists(name)


def test_two_renders_racing_leave_one_file_named_by_the_row():
    registration = delegate()
    badge, _ = render_now(registration)
    # Another process stored a newer render meanwhile: this copy of the row names the file it replaced.
    racing = Badge.objects.get(pk=badge.pk)
    racing.registration = registration
    registration.badge_name = "Racer"
    stored.badge_pdf(racing)
    winner = stored_badge(registration).pdf.name
    folder = f"badges/{registration.conference_id}"

    with transaction.atomic():
        stored.store(badge, "f" * 64, stored_bytes(racing))  # the loser: its row still named the first file

    assert stored_badge(registration).pdf.name == winner
    _, files = Badge._meta.get_field("pdf").storage.listdir(folder)
    assert [f for f in files if f.startswith(badge.code)] == [winner.rsplit("/", 1)[1]]


def test_the_one_statement_lookup_reads_what_the_general_path_reads(client, django_assert_max_num_queries):
    """The delegate's link and the door find a badge in one statement (and its workshops in a second); what they
    read fingerprints the same as the bulk print's reading, so neither path re-renders what the other stored."""
    from tests.badges.test_design import png_bytes, upload
    from tests.factories import QuestionFactory, WorkshopFactory, at

    conference = ConferenceFactory(name="Ünïcode Conference 2027")
    question = QuestionFactory(conference=conference, label="Pronouns", on_badge=True)
    registration = delegate(conference, first="Zoë", last="Ångström", answers={str(question.pk): "she/her"})
    workshop = WorkshopFactory(conference=conference, title="Soldering 101", starts_at=at(conference, 10))
    registration.workshops.add(workshop)
    designs.save_design(
        conference, logo=upload("logo.png", png_bytes()), category_colours={"company": "#123456"}, back_note="Hi"
    )
    print_all(conference)  # the general path stores it
    printed = stored_badge(registration)

    badge, design = stored.current_by_token(registration.token)
    with django_assert_max_num_queries(2):  # the workshops and the badge's questions; the stored file is current
        pdf = stored.served_pdf(badge, design)

    assert stored_badge(registration).pdf.name == printed.pdf.name  # not rendered again
    assert pdf == stored_bytes(printed)
    text = "\n".join(page_texts(pdf))
    assert "she/her" in text and "Soldering 101" in text and "Zoë" in text
    assert stored.current_by_id(conference.slug, registration.pk)[0].code == printed.code
    assert stored.current_by_token(registration.token[:-1] + "x") is None
    assert stored.current_by_id("another-conference", registration.pk) is None


def test_the_delegates_link_serves_a_stored_badge_in_two_statements(client, django_assert_max_num_queries):
    registration = delegate()
    client.get(f"/my/{registration.token}/badge.pdf")
    with django_assert_max_num_queries(2):
        response = client.get(f"/my/{registration.token}/badge.pdf")
    assert qr_codes(response.content)[0][0] == stored_badge(registration).code
