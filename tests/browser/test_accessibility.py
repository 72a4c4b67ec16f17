"""axe-core over the pages and states the other browser tests do not reach, at phone size (390×844);
400 % zoom (320×256 CSS pixels) on the RSVP and door pages; the privacy pages of a delegate and an organiser.

Pages already checked elsewhere: home (test_home), RSVP fresh, with errors, accepted, after adding a delegate
(test_rsvp), full and waitlisted, the decline confirmation (test_rsvp_places), my page confirmed and waitlisted
(test_rsvp), my agenda and the public agenda (test_favourites, test_agenda_grid), the door idle, green, red,
day 2, a session's door and search (test_door, test_door_days, test_door_phone), login locked out and 429
(test_limits), the organiser's delegates, e-mails, agenda editor and arrivals (their own tests).
"""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from badges.checkin.services import scan_badge
from badges.services import current_badge, reissue_badge
from registration import privacy, services
from registration.models import Invitation, Registration
from tests.browser.axe import assert_accessible, violations
from tests.browser.test_door import scan_like_a_handheld_scanner
from tests.conftest import login
from tests.factories import (
    ConferenceFactory,
    DoorStaffFactory,
    InvitationFactory,
    OrganisationFactory,
    OrganiserFactory,
    RegistrationFactory,
    SessionFactory,
    WorkshopFactory,
    at,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def zoomed(browser, live_server):
    """A 1280×1024 screen at 400 % zoom: 320×256 CSS pixels."""
    context = browser.new_context(viewport={"width": 320, "height": 256}, base_url=live_server.url)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def no_horizontal_clipping(page):
    """Nothing wider than the viewport: no content cut off at the side, no sideways scrolling."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        " && document.body.scrollWidth <= document.documentElement.clientWidth"
    )


def reachable(page, locator):
    """The element can be scrolled to and then sits wholly inside the viewport."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"] + 0.5
        and (box["y"] + box["height"] <= size["height"] + 0.5)
    )


# Error pages and login


def test_error_pages_404_403_and_500(page, live_server, settings):
    page.goto(live_server.url + "/no-such-page/")
    assert page.get_by_role("heading", level=1).is_visible()
    assert_accessible(page)

    page.goto(live_server.url + "/rsvp/unknown-token-that-is-long-enough-000000/")
    expect(page.get_by_role("heading", level=1)).to_have_text("We cannot find this link")
    assert_accessible(page)

    door = DoorStaffFactory()
    login(page, live_server, door.username, next_url="/organiser/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")
    assert_accessible(page)

    settings.ROOT_URLCONF = "tests.browser.boom_urls"
    response = page.goto(live_server.url + "/boom/")
    assert response.status == 500
    expect(page.get_by_role("heading", level=1)).to_have_text("Something went wrong")
    assert "hunter2" not in page.content()
    assert_accessible(page)


def test_login_page_fresh_and_after_a_wrong_password(page, live_server):
    OrganiserFactory(username="olu")
    page.goto(live_server.url + "/accounts/login/")
    expect(page.get_by_label("Username")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Username").fill("olu")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)


def test_api_docs_page_has_a_language_landmarks_and_a_heading(page, live_server):
    page.goto(live_server.url + "/api/docs/")
    page.get_by_text("COG Conference API").first.wait_for()
    assert page.evaluate("document.documentElement.lang") == "en-GB"
    assert page.get_by_role("main").count() == 1
    assert page.get_by_role("heading", level=1).count() >= 1
    assert_accessible(page)
    # An operation opened.
    page.locator(".opblock-summary-control").first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    assert_accessible(page)


# The RSVP page: closed, and at 400 % zoom


def test_rsvp_page_when_closed(page, live_server):
    conference = ConferenceFactory(registration_closes_at=timezone.now() - dt.timedelta(days=1))
    invitation = InvitationFactory(conference=conference)
    page.goto(f"{live_server.url}/rsvp/{invitation.token}/")
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.EXPIRED
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)


