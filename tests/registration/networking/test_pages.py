"""The networking pages: the directory, answering from the e-mail's link, the profile at RSVP and on /my/,
the agenda and calendar, the contacts, the organisers' page."""

import icalendar
import pytest

from registration.models import Meeting, OutboxMessage, Registration
from registration.networking import services
from tests.factories import InvitationFactory, RegistrationFactory

from .conftest import listed

pytestmark = pytest.mark.django_db


def test_people_page_lists_the_directory_and_never_emails(client, conference, slot, ada, bob):
    response = client.get(f"/my/{ada.token}/people/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bob Stone" in html
    assert "Ada Łukasiewicz" not in html.split("Find people")[1]  # not listed to herself
    assert bob.email not in html and ada.email not in html
    assert "Organisations coming" in html
    assert "Ask Bob Stone for a meeting" in html


def test_people_page_explains_and_offers_opt_in(client, conference, ada):
    outsider = RegistrationFactory(invitation__conference=conference)
    response = client.get(f"/my/{outsider.token}/people/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "List me in the directory" in html
    assert "Ada" not in html
    opted = client.post(f"/my/{outsider.token}/people/", {"action": "opt_in"})
    assert opted.status_code == 302
    outsider.refresh_from_db()
    assert outsider.directory_opt_in
    assert "Ada Łukasiewicz" in client.get(f"/my/{outsider.token}/people/").content.decode()


def test_people_page_query_count_is_fixed(client, conference, topics, slot, ada, django_assert_max_num_queries):
    for n in range(40):
        listed(conference, first_name=f"P{n}", interests=[topics["Skills"]])
    with django_assert_max_num_queries(16):
        response = client.get(f"/my/{ada.token}/people/")
    assert response.content.decode().count('class="person"') == 40


def test_request_on_the_page_then_accept_from_the_email_link(client, conference, slot, ada, bob):
    sent = client.post(
        f"/my/{ada.token}/meetings/", {"with": bob.pk, "slot": slot.pk, "message": "Hi", "share_contact": "on"}
    )
    assert sent.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.requester_shares_contact
    email = OutboxMessage.objects.get(purpose="meeting_requested")
    link = next(line for line in email.body_text.splitlines() if line.startswith("Accept: ")).split(" ", 1)[1]
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get(f"/{path}")
    assert page.status_code == 200
    assert "Accept" in page.content.decode()
    assert Meeting.objects.get().status == "requested"  # a GET changes nothing
    client.post(f"/{path}", {"share_contact": "on"})
    meeting.refresh_from_db()
    assert (meeting.status, meeting.table, meeting.invitee_shares_contact) == ("accepted", "Table 1", True)


def test_accepted_meeting_is_in_both_agendas_and_calendars(client, conference, slot, ada, bob):
    meeting = services.request_meeting(registration=ada, with_id=bob.pk, slot_id=slot.pk)
    services.accept_meeting(registration=bob, meeting_id=meeting.pk)
    for me, other in ((ada, bob), (bob, ada)):
        html = client.get(f"/my/{me.token}/agenda/").content.decode()
        assert f"Meeting with {other.full_name}" in html
        assert "Table 1" in html
        calendar = icalendar.Calendar.from_ical(client.get(f"/my/{me.token}/agenda.ics").content)
        events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
        event = events[f"meeting-{meeting.pk}@cog-conference"]
        assert str(event["summary"]) == f"Meeting with {other.full_name} (Table 1)"
        assert event.decoded("dtstart") == slot.starts_at
        assert "Table 1" in str(event["location"])
    # Cancelled: gone from both calendars (a new ETag).
    services.cancel_meeting(registration=ada, meeting_id=meeting.pk)
    body = client.get(f"/my/{bob.token}/agenda.ics").content.decode()
    assert f"meeting-{meeting.pk}@" not in body


def test_contacts_vcf_holds_only_consenting_counterparts(client, conference, slot, ada, bob):
    meeting = services.request_meeting(registration=ada, with_id=bob.pk, slot_id=slot.pk, share_contact=True)
    services.accept_meeting(registration=bob, meeting_id=meeting.pk, share_contact=False)
    assert client.get(f"/my/{ada.token}/contacts.vcf").content == b""
    Meeting.objects.filter(pk=meeting.pk).update(invitee_shares_contact=True)
    response = client.get(f"/my/{ada.token}/contacts.vcf")
    assert response["Content-Type"].startswith("text/vcard")
    card = response.content.decode()
    assert card.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n")
    assert "FN:Bob Stone" in card and f"EMAIL;TYPE=INTERNET:{bob.email}" in card
    assert "FN:Ada" in client.get(f"/my/{bob.token}/contacts.vcf").content.decode()


def test_rsvp_page_offers_opt_in_interests_and_note(client, conference, topics):
    invitation = InvitationFactory(conference=conference, seats=1)
    html = client.get(f"/rsvp/{invitation.token}/").content.decode()
    assert "List me in the delegate directory" in html
    assert "Funding bids" in html
    answer = client.post(
        f"/rsvp/{invitation.token}/",
        {
            "action": "accept",
            "d-TOTAL_FORMS": "1",
            "d-INITIAL_FORMS": "0",
            "d-0-first_name": "Ann",
            "d-0-last_name": "Lee",
            "d-0-email": "ann@example.org",
            "d-0-consent": "on",
            "d-0-directory_opt_in": "on",
            "d-0-interests": [topics["Skills"].pk],
            "d-0-networking_note": "Hiring apprentices",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    registration = Registration.objects.get(email="ann@example.org")
    assert registration.directory_opt_in and registration.networking_note == "Hiring apprentices"


def test_manage_page_edits_the_profile(client, conference, topics, ada):
    html = client.get(f"/my/{ada.token}/").content.decode()
    assert "People and meetings" in html
    data = {
        "first_name": ada.first_name,
        "last_name": ada.last_name,
        "email": ada.email,
        "job_title": ada.job_title,
        "interests": [topics["Health tech"].pk],
        "networking_note": "Now health tech",
    }  # the box unticked: leaves the directory
    assert client.post(f"/my/{ada.token}/", data).status_code == 302
    ada.refresh_from_db()
    assert not ada.directory_opt_in
    assert [t.name for t in ada.interests.all()] == ["Health tech"]
    assert ada.networking_note == "Now health tech"


def test_networking_off_hides_the_fields_and_closes_the_page(client, conference, topics, ada):
    services.set_networking(conference=conference, enabled=False)
    assert "delegate directory" not in client.get(f"/my/{ada.token}/").content.decode()
    response = client.get(f"/my/{ada.token}/people/")
    assert response.status_code == 403
    assert "switched off" in response.content.decode()


def test_organiser_page_switch_topics_tables_and_counts(client, organiser, conference, slot, ada, bob):
    client.force_login(organiser)
    url = f"/organiser/{conference.slug}/networking/"
    html = client.get(url).content.decode()
    assert "delegates in the directory" in html and "Networking lunch" in html
    client.post(url, {"action": "add_topic", "name": "Net zero"})
    assert services.topics_of(conference).filter(name="Net zero").exists()
    client.post(url, {"action": "tables", "session": slot.pk, "tables": "Oak, Ash"})
    assert services.tables_of(type(slot).objects.get(pk=slot.pk)) == ["Oak", "Ash"]
    client.post(url, {"action": "switch", "tables_per_slot": "12"})  # the box unticked: off
    assert not services.is_enabled(conference)
    assert services.settings_of(conference).tables_per_slot == 12
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_admin_lists_meetings_read_only(client, organiser, conference, slot, ada, bob):
    services.request_meeting(registration=ada, with_id=bob.pk, slot_id=slot.pk)
    client.force_login(organiser)
    listing = client.get("/admin/registration/meeting/")
    assert listing.status_code == 200
    assert "Bob Stone" in listing.content.decode()
    assert client.get("/admin/registration/meeting/add/").status_code == 403
    assert client.get("/admin/registration/topic/").status_code == 200
