"""Search, stats, the offline list, permissions and query counts of the check-in API."""

import datetime as dt
import json

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from badges.checkin.services import check_in_registration, scan_badge, undo_checkin
from badges.codes import code_digest
from badges.models import Badge
from badges.services import current_badge, reissue_badge
from registration.models import Registration
from tests.factories import ConferenceFactory, InvitationFactory, OrganisationFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def api(conference, what):
    return f"/api/conferences/{conference.slug}/checkin/{what}"


@pytest.fixture
def people(conference):
    aston = InvitationFactory(conference=conference, organisation=OrganisationFactory(name="Aston University"))
    gravity = InvitationFactory(conference=conference, organisation=OrganisationFactory(name="Gravity Digital Ltd"))
    return {
        "ada": RegistrationFactory(invitation=aston, first_name="Ada", last_name="Lovelace", email="ada@aston.ac.uk"),
        "alan": RegistrationFactory(invitation=aston, first_name="Alan", last_name="Turing", email="alan@aston.ac.uk"),
        "grace": RegistrationFactory(
            invitation=gravity, first_name="Grace", last_name="Hopper", email="grace@gravity.example"
        ),
    }


# --- search ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("lovelace", {"ada"}),
        ("ALAN", {"alan"}),
        ("aston", {"ada", "alan"}),
        ("grace@gravity.example", {"grace"}),
        ("GRACE@Gravity.Example", {"grace"}),
        ("Ada Lovelace", {"ada"}),
        ("turing aston", {"alan"}),
        ("nobody", set()),
    ],
)
def test_search_finds_by_name_organisation_or_email(door_api, conference, people, q, expected):
    response = door_api.get(api(conference, "search/"), {"q": q})
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"count", "next", "previous", "results"}
    ids = {row["id"] for row in body["results"]}
    assert ids == {people[name].pk for name in expected}
    assert body["count"] == len(expected)


def test_search_result_says_what_the_door_needs(door_api, conference, people):
    ada = people["ada"]
    admitted = scan_badge(conference=conference, code=current_badge(ada).code, gate="North door")
    row = door_api.get(api(conference, "search/"), {"q": "ada"}).json()["results"][0]
    assert row["name"] == "Ada Lovelace" and row["organisation"] == "Aston University"
    assert row["status"] == "confirmed"
    assert row["checkin_id"] == admitted.body["checkin_id"] and row["gate"] == "North door"
    assert row["checked_in_at"] == admitted.body["checked_in_at"]
    assert row["badge_pdf"] == f"/api/conferences/{conference.slug}/registrations/{ada.pk}/badge.pdf"
    assert "code" not in row


@pytest.mark.parametrize("q", ["", "a", "  b  "])
def test_search_shorter_than_two_characters_is_400_with_code(door_api, conference, people, q):
    response = door_api.get(api(conference, "search/"), {"q": q})
    assert response.status_code == 400
    assert response.json()["code"] == "query_too_short"


def test_search_stays_in_its_conference(door_api, conference, people):
    other = ConferenceFactory()
    RegistrationFactory(invitation=InvitationFactory(conference=other), first_name="Ada", last_name="Elsewhere")
    results = door_api.get(api(conference, "search/"), {"q": "ada"}).json()["results"]
    assert [row["name"] for row in results] == ["Ada Lovelace"]


def test_search_uses_a_fixed_number_of_queries(door_api, conference, django_assert_max_num_queries):
    invitation = InvitationFactory(conference=conference, organisation=OrganisationFactory(name="Big Co"))
    for i in range(25):
        registration = RegistrationFactory(invitation=invitation, last_name=f"Smith{i}")
        if i % 2:
            scan_badge(conference=conference, code=current_badge(registration).code, gate="A")
    with django_assert_max_num_queries(6):
        response = door_api.get(api(conference, "search/"), {"q": "smith"})
    assert response.json()["count"] == 25 and len(response.json()["results"]) == 20


# --- stats ----------------------------------------------------------------------------------


