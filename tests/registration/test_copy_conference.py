"""Next year from this year: POST /api/conferences/<slug>/copy/ (registration.copying, conference.services)."""

import datetime as dt

import pytest

from conference.models import AgendaVersion, Conference, Session
from registration.models import EmailTemplate, Invitation, OutboxMessage, Question
from tests.factories import (
    ConferenceFactory,
    InvitationFactory,
    QuestionFactory,
    RegistrationFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    TrackFactory,
    WorkshopFactory,
    at,
    published_agenda,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def this_year():
    conference = ConferenceFactory(
        name="COG 2027",
        slug="cog-2027",
        starts_on=dt.date(2027, 5, 20),
        ends_on=dt.date(2027, 5, 21),
        capacity=250,
        capacity_exempt_categories=["speaker"],
        reserved_places={"sponsor": 20},
        colour="#123456",
        venue="The ICC Birmingham",
        registration_opens_at=dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC),
        registration_closes_at=dt.datetime(2027, 5, 13, 17, 0, tzinfo=dt.UTC),
    )
    hall = RoomFactory(conference=conference, name="Hall 1", capacity=300, position=1)
    track = TrackFactory(conference=conference, name="Skills", colour="#abcdef")
    speaker = SpeakerFactory(conference=conference, name="Grace Hopper", email="grace@example.org")
    opening = SessionFactory(
        conference=conference, title="Opening", room=hall, track=track, starts_at=at(conference, 9, 30)
    )
    opening.ends_at = at(conference, 10, 15)
    opening.save()
    opening.speakers.set([speaker])
    WorkshopFactory(conference=conference, title="Cloud lab", capacity=20, starts_at=at(conference, 14, day=1))
    cancelled = SessionFactory(conference=conference, title="Dropped talk", starts_at=at(conference, 11))
    published_agenda(conference)
    cancelled.cancelled_at = dt.datetime(2027, 5, 1, tzinfo=dt.UTC)
    cancelled.save()
    diet = QuestionFactory(conference=conference, label="Diet", kind="choice", choices=["none", "other"], position=0)
    QuestionFactory(
        conference=conference,
        label="Which?",
        depends_on={"question": diet.pk, "answer": "other"},
        show_at_door=True,
        categories=["partner"],
        position=1,
    )
    EmailTemplate.objects.create(
        conference=conference, kind="invitation", subject="Join us", body="Dear {contact_name}"
    )
    partner = InvitationFactory(
        conference=conference, category="partner", seats=3, contact_name="Ada", status="accepted"
    )
    RegistrationFactory(invitation=partner)
    InvitationFactory(conference=conference, category="company", seats=1, status="declined")
    return conference


def copy(api, conference, **body):
    body = {"name": "COG 2028", "slug": "cog-2028", "starts_on": "2028-05-18", **body}
    return api.post(f"/api/conferences/{conference.slug}/copy/", body, format="json")


def test_copy_answers_the_new_conference_with_its_set_up(organiser_api, this_year):
    outbox_before = OutboxMessage.objects.count()
    response = copy(organiser_api, this_year)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == "cog-2028" and body["name"] == "COG 2028"
    assert (body["starts_on"], body["ends_on"]) == ("2028-05-18", "2028-05-19")
    new = Conference.objects.get(slug="cog-2028")
    for field in ("capacity", "capacity_exempt_categories", "reserved_places", "colour", "venue", "timezone"):
        assert getattr(new, field) == getattr(this_year, field), field
    # 2027-05-20 to 2028-05-18: 364 days, the same weekday; the registration window moves with it.
    assert new.registration_opens_at == dt.datetime(2028, 2, 28, 9, 0, tzinfo=dt.UTC)
    assert new.registration_closes_at == dt.datetime(2028, 5, 11, 17, 0, tzinfo=dt.UTC)
    assert OutboxMessage.objects.count() == outbox_before, "nothing is sent"


def test_copy_takes_the_agenda_as_an_unpublished_draft_moved_by_the_dates(organiser_api, this_year):
    copy(organiser_api, this_year)
    new = Conference.objects.get(slug="cog-2028")
    assert not AgendaVersion.objects.filter(conference=new).exists()
    assert [r.name for r in new.rooms.all()] == [r.name for r in this_year.rooms.all()]
    assert new.rooms.get(name="Hall 1").capacity == 300
    assert [(t.name, t.colour) for t in new.tracks.all()] == [("Skills", "#abcdef")]
    sessions = {s.title: s for s in Session.objects.filter(conference=new)}
    assert set(sessions) == {"Opening", "Cloud lab"}, "cancelled sessions stay behind"
    opening = sessions["Opening"]
    assert opening.published_in is None and opening.cancelled_at is None
    assert opening.starts_at == dt.datetime(2028, 5, 18, 9, 30, tzinfo=new.tz)
    assert opening.ends_at == dt.datetime(2028, 5, 18, 10, 15, tzinfo=new.tz)
    assert opening.room.conference == new and opening.track.conference == new
    assert [(s.name, s.conference_id) for s in opening.speakers.all()] == [("Grace Hopper", new.pk)]
    lab = sessions["Cloud lab"]
    assert lab.capacity == 20 and lab.starts_at == dt.datetime(2028, 5, 19, 14, 0, tzinfo=new.tz)


