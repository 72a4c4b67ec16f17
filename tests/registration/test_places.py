"""Places: exempt categories, reserved places, confirming over capacity, substituting a colleague."""

import pytest
from django.urls import reverse

from badges.services import current_badge
from registration import services
from registration.models import OutboxMessage, Registration
from registration.places import Places, is_full_for
from tests.factories import ConferenceFactory, InvitationFactory, WorkshopFactory, delegate_data

pytestmark = pytest.mark.django_db


def accept(conference, category, n=1):
    invitation = InvitationFactory(conference=conference, category=category, seats=n)
    return services.accept_invitation(invitation=invitation, delegates=[delegate_data() for _ in range(n)])


def statuses(registrations):
    return [Registration.objects.get(pk=r.pk).status for r in registrations]


# The rule, in the service.


def test_exempt_categories_are_confirmed_when_full_and_take_no_place():
    conference = ConferenceFactory(capacity=2)
    speakers = accept(conference, "speaker", 2)
    vip = accept(conference, "vip")
    staff = accept(conference, "staff")
    assert statuses(speakers + vip + staff) == ["confirmed"] * 4
    # The two places are still free for everyone else.
    companies = accept(conference, "company", 3)
    assert statuses(companies) == ["confirmed", "confirmed", "waitlisted"]
    assert accept(conference, "speaker")[0].status == "confirmed"


def test_exempt_categories_are_the_conferences_own():
    conference = ConferenceFactory(capacity=1, capacity_exempt_categories=["press"])
    accept(conference, "company")
    assert accept(conference, "press")[0].status == "confirmed"
    assert accept(conference, "speaker")[0].status == "waitlisted"


def test_reserved_places_go_first_to_their_category_then_general_places():
    conference = ConferenceFactory(capacity=5, reserved_places={"sponsor": 2})
    sponsors = accept(conference, "sponsor", 4)
    # 2 reserved, then 2 of the 3 general places.
    assert statuses(sponsors) == ["confirmed"] * 4
    companies = accept(conference, "company", 2)
    assert statuses(companies) == ["confirmed", "waitlisted"]
    assert accept(conference, "sponsor")[0].status == "waitlisted"


def test_other_categories_cannot_take_reserved_places():
    conference = ConferenceFactory(capacity=4, reserved_places={"sponsor": 2, "press": 1})
    companies = accept(conference, "company", 3)
    assert statuses(companies) == ["confirmed", "waitlisted", "waitlisted"]
    assert accept(conference, "press")[0].status == "confirmed"
    assert statuses(accept(conference, "sponsor", 2)) == ["confirmed", "confirmed"]
    assert accept(conference, "press")[0].status == "waitlisted"
    assert is_full_for(conference, "company") and is_full_for(conference, "sponsor")
    assert not is_full_for(conference, "vip")


def test_a_freed_reserved_place_goes_to_the_first_waiting_delegate_of_its_category():
    conference = ConferenceFactory(capacity=3, reserved_places={"sponsor": 1})
    companies = accept(conference, "company", 2)
    sponsor = accept(conference, "sponsor")[0]
    waiting_company = accept(conference, "company")[0]
    waiting_sponsor = accept(conference, "sponsor")[0]
    assert (waiting_company.status, waiting_sponsor.status) == ("waitlisted", "waitlisted")

    promoted = services.cancel_registration(registration=sponsor)
    # The company delegate waited longer, but the place freed is held for sponsors.
    assert [r.pk for r in promoted] == [waiting_sponsor.pk]
    assert statuses([waiting_company]) == ["waitlisted"]

    promoted = services.cancel_registration(registration=companies[0])
    assert [r.pk for r in promoted] == [waiting_company.pk]
    assert OutboxMessage.objects.filter(purpose="waitlist_offer", registration=waiting_company).count() == 1


def test_a_freed_general_place_goes_to_the_first_waiting_delegate_of_any_category():
    conference = ConferenceFactory(capacity=2, reserved_places={"sponsor": 1})
    company = accept(conference, "company")[0]
    accept(conference, "sponsor")
    sponsor_overflow = accept(conference, "sponsor")[0]
    later_company = accept(conference, "company")[0]
    assert (sponsor_overflow.status, later_company.status) == ("waitlisted", "waitlisted")
    promoted = services.cancel_registration(registration=company)
    assert [r.pk for r in promoted] == [sponsor_overflow.pk]


def test_waiting_delegates_of_a_category_made_exempt_are_confirmed_at_the_next_change():
    conference = ConferenceFactory(capacity=1, capacity_exempt_categories=[])
    accept(conference, "company")
    speaker = accept(conference, "speaker")[0]
    assert speaker.status == "waitlisted"
    conference.capacity_exempt_categories = ["speaker"]
    conference.save()
    accept(conference, "company")
    assert statuses([speaker]) == ["confirmed"]


def test_places_counts_reserved_overflow_as_general():
    conference = ConferenceFactory(capacity=10, reserved_places={"sponsor": 3, "vip": 5})
    places = Places(conference, {"sponsor": 5, "company": 2, "vip": 4})
    # vip is exempt (the default), so its reservation and its delegates are left out.
    assert places.general == 7
    assert places.general_taken() == 4
    assert places.reserved_left("sponsor") == 0
    assert places.free() == 3


