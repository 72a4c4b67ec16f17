"""Factories for every model the tests need (no mocks of the project's own code)."""

import datetime as dt

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from conference.models import Conference, Organisation, Room, Session, Speaker, Track
from conference.plumbing import roles
from registration.models import Invitation, Registration


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class OrganiserFactory(UserFactory):
    class Meta:
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"organiser{n}")
    is_staff = True

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=roles.ORGANISERS))


class DoorStaffFactory(UserFactory):
    class Meta:
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"door{n}")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=roles.DOOR_STAFF))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisation {n} Ltd")
    kind = Organisation.Kind.COMPANY


class ConferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conference
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Test Conference {n}")
    slug = factory.Sequence(lambda n: f"conf-{n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    ends_on = factory.LazyAttribute(lambda c: c.starts_on + dt.timedelta(days=1))
    timezone = "Europe/London"
    venue = "The ICC Birmingham"
    address = "8 Centenary Square, Birmingham B1 2EA"
    capacity = 100
    contact_email = "events@example.org"


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    conference = factory.SubFactory(ConferenceFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    contact_name = factory.Faker("name", locale="en_GB")
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    category = "company"
    seats = 2
    status = Invitation.Status.SENT
    sent_at = factory.LazyFunction(timezone.now)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    invitation = factory.SubFactory(InvitationFactory)
    conference = factory.SelfAttribute("invitation.conference")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.Sequence(lambda n: f"delegate{n}@example.org")
    badge_name = factory.SelfAttribute("first_name")
    job_title = "Engineer"
    consent_at = factory.LazyFunction(timezone.now)
    status = Registration.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    conference = factory.SubFactory(ConferenceFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    capacity = 100


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    conference = factory.SubFactory(ConferenceFactory)
    name = factory.Sequence(lambda n: f"Track {n}")
    colour = "#1d4ed8"


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    conference = factory.SubFactory(ConferenceFactory)
    name = factory.Faker("name", locale="en_GB")
    organisation = "Aston University"


def _at(conference, hour, minute=0, day=0):
    date = conference.starts_on + dt.timedelta(days=day)
    return dt.datetime.combine(date, dt.time(hour, minute), tzinfo=conference.tz)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    conference = factory.SubFactory(ConferenceFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    kind = Session.Kind.TALK
    starts_at = factory.LazyAttribute(lambda s: _at(s.conference, 10))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + dt.timedelta(minutes=45))
    room = factory.SubFactory(RoomFactory, conference=factory.SelfAttribute("..conference"))


class WorkshopFactory(SessionFactory):
    """A workshop with limited places (registration: Registration.workshops)."""

    kind = Session.Kind.WORKSHOP
    capacity = 10
    title = factory.Sequence(lambda n: f"Workshop {n}")
    starts_at = factory.LazyAttributeSequence(lambda s, n: _at(s.conference, 9 + n % 8))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + dt.timedelta(minutes=50))


class DraftInvitationFactory(InvitationFactory):
    status = Invitation.Status.DRAFT
    sent_at = None


def delegate_data(**overrides):
    """One delegate as the RSVP API and services take it."""
    n = next(_delegate_numbers)
    data = {
        "first_name": "Amira",
        "last_name": f"Haddad {n}",
        "email": f"amira{n}@example.org",
        "badge_name": "Amira",
        "job_title": "Head of Digital",
        "dietary": "Vegetarian",
        "accessibility": "",
        "consent": True,
        "workshops": [],
    }
    data.update(overrides)
    return data


_delegate_numbers = iter(range(1, 10**9))
# --- Agenda (appended by the agenda work) -------------------------------------


def at(conference, hour, minute=0, day=0):
    """An aware date-time on a day of the conference, in its time zone."""
    return _at(conference, hour, minute, day)


def published_agenda(conference, note="", user=None):
    """Publish the conference's draft through the real service."""
    from conference.agenda.services import publish_agenda

    return publish_agenda(conference=conference, note=note, user=user)


# --- Badges ---------------------------------------------------------------

from badges.models import Badge  # noqa: E402


class BadgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Badge

    registration = factory.SubFactory(RegistrationFactory)


# --- Registration questions ---------------------------------------------------


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "registration.Question"

    conference = factory.SubFactory(ConferenceFactory)
    label = factory.Sequence(lambda n: f"Question {n}")
    kind = "text"
    position = factory.Sequence(lambda n: n)
