"""The invitee's journey on a phone: the link in the invitation e-mail, accept with two delegates, the confirmation."""

import re

import pytest

from registration import services
from registration.models import Invitation, OutboxMessage, Registration
from tests.factories import ConferenceFactory, DraftInvitationFactory, WorkshopFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def link_from_outbox(invitation, live_server):
    message = OutboxMessage.objects.get(invitation=invitation, purpose="invitation")
    path = re.search(r"https?://[^/\s]+(/rsvp/[A-Za-z0-9_-]+/)", message.body_text).group(1)
    assert path in message.body_html
    return live_server.url + path


def fill_delegate(group, first, last, email, dietary=""):
    group.get_by_label("First name").fill(first)
    group.get_by_label("Last name").fill(last)
    group.get_by_label("E-mail").fill(email)
    group.get_by_label("Job title").fill("Director")
    if dietary:
        group.get_by_label("Dietary needs").fill(dietary)


def test_rsvp_on_a_phone_from_email_link_to_confirmation(page, live_server):
    conference = ConferenceFactory(name="COG Annual Conference 2027", capacity=50)
    workshop = WorkshopFactory(conference=conference, title="Cloud security clinic", capacity=4)
    invitation = DraftInvitationFactory(conference=conference, seats=2, contact_name="Aisha Rahman")
    services.send_invitations(conference=conference)

    page.goto(link_from_outbox(invitation, live_server))
    assert page.get_by_role("heading", level=1).inner_text() == "COG Annual Conference 2027"
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.OPENED

    first = page.get_by_role("group", name="Delegate 1")
    fill_delegate(first, "Aisha", "Rahman", "aisha@example.org", dietary="Halal")
    first.get_by_label("Cloud security clinic").check()
    page.get_by_role("button", name="Add another delegate").click()

    # The second row arrives with the first one's answers kept.
    assert page.get_by_role("group", name="Delegate 1").get_by_label("First name").input_value() == "Aisha"
    second = page.get_by_role("group", name="Delegate 2")
    fill_delegate(second, "Zoë", "Ångström", "zoe@example.org")
    page.get_by_role("group", name="Delegate 1").get_by_label("I agree to the privacy notice").check()
    # The second delegate's consent is forgotten: the error shows beside that box and nothing is saved.
    page.get_by_role("button", name="Accept").click()
    assert page.locator("#d-1-consent-error").is_visible()
    assert not Registration.objects.exists()

    second = page.get_by_role("group", name="Delegate 2")
    second.get_by_label("I agree to the privacy notice").check()
    # Enter in a field accepts (it does not add another row).
    second.get_by_label("Job title").press("Enter")

    status = page.get_by_role("status")
    assert "2 delegates registered" in status.inner_text()
    delegates = page.locator("#delegates")
    assert "Aisha Rahman" in delegates.inner_text() and "Zoë Ångström" in delegates.inner_text()
    assert delegates.inner_text().count("Confirmed") == 2
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    aisha = Registration.objects.get(email="aisha@example.org")
    assert list(aisha.workshops.all()) == [workshop]
    assert aisha.dietary == "Halal"
    confirmation = OutboxMessage.objects.get(registration=aisha, purpose="confirmation")
    assert confirmation.state == "sent"

    # The personal link in the confirmation opens "my registration".
    manage = re.search(r"https?://[^/\s]+(/my/[A-Za-z0-9_-]+/)\s", confirmation.body_text).group(1)
    page.goto(live_server.url + manage)
    assert page.get_by_role("heading", name="My registration").is_visible()
    assert page.get_by_role("link", name="Download my badge (PDF)").get_attribute("href").endswith(manage + "badge.pdf")
    assert "Cloud security clinic" in page.get_by_role("region", name="My workshops").inner_text()
