"""The RSVP page and places: a full conference says so, a waitlisted answer is no success, a decline asks first."""

import pytest

from registration import services
from registration.models import Registration
from tests.factories import ConferenceFactory, InvitationFactory, delegate_data
from tests.registration.test_pages import delegate_form, rsvp_url

pytestmark = pytest.mark.django_db


def test_rsvp_page_says_before_the_form_that_a_full_conference_waitlists(client):
    conference = ConferenceFactory(capacity=1)
    services.accept_invitation(invitation=InvitationFactory(conference=conference), delegates=[delegate_data()])
    invitation = InvitationFactory(conference=conference, category="company")
    page = client.get(rsvp_url(invitation)).content.decode()
    assert "The conference is full" in page
    assert page.index("The conference is full") < page.index('class="rsvp-form"')


def test_rsvp_page_of_a_full_conference_does_not_warn_an_exempt_or_reserved_category(client):
    conference = ConferenceFactory(capacity=2, reserved_places={"sponsor": 1})
    services.accept_invitation(invitation=InvitationFactory(conference=conference), delegates=[delegate_data()])
    for category in ("vip", "sponsor"):
        page = client.get(rsvp_url(InvitationFactory(conference=conference, category=category))).content.decode()
        assert "The conference is full" not in page
    page = client.get(rsvp_url(InvitationFactory(conference=conference, category="partner"))).content.decode()
    assert "The conference is full" in page


def test_a_waitlisted_answer_is_a_warning_not_a_thank_you(client):
    conference = ConferenceFactory(capacity=1)
    invitation = InvitationFactory(conference=conference, seats=2)
    data = {"action": "accept", "rows": "2", **delegate_form(0), **delegate_form(1)}
    response = client.post(rsvp_url(invitation), data, follow=True)
    page = response.content.decode()
    assert (
        '<li class="warning">1 delegate registered. The conference is full: 1 delegate is on the waiting list' in page
    )
    assert "Thank you" not in page
    assert sorted(invitation.registrations.values_list("status", flat=True)) == ["confirmed", "waitlisted"]


def test_declining_with_delegates_asks_first_naming_them_and_cancels_nothing(client):
    invitation = InvitationFactory(seats=2)
    ada, bo = services.accept_invitation(
        invitation=invitation,
        delegates=[delegate_data(first_name="Ada", last_name="Lovelace"), delegate_data(first_name="Bo")],
    )
    response = client.post(rsvp_url(invitation), {"action": "decline"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Decline and cancel your delegates?" in page and "Ada Lovelace" in page and bo.full_name in page
    assert "Decline and cancel 2 delegates" in page
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    assert set(invitation.registrations.values_list("status", flat=True)) == {"confirmed"}

    # The second answer names the same delegates: now it is done.
    response = client.post(
        rsvp_url(invitation), {"action": "decline", "cancelling": [str(ada.pk), str(bo.pk)]}, follow=True
    )
    assert "you have declined" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "declined"
    assert set(invitation.registrations.values_list("status", flat=True)) == {"cancelled"}


def test_a_confirmation_that_no_longer_names_every_delegate_asks_again():
    invitation = InvitationFactory(seats=2)
    (ada,) = services.accept_invitation(invitation=invitation, delegates=[delegate_data()])
    services.accept_invitation(invitation=invitation, delegates=[delegate_data(first_name="Late")])
    with pytest.raises(services.DeclineNeedsConfirmation) as raised:
        services.decline_invitation(invitation=invitation, cancelling=[ada.pk])
    assert [r.first_name for r in raised.value.delegates][1] == "Late"
    assert Registration.objects.filter(invitation=invitation, status="confirmed").count() == 2


def test_declining_without_delegates_needs_no_second_answer(client):
    invitation = InvitationFactory()
    response = client.post(rsvp_url(invitation), {"action": "decline"}, follow=True)
    assert "you have declined" in response.content.decode()


def test_rsvp_api_says_whether_new_delegates_would_wait(anon_api):
    conference = ConferenceFactory(capacity=1)
    invitation = InvitationFactory(conference=conference)
    assert anon_api.get(f"/api/rsvp/{invitation.token}/").json()["full"] is False
    services.accept_invitation(invitation=invitation, delegates=[delegate_data()])
    assert anon_api.get(f"/api/rsvp/{invitation.token}/").json()["full"] is True
