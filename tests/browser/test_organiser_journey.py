"""An organiser's whole journey on a phone, from the login page, without the admin.

Import a CSV (preview first), send with the count shown, watch an RSVP arrive
(the invitee answers on the real RSVP page in a second browser), confirm a
waitlisted VIP over capacity, edit the confirmation and see the next one use
it, send joining instructions to the confirmed delegates and see them in the
outbox. axe-core checks every page on the way.
"""

import re

import pytest

from conference.plumbing.background import runner
from registration.models import Invitation, OutboxMessage, Registration
from tests.browser.axe import assert_accessible
from tests.browser.test_rsvp import fill_delegate
from tests.conftest import login
from tests.factories import ConferenceFactory, InvitationFactory, OrganisationFactory, OrganiserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = (
    "organisation,organisation_kind,contact_name,email,category,seats\r\n"
    "Acme Robotics Ltd,company,Priya Shah,priya@acme.example,company,1\r\n"
    "Birmingham City Council,public_body,Tom Reid,tom@council.example,vip,1\r\n"
    "COG,partner,Sam Patel,sam@cog.example,staff,1\r\n"
)


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def check(page):
    assert_accessible(page)
    assert fits(page), f"{page.url} is wider than the phone"


def rsvp(browser, live_server, email, first, last):
    """The invitee follows the link in their invitation and accepts on the real RSVP page (another browser)."""
    message = OutboxMessage.objects.get(to=email, purpose="invitation")
    path = re.search(r"https?://[^/\s]+(/rsvp/[A-Za-z0-9_-]+/)", message.body_text).group(1)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    invitee = context.new_page()
    invitee.goto(live_server.url + path)
    group = invitee.get_by_role("group", name="Delegate 1")
    fill_delegate(group, first, last, email)
    group.get_by_label("I agree to the privacy notice").check()
    invitee.get_by_role("button", name="Accept").click()
    answer = invitee.get_by_role("status").inner_text()
    context.close()
    return answer


