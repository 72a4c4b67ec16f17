"""An organiser prints every badge from the organiser pages, in a real browser, and downloads the PDF."""

import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect

from badges import services
from conference.models import Conference
from conference.plumbing.background import runner
from tests.badges.pdfcheck import page_count, page_texts, qr_codes
from tests.browser.axe import assert_accessible
from tests.conftest import login
from tests.factories import ConferenceFactory, InvitationFactory, OrganiserFactory, RegistrationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def background_thread(settings):
    """The print runs in the server process's background thread, as with no broker in production."""
    settings.BACKGROUND_THREAD = True
    yield
    runner.stop()


def test_organiser_prints_badges_and_downloads_the_pdf(page, live_server):
    conference = ConferenceFactory(name="COG Annual Conference 2027")
    invitation = InvitationFactory(conference=conference, category="speaker", seats=5)
    delegates = [RegistrationFactory(invitation=invitation, last_name=f"Surname{i}") for i in range(5)]
    RegistrationFactory(invitation__conference=conference, invitation__category="press")
    organiser = OrganiserFactory()

    login(page, live_server, organiser.username, next_url=f"/organiser/{conference.slug}/badges/")
    assert page.get_by_role("heading", level=1).inner_text() == "Print badges"
    page.get_by_label("Layout").select_option("a4")
    page.get_by_label("Category").select_option("speaker")
    # The server's background thread is busy until we have looked at the queued job's page.
    release = threading.Event()
    runner.submit(release.wait, 60)
    page.get_by_role("button", name="Print badges").click()
    page.wait_for_load_state()

    expect(page.get_by_role("status")).to_have_text("Queued: 0 of ? badges.")
    assert_accessible(page)
    release.set()
    # The page updates itself (static/js/badges/print-job.js) until the background job is done.
    expect(page.get_by_role("status")).to_have_text("Done: 5 badges on 4 pages.", timeout=60_000)
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the badges (PDF)").click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert page_count(pdf) == 4  # two sheets of fronts, each followed by its backs
    assert {code for p in range(4) for code, _ in qr_codes(pdf, p)} == {
        services.current_badge(r).code for r in delegates
    }

    # The job is listed on the print page for later.
    page.goto(f"{live_server.url}/organiser/{Conference.objects.get().slug}/badges/")
    assert page.get_by_role("link", name="Download PDF").is_visible()


def test_on_a_phone_the_print_page_offers_the_alignment_test_page(browser, live_server):
    conference = ConferenceFactory(name="COG Annual Conference 2027")
    organiser = OrganiserFactory()
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    page = context.new_page()
    try:
        login(page, live_server, organiser.username, next_url=f"/organiser/{conference.slug}/badges/")
        link = page.get_by_role("link", name="alignment test page")
        expect(link).to_be_visible()
        assert_accessible(page)
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
        # The link gives the sheet of numbered frames (the browser's own cookies: an organiser's request).
        response = page.request.get(link.get_attribute("href"))
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
        pdf = response.body()
        assert page_count(pdf) == 2  # fronts, then backs: the default design is double-sided
        texts = page_texts(pdf)
        assert all(f"{n} front" in texts[0] for n in range(1, 5))
        assert all(f"{n} back" in texts[1] for n in range(1, 5))
    finally:
        context.close()
