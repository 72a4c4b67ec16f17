"""The networking API: the directory and meetings by token, the organisers' topics, networking at RSVP."""

import pytest

from registration.models import Meeting, Registration
from registration.networking import services
from tests.factories import InvitationFactory, RegistrationFactory

from .conftest import listed

pytestmark = pytest.mark.django_db


def test_people_answers_the_directory_without_emails(anon_api, conference, ada, bob):
    answer = anon_api.get(f"/api/my/{ada.token}/people/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 1
    person = body["results"][0]
    assert {"id", "name", "job_title", "organisation", "interests", "networking_note"} <= set(person)
    assert person["name"] == "Bob Stone"
    assert bob.email not in answer.content.decode()
    assert "@" not in answer.content.decode()


def test_people_search_and_interest(anon_api, conference, topics, ada, bob):
    found = anon_api.get(f"/api/my/{bob.token}/people/", {"q": "lukasiewicz"}).json()
    assert [p["name"] for p in found["results"]] == ["Ada Łukasiewicz"]
    found = anon_api.get(f"/api/my/{ada.token}/people/", {"interest": topics["Cyber security"].pk}).json()
    assert [p["name"] for p in found["results"]] == ["Bob Stone"]
    found = anon_api.get(f"/api/my/{ada.token}/people/", {"interest": topics["Skills"].pk}).json()
    assert found["count"] == 0


def test_people_refuses_one_not_in_the_directory(anon_api, conference, ada):
    outsider = RegistrationFactory(invitation__conference=conference)
    answer = anon_api.get(f"/api/my/{outsider.token}/people/")
    assert answer.status_code == 403
    assert answer.json()["code"] == "not_in_directory"
    assert anon_api.get("/api/my/not-a-token-at-all-but-long-enough/people/").status_code == 404


def test_meeting_request_accept_and_list(anon_api, conference, slot, ada, bob):
    asked = anon_api.post(
        f"/api/my/{ada.token}/meetings/", {"with": bob.pk, "slot": slot.pk, "message": "Hello"}, format="json"
    )
    assert asked.status_code == 201, asked.content
    assert asked.json() == {"id": asked.json()["id"], "status": "requested"}
    meeting_id = asked.json()["id"]

    by_requester = anon_api.post(f"/api/my/{ada.token}/meetings/{meeting_id}/accept/", {}, format="json")
    assert by_requester.status_code == 403
    accepted = anon_api.post(f"/api/my/{bob.token}/meetings/{meeting_id}/accept/", {}, format="json")
    assert accepted.status_code == 200
    assert (accepted.json()["status"], accepted.json()["table"]) == ("accepted", "Table 1")

    for delegate, direction, other in ((ada, "sent", bob), (bob, "received", ada)):
        listed_meetings = anon_api.get(f"/api/my/{delegate.token}/meetings/").json()
        assert listed_meetings["count"] == 1
        meeting = listed_meetings["results"][0]
        assert (meeting["status"], meeting["table"], meeting["direction"]) == ("accepted", "Table 1", direction)
        assert meeting["with"]["name"] == other.full_name
        assert meeting["slot"]["id"] == slot.pk


def test_meeting_errors_have_their_codes(anon_api, conference, slot, ada, bob):
    carol = listed(conference, first_name="Carol")
    outsider = RegistrationFactory(invitation__conference=conference)
    url = f"/api/my/{ada.token}/meetings/"

    refused = anon_api.post(f"/api/my/{outsider.token}/meetings/", {"with": bob.pk, "slot": slot.pk}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (403, "not_in_directory")
    not_a_slot = anon_api.post(url, {"with": bob.pk, "slot": slot.pk + 1000}, format="json")
    assert (not_a_slot.status_code, not_a_slot.json()["code"]) == (400, "not_a_networking_slot")
    missing = anon_api.post(url, {"slot": slot.pk}, format="json")
    assert missing.status_code == 400 and "with" in missing.json()

    first = anon_api.post(url, {"with": bob.pk, "slot": slot.pk}, format="json").json()["id"]
    anon_api.post(f"/api/my/{bob.token}/meetings/{first}/accept/", {}, format="json")
    taken = anon_api.post(f"/api/my/{carol.token}/meetings/", {"with": bob.pk, "slot": slot.pk}, format="json")
    assert (taken.status_code, taken.json()["code"]) == (409, "slot_taken")


def test_more_than_twenty_requests_a_day_is_429(anon_api, conference, slot, ada, settings):
    others = [listed(conference) for _ in range(21)]
    for other in others[:20]:
        services.request_meeting(registration=ada, with_id=other.pk, slot_id=slot.pk)
    answer = anon_api.post(f"/api/my/{ada.token}/meetings/", {"with": others[20].pk, "slot": slot.pk}, format="json")
    assert (answer.status_code, answer.json()["code"]) == (429, "too_many_requests")


def test_decline_and_cancel(anon_api, conference, slot, ada, bob):
    first = services.request_meeting(registration=ada, with_id=bob.pk, slot_id=slot.pk)
    declined = anon_api.post(f"/api/my/{bob.token}/meetings/{first.pk}/decline/")
    assert (declined.status_code, declined.json()["status"]) == (200, "declined")
    second = services.request_meeting(registration=ada, with_id=bob.pk, slot_id=slot.pk)
    services.accept_meeting(registration=bob, meeting_id=second.pk)
    cancelled = anon_api.post(f"/api/my/{ada.token}/meetings/{second.pk}/cancel/")
    assert (cancelled.status_code, cancelled.json()["status"], cancelled.json()["table"]) == (200, "cancelled", None)
    again = anon_api.post(f"/api/my/{bob.token}/meetings/{second.pk}/cancel/")
    assert (again.status_code, again.json()["code"]) == (409, "meeting_closed")
    stranger = listed(conference)
    assert anon_api.post(f"/api/my/{stranger.token}/meetings/{second.pk}/cancel/").status_code == 404


def test_topics_api_for_organisers(organiser_api, anon_api, conference):
    url = f"/api/conferences/{conference.slug}/topics/"
    assert anon_api.get(url).status_code in (401, 403)
    created = organiser_api.post(url, {"name": "Health tech"}, format="json")
    assert created.status_code == 201, created.content
    again = organiser_api.post(url, {"name": "health TECH"}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "topic_exists")
    topic_id = created.json()["id"]
    renamed = organiser_api.patch(f"{url}{topic_id}/", {"name": "Health and care tech"}, format="json")
    assert renamed.json()["name"] == "Health and care tech"
    assert [t["name"] for t in organiser_api.get(url).json()["results"]] == ["Health and care tech"]
    assert organiser_api.delete(f"{url}{topic_id}/").status_code == 204


def test_rsvp_api_takes_the_networking_fields(anon_api, conference, topics):
    invitation = InvitationFactory(conference=conference, seats=2)
    delegate = {
        "first_name": "Zoë",
        "last_name": "Adams",
        "email": "zoe@example.org",
        "consent": True,
        "directory_opt_in": True,
        "interests": [topics["Skills"].pk],
        "networking_note": "Looking for apprentices",
    }
    answer = anon_api.post(
        f"/api/rsvp/{invitation.token}/", {"response": "accept", "delegates": [delegate]}, format="json"
    )
    assert answer.status_code == 201, answer.content
    registration = Registration.objects.get(email="zoe@example.org")
    assert registration.directory_opt_in
    assert [t.name for t in registration.interests.all()] == ["Skills"]
    assert registration.networking_note == "Looking for apprentices"


def test_rsvp_api_refuses_a_bad_note_and_unknown_topic(anon_api, conference, topics):
    invitation = InvitationFactory(conference=conference, seats=2)
    base = {"first_name": "Al", "last_name": "B", "email": "al@example.org", "consent": True}
    for extra, field in (
        ({"networking_note": "x" * 281}, "networking_note"),
        ({"networking_note": "bad\u202etext"}, "networking_note"),
        ({"interests": [999999]}, "interests"),
        ({"interests": "Skills"}, "interests"),
    ):
        answer = anon_api.post(
            f"/api/rsvp/{invitation.token}/", {"response": "accept", "delegates": [base | extra]}, format="json"
        )
        assert answer.status_code == 400, (extra, answer.content)
        assert field in str(answer.json()), answer.json()
    assert not Registration.objects.exists()


def test_opt_in_is_off_by_default(anon_api, conference, topics):
    invitation = InvitationFactory(conference=conference, seats=1)
    delegate = {"first_name": "Al", "last_name": "B", "email": "al@example.org", "consent": True}
    anon_api.post(f"/api/rsvp/{invitation.token}/", {"response": "accept", "delegates": [delegate]}, format="json")
    assert Registration.objects.get().directory_opt_in is False
    assert not Meeting.objects.exists()


def test_rsvp_get_offers_the_topics_unless_networking_is_off(anon_api, conference, topics):
    invitation = InvitationFactory(conference=conference)
    body = anon_api.get(f"/api/rsvp/{invitation.token}/").json()
    assert [t["name"] for t in body["topics"]] == ["Cyber security", "Health tech", "Skills", "Funding bids"]
    services.set_networking(conference=conference, enabled=False)
    assert anon_api.get(f"/api/rsvp/{invitation.token}/").json()["topics"] == []


def test_meeting_templates_preview_with_a_sample_meeting(organiser_api, conference):
    url = f"/api/conferences/{conference.slug}/email-templates/meeting_requested/preview/"
    preview = organiser_api.post(url, {}, format="json")
    assert preview.status_code == 200, preview.content
    assert "Sam Patel" in preview.json()["subject"]
    assert "/meetings/1/accept/" in preview.json()["body"]
    bad = organiser_api.patch(
        f"/api/conferences/{conference.slug}/email-templates/meeting_accepted/",
        {"body": "{accept_url}"},
        format="json",
    )
    assert (bad.status_code, bad.json()["code"]) == (400, "unknown_placeholder")