def test_copy_takes_questions_templates_and_draft_invitations(organiser_api, this_year):
    copy(organiser_api, this_year)
    new = Conference.objects.get(slug="cog-2028")
    diet, which = Question.objects.filter(conference=new).order_by("position")
    assert (diet.label, diet.kind, diet.choices) == ("Diet", "choice", ["none", "other"])
    assert which.depends_on == {"question": diet.pk, "answer": "other"}, "the condition names the copy"
    assert which.show_at_door and which.categories == ["partner"]
    template = EmailTemplate.objects.get(conference=new)
    assert (template.kind, template.subject, template.body) == ("invitation", "Join us", "Dear {contact_name}")
    old = {i.email: i for i in this_year.invitations.all()}
    copied = list(Invitation.objects.filter(conference=new))
    assert len(copied) == 2
    for invitation in copied:
        source = old[invitation.email]
        assert invitation.status == "draft" and invitation.sent_at is None
        assert invitation.token != source.token
        fields = ("organisation_id", "contact_name", "category", "seats")
        assert [getattr(invitation, f) for f in fields] == [getattr(source, f) for f in fields]
        assert not invitation.registrations.exists()


def test_the_copy_changes_without_touching_the_original(organiser_api, this_year):
    copy(organiser_api, this_year)
    new = Conference.objects.get(slug="cog-2028")
    Session.objects.filter(conference=new).update(title="Renamed")
    new.rooms.filter(name="Hall 1").update(name="Hall 9")
    Question.objects.filter(conference=new).update(label="Changed")
    Invitation.objects.filter(conference=new).update(seats=9)
    assert set(Session.objects.filter(conference=this_year).values_list("title", flat=True)) == {
        "Opening",
        "Cloud lab",
        "Dropped talk",
    }
    assert "Hall 1" in this_year.rooms.values_list("name", flat=True)
    assert set(Question.objects.filter(conference=this_year).values_list("label", flat=True)) == {"Diet", "Which?"}
    assert sorted(this_year.invitations.values_list("seats", flat=True)) == [1, 3]
    assert this_year.invitations.filter(status="accepted").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"slug": "cog-2027"}, "slug"),
        ({"slug": "admin"}, "slug"),
        ({"slug": "Not a slug"}, "slug"),
        ({"name": ""}, "name"),
        ({"starts_on": "next May"}, "starts_on"),
    ],
)
def test_a_bad_copy_is_a_field_error_and_creates_nothing(organiser_api, this_year, body, field):
    before = Conference.objects.count(), Session.objects.count(), Invitation.objects.count()
    response = copy(organiser_api, this_year, **body)
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert (Conference.objects.count(), Session.objects.count(), Invitation.objects.count()) == before


def test_copy_is_for_organisers(anon_api, door_api, this_year):
    assert copy(anon_api, this_year).status_code in (401, 403)
    assert copy(door_api, this_year).status_code == 403
    assert not Conference.objects.filter(slug="cog-2028").exists()


def test_next_years_invitations_page_shows_this_years_seats_named_and_came_beside_each(
    client, organiser, organiser_api, this_year
):
    from badges.checkin.services import scan_badge
    from badges.services import current_badge

    partner = Invitation.objects.get(conference=this_year, category="partner")
    came, stayed_away = partner.registrations.get(), RegistrationFactory(invitation=partner)
    RegistrationFactory(invitation=partner, status="cancelled")
    scan_badge(conference=this_year, code=current_badge(came).code, gate="Main")
    assert stayed_away.status == "confirmed"
    assert copy(organiser_api, this_year).status_code == 201
    client.force_login(organiser)
    html = client.get("/organiser/cog-2028/invitations/").content.decode()
    assert "Last time (COG 2027): 3 seats, 2 named, 1 came" in html
    assert "Last time (COG 2027): 1 seat, 0 named, 0 came" in html
    # This year's own page has no earlier conference to show.
    assert "Last time" not in client.get("/organiser/cog-2027/invitations/").content.decode()
