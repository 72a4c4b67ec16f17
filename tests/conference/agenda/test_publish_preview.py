"""Publishing only what changed: nothing_to_publish, the preview, and a preview gone stale."""

import pytest

from conference.agenda import services
from conference.agenda.errors import DraftChanged, NothingToPublish
from conference.models import AgendaVersion
from tests.conference.agenda.helpers import clean_cache  # noqa: F401
from tests.factories import RoomFactory, SessionFactory, at, published_agenda

pytestmark = pytest.mark.django_db


def _url(conference, path):
    return f"/api/conferences/{conference.slug}/agenda/{path}"


def test_publish_unchanged_draft_is_refused_and_writes_nothing(conference):
    SessionFactory(conference=conference)
    published_agenda(conference)
    with pytest.raises(NothingToPublish):
        published_agenda(conference)
    assert AgendaVersion.objects.filter(conference=conference).count() == 1


def test_publish_first_version_of_empty_draft_is_allowed(conference):
    assert published_agenda(conference).number == 1


def test_publish_after_title_edit_is_allowed_though_nothing_moved(conference):
    session = SessionFactory(conference=conference)
    published_agenda(conference)
    services.save_session(conference=conference, session=session, title="A better title")
    version = published_agenda(conference)
    assert version.number == 2
    assert version.changes == {"added": [], "moved": [], "cancelled": []}


def test_publish_api_unchanged_draft_is_409_nothing_to_publish(organiser_api, conference):
    SessionFactory(conference=conference)
    assert organiser_api.post(_url(conference, "publish/"), {}, format="json").status_code == 201
    response = organiser_api.post(_url(conference, "publish/"), {"note": "again"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "nothing_to_publish"
    assert AgendaVersion.objects.filter(conference=conference).count() == 1


def test_publish_api_answer_has_notified(organiser_api, conference):
    SessionFactory(conference=conference)
    response = organiser_api.post(_url(conference, "publish/"), {"notify": True}, format="json")
    assert response.status_code == 201
    assert response.json()["notified"] == 0


def test_publish_with_stale_fingerprint_is_refused(conference):
    session = SessionFactory(conference=conference, room=RoomFactory(conference=conference))
    seen = services.pending_publication(conference)["fingerprint"]
    services.save_session(
        conference=conference, session=session, starts_at=at(conference, 14), ends_at=at(conference, 15)
    )
    with pytest.raises(DraftChanged):
        services.publish_agenda(conference=conference, expected=seen)
    fresh = services.pending_publication(conference)["fingerprint"]
    assert services.publish_agenda(conference=conference, expected=fresh).number == 1


def test_preview_api_lists_what_publishing_would_change(organiser_api, conference):
    session = SessionFactory(conference=conference, title="Panel")
    published_agenda(conference)
    body = organiser_api.get(_url(conference, "preview/")).json()
    assert body["changed"] is False and body["next_version"] == 2
    services.save_session(
        conference=conference, session=session, starts_at=at(conference, 14), ends_at=at(conference, 15)
    )
    body = organiser_api.get(_url(conference, "preview/")).json()
    assert body["changed"] is True
    assert [m["title"] for m in body["changes"]["moved"]] == ["Panel"]
    assert body["clashes"] == []


def test_preview_api_is_for_organisers_only(anon_api, conference):
    assert anon_api.get(_url(conference, "preview/")).status_code in (401, 403)


def test_organiser_page_says_nothing_to_publish_when_unchanged(client, organiser, conference):
    SessionFactory(conference=conference)
    published_agenda(conference)
    client.force_login(organiser)
    html = client.get(f"/organiser/{conference.slug}/agenda/").content.decode()
    assert "Nothing to publish</button>" in html
    assert "Publish version 2" not in html


def test_organiser_page_publish_with_stale_preview_says_so(client, organiser, conference):
    session = SessionFactory(conference=conference, title="Panel")
    client.force_login(organiser)
    seen = services.pending_publication(conference)["fingerprint"]
    services.save_session(conference=conference, session=session, title="Panel on skills")
    response = client.post(f"/organiser/{conference.slug}/agenda/publish/", {"note": "", "expected": seen}, follow=True)
    assert "The draft changed since you reviewed it" in response.content.decode()
    assert not AgendaVersion.objects.filter(conference=conference).exists()
