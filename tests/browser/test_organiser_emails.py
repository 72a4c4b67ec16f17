"""The organiser's e-mails on a phone: edit the confirmation, see the next one use it, message the confirmed."""

import pytest

from registration import services
from registration.models import OutboxMessage
from tests.browser.axe import assert_accessible
from tests.conftest import login
from tests.factories import ConferenceFactory, InvitationFactory, OrganiserFactory, delegate_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_organiser_edits_the_confirmation_and_messages_the_confirmed(page, live_server):
    conference = ConferenceFactory(name="COG Annual Conference 2027", capacity=1)
    organiser = OrganiserFactory()
    login(page, live_server, organiser.username, next_url=f"/organiser/{conference.slug}/emails/")
    assert page.get_by_role("heading", level=1).inner_text() == "E-mails"
    assert_accessible(page)

    page.get_by_role("link", name="A delegate is registered (with the calendar entry)").click()
    page.get_by_label("Subject").fill("See you soon, {first_name}")
    page.get_by_label("Message").fill("Dear {first_name},\n\nYour place at {conference} is confirmed.\n\n{manage_url}")
    page.get_by_role("button", name="Preview").click()
    assert page.locator("#preview-subject").inner_text() == "See you soon, Alex"
    assert "Your place at COG Annual Conference 2027 is confirmed." in page.locator("#preview-body").inner_text()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_label("Message").fill("Dear {first_name}, {shoe_size}")
    page.get_by_role("button", name="Save").click()
    assert "not a placeholder of this message" in page.locator(".errorlist").inner_text()
    assert_accessible(page)
    page.get_by_label("Message").fill("Dear {first_name},\n\nYour place at {conference} is confirmed.\n\n{manage_url}")
    page.get_by_role("button", name="Save").click()
    assert "Saved" in page.get_by_role("status").inner_text()

    # An RSVP arrives: its confirmation uses the new wording.
    (ada,) = services.accept_invitation(
        invitation=InvitationFactory(conference=conference, seats=1), delegates=[delegate_data(first_name="Ada")]
    )
    services.accept_invitation(
        invitation=InvitationFactory(conference=conference, seats=1), delegates=[delegate_data(first_name="Bo")]
    )
    assert OutboxMessage.objects.get(registration=ada, purpose="confirmation").subject == "See you soon, Ada"

    page.goto(f"{live_server.url}/organiser/{conference.slug}/emails/compose/")
    page.get_by_label("Confirmed").check()
    page.get_by_label("Subject").fill("Joining instructions")
    page.get_by_label("Message").fill("Dear {first_name}, doors open at 8:30. Your badge: {badge_url}")
    page.get_by_role("button", name="Count the recipients").click()
    assert "goes to 1 delegate" in page.locator("#recipient-count").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Send to 1 delegate").click()
    assert "1 message queued" in page.get_by_role("status").inner_text()
    assert "Joining instructions" in page.get_by_role("region", name="Outbox").inner_text()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    (message,) = OutboxMessage.objects.filter(purpose="message")
    assert message.to == ada.email and message.body_text.startswith("Dear Ada, doors open at 8:30.")


def test_organiser_retries_a_failed_message_from_the_outbox(page, live_server):
    from registration import emails

    conference = ConferenceFactory()
    message = emails.invitation_email(InvitationFactory(conference=conference), dispatch=False)
    OutboxMessage.objects.filter(pk=message.pk).update(
        state="failed", attempts=12, last_error="SMTPServerDisconnected: Connection unexpectedly closed"
    )
    login(page, live_server, OrganiserFactory().username, next_url=f"/organiser/{conference.slug}/emails/")
    outbox = page.get_by_role("region", name="Outbox")
    assert "Connection unexpectedly closed" in outbox.inner_text()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("button", name=f"Retry the message to {message.to} now").click()
    assert "1 message will be sent again in a moment." in page.get_by_role("status").inner_text()
    assert_accessible(page)
    message.refresh_from_db()
    assert message.state in ("pending", "sending", "sent")  # handed to the sender; no longer given up