def test_stats_count_confirmed_and_live_checkins_by_gate_and_quarter_hour(door_api, conference, people):
    base = dt.datetime.combine(dt.date(2026, 11, 20), dt.time(9, 3), tzinfo=conference.tz)
    RegistrationFactory(invitation=people["ada"].invitation, status=Registration.Status.WAITLISTED)
    cancelled = RegistrationFactory(invitation=people["ada"].invitation)
    scan_badge(conference=conference, code=current_badge(people["ada"]).code, gate="North door", scanned_at=base)
    scan_badge(
        conference=conference,
        code=current_badge(people["alan"]).code,
        gate="North door",
        scanned_at=base + dt.timedelta(minutes=11),
    )
    grace = scan_badge(
        conference=conference,
        code=current_badge(people["grace"]).code,
        gate="South door",
        scanned_at=base + dt.timedelta(minutes=13),
    )
    # An undone check-in and a delegate cancelled after arriving do not count.
    undo_checkin(conference=conference, checkin_id=grace.body["checkin_id"])
    late = base + dt.timedelta(minutes=50)
    check_in_registration(conference=conference, registration_id=cancelled.pk, gate="South door", scanned_at=late)
    Registration.objects.filter(pk=cancelled.pk).update(status=Registration.Status.CANCELLED)
    response = door_api.get(api(conference, "stats/"))
    assert response.status_code == 200
    stats = response.json()
    assert stats["registered"] == 3
    assert stats["checked_in"] == 2
    assert stats["by_gate"] == {"North door": 2}
    assert stats["per_quarter_hour"] == [{"start": "2026-11-20T09:00:00+00:00", "count": 2}]


def test_stats_fill_empty_quarters_between_arrivals(door_api, conference, people):
    base = dt.datetime.combine(dt.date(2026, 7, 2), dt.time(8, 50), tzinfo=conference.tz)  # summer time: +01:00
    scan_badge(conference=conference, code=current_badge(people["ada"]).code, gate="A", scanned_at=base)
    scan_badge(
        conference=conference, code=current_badge(people["alan"]).code, gate="", scanned_at=base + dt.timedelta(hours=1)
    )
    stats = door_api.get(api(conference, "stats/")).json()
    assert stats["by_gate"] == {"A": 1, "Unnamed door": 1}
    assert stats["per_quarter_hour"] == [
        {"start": "2026-07-02T08:45:00+01:00", "count": 1},
        {"start": "2026-07-02T09:00:00+01:00", "count": 0},
        {"start": "2026-07-02T09:15:00+01:00", "count": 0},
        {"start": "2026-07-02T09:30:00+01:00", "count": 0},
        {"start": "2026-07-02T09:45:00+01:00", "count": 1},
    ]


