"""Every answer of the scan API (README: check-in at the door), the scan log, nonces, undo."""

import datetime as dt

import pytest
from django.utils import timezone

from badges.models import CheckIn, Scan
from badges.services import current_badge, reissue_badge
from registration.models import Registration
from tests.factories import ConferenceFactory, InvitationFactory, OrganisationFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
MINUTE = dt.timedelta(minutes=1)


def scan_url(conference):
    return f"/api/conferences/{conference.slug}/checkin/scan/"


def scan(api, conference, code, gate="North door", nonce=None, **extra):
    payload = {"code": code, "gate": gate, **extra}
    if nonce is not None:
        payload["nonce"] = nonce
    return api.post(scan_url(conference), payload, format="json")


def checked_in_at(registration):
    """What the registrations API and the exports show: the live check-in's time."""
    return Registration.objects.with_checked_in_at().get(pk=registration.pk).checked_in_at


@pytest.fixture
def delegate():
    invitation = InvitationFactory(
        organisation=OrganisationFactory(name="Aston University"), category="partner", seats=3
    )
    return RegistrationFactory(invitation=invitation, first_name="Ada", last_name="Lovelace", badge_name="Ada L")


def test_scan_first_entry_is_admitted_with_contract_fields(door_api, door_staff, delegate):
    code = current_badge(delegate).code
    response = scan(door_api, delegate.conference, code, nonce="n-1")
    assert response.status_code == 200
    body = response.json()
    assert body["result"] == "admitted"
    assert body["detail"]
    assert body["registration"] == {
        "id": delegate.pk,
        "name": "Ada Lovelace",
        "badge_name": "Ada L",
        "organisation": "Aston University",
        "category": "partner",
        "door_notes": [],
    }
    assert body["gate"] == "North door"
    checkin = CheckIn.objects.get(pk=body["checkin_id"])
    assert checkin.registration == delegate and checkin.user == door_staff and checkin.undone_at is None
    assert dt.datetime.fromisoformat(body["checked_in_at"]) == checkin.checked_in_at
    assert checked_in_at(delegate) == checkin.checked_in_at
    logged = Scan.objects.get()
    assert (logged.result, logged.gate, logged.user, logged.nonce, logged.code) == (
        "admitted",
        "North door",
        door_staff,
        "n-1",
        code,
    )
    assert logged.checkin == checkin and logged.badge.code == code and logged.response == body


def test_scan_second_time_is_already_checked_in_with_first_time_and_gate(door_api, delegate):
    code = current_badge(delegate).code
    first = scan(door_api, delegate.conference, code, gate="North door").json()
    response = scan(door_api, delegate.conference, code, gate="South door")
    assert response.status_code == 409
    body = response.json()
    assert body["result"] == "already_checked_in"
    assert body["first_checked_in_at"] == first["checked_in_at"]
    assert body["first_gate"] == "North door"
    assert "North door" in body["detail"]
    assert body["registration"]["id"] == delegate.pk
    assert "checkin_id" not in body
    assert CheckIn.objects.count() == 1
    assert list(Scan.objects.order_by("pk").values_list("result", flat=True)) == ["admitted", "already_checked_in"]


def test_scan_of_reissued_badge_old_code_is_revoked_new_code_admits(door_api, delegate):
    old = current_badge(delegate).code
    new = reissue_badge(delegate, reason="lost").code
    response = scan(door_api, delegate.conference, old)
    assert response.status_code == 409
    assert response.json()["result"] == "revoked"
    assert response.json()["registration"]["id"] == delegate.pk
    assert scan(door_api, delegate.conference, new).json()["result"] == "admitted"


@pytest.mark.parametrize("status", [Registration.Status.CANCELLED, Registration.Status.WAITLISTED])
def test_scan_of_cancelled_or_waitlisted_delegate_is_cancelled(door_api, delegate, status):
    code = current_badge(delegate).code
    Registration.objects.filter(pk=delegate.pk).update(status=status)
    response = scan(door_api, delegate.conference, code)
    assert response.status_code == 409
    body = response.json()
    assert body["result"] == "cancelled"
    assert body["registration"]["name"] == "Ada Lovelace"
    assert ("waiting list" in body["detail"]) == (status == Registration.Status.WAITLISTED)
    assert not CheckIn.objects.exists()
    assert Scan.objects.get().result == "cancelled"


