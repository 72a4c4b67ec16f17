"""The badges API (README: Badges): one badge, reissue, every badge in one PDF."""

import pytest

from badges import services
from badges.models import Badge
from registration.models import Registration
from tests.badges.pdfcheck import page_count, page_sizes_mm, page_texts, qr_codes
from tests.factories import ConferenceFactory, InvitationFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def badge_url(registration):
    return f"/api/conferences/{registration.conference.slug}/registrations/{registration.pk}/badge.pdf"


def reissue_url(registration):
    return f"/api/conferences/{registration.conference.slug}/registrations/{registration.pk}/reissue-badge/"


def badges_url(conference, query=""):
    return f"/api/conferences/{conference.slug}/badges.pdf{query}"


def pdf_of(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- one badge -------------------------------------------------------------


def test_organiser_gets_one_badge_pdf_with_the_current_code(organiser_api):
    registration = RegistrationFactory()
    response = organiser_api.get(badge_url(registration))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = pdf_of(response)
    assert page_count(pdf) == 2  # the front and the back (double-sided by default)
    assert qr_codes(pdf)[0][0] == qr_codes(pdf, 1)[0][0] == services.current_badge(registration).code
    assert registration.first_name in page_texts(pdf)[0]


def test_door_staff_can_reprint_one_badge(door_api):
    registration = RegistrationFactory()
    response = door_api.get(badge_url(registration))
    assert response.status_code == 200
    assert qr_codes(pdf_of(response))[0][0] == services.current_badge(registration).code
    assert Badge.objects.get(registration=registration).printed_at is not None


def test_anonymous_cannot_get_a_badge(anon_api):
    response = anon_api.get(badge_url(RegistrationFactory()))
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"


def test_user_without_a_role_cannot_get_a_badge(django_user_model):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(django_user_model.objects.create_user("visitor"))
    assert client.get(badge_url(RegistrationFactory())).status_code == 403


def test_badge_of_another_conference_is_not_found(organiser_api):
    registration = RegistrationFactory()
    other = ConferenceFactory()
    response = organiser_api.get(f"/api/conferences/{other.slug}/registrations/{registration.pk}/badge.pdf")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("status", [Registration.Status.CANCELLED, Registration.Status.WAITLISTED])
def test_badge_of_an_unconfirmed_delegate_is_refused(organiser_api, status):
    registration = RegistrationFactory(status=status)
    response = organiser_api.get(badge_url(registration), HTTP_ACCEPT="application/pdf")
    assert response.status_code == 409
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_confirmed"
    assert not Badge.objects.filter(registration=registration).exists()


def test_badge_pdf_answers_a_client_that_accepts_only_pdf(organiser_api):
    response = organiser_api.get(badge_url(RegistrationFactory()), HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert pdf_of(response).startswith(b"%PDF")


# --- reissue -----------------------------------------------------------------


def test_reissue_gives_a_new_code_and_revokes_the_old(organiser_api):
    registration = RegistrationFactory()
    old = services.current_badge(registration)
    response = organiser_api.post(reissue_url(registration), {"reason": "Typo in the name"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] != old.code
    assert body["revoked"] == [old.code]
    assert services.find_valid_badge(body["code"]).registration == registration
    assert services.find_valid_badge(old.code) is None
    old.refresh_from_db()
    assert old.revoked_reason == "Typo in the name"
    # the next badge PDF carries the new code
    pdf = pdf_of(organiser_api.get(badge_url(registration)))
    assert qr_codes(pdf)[0][0] == body["code"]


def test_reissue_without_a_body_works(organiser_api):
    registration = RegistrationFactory()
    response = organiser_api.post(reissue_url(registration))
    assert response.status_code == 200
    assert response.json()["code"] == services.current_badge(registration).code


def test_reissue_with_too_long_a_reason_is_a_field_error(organiser_api):
    registration = RegistrationFactory()
    response = organiser_api.post(reissue_url(registration), {"reason": "x" * 201}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()
    assert not Badge.objects.filter(registration=registration).exists()


def test_door_staff_cannot_reissue(door_api):
    registration = RegistrationFactory()
    old = services.current_badge(registration)
    assert door_api.post(reissue_url(registration)).status_code == 403
    assert services.find_valid_badge(old.code) == old


def test_anonymous_cannot_reissue(anon_api):
    assert anon_api.post(reissue_url(RegistrationFactory())).status_code in (401, 403)


def test_reissue_of_a_cancelled_delegate_is_refused(organiser_api):
    registration = RegistrationFactory(status=Registration.Status.CANCELLED)
    response = organiser_api.post(reissue_url(registration))
    assert response.status_code == 409
    assert response.json()["code"] == "not_confirmed"


# --- every badge in one PDF ----------------------------------------------------


def make_delegates(conference, surnames, category="company", **kwargs):
    invitation = InvitationFactory(conference=conference, category=category, seats=len(surnames))
    return [RegistrationFactory(invitation=invitation, last_name=name, **kwargs) for name in surnames]


def test_badges_pdf_a6_sorted_by_surname_and_marked_printed(organiser_api):
    conference = ConferenceFactory()
    delegates = make_delegates(conference, ["Young", "adams", "Müller", "Baker", "Zhou"])
    RegistrationFactory(invitation__conference=conference, status=Registration.Status.CANCELLED, last_name="Aaron")
    RegistrationFactory(invitation__conference=conference, status=Registration.Status.WAITLISTED, last_name="Abbot")
    response = organiser_api.get(badges_url(conference, "?layout=a6"))
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    pdf = pdf_of(response)
    assert page_count(pdf) == 10  # each badge's front, then its back
    assert set(page_sizes_mm(pdf)) == {(105.0, 148.0)}
    by_code = {services.current_badge(r).code: r.last_name for r in delegates}
    order = [by_code[qr_codes(pdf, page)[0][0]] for page in range(0, 10, 2)]
    assert order == [by_code[qr_codes(pdf, page)[0][0]] for page in range(1, 10, 2)]
    assert order == ["adams", "Baker", "Müller", "Young", "Zhou"]
    assert Badge.objects.filter(registration__conference=conference, printed_at__isnull=True).count() == 0


def test_badges_pdf_a4_is_four_badges_a_sheet(organiser_api):
    conference = ConferenceFactory()
    make_delegates(conference, [f"Surname{i:02d}" for i in range(9)])
    response = organiser_api.get(badges_url(conference, "?layout=a4"))
    pdf = pdf_of(response)
    assert page_count(pdf) == 6  # each sheet of fronts followed by its sheet of backs
    assert set(page_sizes_mm(pdf)) == {(210.0, 297.0)}
    assert [len(qr_codes(pdf, page)) for page in range(6)] == [4, 4, 4, 4, 1, 1]


def test_badges_pdf_defaults_to_a6(organiser_api):
    conference = ConferenceFactory()
    make_delegates(conference, ["One", "Two"])
    assert page_sizes_mm(pdf_of(organiser_api.get(badges_url(conference)))) == [(105.0, 148.0)] * 4


def test_badges_pdf_filters_by_category(organiser_api):
    conference = ConferenceFactory()
    make_delegates(conference, ["Company1", "Company2"], category="company")
    speakers = make_delegates(conference, ["Speaker1"], category="speaker")
    pdf = pdf_of(organiser_api.get(badges_url(conference, "?layout=a6&category=speaker")))
    assert page_count(pdf) == 2
    assert qr_codes(pdf)[0][0] == services.current_badge(speakers[0]).code


def test_badges_pdf_not_printed_skips_printed_badges(organiser_api):
    conference = ConferenceFactory()
    first = make_delegates(conference, ["Early1", "Early2"])
    assert page_count(pdf_of(organiser_api.get(badges_url(conference)))) == 4
    late = make_delegates(conference, ["Late"])
    pdf = pdf_of(organiser_api.get(badges_url(conference, "?not_printed=1")))
    assert page_count(pdf) == 2
    assert qr_codes(pdf)[0][0] == services.current_badge(late[0]).code
    assert all(services.current_badge(r).printed_at for r in first + late)
    response = organiser_api.get(badges_url(conference, "?not_printed=1"))
    assert response.status_code == 404
    assert response.json()["code"] == "no_badges"


def test_badges_pdf_leaves_out_revoked_codes(organiser_api):
    conference = ConferenceFactory()
    [registration] = make_delegates(conference, ["Lost"])
    old = services.current_badge(registration)
    new = services.reissue_badge(registration, reason="Lost")
    pdf = pdf_of(organiser_api.get(badges_url(conference)))
    assert [code for code, _ in qr_codes(pdf)] == [new.code]
    assert old.code not in page_texts(pdf)[0]


@pytest.mark.parametrize(
    ("query", "code"),
    [("?layout=a5", "invalid_layout"), ("?layout=", "invalid_layout"), ("?category=alien", "invalid_category")],
)
def test_badges_pdf_bad_options_are_400_json(organiser_api, query, code):
    conference = ConferenceFactory()
    make_delegates(conference, ["One"])
    response = organiser_api.get(badges_url(conference, query), HTTP_ACCEPT="application/pdf")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == code
    assert "detail" in response.json()
    assert Badge.objects.filter(printed_at__isnull=False).count() == 0


def test_badges_pdf_of_an_unknown_conference_is_404(organiser_api):
    response = organiser_api.get("/api/conferences/no-such-conference/badges.pdf")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_badges_pdf_with_no_delegates_is_404_with_a_code(organiser_api):
    response = organiser_api.get(badges_url(ConferenceFactory()))
    assert response.status_code == 404
    assert response.json()["code"] == "no_badges"


def test_door_staff_cannot_get_all_badges(door_api):
    conference = ConferenceFactory()
    make_delegates(conference, ["One"])
    assert door_api.get(badges_url(conference)).status_code == 403


def test_anonymous_cannot_get_all_badges(anon_api):
    assert anon_api.get(badges_url(ConferenceFactory())).status_code in (401, 403)


@pytest.mark.parametrize("count", [3, 12])
def test_badges_pdf_uses_a_fixed_number_of_queries(organiser_api, django_assert_max_num_queries, count):
    conference = ConferenceFactory()
    make_delegates(conference, [f"S{i}" for i in range(count)])
    with django_assert_max_num_queries(12):
        response = organiser_api.get(badges_url(conference))
    assert page_count(pdf_of(response)) == 2 * count


def test_badge_endpoints_are_in_the_api_schema(organiser_api):
    schema = organiser_api.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/conferences/{slug}/registrations/{id}/badge.pdf" in schema or "badge.pdf" in schema
    assert "reissue-badge" in schema
    assert "/api/conferences/{slug}/badges.pdf" in schema
