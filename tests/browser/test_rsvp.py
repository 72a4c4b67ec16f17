"""The invitee's journey on a phone: the link in the invitation e-mail, accept with two delegates, the confirmation."""

import re

import pytest

from conference.plumbing.background import runner
from registration import services
from registration.models import Invitation, OutboxMessage, Registration
from registration.outbox.background import sender
from tests.browser.axe import assert_accessible
from tests.factories import (
    ConferenceFactory,
    DraftInvitationFactory,
    InvitationFactory,
    WorkshopFactory,
    delegate_data,
)

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
    runner.flush()  # the background runner has written the e-mail to the outbox

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
    sender.flush()  # the background sender has sent it
    confirmation = OutboxMessage.objects.get(registration=aisha, purpose="confirmation")
    assert confirmation.state == "sent"

    # The personal link in the confirmation opens "my registration".
    manage = re.search(r"https?://[^/\s]+(/my/[A-Za-z0-9_-]+/)\s", confirmation.body_text).group(1)
    page.goto(live_server.url + manage)
    assert page.get_by_role("heading", name="My registration").is_visible()
    assert page.get_by_role("link", name="Download my badge (PDF)").get_attribute("href").endswith(manage + "badge.pdf")
    assert "Cloud security clinic" in page.get_by_role("region", name="My workshops").inner_text()


# Accessibility at phone size (axe-core), in every state a person sees.


def test_rsvp_page_is_accessible_fresh_after_an_error_and_after_adding_a_delegate(page, live_server):
    conference = ConferenceFactory(capacity=50)
    WorkshopFactory(conference=conference, title="Cloud security clinic", capacity=4)
    WorkshopFactory(conference=conference, title="Data ethics lab", capacity=0)
    invitation = DraftInvitationFactory(conference=conference, seats=3)
    services.send_invitations(conference=conference)
    runner.flush()  # the background runner has written the e-mail to the outbox
    page.goto(link_from_outbox(invitation, live_server))
    assert_accessible(page)

    fill_delegate(page.get_by_role("group", name="Delegate 1"), "Aisha", "Rahman", "not-an-email")
    page.get_by_role("button", name="Accept").click()
    first = page.get_by_role("group", name="Delegate 1")
    assert first.get_by_label("E-mail").get_attribute("aria-invalid") == "true"
    assert page.locator("#d-0-consent-error").is_visible()
    assert_accessible(page)

    first.get_by_label("E-mail").fill("aisha@example.org")
    page.get_by_role("button", name="Add another delegate").click()
    second = page.get_by_role("group", name="Delegate 2")
    # The keyboard's focus is on the new delegate's first field.
    assert page.evaluate("document.activeElement.id") == "d-1-first_name"
    assert second.get_by_label("First name").evaluate("(el) => el === document.activeElement")
    assert page.get_by_role("group", name="Delegate 1").get_by_label("E-mail").input_value() == "aisha@example.org"
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_rsvp_confirmation_message_is_accessible(page, live_server):
    invitation = InvitationFactory(seats=1)
    page.goto(f"{live_server.url}/rsvp/{invitation.token}/")
    group = page.get_by_role("group", name="Delegate 1")
    fill_delegate(group, "Zoë", "Ångström", "zoe@example.org")
    group.get_by_label("I agree to the privacy notice").check()
    page.get_by_role("button", name="Accept").click()
    assert "1 delegate registered" in page.get_by_role("status").inner_text()
    assert_accessible(page)


def test_manage_page_is_accessible_confirmed_waitlisted_and_after_an_error(page, live_server):
    conference = ConferenceFactory(capacity=1)
    workshop = WorkshopFactory(conference=conference, title="Cloud security clinic", capacity=1)
    WorkshopFactory(conference=conference, title="Data ethics lab", capacity=5)
    (mine,) = services.accept_invitation(
        invitation=InvitationFactory(conference=conference), delegates=[delegate_data(workshops=[workshop.pk])]
    )
    (waiting,) = services.accept_invitation(
        invitation=InvitationFactory(conference=conference), delegates=[delegate_data()]
    )
    page.goto(f"{live_server.url}/my/{mine.token}/")
    assert page.get_by_role("heading", name="My registration").is_visible()
    assert page.get_by_label("Cloud security clinic").is_checked()
    assert_accessible(page)

    page.get_by_label("E-mail").fill("nope")
    page.get_by_role("button", name="Save my changes").click()
    assert page.get_by_label("E-mail").get_attribute("aria-invalid") == "true"
    assert_accessible(page)

    page.get_by_label("E-mail").fill("mine@example.org")
    page.get_by_role("button", name="Save my changes").click()
    assert "Your changes are saved" in page.get_by_role("status").inner_text()
    assert_accessible(page)

    page.goto(f"{live_server.url}/my/{waiting.token}/")
    assert "waiting list, number 1" in page.locator(".status-box").inner_text()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
