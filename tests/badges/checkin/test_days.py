"""A conference of several days admits a delegate once a day (README: check-in at the door)."""

import datetime as dt

import pytest
from django.utils import timezone

from badges.checkin.services import checkin_stats, conference_day, scan_badge, undo_checkin
from badges.models import CheckIn, Scan
from badges.services import current_badge
from registration.models import Registration
from tests.factories import ConferenceFactory, InvitationFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_days():
    """A two-day conference whose second day is today (in its time zone)."""
    conference = ConferenceFactory(timezone="Asia/Tokyo")
    today = timezone.localtime(timezone.now(), conference.tz).date()
    conference.starts_on, conference.ends_on = today - dt.timedelta(days=1), today
    conference.save()
    return conference


@pytest.fixture
def ada(two_days):
    invitation = InvitationFactory(conference=two_days, seats=3)
    return RegistrationFactory(invitation=invitation, first_name="Ada", last_name="Lovelace", badge_name="Ada")


def yesterday_at(conference, hour, minute=0):
    return dt.datetime.combine(conference.starts_on, dt.time(hour, minute), tzinfo=conference.tz)


def url(conference, what):
    return f"/api/conferences/{conference.slug}/checkin/{what}"


def test_conference_day_is_the_date_in_the_conference_time_zone(two_days):
    first = two_days.starts_on
    assert conference_day(two_days, yesterday_at(two_days, 0, 5)) == 1
    assert conference_day(two_days, yesterday_at(two_days, 23, 59)) == 1
    # 00:30 in Tokyo on the second day is still the first day in UTC: Tokyo's date counts.
    assert conference_day(two_days, dt.datetime.combine(first + dt.timedelta(days=1), dt.time(0, 30), two_days.tz)) == 2
    assert conference_day(two_days, yesterday_at(two_days, 10) - dt.timedelta(days=3)) == 1  # the evening before
    assert conference_day(two_days, yesterday_at(two_days, 10) + dt.timedelta(days=2)) == 3


