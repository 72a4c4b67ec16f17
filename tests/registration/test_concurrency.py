"""Capacity under a burst of simultaneous accepts, on the real database (SQLite and PostgreSQL).

Each thread has its own database connection, as separate web servers would;
a barrier releases them together.
"""

import pytest
from django.db import connection

from registration import services
from registration.models import Registration
from tests.factories import ConferenceFactory, InvitationFactory, WorkshopFactory, delegate_data
from tests.threads import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def test_forty_simultaneous_accepts_for_ten_places():
    conference = ConferenceFactory(capacity=10)
    invitations = InvitationFactory.create_batch(40, conference=conference, seats=1)
    connection.close()

    def accept(invitation):
        return lambda: services.accept_invitation(invitation=invitation, delegates=[delegate_data()])

    results, errors = run_together([accept(i) for i in invitations])
    assert errors == [None] * 40
    registrations = list(Registration.objects.filter(conference=conference).order_by("created_at", "pk"))
    assert len(registrations) == 40
    assert [r.status for r in registrations] == ["confirmed"] * 10 + ["waitlisted"] * 30
    # The order of the waiting list is the order in which the accepts were decided.
    assert [r.pk for r in registrations] == sorted(r.pk for r in registrations)
    assert {r.invitation_id for r in registrations} == {i.pk for i in invitations}

    # A cancellation gives the place to the first on the waiting list, and only to them.
    first_waiting = registrations[10]
    services.cancel_registration(registration=registrations[0])
    statuses = dict(Registration.objects.filter(conference=conference).values_list("pk", "status"))
    assert statuses[first_waiting.pk] == "confirmed"
    assert list(statuses.values()).count("confirmed") == 10
    assert list(statuses.values()).count("waitlisted") == 29


def test_simultaneous_accepts_never_overfill_a_workshop():
    conference = ConferenceFactory(capacity=100)
    workshop = WorkshopFactory(conference=conference, capacity=5)
    invitations = InvitationFactory.create_batch(20, conference=conference, seats=1)
    connection.close()

    def accept(invitation):
        return lambda: services.accept_invitation(
            invitation=invitation, delegates=[delegate_data(workshops=[workshop.pk])]
        )

    results, errors = run_together([accept(i) for i in invitations])
    full = [e for e in errors if e is not None]
    assert all(isinstance(e, services.WorkshopFull) for e in full), full
    assert len(full) == 15
    assert workshop.attendees.count() == 5
    # A refused answer registers nobody.
    assert Registration.objects.filter(conference=conference).count() == 5


def test_simultaneous_cancellations_promote_each_waiting_delegate_once():
    conference = ConferenceFactory(capacity=5)
    created = [
        services.accept_invitation(
            invitation=InvitationFactory(conference=conference, seats=1), delegates=[delegate_data()]
        )[0]
        for _ in range(15)
    ]
    confirmed = [r for r in created if r.status == "confirmed"]
    connection.close()

    results, errors = run_together([lambda r=r: services.cancel_registration(registration=r) for r in confirmed])
    assert errors == [None] * 5
    promoted = [p.pk for batch in results for p in batch]
    assert sorted(promoted) == [r.pk for r in created[5:10]]
    assert Registration.objects.filter(conference=conference, status="confirmed").count() == 5


def test_burst_with_reserved_and_exempt_categories_fills_the_places_exactly():
    conference = ConferenceFactory(capacity=10, reserved_places={"sponsor": 3})
    categories = ["company"] * 20 + ["sponsor"] * 6 + ["speaker"] * 4
    invitations = [InvitationFactory(conference=conference, category=c, seats=1) for c in categories]
    connection.close()

    def accept(invitation):
        return lambda: services.accept_invitation(invitation=invitation, delegates=[delegate_data()])

    results, errors = run_together([accept(i) for i in invitations])
    assert errors == [None] * len(invitations)
    confirmed = Registration.objects.filter(conference=conference, status="confirmed")
    by_category = {c: confirmed.filter(invitation__category=c).count() for c in ("company", "sponsor", "speaker")}
    # Speakers are exempt: all in, taking no place. Sponsors hold 3 places; the 7 general ones go to whoever came first.
    assert by_category["speaker"] == 4
    assert by_category["company"] + by_category["sponsor"] == 10
    assert by_category["sponsor"] >= 3 and by_category["company"] <= 7
    assert Registration.objects.filter(conference=conference, status="waitlisted").count() == 16


def test_simultaneous_cancellations_serve_reserved_and_general_places_once_each():
    conference = ConferenceFactory(capacity=4, reserved_places={"sponsor": 2})

    def register(category):
        invitation = InvitationFactory(conference=conference, category=category, seats=1)
        return services.accept_invitation(invitation=invitation, delegates=[delegate_data()])[0]

    confirmed = [register("sponsor"), register("sponsor"), register("company"), register("company")]
    waiting = [register(c) for c in ("sponsor", "company", "sponsor", "company", "sponsor", "company")]
    assert all(r.status == "confirmed" for r in confirmed) and all(r.status == "waitlisted" for r in waiting)
    connection.close()

    results, errors = run_together([lambda r=r: services.cancel_registration(registration=r) for r in confirmed])
    assert errors == [None] * 4
    promoted = sorted(p.pk for batch in results for p in batch)
    # Whatever the order of the cancellations: the first four waiting, each promoted once, two of them sponsors.
    assert promoted == sorted(r.pk for r in waiting[:4])
    now_confirmed = Registration.objects.filter(conference=conference, status="confirmed")
    assert sorted(now_confirmed.values_list("pk", flat=True)) == promoted
    assert now_confirmed.filter(invitation__category="sponsor").count() == 2


def test_two_organisers_substituting_the_same_delegate_at_once_pass_the_place_once():
    conference = ConferenceFactory(capacity=1)
    (old,) = services.accept_invitation(
        invitation=InvitationFactory(conference=conference, seats=1), delegates=[delegate_data()]
    )
    connection.close()

    def substitute(email):
        return lambda: services.substitute_registration(
            registration=old, data={"first_name": "Bilal", "last_name": "Khan", "email": email}
        )

    results, errors = run_together([substitute(f"colleague{i}@example.org") for i in range(4)])
    assert sum(e is None for e in errors) == 1
    assert all(isinstance(e, services.NotSubstitutable) for e in errors if e is not None)
    statuses = list(Registration.objects.filter(conference=conference).values_list("status", flat=True))
    assert sorted(statuses) == ["cancelled", "confirmed"]


def test_simultaneous_erasures_and_a_cancellation_of_one_delegate_offer_the_place_once():
    from registration import privacy
    from registration.models import AuditEntry

    conference = ConferenceFactory(capacity=1)

    def accept():
        invitation = InvitationFactory(conference=conference)
        return services.accept_invitation(invitation=invitation, delegates=[delegate_data()])[0]

    ada, waiting = accept(), [accept(), accept()]
    connection.close()

    def erase():
        return privacy.erase_registration(registration=ada)

    def cancel():
        try:
            return services.cancel_registration(registration=ada)
        except services.NotCancellable:
            return "already cancelled"

    results, errors = run_together([erase, erase, erase, cancel])
    assert errors == [None] * 4
    ada.refresh_from_db()
    assert ada.status == Registration.Status.CANCELLED and ada.anonymised_at is not None
    statuses = [Registration.objects.get(pk=w.pk).status for w in waiting]
    assert statuses == ["confirmed", "waitlisted"]  # one place freed, offered once, in order
    assert AuditEntry.objects.filter(action="erase").count() == 1
