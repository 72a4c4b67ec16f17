import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from registration import services
from registration.models import Invitation, OutboxMessage, Registration
from tests.factories import (
    ConferenceFactory,
    DraftInvitationFactory,
    InvitationFactory,
    RegistrationFactory,
    WorkshopFactory,
    delegate_data,
)

pytestmark = pytest.mark.django_db

INVITATION_FIELDS = {
    "organisation",
    "organisation_kind",
    "contact_name",
    "email",
    "category",
    "seats",
    "status",
    "sent_at",
    "responded_at",
}
HEADER = "organisation,organisation_kind,contact_name,email,category,seats\r\n"


def url(conference, rest=""):
    return f"/api/conferences/{conference.slug}/{rest}"


# Invitations.


def test_invitations_list_has_contract_fields_and_paginates(organiser_api, conference):
    InvitationFactory.create_batch(3, conference=conference)
    InvitationFactory()  # another conference
    body = organiser_api.get(url(conference, "invitations/")).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3
    assert set(body["results"][0]) >= INVITATION_FIELDS
    assert body["results"][0]["status"] == "sent"


def test_invitations_list_uses_a_fixed_number_of_queries(organiser_api, conference, django_assert_max_num_queries):
    for invitation in InvitationFactory.create_batch(30, conference=conference):
        RegistrationFactory(invitation=invitation)
    with django_assert_max_num_queries(6):
        response = organiser_api.get(url(conference, "invitations/"))
    assert response.json()["count"] == 30
    assert response.json()["results"][0]["delegates"] == 1


def test_invitations_list_filters_by_status(organiser_api, conference):
    InvitationFactory(conference=conference, status="declined")
    InvitationFactory(conference=conference, status="sent")
    body = organiser_api.get(url(conference, "invitations/?status=declined")).json()
    assert [r["status"] for r in body["results"]] == ["declined"]


def test_create_invitation(organiser_api, conference):
    response = organiser_api.post(
        url(conference, "invitations/"),
        {
            "organisation": "Aston University",
            "organisation_kind": "university",
            "contact_name": "Priya Shah",
            "email": "priya@aston.example",
            "category": "partner",
            "seats": 3,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft" and body["organisation"] == "Aston University"
    assert body["organisation_kind"] == "university"
    assert Invitation.objects.get(email="priya@aston.example").conference == conference


def test_create_invitation_with_duplicate_email_is_a_field_error(organiser_api, conference):
    InvitationFactory(conference=conference, email="dup@example.org")
    response = organiser_api.post(
        url(conference, "invitations/"),
        {"organisation": "X", "contact_name": "Y", "email": "DUP@example.org", "category": "company", "seats": 1},
        format="json",
    )
    assert response.status_code == 400
    assert "email" in response.json()


def test_create_invitation_with_bad_category_and_seats(organiser_api, conference):
    response = organiser_api.post(
        url(conference, "invitations/"),
        {"organisation": "X", "contact_name": "Y", "email": "y@example.org", "category": "alien", "seats": 0},
        format="json",
    )
    assert response.status_code == 400
    assert {"category", "seats"} <= set(response.json())


def test_import_invitations_created(organiser_api, conference):
    data = (HEADER + "Aston University,university,Priya Shah,priya@aston.example,partner,2\r\n").encode()
    response = organiser_api.post(
        url(conference, "invitations/import/"),
        {"file": SimpleUploadedFile("list.csv", data, content_type="text/csv")},
        format="multipart",
    )
    assert response.status_code == 201
    assert response.json() == {"created": 1}


def test_import_invitations_errors_import_nothing(organiser_api, conference):
    data = (
        HEADER + "Aston University,university,Priya Shah,priya@aston.example,partner,2\r\n"
        "Other Ltd,company,Sam,not-an-email,company,1\r\n"
    ).encode()
    response = organiser_api.post(
        url(conference, "invitations/import/"),
        {"file": SimpleUploadedFile("list.csv", data, content_type="text/csv")},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"row": 3, "field": "email", "message": "“not-an-email” is not a valid e-mail address."}]
    }
    assert not Invitation.objects.exists()


