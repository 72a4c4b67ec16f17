import datetime as dt

import pytest
from django.utils import timezone

from badges.models import CheckIn
from organiser import overview
from registration.models import Invitation, Registration
from tests.factories import ConferenceFactory, InvitationFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_conference():
    conference = ConferenceFactory(capacity=50)
    InvitationFactory(conference=conference, status=Invitation.Status.DRAFT, sent_at=None)
    InvitationFactory(conference=conference, status=Invitation.Status.SENT)
    InvitationFactory(conference=conference, status=Invitation.Status.OPENED, opened_at=timezone.now())
    declined = InvitationFactory(
        conference=conference, status=Invitation.Status.DECLINED, opened_at=timezone.now(), responded_at=timezone.now()
    )
    accepted = InvitationFactory(
        conference=conference, status=Invitation.Status.ACCEPTED, opened_at=timezone.now(), responded_at=timezone.now()
    )
    first, second = RegistrationFactory.create_batch(2, invitation=accepted)
    RegistrationFactory(invitation=accepted, status=Registration.Status.WAITLISTED)
    RegistrationFactory(invitation=accepted, status=Registration.Status.CANCELLED)
    arrived = timezone.make_aware(dt.datetime(2030, 5, 1, 8, 50), conference.tz)
    CheckIn.objects.create(conference=conference, registration=first, gate="North", checked_in_at=arrived)
    # An undone check-in counts for nothing.
    CheckIn.objects.create(
        conference=conference,
        registration=second,
        gate="North",
        checked_in_at=arrived + dt.timedelta(minutes=31),
        undone_at=arrived + dt.timedelta(minutes=32),
    )
    assert declined.responded_at
    return conference


def test_overview_figures_count_each_state(busy_conference):
    figures = overview.overview(busy_conference)["figures"]
    assert figures["invited"] == 4
    assert figures["drafts"] == 1
    assert figures["opened"] == 3
    assert figures["accepted"] == 1
    assert figures["declined"] == 1
    assert figures["registered"] == 2
    assert figures["waiting"] == 1
    assert figures["cancelled"] == 1
    assert figures["checked_in"] == 1


def test_overview_arrivals_per_quarter_hour_ignores_undone(busy_conference):
    arrivals = overview.overview(busy_conference)["arrivals"]
    assert [(row["start"].strftime("%H:%M"), row["count"]) for row in arrivals] == [("08:45", 1)]


def test_overview_rsvps_per_day(busy_conference):
    rows = overview.rsvps_per_day(busy_conference)
    assert sum(row["accepted"] for row in rows) == 1
    assert sum(row["declined"] for row in rows) == 1


def test_overview_page_shows_figures_with_fixed_queries(
    client, organiser, busy_conference, django_assert_max_num_queries
):
    client.force_login(organiser)
    with django_assert_max_num_queries(14):
        response = client.get(f"/organiser/{busy_conference.slug}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Checked in" in body and "Arrivals per quarter hour" in body


def test_overview_unknown_conference_is_404(client, organiser):
    client.force_login(organiser)
    assert client.get("/organiser/no-such-year/").status_code == 404
