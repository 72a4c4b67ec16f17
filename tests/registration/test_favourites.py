"""Favourites: the starred API, and what makes a delegate's agenda and calendar (booked, starred, speaking)."""

import icalendar
import pytest

from conference.agenda import services
from registration.models import Registration
from tests.conference.agenda.helpers import clean_cache  # noqa: F401
from tests.factories import (
    ConferenceFactory,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    WorkshopFactory,
    at,
    published_agenda,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def agenda(conference):
    hall = RoomFactory(conference=conference, name="Hall 1")
    room5 = RoomFactory(conference=conference, name="Room 5")
    talk = SessionFactory(conference=conference, title="Robots in the warehouse", room=hall)
    other = SessionFactory(conference=conference, title="Cyber essentials", room=room5)
    workshop = WorkshopFactory(
        conference=conference, title="Threat modelling", room=room5, starts_at=at(conference, 14)
    )
    published_agenda(conference)
    return {"talk": talk, "other": other, "workshop": workshop}


@pytest.fixture
def delegate(conference):
    return RegistrationFactory(invitation__conference=conference, email="amira@example.org")


def _url(registration, suffix=""):
    return f"/api/my/{registration.token}/starred/{suffix}"


def _summaries(client, registration):
    calendar = icalendar.Calendar.from_ical(client.get(f"/my/{registration.token}/agenda.ics").content)
    return sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT"))


def test_starred_api_star_list_and_unstar(anon_api, agenda, delegate):
    assert anon_api.get(_url(delegate)).json() == {"sessions": []}
    response = anon_api.post(_url(delegate), {"session": agenda["talk"].pk}, format="json")
    assert response.status_code == 201
    assert response.json() == {"sessions": [agenda["talk"].pk]}
    assert anon_api.post(_url(delegate), {"session": agenda["talk"].pk}, format="json").status_code == 201
    assert list(delegate.starred.values_list("pk", flat=True)) == [agenda["talk"].pk]
    assert anon_api.delete(_url(delegate, f"{agenda['talk'].pk}/")).status_code == 204
    assert anon_api.get(_url(delegate)).json() == {"sessions": []}


def test_starred_api_unknown_token_is_404(anon_api, agenda):
    response = anon_api.get("/api/my/not-a-real-token-at-all-0123456789abcdefghijk/starred/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_starred_api_refuses_sessions_not_in_the_published_agenda(anon_api, conference, agenda, delegate):
    draft_only = SessionFactory(conference=conference, title="Not yet public", starts_at=at(conference, 16))
    elsewhere = SessionFactory(conference=ConferenceFactory(), title="Another conference")
    services.remove_session(session=agenda["other"])
    for session in (draft_only, elsewhere, agenda["other"]):
        response = anon_api.post(_url(delegate), {"session": session.pk}, format="json")
        assert response.status_code == 400, session.title
        assert response.json()["code"] == "unknown_session"
    assert not delegate.starred.exists()


def test_starred_api_bad_body_is_400_on_the_field(anon_api, agenda, delegate):
    response = anon_api.post(_url(delegate), {"session": "talk"}, format="json")
    assert response.status_code == 400
    assert "session" in response.json()


def test_starred_api_cancelled_registration_is_409(anon_api, agenda, delegate):
    delegate.status = Registration.Status.CANCELLED
    delegate.save()
    response = anon_api.post(_url(delegate), {"session": agenda["talk"].pk}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "registration_cancelled"


def test_my_agenda_holds_booked_and_starred_sessions(client, anon_api, agenda, delegate):
    delegate.workshops.add(agenda["workshop"])
    anon_api.post(_url(delegate), {"session": agenda["talk"].pk}, format="json")
    html = client.get(f"/my/{delegate.token}/agenda/").content.decode()
    assert "Robots in the warehouse" in html and "Threat modelling" in html
    assert "Cyber essentials" not in html
    assert _summaries(client, delegate) == ["Robots in the warehouse", "Threat modelling"]


def test_my_agenda_ics_etag_changes_with_stars(client, anon_api, agenda, delegate):
    first = client.get(f"/my/{delegate.token}/agenda.ics")["ETag"]
    anon_api.post(_url(delegate), {"session": agenda["talk"].pk}, format="json")
    response = client.get(f"/my/{delegate.token}/agenda.ics", HTTP_IF_NONE_MATCH=first)
    assert response.status_code == 200
    assert response["ETag"] != first
    anon_api.delete(_url(delegate, f"{agenda['talk'].pk}/"))
    assert client.get(f"/my/{delegate.token}/agenda.ics", HTTP_IF_NONE_MATCH=first).status_code == 304


def test_speaker_with_delegate_email_has_their_sessions_in_agenda(client, conference, agenda, delegate):
    speaker = SpeakerFactory(conference=conference, name="Amira Haddad", email="Amira@Example.org")
    services.save_session(conference=conference, session=agenda["other"], speakers=[speaker])
    html = client.get(f"/my/{delegate.token}/agenda/").content.decode()
    assert "Cyber essentials" in html and "You speak" in html
    assert _summaries(client, delegate) == ["Cyber essentials"]


def test_speaker_email_is_not_enough_for_a_waitlisted_delegate(client, conference, agenda):
    waiting = RegistrationFactory(
        invitation__conference=conference, email="sam@example.org", status=Registration.Status.WAITLISTED
    )
    speaker = SpeakerFactory(conference=conference, email="sam@example.org")
    services.save_session(conference=conference, session=agenda["other"], speakers=[speaker])
    assert _summaries(client, waiting) == []


def test_speakers_api_has_email_and_public_outputs_do_not(organiser_api, client, conference, agenda):
    response = organiser_api.post(
        f"/api/conferences/{conference.slug}/speakers/",
        {"name": "Hannah Price", "organisation": "BCU", "email": "hannah@example.org"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["email"] == "hannah@example.org"
    speaker_id = response.json()["id"]
    services.save_session(conference=conference, session=agenda["talk"], title="Robots, again")
    agenda["talk"].speakers.add(speaker_id)
    published_agenda(conference)
    assert b"hannah@example.org" not in client.get(f"/{conference.slug}/agenda.json").content


@pytest.mark.parametrize("path", ["agenda/", "agenda.ics"])
def test_my_agenda_query_count_is_fixed_whatever_the_stars(client, conference, path, django_assert_max_num_queries):
    delegate = RegistrationFactory(invitation__conference=conference, email="speaker@example.org")
    speaker = SpeakerFactory(conference=conference, email="speaker@example.org")
    talks = [SessionFactory(conference=conference, starts_at=at(conference, 9 + n)) for n in range(8)]
    talks[0].speakers.add(speaker)
    published_agenda(conference)
    for starred in (talks[1:2], talks[1:]):
        delegate.starred.set(starred)
        # The registration, the agenda's version, the delegate's sessions, their accepted meetings (and a cached body).
        with django_assert_max_num_queries(5):
            assert client.get(f"/my/{delegate.token}/{path}").status_code == 200
