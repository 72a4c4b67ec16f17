"""Two doors scanning one badge at the same moment admit it once (SQLite and PostgreSQL, real threads)."""

import threading
from collections import Counter

import pytest
from django.db import connection

from badges.checkin.services import scan_badge
from badges.models import CheckIn, Scan
from badges.services import current_badge
from registration.models import Registration
from tests.factories import InvitationFactory, RegistrationFactory

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 12


def run_at_once(calls):
    """Run each call in its own thread (own database connection), released together by a barrier."""
    barrier = threading.Barrier(len(calls))
    answers, errors = [None] * len(calls), []

    def worker(i, call):
        try:
            barrier.wait()
            answers[i] = call()
        except Exception as exc:  # reported below: a failure in a thread must fail the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return answers


def test_many_doors_scanning_one_badge_at_once_admit_it_exactly_once():
    registration = RegistrationFactory()
    conference, code = registration.conference, current_badge(registration).code
    answers = run_at_once(
        [
            lambda i=i: scan_badge(conference=conference, code=code, gate=f"Door {i}", nonce=f"door-{i}")
            for i in range(THREADS)
        ]
    )
    results = Counter(answer.result for answer in answers)
    assert results == {"admitted": 1, "already_checked_in": THREADS - 1}
    admitted = next(answer for answer in answers if answer.result == "admitted")
    for answer in answers:
        if answer.result == "already_checked_in":
            assert answer.status == 409
            assert answer.body["first_gate"] == admitted.body["gate"]
    assert CheckIn.objects.count() == 1
    assert Scan.objects.count() == THREADS
    registration = Registration.objects.with_checked_in_at().get(pk=registration.pk)
    assert registration.checked_in_at == CheckIn.objects.get().checked_in_at


def test_the_same_nonce_sent_at_once_is_recorded_once_with_one_answer():
    registration = RegistrationFactory()
    conference, code = registration.conference, current_badge(registration).code
    answers = run_at_once(
        [lambda: scan_badge(conference=conference, code=code, gate="North door", nonce="retry-1")] * 8
    )
    assert {answer.result for answer in answers} == {"admitted"}
    assert len({answer.body["checkin_id"] for answer in answers}) == 1
    assert Scan.objects.count() == 1 and CheckIn.objects.count() == 1


def test_many_badges_scanned_at_once_are_all_admitted():
    invitation = InvitationFactory(seats=THREADS)
    codes = [current_badge(RegistrationFactory(invitation=invitation)).code for _ in range(THREADS)]
    conference = invitation.conference
    answers = run_at_once(
        [lambda code=code: scan_badge(conference=conference, code=code, gate="North door") for code in codes]
    )
    assert Counter(answer.result for answer in answers) == {"admitted": THREADS}
    assert CheckIn.objects.count() == THREADS


def test_many_doors_on_each_day_admit_a_badge_once_a_day():
    import datetime as dt

    from django.utils import timezone

    registration = RegistrationFactory()
    conference = registration.conference
    today = timezone.localtime(timezone.now(), conference.tz).date()
    conference.starts_on, conference.ends_on = today - dt.timedelta(days=1), today
    conference.save()
    code = current_badge(registration).code
    yesterday = dt.datetime.combine(conference.starts_on, dt.time(9), tzinfo=conference.tz)
    calls = [
        lambda i=i: scan_badge(conference=conference, code=code, gate=f"Door {i}", scanned_at=yesterday)
        for i in range(THREADS // 2)
    ] + [lambda i=i: scan_badge(conference=conference, code=code, gate=f"Door {i}") for i in range(THREADS // 2)]
    answers = run_at_once(calls)
    results = Counter((answer.body["day"], answer.result) for answer in answers)
    assert results == {
        (1, "admitted"): 1,
        (1, "already_checked_in"): THREADS // 2 - 1,
        (2, "admitted"): 1,
        (2, "already_checked_in"): THREADS // 2 - 1,
    }
    assert sorted(CheckIn.objects.values_list("day", flat=True)) == [1, 2]


def test_many_delegates_at_a_session_door_at_once_never_exceed_its_places():
    from badges.checkin.services import find_session
    from tests.factories import SessionFactory

    invitation = InvitationFactory(seats=THREADS)
    conference = invitation.conference
    talk = SessionFactory(conference=conference, capacity=5)
    codes = [current_badge(RegistrationFactory(invitation=invitation)).code for _ in range(THREADS)]
    session = find_session(conference, talk.pk)
    answers = run_at_once(
        [
            lambda code=code: scan_badge(conference=conference, code=code, gate="Room 5", session=session)
            for code in codes
        ]
    )
    assert Counter(answer.result for answer in answers) == {"admitted": 5, "session_full": THREADS - 5}
    assert CheckIn.objects.filter(session=talk).count() == 5