# Confirming over capacity.


def test_organiser_confirms_a_waitlisted_delegate_over_capacity(organiser_api):
    conference = ConferenceFactory(capacity=1)
    accept(conference, "company")
    waiting = accept(conference, "company")[0]
    url = reverse("api-registration-confirm", args=[conference.slug, waiting.pk])
    response = organiser_api.post(url)
    assert response.status_code == 200
    assert response.json()["status"] == "confirmed" and response.json()["id"] == waiting.pk
    assert Registration.objects.filter(conference=conference, status="confirmed").count() == 2
    message = OutboxMessage.objects.get(purpose="confirmation", registration=waiting)
    assert message.to == waiting.email
    # Over capacity: the next delegate waits.
    assert accept(conference, "company")[0].status == "waitlisted"
    again = organiser_api.post(url)
    assert again.status_code == 409 and again.json()["code"] == "not_waitlisted"


def test_confirm_needs_an_organiser(door_api):
    conference = ConferenceFactory(capacity=0)
    waiting = accept(conference, "company")[0]
    response = door_api.post(reverse("api-registration-confirm", args=[conference.slug, waiting.pk]))
    assert response.status_code == 403
    assert statuses([waiting]) == ["waitlisted"]


# Substituting a colleague.


def test_substitute_hands_the_place_to_a_colleague(organiser_api, door_api):
    conference = ConferenceFactory(capacity=1)
    workshop = WorkshopFactory(conference=conference, capacity=1)
    invitation = InvitationFactory(conference=conference, seats=1)
    old = services.accept_invitation(invitation=invitation, delegates=[delegate_data(workshops=[workshop.pk])])[0]
    waiting = accept(conference, "company")[0]
    old_code = current_badge(old).code

    response = organiser_api.post(
        reverse("api-registration-substitute", args=[conference.slug, old.pk]),
        {"first_name": "Bilal", "last_name": "Khan", "email": "bilal.khan@example.org", "job_title": "CTO"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    new = Registration.objects.get(pk=response.json()["id"])
    assert (new.first_name, new.email, new.status) == ("Bilal", "bilal.khan@example.org", "confirmed")
    assert new.invitation_id == invitation.pk and new.token != old.token
    assert list(new.workshops.values_list("pk", flat=True)) == [workshop.pk]
    assert new.created_at == old.created_at
    assert statuses([old, waiting]) == ["cancelled", "waitlisted"]  # the place was not offered on
    assert OutboxMessage.objects.filter(purpose="confirmation", registration=new, to="bilal.khan@example.org").exists()
    assert OutboxMessage.objects.filter(purpose="cancellation", registration=old).exists()
    assert not OutboxMessage.objects.filter(purpose="waitlist_offer").exists()

    # At the door: the old code no longer admits, the newcomer's own badge does.
    scan_url = reverse("api-checkin-scan", args=[conference.slug])
    refused = door_api.post(scan_url, {"code": old_code, "gate": "North door"}, format="json")
    assert refused.status_code == 409 and refused.json()["result"] == "cancelled"
    assert "cancelled" in refused.json()["detail"]
    scan = door_api.post(scan_url, {"code": current_badge(new).code, "gate": "North door"}, format="json")
    assert scan.status_code == 200 and scan.json()["result"] == "admitted"
    assert scan.json()["registration"]["name"] == "Bilal Khan"


def test_substitute_refuses_bad_details_and_changes_nothing(organiser_api):
    conference = ConferenceFactory()
    old = accept(conference, "company")[0]
    url = reverse("api-registration-substitute", args=[conference.slug, old.pk])
    response = organiser_api.post(url, {"first_name": "", "last_name": "Khan", "email": "not-an-email"}, format="json")
    assert response.status_code == 400
    assert {"first_name", "email"} <= set(response.json())
    assert statuses([old]) == ["confirmed"]
    assert Registration.objects.filter(conference=conference).count() == 1


def test_substitute_of_a_cancelled_delegate_is_409(organiser_api):
    conference = ConferenceFactory()
    old = accept(conference, "company")[0]
    services.cancel_registration(registration=old)
    response = organiser_api.post(
        reverse("api-registration-substitute", args=[conference.slug, old.pk]),
        {"first_name": "Bilal", "last_name": "Khan", "email": "bilal@example.org"},
        format="json",
    )
    assert response.status_code == 409 and response.json()["code"] == "not_substitutable"


def test_substitute_keeps_a_waitlisted_delegates_place_in_the_queue(organiser_api):
    conference = ConferenceFactory(capacity=1)
    accept(conference, "company")
    first, second = accept(conference, "company"), accept(conference, "company")
    response = organiser_api.post(
        reverse("api-registration-substitute", args=[conference.slug, first[0].pk]),
        {"first_name": "Bilal", "last_name": "Khan", "email": "bilal@example.org"},
        format="json",
    )
    new = Registration.objects.get(pk=response.json()["id"])
    assert new.status == "waitlisted"
    assert services.waitlist_position(new) == 1 and services.waitlist_position(second[0]) == 2


# The conferences API.


def test_conference_places_default_and_write(organiser_api):
    conference = ConferenceFactory(capacity=50)
    url = reverse("api-conference-detail", args=[conference.slug])
    body = organiser_api.get(url).json()
    assert body["capacity_exempt_categories"] == ["speaker", "staff", "vip"]
    assert body["reserved_places"] == {}
    response = organiser_api.patch(
        url, {"capacity_exempt_categories": ["vip"], "reserved_places": {"sponsor": 20, "press": 5}}, format="json"
    )
    assert response.status_code == 200, response.json()
    conference.refresh_from_db()
    assert conference.capacity_exempt_categories == ["vip"]
    assert conference.reserved_places == {"sponsor": 20, "press": 5}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"capacity_exempt_categories": ["alien"]}, "capacity_exempt_categories"),
        ({"capacity_exempt_categories": "vip"}, "capacity_exempt_categories"),
        ({"reserved_places": {"alien": 1}}, "reserved_places"),
        ({"reserved_places": {"sponsor": -1}}, "reserved_places"),
        ({"reserved_places": {"sponsor": "many"}}, "reserved_places"),
        ({"reserved_places": {"sponsor": 40, "press": 11}}, "reserved_places"),
        ({"reserved_places": {"speaker": 3}}, "reserved_places"),
        ({"capacity": 9, "reserved_places": {"sponsor": 10}}, "reserved_places"),
    ],
)
def test_conference_places_refused_with_a_message(organiser_api, body, field):
    conference = ConferenceFactory(capacity=50)
    response = organiser_api.patch(reverse("api-conference-detail", args=[conference.slug]), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    conference.refresh_from_db()
    assert conference.reserved_places == {} and conference.capacity == 50


def test_lowering_capacity_below_the_reserved_places_is_refused(organiser_api):
    conference = ConferenceFactory(capacity=50, reserved_places={"sponsor": 20})
    response = organiser_api.patch(
        reverse("api-conference-detail", args=[conference.slug]), {"capacity": 10}, format="json"
    )
    assert response.status_code == 400 and "reserved_places" in response.json()


# The admin.


def _admin_form_data(conference, **changes):
    data = {
        "name": conference.name,
        "slug": conference.slug,
        "starts_on": conference.starts_on.isoformat(),
        "ends_on": conference.ends_on.isoformat(),
        "timezone": conference.timezone,
        "venue": conference.venue,
        "address": conference.address,
        "capacity": conference.capacity,
        "capacity_exempt_categories": ["vip"],
        "reserved_places": '{"sponsor": 5}',
        "contact_email": conference.contact_email,
        "colour": conference.colour,
    }
    data.update(changes)
    return data


def test_admin_edits_places_and_refuses_more_reserved_than_capacity(client):
    from tests.factories import OrganiserFactory

    user = OrganiserFactory(is_superuser=True)
    client.force_login(user)
    conference = ConferenceFactory(capacity=10)
    url = reverse("admin:conference_conference_change", args=[conference.pk])
    page = client.get(url)
    assert page.status_code == 200 and b'name="capacity_exempt_categories"' in page.content

    refused = client.post(url, _admin_form_data(conference, reserved_places='{"sponsor": 11}'))
    assert refused.status_code == 200 and b"reserve no more than the capacity" in refused.content
    conference.refresh_from_db()
    assert conference.reserved_places == {}

    saved = client.post(url, _admin_form_data(conference))
    assert saved.status_code == 302
    conference.refresh_from_db()
    assert conference.capacity_exempt_categories == ["vip"] and conference.reserved_places == {"sponsor": 5}


def test_raising_the_capacity_through_the_api_confirms_the_waiting_list_at_once(organiser_api):
    conference = ConferenceFactory(capacity=1)
    made = [
        services.accept_invitation(
            invitation=InvitationFactory(conference=conference, category="company", seats=1),
            delegates=[delegate_data(first_name=name)],
        )[0]
        for name in ("Ada", "Bo", "Cy")
    ]
    assert [r.status for r in made] == ["confirmed", "waitlisted", "waitlisted"]
    answer = organiser_api.patch(f"/api/conferences/{conference.slug}/", {"capacity": 2}, format="json")
    assert answer.status_code == 200
    assert [Registration.objects.get(pk=r.pk).status for r in made] == ["confirmed", "confirmed", "waitlisted"]
    assert OutboxMessage.objects.filter(registration=made[1], purpose="waitlist_offer").count() == 1
    # Making companies exempt confirms the rest; saving anything else promotes nobody twice.
    organiser_api.patch(
        f"/api/conferences/{conference.slug}/", {"capacity_exempt_categories": ["company"]}, format="json"
    )
    assert Registration.objects.get(pk=made[2].pk).status == "confirmed"
    organiser_api.patch(f"/api/conferences/{conference.slug}/", {"venue": "Hall B"}, format="json")
    assert OutboxMessage.objects.filter(purpose="waitlist_offer").count() == 2
