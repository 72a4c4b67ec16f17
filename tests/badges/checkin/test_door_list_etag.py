"""The offline list's ETag: a few aggregates, changed by what the list shows and by nothing else."""

import pytest

from badges.checkin.services import door_list_etag, scan_badge, undo_checkin
from badges.services import current_badge, reissue_badge
from registration.services import cancel_registration
from tests.factories import (
    ConferenceFactory,
    InvitationFactory,
    OrganisationFactory,
    RegistrationFactory,
    SessionFactory,
    at,
)

pytestmark = pytest.mark.django_db


def _url(conference):
    return f"/api/conferences/{conference.slug}/checkin/list/"


@pytest.fixture
def ada(conference):
    invitation = InvitationFactory(conference=conference, organisation=OrganisationFactory(name="Aston University"))
    ada = RegistrationFactory(invitation=invitation, first_name="Ada", last_name="Lovelace")
    RegistrationFactory(invitation=invitation, first_name="Alan", last_name="Turing")
    return ada


def _etag(conference):
    return door_list_etag(conference=conference)


def test_etag_answers_304_and_is_the_one_of_the_list_it_came_with(door_api, conference, ada):
    first = door_api.get(_url(conference))
    assert first.status_code == 200 and first["ETag"] == _etag(conference)
    again = door_api.get(_url(conference), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"] and not again.content


def test_a_304_does_not_build_the_list(door_api, conference, ada, django_assert_max_num_queries):
    for _ in range(40):
        RegistrationFactory(invitation=ada.invitation)
    etag = door_api.get(_url(conference))["ETag"]
    # The user's groups, the conference, the missing badges (none) and the five aggregates: no delegate row read.
    with django_assert_max_num_queries(8) as captured:
        assert door_api.get(_url(conference), HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert not any('"registration_registration"."badge_name"' in query["sql"] for query in captured.captured_queries)


def test_etag_stays_while_nothing_the_list_shows_changes(conference, ada):
    before = _etag(conference)
    assert _etag(conference) == before
    # Another conference's delegates and check-ins, a session door's check-in, a printed badge: not in this list.
    other = RegistrationFactory(invitation=InvitationFactory(conference=ConferenceFactory()))
    scan_badge(conference=other.conference, code=current_badge(other).code)
    session = SessionFactory(conference=conference, starts_at=at(conference, 10))
    scan_badge(conference=conference, code=current_badge(ada).code, session=session)
    badge = current_badge(ada)
    badge.printed_at = badge.issued_at
    badge.save()
    assert _etag(conference) == before


@pytest.mark.parametrize(
    "change",
    [
        "renamed",
        "badge_name_changed",
        "cancelled",
        "new_delegate",
        "badge_reissued",
        "checked_in",
        "category_changed",
        "workshop_booked",
    ],
)
def test_etag_changes_with_what_the_list_shows(conference, ada, change):
    before = _etag(conference)
    if change == "renamed":
        ada.last_name = "King"
        ada.save()
    elif change == "badge_name_changed":
        ada.badge_name = "Countess"
        ada.save(update_fields=["badge_name"])  # a save of a few fields bumps updated_at too
    elif change == "cancelled":
        cancel_registration(registration=ada)
    elif change == "new_delegate":
        RegistrationFactory(invitation=ada.invitation)
    elif change == "badge_reissued":
        reissue_badge(ada)
    elif change == "checked_in":
        scan_badge(conference=conference, code=current_badge(ada).code, gate="North door")
    elif change == "category_changed":
        ada.invitation.category = "press"
        ada.invitation.save()
    elif change == "workshop_booked":
        ada.workshops.add(SessionFactory(conference=conference, kind="workshop", capacity=10))
    assert _etag(conference) != before


def test_etag_changes_when_a_checkin_is_undone_and_when_a_delegate_goes(conference, ada):
    answer = scan_badge(conference=conference, code=current_badge(ada).code, gate="North door")
    checked_in = _etag(conference)
    undo_checkin(conference=conference, checkin_id=answer.body["checkin_id"])
    undone = _etag(conference)
    assert undone != checked_in
    ada.delete()
    assert _etag(conference) != undone


def test_the_list_is_built_once_per_etag_and_again_after_a_change(
    door_api, conference, ada, django_assert_max_num_queries
):
    first = door_api.get(_url(conference), HTTP_ACCEPT_ENCODING="gzip")
    assert first["Content-Encoding"] == "gzip"
    # Another door without its own copy: the same bytes, from the cache, no delegate row read.
    with django_assert_max_num_queries(8) as captured:
        second = door_api.get(_url(conference), HTTP_ACCEPT_ENCODING="gzip")
    assert second.status_code == 200 and second.content == first.content and second["ETag"] == first["ETag"]
    assert not any('"registration_registration"."badge_name"' in query["sql"] for query in captured.captured_queries)
    plain = door_api.get(_url(conference))
    assert "Content-Encoding" not in plain and plain.json()["count"] == 2
    ada.last_name = "King"
    ada.save()
    changed = door_api.get(_url(conference))
    assert changed["ETag"] != first["ETag"]
    assert {row["name"] for row in changed.json()["delegates"]} == {"Ada King", "Alan Turing"}


def test_etag_changes_when_retention_anonymises_the_delegates(conference, ada):
    """Anonymising writes with update(), which does not bump updated_at by itself: the doors must drop the names."""
    import datetime as dt

    from registration.privacy import apply_retention

    before = _etag(conference)
    apply_retention(today=conference.retain_until + dt.timedelta(days=1))
    ada.refresh_from_db()
    assert ada.anonymised_at is not None
    assert _etag(conference) != before
