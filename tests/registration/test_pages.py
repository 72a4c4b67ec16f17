import datetime as dt
import re

import pytest
from django.utils import timezone

from registration import services
from registration.models import Invitation, OutboxMessage, Registration
from tests.factories import ConferenceFactory, InvitationFactory, RegistrationFactory, WorkshopFactory, delegate_data

pytestmark = pytest.mark.django_db


def rsvp_url(invitation):
    return f"/rsvp/{invitation.token}/"


def delegate_form(index=0, **overrides):
    values = {
        "first_name": "Ngozi",
        "last_name": "Okafor",
        "email": f"ngozi{index}@example.org",
        "badge_name": "Ngozi",
        "job_title": "CTO",
        "dietary": "Halal",
        "accessibility": "Step-free access",
        "consent": "on",
    }
    values.update(overrides)
    return {f"d-{index}-{k}": v for k, v in values.items() if v is not None}


def labels(html):
    return re.findall(r"<label[^>]*>\s*(?:<input[^>]*>\s*)?(?:<span>)?([^<]+)", html)


def test_rsvp_page_has_labelled_fields_and_buttons_and_marks_opened(client):
    invitation = InvitationFactory(status="sent", seats=2)
    WorkshopFactory(conference=invitation.conference, title="Cloud security", capacity=3)
    response = client.get(rsvp_url(invitation))
    assert response.status_code == 200
    html = response.content.decode()
    found = " | ".join(label.strip() for label in labels(html))
    for label in (
        "First name",
        "Last name",
        "E-mail",
        "Badge name",
        "Job title",
        "Dietary needs",
        "Accessibility needs",
        "I agree to the privacy notice",
    ):
        assert label in found
    assert ">Accept</button>" in html and ">Decline</button>" in html
    assert "Add another delegate" in html
    assert "Cloud security" in html and "3 places left" in html
    assert 'id="privacy-notice"' in html
    assert 'name="viewport"' in html
    invitation.refresh_from_db()
    assert invitation.status == "opened"


def test_rsvp_page_unknown_token_is_friendly_404(client):
    response = client.get("/rsvp/" + "A" * 43 + "/")
    assert response.status_code == 404
    assert "We cannot find this link" in response.content.decode()
    assert client.get("/my/not-a-token/").status_code == 404


