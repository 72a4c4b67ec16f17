"""Schemathesis fuzzes the whole API through its OpenAPI schema, write verbs included, as an organiser.

It runs against the application served by gunicorn (as in production) on the
test database, at its ``/api/schema/``, with the demo
conference loaded and real ids, slugs and tokens in the addresses (so that
the requests reach the views, not only their 404s), with a fixed seed and a
bounded budget, and fails on any server error or any answer the schema does
not describe: an undocumented status, content type or header, or a body that
does not match its schema.
"""

import io
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from badges.models import CheckIn
from conference.models import Conference, Room, Session, Speaker, Track
from registration.models import Invitation, Registration
from tests.factories import OrganiserFactory
from tests.processes import database_url, free_port, stop, wait_for

pytestmark = [pytest.mark.schema, pytest.mark.django_db(transaction=True)]

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)
MAX_EXAMPLES = os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "20")
SEED = os.environ.get("SCHEMATHESIS_SEED", "1")
# The coverage phase (boundary values of every field) takes minutes more: SCHEMATHESIS_PHASES=coverage,fuzzing.
PHASES = os.environ.get("SCHEMATHESIS_PHASES", "fuzzing")


def _config(conference):
    """Real slugs, ids and tokens of the demo conference in every address that has them."""
    invitation = Invitation.objects.filter(conference=conference, registrations__isnull=False).first()
    registration = Registration.objects.filter(conference=conference, status="confirmed").first()
    session = Session.objects.filter(conference=conference).first()
    checkin = CheckIn.objects.filter(registration__conference=conference).first()
    slug = conference.slug
    ids = {
        "invitations": invitation.pk,
        "registrations": registration.pk,
        "rooms": Room.objects.filter(conference=conference).first().pk,
        "sessions": session.pk,
        "speakers": Speaker.objects.filter(conference=conference).first().pk,
        "tracks": Track.objects.filter(conference=conference).first().pk,
    }
    paths = {"/api/conferences/{slug}/": {"slug": slug}}
    for resource, pk in ids.items():
        paths[f"/api/conferences/{{slug}}/{resource}/{{id}}/"] = {"slug": slug, "id": pk}
    for action in ("badge.pdf", "cancel/", "confirm/", "reissue-badge/", "substitute/"):
        paths[f"/api/conferences/{{slug}}/registrations/{{id}}/{action}"] = {"slug": slug, "id": ids["registrations"]}
    for tail in ("", "preview/"):
        paths[f"/api/conferences/{{slug}}/email-templates/{{kind}}/{tail}"] = {"slug": slug, "kind": "invitation"}
    paths["/api/conferences/{slug}/checkin/{checkin_id}/undo/"] = {"slug": slug, "checkin_id": checkin.pk}
    for tail in (
        "agenda/preview/", "agenda/publish/", "agenda/versions/", "badges.pdf", "checkin/list/", "checkin/scan/",
        "checkin/search/", "checkin/stats/", "checkin/sync/", "email-templates/", "invitations/",
        "invitations/import/", "invitations/send/", "messages/", "outbox/", "registrations/", "rooms/",
        "sessions/", "speakers/", "tracks/",
    ):  # fmt: skip
        paths[f"/api/conferences/{{slug}}/{tail}"] = {"slug": slug}
    paths["/api/rsvp/{token}/"] = {"token": invitation.token}
    paths["/api/my/{token}/starred/"] = {"token": registration.token}
    paths["/api/my/{token}/starred/{session}/"] = {"token": registration.token, "session": session.pk}
    blocks = []
    for path, parameters in paths.items():
        values = ", ".join(f'"path.{name}" = {json.dumps(value)}' for name, value in parameters.items())
        blocks.append(f'[[operations]]\ninclude-path = "{path}"\nparameters = {{ {values} }}\n')
    return "\n".join(blocks)


@pytest.fixture
def server(tmp_path):
    """The application under gunicorn (gthread, as the Procfile runs it) on the test database."""
    port = free_port()
    var = tmp_path / "var"
    var.mkdir()
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "VAR_DIR": str(var),
        "CELERY_BROKER_URL": "",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "TOKEN_RATE": "100000/minute",  # the rate limit is documented (429); the fuzzer should reach the views
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
    }
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        *("conference.wsgi", "--worker-class", "gthread", "--workers", "1", "--threads", "4"),
        *("--bind", f"127.0.0.1:{port}", "--timeout", "120"),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=Path(settings.BASE_DIR), env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"

    def answers():
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                return response.status == 200
        except OSError:
            return process.poll() is not None

    try:
        wait_for(answers, "answer /healthz", log)
        assert process.poll() is None, f"gunicorn stopped at once:\n{log.read_text()[-4000:]}"
        yield url, log
    finally:
        stop(process)


def _schemathesis(url, config, token, *selection):
    command = [
        str(Path(sys.executable).with_name("st")),
        *("--config-file", str(config), "run", f"{url}/api/schema/", *selection),
        *("--header", f"Authorization: Token {token}"),
        *("--checks", ",".join(CHECKS)),
        *("--phases", PHASES),
        *("--max-examples", MAX_EXAMPLES, "--seed", SEED, "--workers", "1"),
        *("--generation-database", "none", "--no-color", "--continue-on-failure"),
        *("--request-timeout", "60"),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=config.parent)


def test_the_api_answers_as_its_schema_says(server, tmp_path):
    url, log = server
    call_command("demo", stdout=io.StringIO())
    conference = Conference.objects.get()
    token = Token.objects.create(user=OrganiserFactory()).key
    config = tmp_path / "schemathesis.toml"
    config.write_text(_config(conference))
    # Everything but the conference itself first: a PUT or PATCH may rename it (its slug), a DELETE remove it.
    conference_path = "^/api/conferences/\\{slug\\}/$"
    for selection in (("--exclude-path-regex", conference_path), ("--include-path-regex", conference_path)):
        result = _schemathesis(url, config, token, *selection)
        assert result.returncode == 0, (
            f"schemathesis found failures ({' '.join(selection)}):\n{result.stdout[-20000:]}\n{result.stderr[-3000:]}"
            f"\nThe server's log:\n{log.read_text()[-3000:]}"
        )