def test_import_without_file_is_400(organiser_api, conference):
    response = organiser_api.post(url(conference, "invitations/import/"), {}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "file"


def test_send_invitations_queues_drafts(organiser_api, conference, django_capture_on_commit_callbacks):
    DraftInvitationFactory.create_batch(2, conference=conference)
    InvitationFactory(conference=conference, status="opened")
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_api.post(url(conference, "invitations/send/"), {}, format="json")
    assert response.status_code == 202
    assert response.json() == {"queued": 2}
    assert OutboxMessage.objects.filter(purpose="invitation", state="sent").count() == 2


def test_send_chosen_invitations_and_reminders(organiser_api, conference):
    draft = DraftInvitationFactory(conference=conference)
    DraftInvitationFactory(conference=conference)
    InvitationFactory(conference=conference, status="opened")
    response = organiser_api.post(url(conference, "invitations/send/"), {"ids": [draft.pk]}, format="json")
    assert response.json() == {"queued": 1}
    response = organiser_api.post(url(conference, "invitations/send/"), {"remind": True}, format="json")
    assert response.status_code == 202
    assert response.json() == {"queued": 2}  # the one just sent and the opened one; not the draft


def test_send_with_bad_ids_is_400(organiser_api, conference):
    response = organiser_api.post(url(conference, "invitations/send/"), {"ids": ["x"]}, format="json")
    assert response.status_code == 400
    assert "ids" in response.json()


# Registrations.


def test_registrations_list_has_status_and_checked_in_at(organiser_api, conference):
    RegistrationFactory(invitation=InvitationFactory(conference=conference))
    body = organiser_api.get(url(conference, "registrations/")).json()
    assert body["count"] == 1
    assert body["results"][0]["status"] == "confirmed"
    assert "checked_in_at" in body["results"][0]


def test_registrations_list_uses_a_fixed_number_of_queries(organiser_api, conference, django_assert_max_num_queries):
    workshop = WorkshopFactory(conference=conference)
    for _ in range(30):
        RegistrationFactory(invitation=InvitationFactory(conference=conference)).workshops.add(workshop)
    with django_assert_max_num_queries(6):
        response = organiser_api.get(url(conference, "registrations/"))
    assert response.json()["count"] == 30
    assert response.json()["results"][0]["workshops"] == [workshop.pk]


def test_cancel_registration_promotes_first_waitlisted(organiser_api):
    conference = ConferenceFactory(capacity=1)
    (confirmed,) = services.accept_invitation(
        invitation=InvitationFactory(conference=conference), delegates=[delegate_data()]
    )
    (waiting,) = services.accept_invitation(
        invitation=InvitationFactory(conference=conference), delegates=[delegate_data()]
    )
    response = organiser_api.post(url(conference, f"registrations/{confirmed.pk}/cancel/"))
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert OutboxMessage.objects.filter(purpose="waitlist_offer", to=waiting.email).exists()


def test_cancel_cancelled_registration_is_409(organiser_api, conference):
    registration = RegistrationFactory(invitation=InvitationFactory(conference=conference), status="cancelled")
    response = organiser_api.post(url(conference, f"registrations/{registration.pk}/cancel/"))
    assert response.status_code == 409
    assert response.json()["code"] == "already_cancelled"


def test_cancel_registration_of_another_conference_is_404(organiser_api, conference):
    registration = RegistrationFactory()
    response = organiser_api.post(url(conference, f"registrations/{registration.pk}/cancel/"))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# Permissions.


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "invitations/"),
        ("post", "invitations/"),
        ("post", "invitations/import/"),
        ("post", "invitations/send/"),
        ("get", "registrations/"),
        ("post", "registrations/1/cancel/"),
    ],
)
def test_organiser_endpoints_refuse_anonymous_and_door_staff(anon_api, door_api, conference, method, path):
    anonymous = getattr(anon_api, method)(url(conference, path))
    assert anonymous.status_code in (401, 403)
    assert set(anonymous.json()) == {"detail", "code"}
    assert getattr(door_api, method)(url(conference, path)).status_code == 403


