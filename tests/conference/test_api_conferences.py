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
    "registration_opens_at",
    "registration_closes_at",
    "contact_email",
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
