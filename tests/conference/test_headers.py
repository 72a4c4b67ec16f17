"""Safe defaults: a Content-Security-Policy and a Permissions-Policy on every page, the API docs without a CDN,
and X-Forwarded-Proto trusted only behind a TLS proxy."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import ConferenceFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/door/", "/api/docs/", "/healthz", "/no/such/page/"])
def test_every_answer_has_a_content_security_policy_and_a_permissions_policy(client, door_staff, path):
    ConferenceFactory()
    client.force_login(door_staff)
    response = client.get(path)
    csp = directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'", "'wasm-unsafe-eval'"]  # the door's zxing WebAssembly, nothing inline
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    policy = response["Permissions-Policy"]
    assert "camera=(self)" in policy
    assert "microphone=()" in policy and "geolocation=()" in policy


def test_api_docs_use_swagger_ui_from_our_static_files(client):
    page = client.get("/api/docs/").content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert sources, page
    assert all(src.startswith("/static/") or src.startswith("/api/docs/") for src in sources), sources
    assert "cdn" not in page.lower() and "<script>" not in page
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()
    bundle = next(src for src in sources if src.endswith("swagger-ui-bundle.js"))
    assert b"".join(client.get(bundle).streaming_content)[:100]


def proxy_header_setting(**env):
    environment = {k: v for k, v in os.environ.items() if k != "BEHIND_TLS_PROXY"} | env
    code = "from django.conf import settings; print(getattr(settings, 'SECURE_PROXY_SSL_HEADER', None))"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        capture_output=True,
        text=True,
        env={**environment, "DJANGO_SETTINGS_MODULE": "conference.settings", "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_x_forwarded_proto_is_trusted_only_behind_a_tls_proxy():
    assert proxy_header_setting() == "None"
    assert proxy_header_setting(BEHIND_TLS_PROXY="1") == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_without_a_proxy_a_client_cannot_claim_https(client):
    from django.http import HttpRequest

    request = HttpRequest()
    request.META = {"HTTP_X_FORWARDED_PROTO": "https", "SERVER_NAME": "testserver", "SERVER_PORT": "80"}
    assert not request.is_secure()