def test_unknown_conference_is_404(organiser_api):
    response = organiser_api.get("/api/conferences/nope/invitations/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# RSVP.


def rsvp(invitation):
    return f"/api/rsvp/{invitation.token}/"


def test_rsvp_get_shows_invitation_and_marks_opened(anon_api):
    invitation = InvitationFactory(status="sent", seats=3)
    workshop = WorkshopFactory(conference=invitation.conference, capacity=4)
    body = anon_api.get(rsvp(invitation)).json()
    assert body["seats"] == 3 and body["status"] == "opened"
    assert body["organisation"] == invitation.organisation.name
    assert body["conference"]["name"] == invitation.conference.name
    assert body["workshops"] == [
        {
            "id": workshop.pk,
            "title": workshop.title,
            "starts_at": body["workshops"][0]["starts_at"],
            "ends_at": body["workshops"][0]["ends_at"],
            "room": workshop.room.name,
            "capacity": 4,
            "places_left": 4,
        }
    ]
    assert body["delegates"] == []
    invitation.refresh_from_db()
    assert invitation.status == "opened" and invitation.opened_at


def test_rsvp_unknown_token_is_json_404(anon_api):
    response = anon_api.get("/api/rsvp/" + "x" * 43 + "/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert anon_api.post("/api/rsvp/nope/", {"response": "decline"}, format="json").status_code == 404


def test_rsvp_decline(anon_api):
    invitation = InvitationFactory()
    response = anon_api.post(rsvp(invitation), {"response": "decline"}, format="json")
    assert response.status_code == 200
    invitation.refresh_from_db()
    assert invitation.status == "declined"


def test_rsvp_accept_registers_delegates(anon_api):
    invitation = InvitationFactory(seats=2)
    workshop = WorkshopFactory(conference=invitation.conference)
    response = anon_api.post(
        rsvp(invitation),
        {"response": "accept", "delegates": [delegate_data(workshops=[workshop.pk]), delegate_data()]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    registrations = response.json()["registrations"]
    assert [set(r) for r in registrations] == [{"id", "status", "manage_url"}] * 2
    assert [r["status"] for r in registrations] == ["confirmed", "confirmed"]
    first = Registration.objects.get(pk=registrations[0]["id"])
    assert registrations[0]["manage_url"].endswith(f"/my/{first.token}/")
    assert list(first.workshops.all()) == [workshop]
    body = anon_api.get(rsvp(invitation)).json()
    assert [d["id"] for d in body["delegates"]] == [r["id"] for r in registrations]
    assert body["status"] == "accepted"


def test_rsvp_accept_too_many_delegates(anon_api):
    invitation = InvitationFactory(seats=1)
    response = anon_api.post(
        rsvp(invitation), {"response": "accept", "delegates": [delegate_data(), delegate_data()]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "too_many_delegates"
    assert "detail" in response.json()


def test_rsvp_accept_without_consent_is_error_on_that_field(anon_api):
    invitation = InvitationFactory(seats=2)
    response = anon_api.post(
        rsvp(invitation),
        {"response": "accept", "delegates": [delegate_data(), delegate_data(consent=False)]},
        format="json",
    )
    assert response.status_code == 400
    delegates = response.json()["delegates"]
    assert delegates[0] == {}
    assert "consent" in delegates[1]
    assert not Registration.objects.exists()


def test_rsvp_accept_without_consent_key_is_error_on_that_field(anon_api):
    invitation = InvitationFactory()
    data = delegate_data()
    del data["consent"]
    response = anon_api.post(rsvp(invitation), {"response": "accept", "delegates": [data]}, format="json")
    assert response.status_code == 400
    assert "consent" in response.json()["delegates"][0]


def test_rsvp_accept_when_full_waitlists(anon_api):
    conference = ConferenceFactory(capacity=1)
    RegistrationFactory(invitation=InvitationFactory(conference=conference))
    invitation = InvitationFactory(conference=conference)
    response = anon_api.post(rsvp(invitation), {"response": "accept", "delegates": [delegate_data()]}, format="json")
    assert response.status_code == 201
    assert response.json()["registrations"][0]["status"] == "waitlisted"


def test_rsvp_accept_full_workshop_is_409_and_registers_nobody(anon_api):
    invitation = InvitationFactory(seats=2)
    workshop = WorkshopFactory(conference=invitation.conference, capacity=1)
    response = anon_api.post(
        rsvp(invitation),
        {
            "response": "accept",
            "delegates": [delegate_data(workshops=[workshop.pk]), delegate_data(workshops=[workshop.pk])],
        },
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "workshop_full"
    assert not Registration.objects.exists()


def test_rsvp_accept_after_close_is_409(anon_api):
    conference = ConferenceFactory(registration_closes_at=timezone.now() - dt.timedelta(days=1))
    invitation = InvitationFactory(conference=conference)
    response = anon_api.post(rsvp(invitation), {"response": "accept", "delegates": [delegate_data()]}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "registration_closed"
    assert anon_api.get(rsvp(invitation)).json()["status"] == "expired"


def test_rsvp_bad_bodies_are_400(anon_api):
    invitation = InvitationFactory()
    assert anon_api.post(rsvp(invitation), {"response": "maybe"}, format="json").status_code == 400
    no_delegates = anon_api.post(rsvp(invitation), {"response": "accept", "delegates": []}, format="json")
    assert no_delegates.status_code == 400
    assert no_delegates.json()["code"] == "no_delegates"
    wrong_type = anon_api.post(rsvp(invitation), {"response": "accept", "delegates": "me"}, format="json")
    assert wrong_type.status_code == 400


def test_rsvp_works_without_csrf_for_a_logged_in_browser(client, organiser):
    """The token is the credential: a session cookie must not make the API demand a CSRF token."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(organiser)
    invitation = InvitationFactory()
    response = browser.post(rsvp(invitation), {"response": "decline"}, content_type="application/json")
    assert response.status_code == 200


def test_schema_documents_the_registration_routes(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in ("/invitations/import/", "/invitations/send/", "/registrations/{id}/cancel/", "/api/rsvp/{token}/"):
        assert path in schema


def test_rsvp_get_uses_a_fixed_number_of_queries(anon_api, django_assert_max_num_queries):
    invitation = InvitationFactory(seats=10)
    workshops = [WorkshopFactory(conference=invitation.conference) for _ in range(5)]
    services.accept_invitation(
        invitation=invitation, delegates=[delegate_data(workshops=[w.pk]) for w in workshops] * 1
    )
    # 8: the questions and the networking topics are one query each, whatever their number.
    with django_assert_max_num_queries(8) as few:
        body = anon_api.get(rsvp(invitation)).json()
    assert len(body["delegates"]) == 5 and len(body["workshops"]) == 5
    services.accept_invitation(invitation=invitation, delegates=[delegate_data() for _ in range(4)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(anon_api.get(rsvp(invitation)).json()["delegates"]) == 9


def test_seats_cannot_go_below_the_delegates_named(organiser_api):
    invitation = InvitationFactory(seats=3)
    services.accept_invitation(invitation=invitation, delegates=[delegate_data(), delegate_data()])
    path = url(invitation.conference, f"invitations/{invitation.pk}/")
    response = organiser_api.patch(path, {"seats": 1}, format="json")
    assert response.status_code == 400
    assert "seats" in response.json()
    assert organiser_api.patch(path, {"seats": 2}, format="json").status_code == 200


def test_delete_invitation_with_delegates_is_refused_and_without_is_done(organiser_api):
    invitation = InvitationFactory()
    (registration,) = services.accept_invitation(invitation=invitation, delegates=[delegate_data()])
    path = url(invitation.conference, f"invitations/{invitation.pk}/")
    response = organiser_api.delete(path)
    assert response.status_code == 400
    assert response.json()["code"] == "has_delegates"
    assert Registration.objects.filter(pk=registration.pk, status="confirmed").exists()
    empty = InvitationFactory(conference=invitation.conference)
    assert organiser_api.delete(url(empty.conference, f"invitations/{empty.pk}/")).status_code == 204
    assert not Invitation.objects.filter(pk=empty.pk).exists()


def test_rsvp_accept_field_errors_are_the_delegate_forms(anon_api):
    invitation = InvitationFactory(seats=3)
    too_long = delegate_data(first_name="x" * 101, email=["a@example.org"])
    response = anon_api.post(
        rsvp(invitation), {"response": "accept", "delegates": [delegate_data(), too_long, "me"]}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "delegates": [{}, {}, {"non_field_errors": ["Give each delegate as an object of fields."]}]
    }
    response = anon_api.post(
        rsvp(invitation), {"response": "accept", "delegates": [delegate_data(), too_long]}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "delegates": [{}, {"first_name": ["Keep this to 100 characters."], "email": ["Give this as text."]}]
    }
    assert not Registration.objects.exists()


def test_schema_documents_the_delegate_fields_of_the_form(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    delegate = schema["components"]["schemas"]["Delegate"]
    assert set(delegate["properties"]) == {
        "first_name",
        "last_name",
        "email",
        "badge_name",
        "job_title",
        "dietary",
        "accessibility",
        "consent",
        "workshops",
        "answers",
        # Networking (registration.networking).
        "directory_opt_in",
        "interests",
        "networking_note",
    }
    assert set(delegate["required"]) == {"first_name", "last_name", "email", "consent"}
    assert delegate["properties"]["first_name"]["maxLength"] == 100
    assert delegate["properties"]["dietary"]["maxLength"] == 300
    assert delegate["properties"]["email"]["format"] == "email"
    assert delegate["properties"]["workshops"]["items"]["type"] == "integer"


def test_patch_of_the_organisation_kind_alone_keeps_the_organisation(organiser_api):
    invitation = InvitationFactory(status=Invitation.Status.DRAFT)
    organisation = invitation.organisation
    url = f"/api/conferences/{invitation.conference.slug}/invitations/{invitation.pk}/"
    response = organiser_api.patch(url, {"organisation_kind": "partner"}, format="multipart")
    assert response.status_code == 200, response.content
    invitation.refresh_from_db()
    assert invitation.organisation == organisation
    assert response.json()["organisation"] == organisation.name


def test_send_refuses_ids_that_are_no_database_key(organiser_api):
    invitation = InvitationFactory(status=Invitation.Status.DRAFT)
    url = f"/api/conferences/{invitation.conference.slug}/invitations/send/"
    response = organiser_api.post(url, {"ids": [invitation.pk, 2**70]}, format="json")
    assert response.status_code == 400 and "ids" in response.json()
    assert organiser_api.post(url, {"ids": [-1]}, format="json").status_code == 400
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DRAFT


def test_rsvp_refuses_a_workshop_id_that_is_no_database_key(anon_api):
    invitation = InvitationFactory(status=Invitation.Status.SENT, seats=1)
    delegate = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.org",
        "badge_name": "Ada",
        "job_title": "Engineer",
        "consent": True,
        "workshops": [2**70],
    }
    response = anon_api.post(
        f"/api/rsvp/{invitation.token}/", {"response": "accept", "delegates": [delegate]}, format="json"
    )
    assert response.status_code == 400, response.content
    assert not Registration.objects.exists()
