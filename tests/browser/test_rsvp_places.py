"""The RSVP page on a phone when places run out: said before the form, a waitlisted answer, a decline asked twice."""

import pytest

from registration import services
from registration.models import Invitation
from tests.browser.axe import assert_accessible
from tests.browser.test_rsvp import fill_delegate
from tests.factories import ConferenceFactory, InvitationFactory, delegate_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_full_conference_says_so_and_a_waitlisted_answer_is_not_a_success(page, live_server):
    conference = ConferenceFactory(capacity=1)
    services.accept_invitation(invitation=InvitationFactory(conference=conference), delegates=[delegate_data()])
    invitation = InvitationFactory(conference=conference, seats=1)

    page.goto(f"{live_server.url}/rsvp/{invitation.token}/")
    notice = page.locator("#full-notice")
    assert "The conference is full" in notice.inner_text()
    # Said before the form, not after it.
    assert notice.evaluate("(el) => !!(el.compareDocumentPosition(document.querySelector('.rsvp-form')) & 4)")
    assert_accessible(page)

    group = page.get_by_role("group", name="Delegate 1")
    fill_delegate(group, "Zoë", "Ångström", "zoe@example.org")
    group.get_by_label("I agree to the privacy notice").check()
    page.get_by_role("button", name="Accept").click()

    status = page.get_by_role("status")
    assert "on the waiting list, not registered yet" in status.inner_text()
    assert "Thank you" not in status.inner_text()
    # Not green: the warning's colour, not the success's.
    border = page.locator(".messages li").evaluate("(el) => getComputedStyle(el).borderLeftColor")
    assert border == "rgb(161, 98, 7)"
    assert "Waiting list" in page.locator("#delegates").inner_text()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_declining_with_delegates_asks_a_second_time_naming_them(page, live_server):
    invitation = InvitationFactory(seats=2)
    services.accept_invitation(
        invitation=invitation,
        delegates=[
            delegate_data(first_name="Ada", last_name="Lovelace"),
            delegate_data(first_name="Bo", last_name="Li"),
        ],
    )
    page.goto(f"{live_server.url}/rsvp/{invitation.token}/")
    page.get_by_role("button", name="Decline").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Decline and cancel your delegates?"
    named = page.locator("#cancelled-delegates").inner_text()
    assert "Ada Lovelace" in named and "Bo Li" in named
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    invitation.refresh_from_db()
    assert invitation.status == "accepted"

    # Changing one's mind keeps them.
    page.get_by_role("link", name="Keep my delegates").click()
    assert page.locator("#delegates").inner_text().count("Confirmed") == 2

    page.get_by_role("button", name="Decline").click()
    page.get_by_role("button", name="Decline and cancel 2 delegates").click()
    assert "you have declined" in page.get_by_role("status").inner_text()
    assert_accessible(page)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    assert set(invitation.registrations.values_list("status", flat=True)) == {"cancelled"}


def test_the_decline_confirmation_works_without_javascript(browser, live_server):
    invitation = InvitationFactory(seats=1)
    services.accept_invitation(invitation=invitation, delegates=[delegate_data(first_name="Ada", last_name="Lovelace")])
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/rsvp/{invitation.token}/")
        page.get_by_role("button", name="Decline").click()
        page.get_by_role("button", name="Decline and cancel Ada Lovelace").click()
        assert "you have declined" in page.get_by_role("status").inner_text()
    finally:
        context.close()
    invitation.refresh_from_db()
    assert invitation.status == "declined"