def test_rsvp_at_400_percent_zoom_loses_nothing(zoomed, live_server):
    conference = ConferenceFactory(name="COG Annual Conference 2027")
    WorkshopFactory(conference=conference, title="A workshop with a rather long title about cloud security")
    invitation = InvitationFactory(conference=conference, seats=3)
    page = zoomed
    page.goto(f"{live_server.url}/rsvp/{invitation.token}/")
    assert no_horizontal_clipping(page)
    assert reachable(page, page.get_by_role("button", name="Accept"))
    assert reachable(page, page.get_by_role("button", name="Add another delegate"))

    # With errors, and after adding a delegate (the focus moves to the new delegate's first field).
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Please correct the details marked below.")).to_be_visible()
    assert no_horizontal_clipping(page)
    page.get_by_role("button", name="Add another delegate").click()
    second = page.get_by_role("group", name="Delegate 2")
    expect(second.get_by_label("First name")).to_be_focused()
    assert no_horizontal_clipping(page)
    assert reachable(page, page.get_by_role("button", name="Accept"))
    assert_accessible(page)


# The delegate's page: cancelled, and "Erase my data"


def test_my_page_cancelled_and_the_cancel_confirmation(page, live_server):
    registration = RegistrationFactory(first_name="Ada", last_name="Lovelace")
    page.goto(f"{live_server.url}/my/{registration.token}/")
    page.get_by_role("link", name="Cancel my registration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel my registration")
    assert_accessible(page)
    page.get_by_role("button", name="Yes, cancel my registration").click()
    expect(page.locator(".status-box")).to_contain_text("This registration is cancelled")
    assert_accessible(page)


