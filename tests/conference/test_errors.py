"""Every API error is JSON, a server error included; /healthz shows no detail; deep JSON is a 400."""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db


def nested(depth):
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [33, 100_000])
def test_json_nested_deeper_than_32_levels_is_400_on_the_rsvp_api(anon_api, depth):
    invitation = InvitationFactory()
    body = '{"response": "accept", "delegates": ' + nested(depth) + "}"
    response = anon_api.post(f"/api/rsvp/{invitation.token}/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert "nested deeper than 32 levels" in response.json()["detail"]


def test_json_nested_deeply_is_400_on_an_organiser_api(organiser_api, conference):
    response = organiser_api.patch(
        f"/api/conferences/{conference.slug}/", '{"name": ' + nested(50_000) + "}", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_json_nested_32_levels_is_read(anon_api):
    invitation = InvitationFactory()
    body = '{"response": "accept", "delegates": ' + nested(31) + "}"  # the object and 31 lists: 32 levels
    response = anon_api.post(f"/api/rsvp/{invitation.token}/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json().get("code") != "parse_error"


@pytest.mark.urls("tests.conference.boom_urls")
def test_unhandled_exception_in_an_api_view_is_json_500_without_detail():
    client = APIClient(raise_request_exception=False)
    response = client.get("/api/boom/", HTTP_ACCEPT="text/html")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "Something went wrong on our side; please try again later.",
        "code": "server_error",
    }
    assert b"hunter2" not in response.content and b"Traceback" not in response.content


def test_unknown_api_address_is_json_404(client):
    response = client.get("/api/no-such-thing/", HTTP_ACCEPT="text/html")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_unknown_page_is_still_the_html_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.fixture
def database_down(transactional_db):
    """The application's database stops answering: its connection points where nothing listens."""
    settings_dict = connection.settings_dict
    saved = dict(settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        settings_dict["NAME"] = "/nonexistent/directory/cog.sqlite3"
    else:
        settings_dict.update(HOST="127.0.0.1", PORT="1")
    yield
    connection.close()
    settings_dict.clear()
    settings_dict.update(saved)


def test_healthz_shows_no_error_detail_when_the_database_is_down(database_down, client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_api_answers_json_500_when_the_database_is_down(organiser, database_down):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(organiser)
    response = client.get("/api/conferences/", HTTP_ACCEPT="text/html")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert b"127.0.0.1" not in response.content and b"nonexistent" not in response.content
