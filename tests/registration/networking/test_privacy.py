"""A delegate's networking data: in their data.json, and erased with the rest of their data."""

import pytest
from django.urls import reverse

from registration import privacy
from registration.models import Meeting, Registration
from registration.networking import services

pytestmark = pytest.mark.django_db


def test_networking_data_is_in_data_json_and_erased_with_the_delegate(client, ada, bob, slot):
    meeting = services.request_meeting(
        registration=bob, with_id=ada.pk, slot_id=slot.pk, message="Coffee about the KTP?", share_contact=True
    )
    services.accept_meeting(registration=ada, meeting_id=meeting.pk, share_contact=True)
    data = client.get(reverse("my-data", args=[ada.token])).json()
    assert data["registration"]["networking_note"] == "Looking for a company partner for a KTP"
    assert data["registration"]["interests"] == ["Funding bids"] and data["registration"]["directory_opt_in"]
    assert [(m["with"], m["status"], m["message"]) for m in data["meetings"]] == [
        ("Bob Stone", "accepted", "Coffee about the KTP?")
    ]

    privacy.erase_registration(registration=ada, by_delegate=True)
    erased = Registration.objects.get(pk=ada.pk)
    assert (erased.networking_note, erased.directory_opt_in, erased.interests.count()) == ("", False, 0)
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert (meeting.status, meeting.message, meeting.invitee_shares_contact) == ("cancelled", "", False)
    # Bob no longer finds Ada, nor her contact card.
    people = services.directory(registration=bob)
    assert all(person["id"] != ada.pk for person in people[: len(people)])
    assert "Łukasiewicz" not in client.get(reverse("my-contacts", args=[bob.token])).content.decode()