def test_stats_of_conference_without_delegates(door_api, conference, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        stats = door_api.get(api(conference, "stats/")).json()
    assert stats == {
        "registered": 0,
        "checked_in": 0,
        "today": 0,
        "by_day": [],
        "by_gate": {},
        "per_quarter_hour": [],
    }


# --- the offline list -----------------------------------------------------------------------


def test_door_list_holds_hashes_never_codes(door_api, conference, people):
    ada, alan, grace = people["ada"], people["alan"], people["grace"]
    old = current_badge(ada).code
    new = reissue_badge(ada).code
    scan_badge(conference=conference, code=current_badge(alan).code, gate="North door")
    Registration.objects.filter(pk=grace.pk).update(status=Registration.Status.CANCELLED)
    response = door_api.get(api(conference, "list/"))
    assert response.status_code == 200
    raw = response.content.decode()
    assert old not in raw and new not in raw
    for badge in Badge.objects.all():
        assert badge.code not in raw
    data = json.loads(raw)
    rows = {row["id"]: row for row in data["delegates"]}
    assert data["count"] == 3
    assert rows[ada.pk]["code_sha256"] == code_digest(new)
    assert rows[ada.pk]["revoked_sha256"] == [code_digest(old)]
    assert rows[alan.pk]["gate"] == "North door" and rows[alan.pk]["checked_in_at"]
    assert rows[grace.pk]["status"] == "cancelled"
    assert set(rows[ada.pk]) == {
        "id",
        "name",
        "badge_name",
        "organisation",
        "category",
        "status",
        "checked_in_at",
        "checkin_id",
        "gate",
        "code_sha256",
        "revoked_sha256",
        "checkins",
        "workshops",
    }


def test_door_list_issues_missing_badges_of_confirmed_delegates(door_api, conference, people):
    assert not Badge.objects.exists()
    rows = door_api.get(api(conference, "list/")).json()["delegates"]
    assert Badge.objects.filter(revoked_at__isnull=True).count() == 3
    ada = people["ada"]
    assert {row["id"]: row["code_sha256"] for row in rows}[ada.pk] == code_digest(current_badge(ada).code)


def test_door_list_etag_answers_304_until_something_changes(door_api, conference, people):
    first = door_api.get(api(conference, "list/"))
    etag = first["ETag"]
    assert etag
    again = door_api.get(api(conference, "list/"), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    scan_badge(conference=conference, code=current_badge(people["ada"]).code, gate="North door")
    changed = door_api.get(api(conference, "list/"), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_door_list_uses_a_fixed_number_of_queries(door_api, conference, django_assert_max_num_queries):
    invitation = InvitationFactory(conference=conference)
    for _ in range(30):
        reissue_badge(RegistrationFactory(invitation=invitation))
    # 13: the list's own queries and the five aggregates of its ETag (all a 304 costs, see test_door_list_etag.py).
    with django_assert_max_num_queries(13):
        assert door_api.get(api(conference, "list/")).json()["count"] == 30


# --- permissions ----------------------------------------------------------------------------


CHECKIN_CALLS = [
    ("post", "scan/", {"code": "A" * 26}),
    ("post", "sync/", {"scans": []}),
    ("get", "search/", {"q": "ada"}),
    ("get", "stats/", None),
    ("get", "list/", None),
    ("post", "1/undo/", None),
]


@pytest.mark.parametrize(("method", "what", "data"), CHECKIN_CALLS)
def test_anonymous_cannot_use_checkin_api(anon_api, conference, method, what, data):
    response = getattr(anon_api, method)(api(conference, what), data, format="json" if method == "post" else None)
    assert response.status_code in (401, 403)
    assert response.json()["code"] in ("not_authenticated", "permission_denied")


@pytest.mark.parametrize(("method", "what", "data"), CHECKIN_CALLS)
def test_user_without_door_role_cannot_use_checkin_api(conference, method, what, data):
    client = APIClient()
    client.force_authenticate(User.objects.create_user("invitee", password="x" * 12))
    response = getattr(client, method)(api(conference, what), data, format="json" if method == "post" else None)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_anonymous_scan_records_nothing(anon_api, conference, people):
    anon_api.post(api(conference, "scan/"), {"code": current_badge(people["ada"]).code}, format="json")
    from badges.models import CheckIn, Scan

    assert not Scan.objects.exists() and not CheckIn.objects.exists()


def test_organiser_can_use_checkin_api(organiser_api, conference, people):
    response = organiser_api.post(api(conference, "scan/"), {"code": current_badge(people["ada"]).code}, format="json")
    assert response.status_code == 200
    assert organiser_api.get(api(conference, "stats/")).json()["checked_in"] == 1


def test_token_authenticated_door_staff_can_scan(door_staff, conference, people):
    from rest_framework.authtoken.models import Token

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=door_staff).key}")
    response = client.post(api(conference, "scan/"), {"code": current_badge(people["ada"]).code}, format="json")
    assert response.status_code == 200


def test_door_staff_cannot_read_or_change_conferences(door_api, conference):
    assert door_api.get("/api/conferences/").status_code == 403
    assert door_api.get(f"/api/conferences/{conference.slug}/").status_code == 403
    response = door_api.patch(f"/api/conferences/{conference.slug}/", {"name": "Hacked"}, format="json")
    assert response.status_code == 403
    conference.refresh_from_db()
    assert conference.name != "Hacked"


def test_door_staff_cannot_open_organiser_pages_or_admin(client, door_staff, conference):
    client.force_login(door_staff)
    assert client.get("/organiser/").status_code in (302, 403)
    assert client.get(f"/organiser/{conference.slug}/arrivals/").status_code == 403
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# --- queries per scan -----------------------------------------------------------------------


def test_scan_api_uses_few_queries(door_api, conference, people, django_assert_max_num_queries):
    code = current_badge(people["ada"]).code
    reissue_badge(people["alan"])
    for payload in ({"code": code, "nonce": "q1"}, {"code": code, "nonce": "q2"}, {"code": "Z" * 26}):
        # conference, groups, badge+registration+check-in, then the writes (with BEGIN on SQLite)
        with django_assert_max_num_queries(7):
            door_api.post(api(conference, "scan/"), {**payload, "gate": "North door"}, format="json")


def _statements(captured):
    """The queries that touch data, leaving out transaction control (BEGIN, SAVEPOINT, RELEASE)."""
    control = ("BEGIN", "SAVEPOINT", "RELEASE", "COMMIT", "ROLLBACK")
    return [q["sql"] for q in captured.captured_queries if not q["sql"].lstrip().upper().startswith(control)]


def test_scan_service_decides_a_first_entry_in_three_statements(conference, people, django_assert_max_num_queries):
    code = current_badge(people["ada"]).code
    with django_assert_max_num_queries(5) as captured:
        assert scan_badge(conference=conference, code=code, gate="North door", nonce="s1").result == "admitted"
    statements = _statements(captured)
    # one SELECT (badge, registration, organisation, live check-in), INSERT check-in, INSERT scan
    assert len(statements) == 3, statements
    assert not any("FOR UPDATE" in sql for sql in statements)
    with django_assert_max_num_queries(4) as captured:
        assert scan_badge(conference=conference, code=code, gate="North door").result == "already_checked_in"
    assert len(_statements(captured)) == 2
    with django_assert_max_num_queries(4) as captured:
        assert scan_badge(conference=conference, code="Q" * 26, gate="North door").result == "unknown"
    assert len(_statements(captured)) == 2


def test_checkin_endpoints_are_in_the_openapi_schema(organiser_api):
    response = organiser_api.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    for what in ("scan/", "sync/", "search/", "stats/", "list/", "{checkin_id}/undo/"):
        assert f"/api/conferences/{{slug}}/checkin/{what}" in paths


def _api_operations():
    """Every operation of the API schema, as (method, path template)."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        for method in operations:
            if method in {"get", "post", "put", "patch", "delete"}:
                yield method, path


def test_door_staff_cannot_edit_anything_or_read_exports_outside_checkin(door_api, conference):
    """Whatever the other parts add to the API: door staff may only check in (and reprint a badge)."""
    import re

    checked = 0
    for method, template in _api_operations():
        is_write = method != "get"
        is_export = re.search(r"export|\.csv|\.xlsx", template) is not None
        if "/checkin/" in template or template.startswith("/api/rsvp/") or not (is_write or is_export):
            continue
        if template.startswith("/api/my/"):  # a delegate's own API: the personal token is the credential
            continue
        if "reissue-badge" in template:  # the badges part decides who may reissue at the desk
            continue
        path = re.sub(r"\{slug\}", conference.slug, template)
        path = re.sub(r"\{[^}]+\}", "1", path)
        response = getattr(door_api, method)(path, {}, format="json")
        assert response.status_code == 403, (method, template, response.status_code)
        checked += 1
    assert checked >= 3  # at least the conferences API's writes


def test_door_list_is_gzipped_for_clients_that_accept_it(door_api, conference):
    import gzip

    invitation = InvitationFactory(conference=conference, seats=400)
    for i in range(300):
        RegistrationFactory(invitation=invitation, last_name=f"Delegate {i}")
    plain = door_api.get(api(conference, "list/"))
    zipped = door_api.get(api(conference, "list/"), HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert zipped.status_code == 200 and zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    assert plain.get("Content-Encoding") is None
    assert json.loads(gzip.decompress(zipped.content)) == plain.json()
    assert zipped["ETag"] == plain["ETag"]
    # 20,000 delegates in at most 1.5 MB: 75 bytes a delegate.
    assert len(zipped.content) <= 75 * 300
    again = door_api.get(api(conference, "list/"), HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=zipped["ETag"])
    assert again.status_code == 304