def test_delegate_downloads_then_erases_their_data(page, live_server):
    conference = ConferenceFactory(capacity=1)
    ada = RegistrationFactory(invitation__conference=conference, first_name="Ada", last_name="Lovelace")
    waiting_invitation = InvitationFactory(conference=conference)
    (waiting,) = services.accept_invitation(
        invitation=waiting_invitation,
        delegates=[{**_delegate("Bo", "Li", "bo@example.org")}],
    )
    assert waiting.status == Registration.Status.WAITLISTED

    page.goto(f"{live_server.url}/my/{ada.token}/")
    section = page.get_by_role("region", name="My data")
    expect(section).to_contain_text("We keep your details until")
    with page.expect_response(re.compile(r"/data\.json$")) as answer:
        page.goto(f"{live_server.url}/my/{ada.token}/data.json")
    assert answer.value.json()["registration"]["last_name"] == "Lovelace"

    page.goto(f"{live_server.url}/my/{ada.token}/")
    page.get_by_role("link", name="Erase my data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Erase my data")
    assert_accessible(page)
    page.get_by_role("button", name="Yes, erase my data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data is erased")
    assert_accessible(page)

    assert Registration.objects.get(pk=ada.pk).last_name == "delegate"
    assert Registration.objects.get(pk=waiting.pk).status == Registration.Status.CONFIRMED
    page.goto(f"{live_server.url}/my/{ada.token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("We cannot find this link")


def _delegate(first, last, email):
    return {
        "first_name": first,
        "last_name": last,
        "email": email,
        "badge_name": first,
        "job_title": "",
        "dietary": "",
        "accessibility": "",
        "consent": True,
        "workshops": [],
    }


# The door: every answer, each category's colour on the green answer, 400 % zoom


CATEGORIES = ["partner", "company", "speaker", "sponsor", "press", "vip", "staff"]


@pytest.fixture
def door_world():
    conference = ConferenceFactory(name="COG Door", capacity=50)
    today = timezone.localtime(timezone.now(), conference.tz).date()
    conference.starts_on = conference.ends_on = today
    conference.save()
    people = {}
    for category in CATEGORIES:
        invitation = InvitationFactory(
            conference=conference, category=category, organisation=OrganisationFactory(name=f"{category} Ltd")
        )
        people[category] = RegistrationFactory(
            invitation=invitation, first_name=category.title(), last_name="Person", badge_name=category.title()
        )
    elsewhere = RegistrationFactory(invitation__conference=ConferenceFactory(name="Another year"))
    full = SessionFactory(conference=conference, title="Keynote", capacity=1)
    booked = WorkshopFactory(conference=conference, title="Data clinic", capacity=5)
    return {"conference": conference, "people": people, "elsewhere": elsewhere, "full": full, "booked": booked}


def open_door_of(page, live_server, conference, gate="North door"):
    login(page, live_server, DoorStaffFactory().username, next_url=f"/door/{conference.slug}/")
    expect(page.locator("body")).to_have_attribute("data-door-ready", "true")
    page.get_by_label("Gate").fill(gate)
    page.get_by_role("button", name="Set gate").click()
    expect(page.get_by_text(f"Gate: {gate}")).to_be_visible()


def next_scan(page):
    page.get_by_role("button", name="Next scan").click()
    expect(page.locator("#result")).to_be_hidden()


def test_door_every_answer_is_accessible(page, live_server, door_world):
    conference, people = door_world["conference"], door_world["people"]
    result = page.locator("#result")
    open_door_of(page, live_server, conference)

    # Admitted, in every category: the category's label on the green answer keeps its contrast.
    for category, person in people.items():
        scan_like_a_handheld_scanner(page, current_badge(person).code)
        expect(result).to_have_attribute("data-result", "admitted")
        expect(page.locator("#result-category")).to_have_attribute("data-category", category)
        found = violations(page, "#result")
        assert not found, f"{category}: {found}"
        next_scan(page)
    assert_accessible(page)

    partner = people["partner"]
    scan_like_a_handheld_scanner(page, current_badge(partner).code)
    expect(result).to_have_attribute("data-result", "already_checked_in")
    assert_accessible(page)
    page.get_by_role("button", name="Next scan").click()

    company = people["company"]
    old = current_badge(company).code
    reissue_badge(company)
    scan_like_a_handheld_scanner(page, old)
    expect(result).to_have_attribute("data-result", "revoked")
    assert_accessible(page)
    next_scan(page)

    press = people["press"]
    services.cancel_registration(registration=press)
    scan_like_a_handheld_scanner(page, current_badge(press).code)
    expect(result).to_have_attribute("data-result", "cancelled")
    assert_accessible(page)
    next_scan(page)

    scan_like_a_handheld_scanner(page, current_badge(door_world["elsewhere"]).code)
    expect(result).to_have_attribute("data-result", "wrong_conference")
    assert_accessible(page)
    next_scan(page)

    scan_like_a_handheld_scanner(page, "NOTABADGE")
    expect(result).to_have_attribute("data-result", "unknown")
    assert_accessible(page)
    next_scan(page)

    # A session's door: not booked, then full.
    page.get_by_label("Door").select_option(str(door_world["booked"].pk))
    scan_like_a_handheld_scanner(page, current_badge(people["speaker"]).code)
    expect(result).to_have_attribute("data-result", "not_booked")
    assert_accessible(page)
    next_scan(page)
    full = door_world["full"]
    scan_badge(conference=conference, code=current_badge(people["vip"]).code, session=full)
    page.get_by_label("Door").select_option(str(full.pk))
    scan_like_a_handheld_scanner(page, current_badge(people["staff"]).code)
    expect(result).to_have_attribute("data-result", "session_full")
    assert_accessible(page)


def test_door_undo_answer_is_accessible(page, live_server, door_world):
    conference, person = door_world["conference"], door_world["people"]["sponsor"]
    open_door_of(page, live_server, conference)
    scan_like_a_handheld_scanner(page, current_badge(person).code)
    expect(page.locator("#result")).to_have_attribute("data-result", "admitted")
    page.locator("#result").get_by_role("button", name="Undo check-in").click()
    expect(page.locator("#result-verdict")).to_have_text("Undone")
    assert_accessible(page)


def test_door_offline_answers_and_the_sync_report_are_accessible(page, live_server, door_world):
    conference, people = door_world["conference"], door_world["people"]
    open_door_of(page, live_server, conference)
    expect(page.locator("#list-status")).to_contain_text("7 delegates")
    page.context.set_offline(True)
    expect(page.locator("#network-status")).to_have_text(re.compile("^Offline"))
    assert_accessible(page)
    code = current_badge(people["partner"]).code
    scan_like_a_handheld_scanner(page, code)
    expect(page.locator("#result")).to_have_attribute("data-result", "admitted")
    expect(page.locator("#result-detail")).to_contain_text("Offline")
    assert_accessible(page)
    scan_like_a_handheld_scanner(page, "NOTABADGE")
    expect(page.locator("#result")).to_have_attribute("data-result", "unknown")
    assert_accessible(page)
    next_scan(page)
    # Admitted meanwhile at another door: the sync reports the duplicate.
    scan_badge(conference=conference, code=code, gate="South door")
    page.context.set_offline(False)
    expect(page.locator("#network-status")).to_have_text("Online", timeout=15_000)
    expect(page.locator("#sync-report")).to_be_visible()
    assert_accessible(page)


def test_door_at_400_percent_zoom_loses_nothing(zoomed, live_server, door_world):
    conference, person = door_world["conference"], door_world["people"]["vip"]
    page = zoomed
    open_door_of(page, live_server, conference)
    assert no_horizontal_clipping(page)
    assert reachable(page, page.get_by_label("Badge code"))
    assert reachable(page, page.get_by_role("button", name="Search"))
    page.get_by_label("Badge code").focus()
    scan_like_a_handheld_scanner(page, current_badge(person).code)
    expect(page.locator("#result")).to_have_attribute("data-result", "admitted")
    assert no_horizontal_clipping(page)
    assert page.evaluate(
        "() => { const r = document.getElementById('result'); return r.scrollWidth <= r.clientWidth; }"
    )
    for name in ("Undo check-in", "Next scan"):
        assert reachable(page, page.get_by_role("button", name=name)), name
    assert_accessible(page)


# Organiser pages not covered by their own tests


def test_organiser_overview_registration_badges_and_audit_pages(page, live_server, settings, tmp_path):
    from conference.plumbing.background import runner

    settings.BACKGROUND_THREAD = True  # the print job runs in the server's background thread, as in production
    settings.MEDIA_ROOT = tmp_path / "media"
    conference = ConferenceFactory(name="COG Annual Conference 2027")
    invitation = InvitationFactory(conference=conference, seats=3)
    ada = RegistrationFactory(invitation=invitation, first_name="Ada", last_name="Lovelace", dietary="Vegan")
    WorkshopFactory(conference=conference, title="Cloud clinic")
    organiser = OrganiserFactory()
    privacy.apply_retention(today=conference.ends_on + dt.timedelta(days=31))

    login(page, live_server, organiser.username, next_url=f"/organiser/{conference.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Organiser overview")
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("^RSVPs: workshop places")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitations and RSVPs")
    assert_accessible(page)
    with page.expect_download():
        page.get_by_role("link", name="CSV").nth(1).click()

    page.goto(f"{live_server.url}/organiser/{conference.slug}/badges/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Print badges")
    assert_accessible(page)
    page.get_by_role("button", name="Print badges").click()
    expect(page.get_by_role("link", name="Download the badges (PDF)")).to_be_visible(timeout=60_000)
    assert_accessible(page)
    runner.stop()

    page.goto(f"{live_server.url}/organiser/{conference.slug}/delegates/")
    page.get_by_role("link", name="Erase Ada Lovelace's data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Erase Ada Lovelace's data?")
    assert_accessible(page)
    page.get_by_role("button", name="Erase the data").click()
    expect(page.get_by_role("status")).to_contain_text("Ada Lovelace's data is erased.")
    assert Registration.objects.get(pk=ada.pk).anonymised_at is not None

    page.goto(f"{live_server.url}/organiser/{conference.slug}/")
    page.get_by_role("link", name=re.compile("^Privacy: who")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy audit log")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Erase")
    expect(rows.nth(1)).to_contain_text("delegates.csv")
    expect(rows.nth(2)).to_contain_text("scheduled retention")
    assert no_horizontal_clipping(page)
    assert_accessible(page)


# The agenda's other pages: before publication, the changes, an older version; the session form


def test_agenda_pages_before_and_after_two_versions(page, live_server):
    from conference.agenda.services import publish_agenda

    conference = ConferenceFactory(name="COG Annual Conference 2027")
    talk = SessionFactory(conference=conference, title="Robots in the warehouse", starts_at=at(conference, 10))
    page.goto(f"{live_server.url}/{conference.slug}/agenda/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)

    publish_agenda(conference=conference, note="First")
    talk.starts_at, talk.ends_at = at(conference, 11), at(conference, 11, 45)
    talk.save()
    publish_agenda(conference=conference, note="Robots move to 11:00")
    page.goto(f"{live_server.url}/{conference.slug}/agenda/changes/")
    expect(page.get_by_text("Robots move to 11:00")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/{conference.slug}/agenda/v/1/")
    expect(page.get_by_text("Robots in the warehouse").first).to_be_visible()
    assert_accessible(page)


def test_session_form_page_fresh_and_with_an_error(page, live_server):
    conference = ConferenceFactory()
    talk = SessionFactory(conference=conference, title="Skills panel")
    login(page, live_server, OrganiserFactory().username, next_url=f"/organiser/{conference.slug}/agenda/")
    page.goto(f"{live_server.url}/organiser/{conference.slug}/agenda/sessions/{talk.pk}/")
    expect(page.get_by_label("Title")).to_have_value("Skills panel")
    assert_accessible(page)
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_label("Title")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