def test_rsvp_page_accept_registers_and_shows_confirmation(client):
    invitation = InvitationFactory(seats=2)
    response = client.post(rsvp_url(invitation), {"action": "accept", "rows": "1", **delegate_form()}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 delegate registered" in html
    assert "Ngozi Okafor" in html and "Confirmed" in html
    registration = Registration.objects.get()
    assert (registration.dietary, registration.accessibility) == ("Halal", "Step-free access")
    assert f"/my/{registration.token}/" in html
    assert "Add delegates" in html  # one seat left


def test_rsvp_page_errors_are_shown_beside_fields_and_nothing_is_saved(client):
    invitation = InvitationFactory(seats=2)
    data = {"action": "accept", "rows": "2", **delegate_form(0), **delegate_form(1, email="bad", consent=None)}
    response = client.post(rsvp_url(invitation), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="d-1-email-error"' in html
    assert 'id="d-1-consent-error"' in html
    assert 'id="d-0-email-error"' not in html
    assert 'value="Ngozi"' in html  # what was typed is kept
    assert not Registration.objects.exists()


def test_rsvp_page_add_row_keeps_values_up_to_the_seats(client):
    invitation = InvitationFactory(seats=2)
    response = client.post(rsvp_url(invitation), {"action": "add", "rows": "1", **delegate_form(0)})
    html = response.content.decode()
    assert "Delegate 2" in html and 'value="ngozi0@example.org"' in html
    assert "Add another delegate" not in html  # two seats, two rows
    assert not Registration.objects.exists()


def test_rsvp_page_blank_extra_row_is_ignored(client):
    invitation = InvitationFactory(seats=3)
    response = client.post(rsvp_url(invitation), {"action": "accept", "rows": "2", **delegate_form(0)})
    assert response.status_code == 302
    assert Registration.objects.count() == 1


def test_rsvp_page_full_workshop_shows_error_and_saves_nothing(client):
    invitation = InvitationFactory(seats=1)
    workshop = WorkshopFactory(conference=invitation.conference, capacity=1)
    services.accept_invitation(
        invitation=InvitationFactory(conference=invitation.conference),
        delegates=[delegate_data(workshops=[workshop.pk])],
    )
    data = {"action": "accept", "rows": "1", **delegate_form(0), "d-0-workshops": str(workshop.pk)}
    response = client.post(rsvp_url(invitation), data)
    assert response.status_code == 409
    assert "is full" in response.content.decode()
    assert not invitation.registrations.exists()


def test_rsvp_page_decline(client):
    invitation = InvitationFactory()
    response = client.post(rsvp_url(invitation), {"action": "decline"}, follow=True)
    assert "you have declined" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "declined"
    assert "You have declined this invitation" in client.get(rsvp_url(invitation)).content.decode()


def test_rsvp_page_after_close_is_friendly_and_expires(client):
    conference = ConferenceFactory(registration_closes_at=timezone.now() - dt.timedelta(hours=1))
    invitation = InvitationFactory(conference=conference, status="sent")
    response = client.get(rsvp_url(invitation))
    assert response.status_code == 200
    assert "Registration has closed" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.EXPIRED
    response = client.post(rsvp_url(invitation), {"action": "accept", "rows": "1", **delegate_form()})
    assert "Registration has closed" in response.content.decode()
    assert not Registration.objects.exists()


def test_manage_page_shows_details_workshops_and_personal_links(client):
    conference = ConferenceFactory()
    workshop = WorkshopFactory(conference=conference, title="Data ethics lab")
    (registration,) = services.accept_invitation(
        invitation=InvitationFactory(conference=conference), delegates=[delegate_data(workshops=[workshop.pk])]
    )
    html = client.get(f"/my/{registration.token}/").content.decode()
    base = f"/my/{registration.token}/"
    for link in (f"{base}badge.pdf", f"{base}agenda/", f"{base}agenda.ics", f"{base}cancel/"):
        assert f'href="http://127.0.0.1:8000{link}"' in html or f'href="{link}"' in html
    assert "Data ethics lab" in html
    assert "You are registered" in html
    assert 'value="' + registration.email + '"' in html


def test_manage_page_edit_saves_and_shows_errors(client):
    registration = RegistrationFactory()
    data = {"first_name": "Ιωάννα", "last_name": "Παπαδοπούλου", "email": registration.email, "badge_name": "Ιωάννα"}
    response = client.post(f"/my/{registration.token}/", data, follow=True)
    assert "Your changes are saved" in response.content.decode()
    registration.refresh_from_db()
    assert registration.first_name == "Ιωάννα"
    response = client.post(f"/my/{registration.token}/", {**data, "email": "nope"})
    assert response.status_code == 400
    assert 'id="id-email-error"' in response.content.decode()


def test_manage_page_cancel_frees_the_place(client):
    conference = ConferenceFactory(capacity=1)
    (mine,) = services.accept_invitation(
        invitation=InvitationFactory(conference=conference), delegates=[delegate_data()]
    )
    (waiting,) = services.accept_invitation(
        invitation=InvitationFactory(conference=conference), delegates=[delegate_data()]
    )
    assert "waiting list, number 1" in client.get(f"/my/{waiting.token}/").content.decode()
    confirm = client.get(f"/my/{mine.token}/cancel/")
    assert "Yes, cancel my registration" in confirm.content.decode()
    response = client.post(f"/my/{mine.token}/cancel/", follow=True)
    assert "Your registration is cancelled" in response.content.decode()
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.status == "cancelled" and waiting.status == "confirmed"
    assert OutboxMessage.objects.filter(purpose="waitlist_offer", registration=waiting).exists()


def test_rsvp_page_before_registration_opens_says_when_and_does_not_expire(client):
    opens = timezone.now() + dt.timedelta(days=2)
    conference = ConferenceFactory(registration_opens_at=opens)
    invitation = InvitationFactory(conference=conference, status="sent")
    response = client.get(rsvp_url(invitation))
    html = response.content.decode()
    assert "Registration is not open yet" in html
    assert f"opens on {timezone.localtime(opens, conference.tz).day} " in html
    invitation.refresh_from_db()
    assert invitation.status == "opened"


def test_rsvp_page_uses_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    invitation = InvitationFactory(seats=10)
    workshops = [WorkshopFactory(conference=invitation.conference) for _ in range(5)]
    services.accept_invitation(invitation=invitation, delegates=[delegate_data(workshops=[w.pk]) for w in workshops])
    with django_assert_max_num_queries(10):
        response = client.get(rsvp_url(invitation))
    assert response.content.decode().count("Manage ") >= 5


def test_rsvp_page_formset_posts_with_the_management_form_and_keeps_to_the_seats(client):
    invitation = InvitationFactory(seats=2)
    management = {"d-TOTAL_FORMS": "5", "d-INITIAL_FORMS": "0"}
    response = client.post(rsvp_url(invitation), {"action": "add", **management, **delegate_form(0)})
    html = response.content.decode()
    assert 'name="d-TOTAL_FORMS" value="2"' in html
    assert "Delegate 2" in html and "Delegate 3" not in html
    data = {"action": "accept", **management, **delegate_form(0), **delegate_form(1), **delegate_form(2)}
    assert client.post(rsvp_url(invitation), data).status_code == 302
    assert sorted(invitation.registrations.values_list("email", flat=True)) == [
        "ngozi0@example.org",
        "ngozi1@example.org",
    ]


def test_rsvp_page_add_another_delegate_focuses_the_new_first_name(client):
    invitation = InvitationFactory(seats=3)
    html = client.get(rsvp_url(invitation)).content.decode()
    assert "autofocus" not in html
    html = client.post(rsvp_url(invitation), {"action": "add", "rows": "1", **delegate_form(0)}).content.decode()
    assert re.search(r'<input[^>]*name="d-1-first_name"[^>]*autofocus', html)
    assert html.count("autofocus") == 1