def test_scan_of_badge_of_another_conference_is_wrong_conference(door_api, delegate):
    other = ConferenceFactory(name="COG 2026")
    code = current_badge(delegate).code
    response = scan(door_api, other, code)
    assert response.status_code == 409
    body = response.json()
    assert body["result"] == "wrong_conference"
    assert delegate.conference.name in body["detail"]
    assert body["registration"]["id"] == delegate.pk
    assert not CheckIn.objects.exists()
    assert Scan.objects.get().conference == other


@pytest.mark.parametrize(
    "code",
    ["A" * 26, "not a badge", "https://example.org/?q=" + "x" * 1500, "ABCDEFGHIJKLMNOPQRSTUVWXY1"],
)
def test_scan_of_unknown_code_is_404_unknown(door_api, conference, code):
    response = scan(door_api, conference, code)
    assert response.status_code == 404
    body = response.json()
    assert body["result"] == "unknown"
    assert body["detail"]
    assert "registration" not in body
    logged = Scan.objects.get()
    assert logged.result == "unknown" and logged.badge is None and len(logged.code) <= 200


def test_scan_code_is_normalised_as_a_scanner_types_it(door_api, delegate):
    code = current_badge(delegate).code
    typed = f"  {code[:10].lower()} {code[10:]}\n"
    assert scan(door_api, delegate.conference, typed).json()["result"] == "admitted"


def test_scan_without_code_is_400_on_the_field(door_api, conference):
    response = door_api.post(scan_url(conference), {"gate": "North door"}, format="json")
    assert response.status_code == 400
    assert "code" in response.json()
    response = door_api.post(scan_url(conference), {"code": "   "}, format="json")
    assert response.status_code == 400
    assert not Scan.objects.exists()


def test_scan_of_unknown_conference_is_404_json(door_api):
    response = scan(door_api, ConferenceFactory.build(slug="nope"), "A" * 26)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_scan_same_nonce_again_gives_same_answer_and_records_nothing(door_api, delegate):
    code = current_badge(delegate).code
    first = scan(door_api, delegate.conference, code, nonce="door1-0001")
    again = scan(door_api, delegate.conference, code, nonce="door1-0001", gate="Somewhere else")
    assert again.status_code == first.status_code == 200
    assert again.json() == first.json()
    assert Scan.objects.count() == 1 and CheckIn.objects.count() == 1


def test_scan_same_nonce_of_refusal_gives_same_404(door_api, conference):
    first = scan(door_api, conference, "B" * 26, nonce="n-unknown")
    again = scan(door_api, conference, "B" * 26, nonce="n-unknown")
    assert first.status_code == again.status_code == 404
    assert first.json() == again.json()
    assert Scan.objects.count() == 1


def test_scan_replayed_nonce_after_undo_does_not_admit_again(door_api, delegate):
    code = current_badge(delegate).code
    first = scan(door_api, delegate.conference, code, nonce="n-keep").json()
    door_api.post(f"/api/conferences/{delegate.conference.slug}/checkin/{first['checkin_id']}/undo/")
    again = scan(door_api, delegate.conference, code, nonce="n-keep")
    assert again.json() == first
    assert CheckIn.objects.filter(undone_at__isnull=True).count() == 0
    assert CheckIn.objects.count() == 1 and Scan.objects.count() == 1


def test_undo_then_the_delegate_is_admitted_again(door_api, door_staff, delegate):
    code = current_badge(delegate).code
    first = scan(door_api, delegate.conference, code).json()
    response = door_api.post(f"/api/conferences/{delegate.conference.slug}/checkin/{first['checkin_id']}/undo/")
    assert response.status_code == 200
    assert response.json()["registration"]["id"] == delegate.pk
    undone = CheckIn.objects.get(pk=first["checkin_id"])
    assert undone.undone_at is not None and undone.undone_by == door_staff
    assert checked_in_at(delegate) is None
    second = scan(door_api, delegate.conference, code, gate="South door")
    assert second.status_code == 200
    assert second.json()["checkin_id"] != first["checkin_id"]
    assert checked_in_at(delegate) is not None