def test_organiser_journey_from_login_to_joining_instructions(page, browser, live_server):
    # Capacity 1; staff are exempt, a VIP is not: the Council's VIP will wait behind Acme.
    conference = ConferenceFactory(
        name="COG Annual Conference 2027", capacity=1, capacity_exempt_categories=["staff"], reserved_places={}
    )
    organiser = OrganiserFactory()
    login(page, live_server, organiser.username, next_url="/organiser/")
    assert page.get_by_role("heading", level=1).inner_text() == "Organiser overview"
    check(page)

    # Import: the sample file, then our list; a preview before anything is created.
    page.get_by_role("link", name="Invitations", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Invitations"
    check(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download a sample CSV").click()
    with open(download.value.path(), encoding="utf-8") as sample:
        assert sample.readline().strip() == "organisation,organisation_kind,contact_name,email,category,seats"
    page.get_by_label("Invitation list (CSV or .xlsx)").set_input_files(
        files=[{"name": "invitations.csv", "mimeType": "text/csv", "buffer": CSV.encode()}]
    )
    page.get_by_role("button", name="Preview the import").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Preview the import"
    assert "3 invitations for 3 seats, 3 organisations" in page.locator("main").inner_text()
    categories = page.get_by_role("table", name="Invitations per category").inner_text()
    assert "VIP\t1" in categories and "Staff\t1" in categories and "Company\t1" in categories
    assert not Invitation.objects.exists()
    check(page)
    page.get_by_role("button", name="Import 3 invitations").click()
    assert "Imported 3 invitations as drafts" in page.get_by_role("status").inner_text()
    assert set(Invitation.objects.filter(conference=conference).values_list("status", flat=True)) == {"draft"}
    check(page)

    # Send, with the number of people and the e-mail shown first.
    page.get_by_role("link", name="Send 3 draft invitations").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Send 3 invitations?"
    assert "This e-mails 3 people" in page.locator("#send-count").inner_text()
    assert "COG Annual Conference 2027" in page.locator("#email-body").inner_text()
    check(page)
    page.get_by_role("button", name="Send 3 invitations").click()
    assert "3 invitations queued" in page.get_by_role("status").inner_text()
    runner.flush()  # the background runner writes the e-mails after the request has answered
    assert OutboxMessage.objects.filter(purpose="invitation").count() == 3

    # An RSVP arrives: Acme's Priya accepts and takes the one place.
    assert "registered" in rsvp(browser, live_server, "priya@acme.example", "Priya", "Shah")
    page.get_by_role("link", name="Overview", exact=True).click()
    accepted = page.get_by_role("link", name=re.compile(r"^Accepted\s*1$"))
    accepted.click()
    assert "1 invitation matches" in page.get_by_role("heading", level=2, name=re.compile("invitation")).inner_text()
    assert "Priya Shah" in page.locator("table.invitations").inner_text()
    check(page)

    # The Council's VIP answers too late for a place, and waits; the organiser lets them in.
    assert "waiting list" in rsvp(browser, live_server, "tom@council.example", "Tom", "Reid")
    page.get_by_role("link", name="Overview", exact=True).click()
    page.get_by_role("link", name=re.compile(r"^Waiting list\s*1$")).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Delegates"
    page.get_by_role("link", name="Confirm Tom Reid over capacity").click()
    check(page)
    page.get_by_role("button", name="Confirm Tom Reid").click()
    assert "Tom Reid is confirmed" in page.get_by_role("status").inner_text()
    assert Registration.objects.get(email="tom@council.example").status == "confirmed"
    check(page)

    # The confirmation's wording, edited: the next confirmation uses it.
    page.get_by_role("link", name="E-mails", exact=True).click()
    check(page)
    page.get_by_role("link", name="A delegate is registered (with the calendar entry)").click()
    page.get_by_label("Subject").fill("You are in, {first_name}")
    page.get_by_label("Message").fill("Dear {first_name},\n\nSee you at {conference}.\n\n{manage_url}")
    page.get_by_role("button", name="Save").click()
    assert "Saved" in page.get_by_role("status").inner_text()
    check(page)
    assert "registered" in rsvp(browser, live_server, "sam@cog.example", "Sam", "Patel")
    assert OutboxMessage.objects.get(to="sam@cog.example", purpose="confirmation").subject == "You are in, Sam"
    page.get_by_role("link", name="E-mails", exact=True).click()
    assert "You are in, Sam" in page.get_by_role("region", name="Outbox").inner_text()

    # Joining instructions to every confirmed delegate, counted before they go.
    page.get_by_role("link", name="Write a message to a chosen group").click()
    page.get_by_label("Confirmed").check()
    page.get_by_label("Subject").fill("Joining instructions")
    page.get_by_label("Message").fill("Dear {first_name}, doors open at 8:30. Your badge: {badge_url}")
    page.get_by_role("button", name="Count the recipients").click()
    assert "goes to 3 delegates" in page.locator("#recipient-count").inner_text()
    check(page)
    page.get_by_role("button", name="Send to 3 delegates").click()
    assert "3 messages queued" in page.get_by_role("status").inner_text()
    assert page.get_by_role("region", name="Outbox").inner_text().count("Joining instructions") == 3
    check(page)
    sent_to = set(OutboxMessage.objects.filter(purpose="message").values_list("to", flat=True))
    assert sent_to == {"priya@acme.example", "tom@council.example", "sam@cog.example"}

    # One organisation's page: its invitation, its delegate, the e-mails sent to them.
    page.get_by_role("link", name="Invitations", exact=True).click()
    page.get_by_role("link", name="Birmingham City Council").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Birmingham City Council"
    emails = page.get_by_role("region", name=re.compile("E-mails sent to them")).inner_text()
    assert "Joining instructions" in emails and "tom@council.example" in emails
    check(page)


def test_invitations_page_status_is_on_screen_at_1366_and_on_a_phone(browser, live_server):
    conference = ConferenceFactory()
    for n in range(3):
        InvitationFactory(
            conference=conference,
            organisation=OrganisationFactory(name=f"The Very Long Named West Midlands Organisation Number {n} Ltd"),
            contact_name="Maximilian Alexander Fotheringham-Smythe",
            email=f"maximilian.alexander.fotheringham-smythe.{n}@a-very-long-domain-name.example.org",
        )
    organiser = OrganiserFactory()
    for width, height in ((1366, 768), (390, 844)):
        context = browser.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(10_000)
        page = context.new_page()
        login(page, live_server, organiser.username, next_url=f"/organiser/{conference.slug}/invitations/")
        status = page.locator("table.invitations tbody tr").first.locator("td[data-label=Status]")
        box = status.bounding_box()
        assert box and box["x"] + box["width"] <= width, f"the status is off-screen at {width} px"
        assert fits(page)
        assert_accessible(page)
        context.close()


def test_a_bad_import_shows_the_error_table_on_a_phone(page, live_server):
    conference = ConferenceFactory()
    login(page, live_server, OrganiserFactory().username, next_url=f"/organiser/{conference.slug}/invitations/")
    bad = CSV.replace("tom@council.example", "not an address").replace("staff,1", "royalty,0")
    page.get_by_label("Invitation list (CSV or .xlsx)").set_input_files(
        files=[{"name": "invitations.csv", "mimeType": "text/csv", "buffer": bad.encode()}]
    )
    page.get_by_role("button", name="Preview the import").click()
    assert page.get_by_role("heading", level=1).inner_text() == "The file has errors"
    errors = page.get_by_role("table", name="Errors, row by row (row 1 is the header)").inner_text()
    assert "not a valid e-mail address" in errors and "is not a category" in errors
    assert not Invitation.objects.exists()
    check(page)


def test_on_a_phone_the_pages_say_a_send_is_being_prepared(browser, live_server):
    from registration import services

    conference = ConferenceFactory()
    for n in range(3):
        InvitationFactory(conference=conference, status=Invitation.Status.DRAFT, email=f"contact{n}@example.org")
    # Sent, and its e-mails not written yet: nothing runs the hand-over in this test (no background thread).
    assert services.send_invitations(conference=conference) == 3
    assert not OutboxMessage.objects.filter(purpose="invitation").exists()
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        login(page, live_server, OrganiserFactory().username, next_url=f"/organiser/{conference.slug}/invitations/")
        assert page.locator("#emails-preparing").inner_text().startswith("The e-mails are being prepared: 3 to go.")
        check(page)
        page.goto(f"{live_server.url}/organiser/{conference.slug}/emails/")
        assert "Invitation e-mails are being prepared: 3 to go." in page.locator("#emails-preparing").inner_text()
        check(page)
    finally:
        context.close()