def test_second_day_first_scan_is_a_welcome_back(door_api, two_days, ada):
    code = current_badge(ada).code
    first = scan_badge(conference=two_days, code=code, gate="North door", scanned_at=yesterday_at(two_days, 9))
    assert (first.status, first.body["day"], first.body["returning"]) == (200, 1, False)
    assert "Day 1" in first.body["detail"]
    response = door_api.post(url(two_days, "scan/"), {"code": code, "gate": "South door"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["result"], body["day"], body["returning"]) == ("admitted", 2, True)
    assert body["detail"].startswith("Welcome back, Ada!") and "Day 2" in body["detail"]
    assert CheckIn.objects.filter(undone_at__isnull=True).count() == 2
    assert sorted(CheckIn.objects.values_list("day", flat=True)) == [1, 2]


def test_second_scan_the_same_day_is_already_checked_in_for_that_day(door_api, two_days, ada):
    code = current_badge(ada).code
    scan_badge(conference=two_days, code=code, gate="North door", scanned_at=yesterday_at(two_days, 9))
    today = door_api.post(url(two_days, "scan/"), {"code": code, "gate": "South door"}, format="json").json()
    again = door_api.post(url(two_days, "scan/"), {"code": code, "gate": "East door"}, format="json")
    assert again.status_code == 409
    body = again.json()
    assert (body["result"], body["day"], body["first_gate"]) == ("already_checked_in", 2, "South door")
    assert body["first_checked_in_at"] == today["checked_in_at"]
    assert "day 2" in body["detail"]
    # A scan queued offline yesterday after the first one is a duplicate of yesterday's.
    late = scan_badge(conference=two_days, code=code, gate="West", scanned_at=yesterday_at(two_days, 17))
    assert (late.status, late.body["day"], late.body["first_gate"]) == (409, 1, "North door")


def test_undo_frees_only_that_day(door_api, two_days, ada):
    code = current_badge(ada).code
    scan_badge(conference=two_days, code=code, gate="North door", scanned_at=yesterday_at(two_days, 9))
    today = scan_badge(conference=two_days, code=code, gate="North door")
    undone = undo_checkin(conference=two_days, checkin_id=today.body["checkin_id"])
    assert undone["day"] == 2
    again = scan_badge(conference=two_days, code=code, gate="North door")
    assert (again.result, again.body["returning"]) == ("admitted", True)
    assert scan_badge(conference=two_days, code=code, scanned_at=yesterday_at(two_days, 18)).result == (
        "already_checked_in"
    )


def test_undone_first_day_makes_the_second_day_a_first_arrival(two_days, ada):
    code = current_badge(ada).code
    first = scan_badge(conference=two_days, code=code, scanned_at=yesterday_at(two_days, 9))
    undo_checkin(conference=two_days, checkin_id=first.body["checkin_id"])
    today = scan_badge(conference=two_days, code=code)
    assert (today.body["day"], today.body["returning"]) == (2, False)
    assert today.body["detail"].startswith("Welcome, Ada!")


def test_check_in_from_a_search_follows_the_day_rule(door_api, two_days, ada):
    scan_badge(conference=two_days, code=current_badge(ada).code, scanned_at=yesterday_at(two_days, 9))
    scan = url(two_days, "scan/")
    first = door_api.post(scan, {"registration": ada.pk, "gate": "Desk"}, format="json").json()
    assert (first["result"], first["day"], first["returning"]) == ("admitted", 2, True)
    second = door_api.post(scan, {"registration": ada.pk, "gate": "Desk"}, format="json").json()
    assert (second["result"], second["day"]) == ("already_checked_in", 2)


def test_sync_answers_each_queued_scan_by_its_own_day(door_api, two_days, ada):
    code = current_badge(ada).code
    scans = [
        {"code": code, "gate": "North", "nonce": "d1-a", "scanned_at": yesterday_at(two_days, 9).isoformat()},
        {"code": code, "gate": "North", "nonce": "d1-b", "scanned_at": yesterday_at(two_days, 9, 5).isoformat()},
        {"code": code, "gate": "North", "nonce": "d2-a", "scanned_at": timezone.now().isoformat()},
    ]
    results = door_api.post(url(two_days, "sync/"), {"scans": scans}, format="json").json()["results"]
    assert [(r["status"], r["result"], r["day"]) for r in results] == [
        (200, "admitted", 1),
        (409, "already_checked_in", 1),
        (200, "admitted", 2),
    ]
    assert results[2]["returning"] is True
    again = door_api.post(url(two_days, "sync/"), {"scans": scans}, format="json").json()["results"]
    assert again == results
    assert CheckIn.objects.count() == 2 and Scan.objects.count() == 3


def test_stats_count_today_and_each_day(door_api, two_days, ada):
    bob = RegistrationFactory(invitation=ada.invitation)
    scan_badge(conference=two_days, code=current_badge(ada).code, gate="North", scanned_at=yesterday_at(two_days, 9))
    scan_badge(conference=two_days, code=current_badge(bob).code, gate="North", scanned_at=yesterday_at(two_days, 9))
    scan_badge(conference=two_days, code=current_badge(ada).code, gate="South")
    stats = door_api.get(url(two_days, "stats/")).json()
    assert stats["registered"] == 2
    assert stats["checked_in"] == 2  # delegates who arrived, not admissions
    assert stats["today"] == 1
    assert stats["by_day"] == [
        {"date": two_days.starts_on.isoformat(), "checked_in": 2},
        {"date": two_days.ends_on.isoformat(), "checked_in": 1},
    ]
    assert stats["by_gate"] == {"North": 2, "South": 1}


def test_registrations_api_checked_in_at_is_the_first_arrival(organiser_api, two_days, ada):
    code = current_badge(ada).code
    first = scan_badge(conference=two_days, code=code, scanned_at=yesterday_at(two_days, 9))
    scan_badge(conference=two_days, code=code)
    registration = Registration.objects.with_checked_in_at().get(pk=ada.pk)
    assert registration.checked_in_at == CheckIn.objects.get(pk=first.body["checkin_id"]).checked_in_at
    rows = organiser_api.get(f"/api/conferences/{two_days.slug}/registrations/").json()["results"]
    assert rows[0]["checked_in_at"] is not None


def test_door_list_carries_each_days_checkins_and_no_email(door_api, two_days, ada):
    code = current_badge(ada).code
    first = scan_badge(conference=two_days, code=code, gate="North", scanned_at=yesterday_at(two_days, 9))
    response = door_api.get(url(two_days, "list/"))
    assert ada.email not in response.content.decode()
    data = response.json()
    assert data["conference"]["starts_on"] == two_days.starts_on.isoformat()
    (row,) = data["delegates"]
    assert row["checkins"] == [
        {
            "day": 1,
            "checked_in_at": first.body["checked_in_at"],
            "gate": "North",
            "checkin_id": first.body["checkin_id"],
        }
    ]
    assert row["checked_in_at"] is None  # today's: not yet


def test_a_returning_scan_takes_the_same_three_statements(two_days, ada, django_assert_max_num_queries):
    from tests.badges.checkin.test_api import _statements

    code = current_badge(ada).code
    scan_badge(conference=two_days, code=code, scanned_at=yesterday_at(two_days, 9))
    with django_assert_max_num_queries(5) as captured:
        assert scan_badge(conference=two_days, code=code, gate="North door", nonce="r1").body["returning"] is True
    assert len(_statements(captured)) == 3
    with django_assert_max_num_queries(4) as captured:
        assert scan_badge(conference=two_days, code=code, gate="North door").result == "already_checked_in"
    assert len(_statements(captured)) == 2


def test_statistics_of_today_use_the_conference_time_zone(two_days, ada):
    scan_badge(conference=two_days, code=current_badge(ada).code, scanned_at=yesterday_at(two_days, 23, 30))
    late_evening = yesterday_at(two_days, 23, 45)
    assert checkin_stats(conference=two_days, now=late_evening)["today"] == 1
    assert checkin_stats(conference=two_days, now=late_evening + dt.timedelta(minutes=30))["today"] == 0


def test_arrivals_per_quarter_hour_skip_the_hours_without_arrivals_and_carry_dates(two_days, ada):
    from badges.checkin.services import arrival_days

    bob = RegistrationFactory(invitation=ada.invitation)
    scan_badge(conference=two_days, code=current_badge(ada).code, scanned_at=yesterday_at(two_days, 8, 50))
    scan_badge(conference=two_days, code=current_badge(bob).code, scanned_at=yesterday_at(two_days, 9, 40))
    second = dt.datetime.combine(two_days.ends_on, dt.time(8, 5), tzinfo=two_days.tz)
    scan_badge(conference=two_days, code=current_badge(ada).code, scanned_at=min(second, timezone.now()))
    stats = checkin_stats(conference=two_days)
    starts = [dt.datetime.fromisoformat(q["start"]).astimezone(two_days.tz) for q in stats["per_quarter_hour"]]
    # Day 1: 08:45, then the whole hour 09:00-09:45 (it had arrivals); nothing from 10:00 to the next morning.
    assert [s.strftime("%H:%M") for s in starts if s.date() == two_days.starts_on] == [
        "08:45",
        "09:00",
        "09:15",
        "09:30",
        "09:45",
    ]
    assert len({s.hour for s in starts if s.date() == two_days.ends_on}) == 1  # one hour of day 2
    assert len(starts) <= 5 + 4
    days = arrival_days(two_days, stats["per_quarter_hour"])
    assert [day["date"] for day in days] == [two_days.starts_on.isoformat(), two_days.ends_on.isoformat()]
    assert [day["arrivals"] for day in days] == [2, 1]
    first_label = days[0]["quarters"][0]["label"]
    assert first_label == f"{two_days.starts_on:%a} {two_days.starts_on.day} {two_days.starts_on:%b} 08:45"
    assert all(str(q["label"]).count(" ") == 3 for day in days for q in day["quarters"])
    assert max(q["percent"] for day in days for q in day["quarters"]) == 100
