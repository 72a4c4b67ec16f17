"""The organiser's delegates page on a phone: filter the waiting list, confirm a VIP over capacity, substitute."""

import pytest

from registration import services
from registration.models import Registration
from tests.browser.axe import assert_accessible
from tests.conftest import login
from tests.factories import ConferenceFactory, InvitationFactory, OrganiserFactory, delegate_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_organiser_confirms_a_waitlisted_vip_and_substitutes_a_delegate(page, live_server):
    conference = ConferenceFactory(capacity=1, capacity_exempt_categories=[], reserved_places={})
    (ada,) = services.accept_invitation(
        invitation=InvitationFactory(conference=conference, seats=1),
        delegates=[delegate_data(first_name="Ada", last_name="Lovelace")],
    )
    (mayor,) = services.accept_invitation(
        invitation=InvitationFactory(conference=conference, category="vip", seats=1),
        delegates=[delegate_data(first_name="Richard", last_name="Parker")],
    )
    assert mayor.status == "waitlisted"
    organiser = OrganiserFactory()
    login(page, live_server, organiser.username, next_url=f"/organiser/{conference.slug}/delegates/")

    assert page.get_by_role("heading", level=1).inner_text() == "Delegates"
    assert_accessible(page)
    page.get_by_label("Status").select_option("waitlisted")
    page.get_by_role("button", name="Show delegates").click()
    assert (
        "1 delegate on the waiting list, in order"
        in page.get_by_role("heading", level=2, name="1 delegate").inner_text()
    )
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.get_by_role("link", name="Confirm Richard Parker over capacity").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Confirm Richard Parker over capacity?"
    assert_accessible(page)
    page.get_by_role("button", name="Confirm Richard Parker").click()
    assert "Richard Parker is confirmed" in page.get_by_role("status").inner_text()
    assert_accessible(page)
    assert Registration.objects.get(pk=mayor.pk).status == "confirmed"

    page.get_by_role("link", name="Substitute a colleague for Ada Lovelace").click()
    page.get_by_label("First name").fill("Bilal")
    page.get_by_label("Last name").fill("Khan")
    page.get_by_label("E-mail").fill("not an address")
    page.get_by_role("button", name="Substitute").click()
    assert page.get_by_label("E-mail").get_attribute("aria-invalid") == "true"
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_label("E-mail").fill("bilal.khan@example.org")
    page.get_by_role("button", name="Substitute").click()
    assert "Bilal Khan takes Ada Lovelace" in page.get_by_role("status").inner_text()
    assert Registration.objects.get(pk=ada.pk).status == "cancelled"
    assert Registration.objects.get(email="bilal.khan@example.org").status == "confirmed"
