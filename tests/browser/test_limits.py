"""The pages of the limits at phone size: a locked-out login, and the token endpoints' 429 page."""

import pytest

from tests.browser.axe import assert_accessible
from tests.factories import InvitationFactory, OrganiserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_page_says_the_username_is_locked_out(page, live_server):
    organiser = OrganiserFactory()
    page.goto(live_server.url + "/accounts/login/")
    for _ in range(10):
        page.get_by_label("Username").fill(organiser.username)
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    alert = page.get_by_role("alert")
    assert "Too many failed logins for this username: try again in 15 minutes" in alert.inner_text()
    assert page.url.endswith("/accounts/login/")
    assert_accessible(page)


def test_rsvp_page_past_the_rate_shows_the_429_page(page, live_server):
    from rest_framework.throttling import SimpleRateThrottle

    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = {**original, "token": "1/minute"}
    try:
        invitation = InvitationFactory(seats=1)
        page.goto(f"{live_server.url}/rsvp/{invitation.token}/")
        page.get_by_role("button", name="Decline").click()
        page.wait_for_load_state()
        page.goto(f"{live_server.url}/rsvp/{invitation.token}/")
        page.get_by_role("button", name="Accept", exact=True).click()
        page.wait_for_load_state()
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original
    assert page.get_by_role("heading", level=1).inner_text() == "Too many requests"
    assert "Wait" in page.get_by_role("alert").inner_text()
    assert_accessible(page)
