import pytest

from tests.factories import ConferenceFactory

pytestmark = pytest.mark.django_db

FIELDS = {
    "name",
    "slug",
    "starts_on",
    "ends_on",
    "timezone",
    "venue",
    "address",
    "capacity",
    "capacity_exempt_categories",
    "reserved_places",
    "registration_opens_at",
    "registration_closes_at",
    "contact_email",
    "retain_until",
}


def payload(**overrides):
    data = {
        "name": "COG 2028",
        "slug": "cog-2028",
        "starts_on": "2028-03-02",
        "ends_on": "2028-03-03",
        "timezone": "Europe/London",
        "venue": "The ICC Birmingham",
        "address": "Broad Street",
        "capacity": 300,
        "contact_email": "events@example.org",
    }
    data.update(overrides)
    return data


def test_list_conferences_paginates_with_contract_fields(organiser_api):
    ConferenceFactory.create_batch(3)
    response = organiser_api.get("/api/conferences/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3
    assert set(body["results"][0]) == FIELDS


def test_create_and_read_conference_by_slug(organiser_api):
    response = organiser_api.post("/api/conferences/", payload(), format="json")
    assert response.status_code == 201, response.json()
    detail = organiser_api.get("/api/conferences/cog-2028/").json()
    assert detail["name"] == "COG 2028"
    assert detail["starts_on"] == "2028-03-02"
    assert detail["timezone"] == "Europe/London"


@pytest.mark.parametrize("slug", ["admin", "api", "door", "my", "rsvp", "organiser", "healthz", "static"])
def test_reserved_slug_is_refused(organiser_api, slug):
    response = organiser_api.post("/api/conferences/", payload(slug=slug), format="json")
    assert response.status_code == 400
    assert "slug" in response.json()


def test_end_before_start_is_refused(organiser_api):
    response = organiser_api.post("/api/conferences/", payload(ends_on="2028-03-01"), format="json")
    assert response.status_code == 400
    assert "ends_on" in response.json()


def test_unknown_timezone_is_refused(organiser_api):
    response = organiser_api.post("/api/conferences/", payload(timezone="Mars/Olympus"), format="json")
    assert response.status_code == 400
    assert "timezone" in response.json()


def test_conferences_api_is_for_organisers_only(anon_api, door_api):
    ConferenceFactory()
    anonymous = anon_api.get("/api/conferences/")
    assert anonymous.status_code in (401, 403)
    assert set(anonymous.json()) == {"detail", "code"}
    assert door_api.get("/api/conferences/").status_code == 403


def test_token_authentication(client, organiser):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=organiser)
    response = client.get("/api/conferences/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


def test_unknown_conference_is_json_404(organiser_api):
    response = organiser_api.get("/api/conferences/nope/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_schema_and_docs_are_served(organiser_api, client):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_openapi_schema_is_valid_without_warnings(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert "/api/conferences/" in out.read_text()


# --- Changing and deleting a conference -----------------------------------------


def test_put_replaces_a_conference(organiser_api):
    conference = ConferenceFactory(slug="cog-2028")
    body = payload(
        name="COG 2028 (moved)",
        starts_on="2028-04-06",
        ends_on="2028-04-07",
        registration_opens_at="2028-01-01T09:00:00Z",
        registration_closes_at="2028-03-31T17:00:00Z",
    )
    response = organiser_api.put("/api/conferences/cog-2028/", body, format="json")
    assert response.status_code == 200, response.json()
    conference.refresh_from_db()
    assert conference.name == "COG 2028 (moved)"
    assert conference.ends_on.isoformat() == "2028-04-07"
    assert conference.registration_closes_at.isoformat() == "2028-03-31T17:00:00+00:00"


def test_patch_changes_only_what_is_sent(organiser_api):
    conference = ConferenceFactory(slug="cog-2028", venue="The ICC Birmingham")
    response = organiser_api.patch("/api/conferences/cog-2028/", {"capacity": 450}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["capacity"] == 450
    conference.refresh_from_db()
    assert (conference.capacity, conference.venue) == (450, "The ICC Birmingham")


def test_patch_renames_the_slug(organiser_api):
    ConferenceFactory(slug="cog-2028")
    response = organiser_api.patch("/api/conferences/cog-2028/", {"slug": "cog-28"}, format="json")
    assert response.status_code == 200, response.json()
    assert organiser_api.get("/api/conferences/cog-28/").status_code == 200


@pytest.mark.parametrize("method", ["put", "patch"])
def test_end_before_start_is_refused_on_change(organiser_api, method):
    conference = ConferenceFactory(slug="cog-2028", starts_on="2028-03-02", ends_on="2028-03-03")
    body = payload(ends_on="2028-03-01") if method == "put" else {"ends_on": "2028-03-01"}
    response = getattr(organiser_api, method)("/api/conferences/cog-2028/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"ends_on": ["The conference cannot end before it starts."]}
    conference.refresh_from_db()
    assert conference.ends_on.isoformat() == "2028-03-03"


def test_patch_checks_the_dates_against_the_stored_ones(organiser_api):
    """PATCH sends one date; the rule compares it with the other one as stored."""
    ConferenceFactory(slug="cog-2028", starts_on="2028-03-02", ends_on="2028-03-03")
    response = organiser_api.patch("/api/conferences/cog-2028/", {"starts_on": "2028-03-05"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["ends_on"]


@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_registration_closing_before_it_opens_is_refused(organiser_api, method):
    ConferenceFactory(slug="cog-2028", registration_opens_at="2028-01-10T09:00:00Z")
    dates = {"registration_opens_at": "2028-01-10T09:00:00Z", "registration_closes_at": "2028-01-09T09:00:00Z"}
    if method == "post":
        response = organiser_api.post("/api/conferences/", payload(slug="cog-2029", **dates), format="json")
    elif method == "put":
        response = organiser_api.put("/api/conferences/cog-2028/", payload(**dates), format="json")
    else:
        # Only the closing date is sent: it is compared with the stored opening date.
        body = {"registration_closes_at": dates["registration_closes_at"]}
        response = organiser_api.patch("/api/conferences/cog-2028/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"registration_closes_at": ["Registration cannot close before it opens."]}


def test_put_without_required_fields_is_a_field_error(organiser_api):
    ConferenceFactory(slug="cog-2028")
    response = organiser_api.put("/api/conferences/cog-2028/", {"name": "Only a name"}, format="json")
    assert response.status_code == 400
    assert {"slug", "starts_on", "ends_on", "capacity"} <= set(response.json())


def test_delete_removes_a_conference(organiser_api):
    ConferenceFactory(slug="cog-2028")
    response = organiser_api.delete("/api/conferences/cog-2028/")
    assert response.status_code == 204
    assert organiser_api.get("/api/conferences/cog-2028/").status_code == 404


def test_delete_of_an_unknown_conference_is_json_404(organiser_api):
    response = organiser_api.delete("/api/conferences/nope/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_door_staff_cannot_change_a_conference(door_api):
    ConferenceFactory(slug="cog-2028")
    assert door_api.patch("/api/conferences/cog-2028/", {"capacity": 1}, format="json").status_code == 403
    assert door_api.delete("/api/conferences/cog-2028/").status_code == 403
