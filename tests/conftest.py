"""Fixtures every part of the suite shares: users of each role, API clients, a real browser."""

import contextlib
import os

import pytest
from rest_framework.test import APIClient

from tests import factories

# Playwright's sync API runs an event loop in the test's thread; the ORM calls
# the tests make beside it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture
def conference(db):
    return factories.ConferenceFactory()


@pytest.fixture
def organiser(db):
    return factories.OrganiserFactory()


@pytest.fixture
def door_staff(db):
    return factories.DoorStaffFactory()


@pytest.fixture
def anon_api():
    return APIClient()


@pytest.fixture
def organiser_api(organiser):
    client = APIClient()
    client.force_authenticate(organiser)
    return client


@pytest.fixture
def door_api(door_staff):
    client = APIClient()
    client.force_authenticate(door_staff)
    return client


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (no browser download)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (make test does this as root).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context for one test, at a phone's viewport size."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def login(page, live_server, username, password="correct horse battery staple", next_url="/"):
    """Log in through the real login form."""
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: rate-limit counts (and cached agendas) never leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(scope="session")
def _media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, _media_root):
    """Uploaded logos and stored badge PDFs go to a folder of this test run, not the project's ``var/``."""
    settings.MEDIA_ROOT = _media_root


@pytest.fixture(autouse=True)
def _outbox_sender_in_the_test_thread(settings):
    """The outbox's background sender does not start a thread in tests: ``sender.flush()`` sends in the test's thread.

    A thread of its own would have its own database connection, which cannot
    see a test's uncommitted rows. ``tests/registration/outbox/test_background.py``
    starts the real thread. Whatever a test handed over and did not flush is discarded.
    """
    from registration.outbox.background import sender

    settings.OUTBOX_SENDER_THREAD = False
    yield
    sender.discard()


@pytest.fixture(autouse=True)
def _background_jobs_in_the_test_thread(settings):
    """Likewise the background jobs of the embedded default (a bulk print): ``runner.flush()`` runs them here.

    ``tests/badges/test_background_print.py`` starts the real thread. Badges
    rendered ahead (``badges.tasks.renderer``) run only where a test flushes
    that runner (``tests/badges/test_stored.py``).
    """
    from badges.tasks import renderer
    from conference.plumbing.background import runner

    settings.BACKGROUND_THREAD = False
    yield
    runner.discard()
    renderer.discard()


@pytest.fixture
def django_capture_on_commit_callbacks(django_capture_on_commit_callbacks):
    """pytest-django's, and when the callbacks are executed, the background sender and jobs are flushed after them.

    So a test that runs the on-commit callbacks sees the messages they handed
    to the background sender sent (or failed), and the jobs they started run,
    as the background threads would leave them.
    """
    from conference.plumbing.background import runner
    from registration.outbox.background import sender

    @contextlib.contextmanager
    def capture(*, using="default", execute=False):
        with django_capture_on_commit_callbacks(using=using, execute=execute) as callbacks:
            yield callbacks
        if execute:
            runner.flush()
            sender.flush()

    return capture
