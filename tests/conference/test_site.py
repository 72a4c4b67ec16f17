import contextlib

import pytest
from django.db import connection

from tests.factories import ConferenceFactory

pytestmark = pytest.mark.django_db


def test_home_without_conference_is_friendly(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"No conference has been set up yet" in response.content


def test_home_shows_current_conference(client):
    conference = ConferenceFactory(name="COG Annual Conference", venue="The ICC Birmingham")
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "COG Annual Conference" in body
    assert "The ICC Birmingham" in body
    assert f"/{conference.slug}/agenda/" in body


def test_home_prefers_upcoming_over_past_conference(client):
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    ConferenceFactory(
        name="Last year", slug="past", starts_on=today - dt.timedelta(days=365), ends_on=today - dt.timedelta(days=364)
    )
    ConferenceFactory(
        name="This year", slug="now", starts_on=today + dt.timedelta(days=20), ends_on=today + dt.timedelta(days=21)
    )
    assert "This year" in client.get("/").content.decode()


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_503_when_database_does_not_answer(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        from django.db import OperationalError

        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


def test_login_form_is_labelled(client):
    body = client.get("/accounts/login/").content.decode()
    assert '<label for="id_username">Username</label>' in body
    assert '<label for="id_password">Password</label>' in body
    assert ">Log in</button>" in body


def test_organiser_overview_requires_organiser(client, organiser, door_staff):
    assert client.get("/organiser/").status_code == 302
    client.force_login(door_staff)
    refused = client.get("/organiser/")
    assert refused.status_code == 403
    assert "This page is for organisers." in refused.content.decode()
    client.force_login(organiser)
    assert client.get("/organiser/").status_code == 200


def _sqlite_wrapper(path):
    from django.conf import settings
    from django.db.backends.sqlite3.base import DatabaseWrapper

    return DatabaseWrapper(
        {
            "NAME": str(path),
            "ENGINE": "django.db.backends.sqlite3",
            "OPTIONS": dict(settings.SQLITE_OPTIONS),
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "TEST": {},
        },
        alias=f"sqlite-check-{path.name}",
    )


@contextlib.contextmanager
def _transaction(wrapper):
    """A transaction begun the way Django's atomic() begins one on SQLite (with the configured mode)."""
    wrapper.ensure_connection()
    wrapper._start_transaction_under_autocommit()
    try:
        yield
    except BaseException:
        wrapper.connection.execute("ROLLBACK")
        raise
    wrapper.connection.execute("COMMIT")


def test_sqlite_default_uses_wal_and_busy_timeout(tmp_path):
    wrapper = _sqlite_wrapper(tmp_path / "check.sqlite3")
    with wrapper.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
    wrapper.close()


def test_sqlite_default_holds_concurrent_read_then_write_transactions(tmp_path):
    """Eight writers doing read-then-write transactions at once: none sees "database is locked".

    Without IMMEDIATE transactions this pattern fails at once (a reader
    cannot upgrade to a writer while another holds the write lock).
    """
    import threading

    path = tmp_path / "doors.sqlite3"
    setup = _sqlite_wrapper(path)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
        cursor.execute("INSERT INTO counter (id, n) VALUES (1, 0)")
    setup.close()

    errors = []
    barrier = threading.Barrier(8)

    def door():
        wrapper = _sqlite_wrapper(path)
        barrier.wait()
        try:
            for _ in range(25):
                with _transaction(wrapper), wrapper.cursor() as cursor:
                    cursor.execute("SELECT n FROM counter WHERE id = 1")
                    (n,) = cursor.fetchone()
                    cursor.execute("UPDATE counter SET n = %s WHERE id = 1", [n + 1])
        except Exception as exc:  # collected and asserted below
            errors.append(repr(exc))
        finally:
            wrapper.close()

    threads = [threading.Thread(target=door) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    check = _sqlite_wrapper(path)
    with check.cursor() as cursor:
        cursor.execute("SELECT n FROM counter WHERE id = 1")
        assert cursor.fetchone()[0] == 200
    check.close()


def test_login_lands_each_role_where_its_work_is(client, organiser, door_staff):
    password = "correct horse battery staple"
    response = client.post("/accounts/login/", {"username": organiser.username, "password": password})
    assert response.status_code == 302 and response["Location"] == "/organiser/"
    client.logout()
    response = client.post("/accounts/login/", {"username": door_staff.username, "password": password})
    assert response.status_code == 302 and response["Location"] == "/door/"
    client.logout()
    response = client.post("/accounts/login/", {"username": door_staff.username, "password": password, "next": "/"})
    assert response["Location"] == "/"


def test_navigation_offers_pages_by_role(client, organiser, door_staff):
    ConferenceFactory()
    client.force_login(door_staff)
    body = client.get("/").content.decode()
    assert 'href="/door/"' in body and 'href="/organiser/"' not in body
    client.force_login(organiser)
    body = client.get("/").content.decode()
    assert 'href="/door/"' in body and 'href="/organiser/"' in body


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_healthz_answers_over_plain_http_when_https_is_enforced(client, settings):
    """A load balancer asks each application server for /healthz over HTTP: not redirected to HTTPS."""
    settings.SECURE_SSL_REDIRECT = True  # as with an https:// SITE_URL in production
    assert client.get("/healthz").status_code == 200
    response = client.get("/accounts/login/")
    assert response.status_code == 301 and response["Location"].startswith("https://")
