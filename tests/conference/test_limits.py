"""Rate limits: locked-out logins, and the public token endpoints' per-address rate."""

import datetime as dt

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration
from django.utils import timezone

from registration.models import Registration
from tests.factories import InvitationFactory, OrganiserFactory, delegate_data

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def log_in(client, username, password, **headers):
    return client.post("/accounts/login/", {"username": username, "password": password}, **headers)


def test_ten_failed_logins_lock_the_username_until_the_window_passes(client):
    organiser = OrganiserFactory()
    for _ in range(9):
        response = log_in(client, organiser.username, "wrong")
        assert response.status_code == 200
        assert "did not match" in response.content.decode()
    assert log_in(client, organiser.username, "wrong").status_code == 429  # the tenth failure locks the username
    refused = log_in(client, organiser.username, PASSWORD)  # even the right password
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Too many failed logins for this username: try again in 15 minutes" in page
    assert '<input type="password" name="password"' in page
    assert "_auth_user_id" not in client.session

    # Another username is not affected.
    other = OrganiserFactory()
    assert log_in(client, other.username, PASSWORD).status_code == 302
    client.logout()

    # Fifteen minutes later the window has passed.
    past = timezone.now() - dt.timedelta(minutes=16)
    AccessAttempt.objects.update(attempt_time=past)
    AccessAttemptExpiration.objects.update(expires_at=past)
    assert log_in(client, organiser.username, PASSWORD).status_code == 302


def test_nine_failures_then_the_right_password_logs_in(client):
    organiser = OrganiserFactory()
    for _ in range(9):
        log_in(client, organiser.username, "wrong")
    assert log_in(client, organiser.username, PASSWORD).status_code == 302


def test_a_locked_out_api_client_gets_json_429(client):
    organiser = OrganiserFactory()
    for _ in range(10):
        log_in(client, organiser.username, "wrong")
    response = log_in(client, organiser.username, PASSWORD, HTTP_ACCEPT="application/json")
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_login_attempts"
    assert int(response["Retry-After"]) == 15 * 60


def test_admin_login_is_locked_out_too(client):
    organiser = OrganiserFactory()
    for _ in range(10):
        client.post("/admin/login/", {"username": organiser.username, "password": "wrong"})
    assert client.post("/admin/login/", {"username": organiser.username, "password": PASSWORD}).status_code == 429


@pytest.fixture
def token_rate(settings):
    """A small rate, so that a test reaches it (the default is 60 a minute)."""
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "token": "3/minute"}
    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = rates
    yield 3
    SimpleRateThrottle.THROTTLE_RATES = original


def test_rsvp_api_answers_429_with_retry_after_past_the_rate(anon_api, token_rate):
    invitation = InvitationFactory()
    for _ in range(token_rate):
        assert anon_api.get(f"/api/rsvp/{invitation.token}/").status_code == 200
    response = anon_api.post(
        f"/api/rsvp/{invitation.token}/", {"response": "accept", "delegates": [delegate_data()]}, format="json"
    )
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60
    assert not Registration.objects.exists()
    # Another address still gets through.
    assert anon_api.get(f"/api/rsvp/{invitation.token}/", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_rsvp_and_manage_pages_posts_share_the_rate(client, token_rate):
    invitation = InvitationFactory(seats=1)
    guess = "x" * 43
    for _ in range(token_rate):
        client.post(f"/rsvp/{guess}/", {"response": "decline"})
    response = client.post(f"/my/{guess}/", {})
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "Too many requests" in response.content.decode()
    assert client.get(f"/rsvp/{invitation.token}/").status_code == 200  # reading the page is not limited
    assert client.get(f"/api/rsvp/{invitation.token}/").status_code == 429  # the API shares the bucket
