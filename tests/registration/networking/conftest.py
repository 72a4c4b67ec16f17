"""A conference with a published networking slot and delegates of the directory."""

import pytest

from conference.models import Organisation, Session
from registration.models import Topic
from tests.factories import RegistrationFactory, SessionFactory, at, published_agenda


def listed(conference, *, organisation_kind=Organisation.Kind.COMPANY, interests=(), **fields):
    """A confirmed delegate who opted in to the directory."""
    registration = RegistrationFactory(
        invitation__conference=conference,
        invitation__organisation__kind=organisation_kind,
        directory_opt_in=True,
        **fields,
    )
    registration.interests.set(interests)
    return registration


@pytest.fixture
def topics(conference):
    return {
        name: Topic.objects.create(conference=conference, name=name, position=n)
        for n, name in enumerate(["Cyber security", "Health tech", "Skills", "Funding bids"])
    }


@pytest.fixture
def slot(conference):
    """A networking session of the published agenda."""
    session = SessionFactory(
        conference=conference,
        kind=Session.Kind.NETWORKING,
        title="Networking lunch",
        room=None,
        starts_at=at(conference, 12, 30),
        ends_at=at(conference, 13, 30),
    )
    published_agenda(conference)
    session.refresh_from_db()
    return session


@pytest.fixture
def ada(conference, topics):
    return listed(
        conference,
        first_name="Ada",
        last_name="Łukasiewicz",
        job_title="KTP manager",
        organisation_kind=Organisation.Kind.UNIVERSITY,
        interests=[topics["Funding bids"]],
        networking_note="Looking for a company partner for a KTP",
    )


@pytest.fixture
def bob(conference, topics):
    return listed(
        conference,
        first_name="Bob",
        last_name="Stone",
        job_title="CTO",
        interests=[topics["Cyber security"], topics["Funding bids"]],
    )