def test_undo_twice_is_409_already_undone(door_api, delegate):
    first = scan(door_api, delegate.conference, current_badge(delegate).code).json()
    url = f"/api/conferences/{delegate.conference.slug}/checkin/{first['checkin_id']}/undo/"
    door_api.post(url)
    response = door_api.post(url)
    assert response.status_code == 409
    assert response.json()["code"] == "already_undone"


def test_undo_of_unknown_or_other_conference_checkin_is_404(door_api, delegate):
    first = scan(door_api, delegate.conference, current_badge(delegate).code).json()
    other = ConferenceFactory()
    response = door_api.post(f"/api/conferences/{other.slug}/checkin/{first['checkin_id']}/undo/")
    assert response.status_code == 404
    assert response.json()["code"] == "checkin_not_found"
    response = door_api.post(f"/api/conferences/{delegate.conference.slug}/checkin/999999/undo/")
    assert response.status_code == 404
    assert CheckIn.objects.get().undone_at is None


def test_check_in_by_registration_from_a_search_follows_the_same_rules(door_api, delegate):
    url = scan_url(delegate.conference)
    response = door_api.post(url, {"registration": delegate.pk, "gate": "Desk"}, format="json")
    assert response.status_code == 200
    assert response.json()["result"] == "admitted"
    assert Scan.objects.get().badge is None
    # Then the badge itself is a duplicate.
    assert scan(door_api, delegate.conference, current_badge(delegate).code).json()["result"] == "already_checked_in"
    other = RegistrationFactory(status=Registration.Status.CANCELLED, invitation=delegate.invitation)
    refused = door_api.post(url, {"registration": other.pk}, format="json")
    assert (refused.status_code, refused.json()["result"]) == (409, "cancelled")
    missing = door_api.post(url, {"registration": 999999}, format="json")
    assert (missing.status_code, missing.json()["result"]) == (404, "unknown")
    both = door_api.post(url, {"registration": delegate.pk, "code": "X" * 26}, format="json")
    assert both.status_code == 400 and "registration" in both.json()


def test_sync_replays_an_offline_queue_and_reports_the_duplicate(door_api, delegate):
    conference = delegate.conference
    code = current_badge(delegate).code
    at = timezone.now() - dt.timedelta(minutes=20)
    queued = [
        {"code": code, "gate": "North door", "nonce": "north-1", "scanned_at": at.isoformat()},
        {"code": code, "gate": "South door", "nonce": "south-1", "scanned_at": (at + MINUTE).isoformat()},
        {"code": "C" * 26, "gate": "South door", "nonce": "south-2"},
    ]
    url = f"/api/conferences/{conference.slug}/checkin/sync/"
    response = door_api.post(url, {"scans": queued}, format="json")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["nonce"], r["status"], r["result"]) for r in results] == [
        ("north-1", 200, "admitted"),
        ("south-1", 409, "already_checked_in"),
        ("south-2", 404, "unknown"),
    ]
    assert results[1]["first_gate"] == "North door"
    checkin = CheckIn.objects.get()
    assert abs(checkin.checked_in_at - at) < dt.timedelta(seconds=1)  # the door's time, not the sync's
    assert Scan.objects.get(nonce="south-1").scanned_at is not None
    # The door retries the same batch (its answer was lost): same answers, nothing new.
    again = door_api.post(url, {"scans": queued}, format="json").json()["results"]
    assert again == results
    assert Scan.objects.count() == 3 and CheckIn.objects.count() == 1


def test_sync_does_not_believe_a_scan_time_in_the_future(door_api, delegate):
    later = timezone.now() + dt.timedelta(hours=3)
    url = f"/api/conferences/{delegate.conference.slug}/checkin/sync/"
    scans = [{"code": current_badge(delegate).code, "nonce": "f-1", "scanned_at": later.isoformat()}]
    door_api.post(url, {"scans": scans}, format="json")
    assert CheckIn.objects.get().checked_in_at <= timezone.now()


def test_sync_with_invalid_item_is_400_and_records_nothing(door_api, delegate):
    url = f"/api/conferences/{delegate.conference.slug}/checkin/sync/"
    scans = [{"code": current_badge(delegate).code, "nonce": "ok"}, {"gate": "x", "nonce": "bad"}]
    response = door_api.post(url, {"scans": scans}, format="json")
    assert response.status_code == 400
    assert not Scan.objects.exists()
