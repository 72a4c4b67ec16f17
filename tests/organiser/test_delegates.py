"""The organiser's delegates page: filters, search, a fixed number of queries, and its actions through the services."""

import pytest
from django.urls import reverse

from badges.models import Badge
from badges.services import current_badge
from registration import services
from registration.models import OutboxMessage, Registration
from tests.factories import (
    ConferenceFactory,
    InvitationFactory,
    OrganisationFactory,
    RegistrationFactory,
    delegate_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


@pytest.fixture
def full_conference():
    """Capacity 1: Ada (company) confirmed, then Bo (company) and Cy (partner, Acme Ltd) waiting."""
    conference = ConferenceFactory(capacity=1)
    made = {}
    for name, category in [("Ada", "company"), ("Bo", "company"), ("Cy", "partner")]:
        extra = {"organisation": OrganisationFactory(name="Acme Ltd")} if name == "Cy" else {}
        invitation = InvitationFactory(conference=conference, category=category, seats=1, **extra)
        (made[name],) = services.accept_invitation(
            invitation=invitation, delegates=[delegate_data(first_name=name, last_name="Okafor")]
        )
    return conference, made


def page_of(client, conference, query=""):
    response = client.get(reverse("organiser-delegates", args=[conference.slug]) + query)
    assert response.status_code == 200
    return response.content.decode()


def test_delegates_page_lists_filters_and_searches(organiser_client, full_conference):
    conference, made = full_conference
    html = page_of(organiser_client, conference)
    assert "3 delegates" in html and "Ada Okafor" in html and "Cy Okafor" in html
    assert "<strong>1</strong> of 1 places taken" in html
    waiting = page_of(organiser_client, conference, "?status=waitlisted")
    assert "2 delegates on the waiting list, in order" in waiting
    assert waiting.index("Bo Okafor") < waiting.index("Cy Okafor") and "Ada Okafor" not in waiting
    assert "Confirm Bo Okafor over capacity" in waiting
    found = page_of(organiser_client, conference, "?q=acme")
    assert "1 delegate" in found and "Cy Okafor" in found and "Bo Okafor" not in found
    assert "Ada Okafor" in page_of(organiser_client, conference, "?category=company&checked_in=no")
    assert "0 delegates" in page_of(organiser_client, conference, "?checked_in=yes")
    # A bad filter value is ignored, not a 500.
    assert "3 delegates" in page_of(organiser_client, conference, "?status=nonsense")


def test_delegates_search_words_each_match_a_name_an_email_or_the_organisation(organiser_client, full_conference):
    conference, made = full_conference
    other = ConferenceFactory()
    services.accept_invitation(
        invitation=InvitationFactory(conference=other, organisation=made["Cy"].invitation.organisation, seats=1),
        delegates=[delegate_data(first_name="Cy", last_name="Elsewhere")],
    )
    both = page_of(organiser_client, conference, "?q=ACME+cy")
    assert "1 delegate" in both and "Cy Okafor" in both and "Elsewhere" not in both
    assert "0 delegates" in page_of(organiser_client, conference, "?q=acme+bo")
    by_email = page_of(organiser_client, conference, f"?q={made['Bo'].email.split('@')[0].upper()}")
    assert "1 delegate" in by_email and "Bo Okafor" in by_email
    assert "0 delegates" in page_of(organiser_client, conference, "?q=elsewhere")


def test_delegates_search_uses_a_fixed_number_of_queries(
    organiser_client, full_conference, django_assert_max_num_queries
):
    conference, _ = full_conference
    with django_assert_max_num_queries(10) as few:
        page_of(organiser_client, conference, "?q=okafor")
    for _ in range(52):
        RegistrationFactory(invitation=InvitationFactory(conference=conference, seats=1), last_name="Okafor")
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = page_of(organiser_client, conference, "?q=okafor+o")
    assert "55 delegates" in html and "Next page" in html


def test_delegates_page_uses_a_fixed_number_of_queries(organiser_client, django_assert_max_num_queries):
    conference = ConferenceFactory(capacity=5)
    for _ in range(3):
        services.accept_invitation(
            invitation=InvitationFactory(conference=conference, seats=1), delegates=[delegate_data()]
        )
    with django_assert_max_num_queries(10) as few:
        page_of(organiser_client, conference)
    for _ in range(52):
        RegistrationFactory(invitation=InvitationFactory(conference=conference, seats=1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = page_of(organiser_client, conference, "?page=1")
    assert "55 delegates" in html and "Next page" in html


def test_confirm_over_capacity_asks_then_confirms(organiser_client, full_conference):
    conference, made = full_conference
    url = reverse("organiser-delegate-action", args=[conference.slug, made["Bo"].pk, "confirm"])
    asked = organiser_client.get(url).content.decode()
    assert "Confirm Bo Okafor over capacity?" in asked
    assert Registration.objects.get(pk=made["Bo"].pk).status == "waitlisted"
    done = organiser_client.post(url, follow=True).content.decode()
    assert "Bo Okafor is confirmed" in done
    assert Registration.objects.get(pk=made["Bo"].pk).status == "confirmed"
    assert OutboxMessage.objects.filter(purpose="confirmation", registration=made["Bo"]).count() == 1
    again = organiser_client.post(url, follow=True).content.decode()
    assert "not on the waiting list" in again


def test_cancel_offers_the_place_on(organiser_client, full_conference):
    conference, made = full_conference
    url = reverse("organiser-delegate-action", args=[conference.slug, made["Ada"].pk, "cancel"])
    done = organiser_client.post(url, follow=True).content.decode()
    assert "Ada Okafor&#x27;s registration is cancelled. Bo Okafor got the place." in done
    assert Registration.objects.get(pk=made["Bo"].pk).status == "confirmed"


def test_reissue_revokes_the_old_badge(organiser_client, full_conference):
    conference, made = full_conference
    old = current_badge(made["Ada"])
    organiser_client.post(reverse("organiser-delegate-action", args=[conference.slug, made["Ada"].pk, "reissue"]))
    old.refresh_from_db()
    assert old.revoked_at is not None
    assert Badge.objects.filter(registration=made["Ada"], revoked_at__isnull=True).count() == 1


def test_substitute_page_shows_errors_beside_fields_then_substitutes(organiser_client, full_conference):
    conference, made = full_conference
    url = reverse("organiser-delegate-substitute", args=[conference.slug, made["Ada"].pk])
    refused = organiser_client.post(url, {"first_name": "", "last_name": "Khan", "email": "nope"})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'id="id-first_name-error"' in html and 'id="id-email-error"' in html
    assert Registration.objects.get(pk=made["Ada"].pk).status == "confirmed"
    done = organiser_client.post(url, {"first_name": "Bilal", "last_name": "Khan", "email": "bilal@example.org"})
    assert done.status_code == 302
    new = Registration.objects.get(email="bilal@example.org")
    assert new.status == "confirmed" and Registration.objects.get(pk=made["Ada"].pk).status == "cancelled"
    assert Registration.objects.get(pk=made["Bo"].pk).status == "waitlisted"


def test_delegates_pages_are_for_organisers(client, door_staff, full_conference):
    conference, made = full_conference
    client.force_login(door_staff)
    assert client.get(reverse("organiser-delegates", args=[conference.slug])).status_code == 403
    url = reverse("organiser-delegate-action", args=[conference.slug, made["Bo"].pk, "confirm"])
    assert client.post(url).status_code == 403
    assert Registration.objects.get(pk=made["Bo"].pk).status == "waitlisted"


def test_an_unknown_action_or_another_conferences_delegate_is_404(organiser_client, full_conference):
    conference, made = full_conference
    other = ConferenceFactory()
    assert organiser_client.get(f"/organiser/{conference.slug}/delegates/{made['Bo'].pk}/explode/").status_code == 404
    url = reverse("organiser-delegate-action", args=[other.slug, made["Bo"].pk, "confirm"])
    assert organiser_client.post(url).status_code == 404


def test_resend_sends_the_confirmation_or_the_waiting_list_email_again(organiser_client, full_conference):
    conference, made = full_conference
    for name, purpose in [("Ada", "confirmation"), ("Bo", "waitlisted")]:
        before = OutboxMessage.objects.filter(registration=made[name], purpose=purpose).count()
        url = reverse("organiser-delegate-action", args=[conference.slug, made[name].pk, "resend"])
        asked = organiser_client.get(url).content.decode()
        assert f"Send {made[name].full_name} their confirmation again?" in asked
        done = organiser_client.post(url, follow=True).content.decode()
        assert "e-mail is queued" in done
        assert OutboxMessage.objects.filter(registration=made[name], purpose=purpose).count() == before + 1
    services.cancel_registration(registration=made["Cy"])
    url = reverse("organiser-delegate-action", args=[conference.slug, made["Cy"].pk, "resend"])
    refused = organiser_client.post(url, follow=True).content.decode()
    assert "nothing to resend" in refused
