"""The API docs page (Swagger UI) works under the Content-Security-Policy with no internet at all.

Its accessibility (axe-core, with an operation open) is checked in test_accessibility.py: static/js/api-docs.js
and static/css/api-docs.css adjust the markup Swagger UI renders."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_from_our_own_static_files(page, live_server):
    requested, refused = [], []
    off_site = re.compile(r"^https?://(?!127\.0\.0\.1|localhost)")
    page.context.route(off_site, lambda route: (refused.append(route.request.url), route.abort()))
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda message: message.type == "error" and refused.append(message.text))
    page.goto(live_server.url + "/api/docs/")
    page.get_by_text("COG Conference API").first.wait_for()
    assert page.locator(".opblock-summary-path", has_text="/api/rsvp/{token}/").first.is_visible()
    assert all(url.startswith(live_server.url) for url in requested), requested
    assert not [r for r in refused if "Content Security Policy" in r and "script" in r], refused
