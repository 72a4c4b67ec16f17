"""The door on a two-day conference, in a real Chromium at phone size: day 1 queued offline and synced,
day 2's "welcome back", a same-day duplicate, a session door refusing an unbooked delegate,
accent-free search, and no e-mail address anywhere in the door's network traffic."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from badges.models import CheckIn, Scan
from badges.services import current_badge
from tests.browser.axe import assert_accessible
from tests.browser.test_door import open_door, scan_like_a_handheld_scanner
from tests.factories import (
    ConferenceFactory,
    InvitationFactory,
    OrganisationFactory,
    RegistrationFactory,
    WorkshopFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_days():
    """A two-day conference whose second day is today in its time zone."""
    conference = ConferenceFactory(name="COG Two Days", timezone="Europe/London")
    today = timezone.localtime(timezone.now(), conference.tz).date()
    conference.starts_on, conference.ends_on = today - dt.timedelta(days=1), today
    conference.save()
    return conference


@pytest.fixture
def people(two_days):
    invitation = InvitationFactory(
        conference=two_days, organisation=OrganisationFactory(name="Aston University"), category="partner", seats=5
    )
    return {
        "zoe": RegistrationFactory(
            invitation=invitation, first_name="Zoë", last_name="Öztürk", badge_name="Zoë", email="zoe@private.example"
        ),
        "lukasz": RegistrationFactory(
            invitation=invitation,
            first_name="Łukasz",
            last_name="Nowak",
            badge_name="Łukasz",
            email="lukasz@private.example",
        ),
    }


def test_two_day_door_offline_day_one_welcome_back_duplicate_session_and_search(page, live_server, two_days, people):
    zoe, lukasz = people["zoe"], people["lukasz"]
    workshop = WorkshopFactory(conference=two_days, title="Data for SMEs", capacity=10)
    lukasz.workshops.set([workshop])
    code = current_badge(zoe).code
    responses = []
    page.on("response", lambda response: responses.append(response))

    # Day 1, 09:30 at the venue: the network is down, the door admits from its list and queues.
    day_one = dt.datetime.combine(two_days.starts_on, dt.time(9, 30), tzinfo=two_days.tz)
    page.clock.set_fixed_time(day_one)
    open_door(page, live_server)
    expect(page.locator("#list-status")).to_contain_text("2 delegates")
    page.context.set_offline(True)
    expect(page.locator("#network-status")).to_have_text(re.compile("^Offline"))
    scan_like_a_handheld_scanner(page, code)
    result = page.locator("#result")
    expect(result).to_have_attribute("data-result", "admitted")
    expect(page.locator("#result-detail")).to_contain_text("Day 1")
    assert not CheckIn.objects.exists()
    page.context.set_offline(False)
    expect(page.locator("#network-status")).to_have_text("Online", timeout=15_000)
    checkin = CheckIn.objects.get()
    assert (checkin.registration_id, checkin.day) == (zoe.pk, 1)
    assert timezone.localtime(checkin.checked_in_at, two_days.tz).date() == two_days.starts_on

    # Day 2 (today): the same badge is a green "welcome back", then a same-day duplicate.
    page.clock.set_fixed_time(timezone.now())
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-door-ready", "true")
    scan_like_a_handheld_scanner(page, code)
    expect(result).to_have_attribute("data-result", "admitted")
    expect(result).to_have_class(re.compile("door-result-ok"))
    expect(page.locator("#result-verdict")).to_have_text("Welcome back, day 2")
    expect(page.locator("#result-detail")).to_contain_text("Welcome back, Zoë!")
    assert_accessible(page)
    scan_like_a_handheld_scanner(page, code)
    expect(result).to_have_attribute("data-result", "already_checked_in")
    expect(page.locator("#result-detail")).to_contain_text("already checked in on day 2")
    assert_accessible(page)
    assert sorted(CheckIn.objects.values_list("day", flat=True)) == [1, 2]
    page.keyboard.press("Escape")
    expect(result).to_be_hidden()

    # A session's door: the workshop refuses Zoë, who did not book it; Łukasz, who did, comes in.
    page.get_by_label("Door").select_option(str(workshop.pk))
    expect(page.locator("#door-session-label")).to_have_text("Data for SMEs")
    assert_accessible(page)
    page.get_by_label("Badge code").focus()
    scan_like_a_handheld_scanner(page, code)
    expect(result).to_have_attribute("data-result", "not_booked")
    expect(page.locator("#result-verdict")).to_have_text("Not booked")
    assert_accessible(page)
    scan_like_a_handheld_scanner(page, current_badge(lukasz).code)
    expect(result).to_have_attribute("data-result", "admitted")
    expect(page.locator("#result-detail")).to_contain_text("Welcome to Data for SMEs")
    assert CheckIn.objects.get(session=workshop).registration_id == lukasz.pk
    page.keyboard.press("Escape")
    page.get_by_label("Door").select_option("")
    expect(page.locator("#door-session-label")).to_have_text("Main door")

    # Search without accents, online, then offline from the list.
    search = page.get_by_label(re.compile("^Name, organisation"))
    search.fill("zoe ozturk")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#search-results li")).to_have_count(1)
    expect(page.locator("#search-results li")).to_contain_text("Zoë Öztürk")
    expect(page.locator("#search-message")).not_to_contain_text("offline")
    assert_accessible(page)
    page.context.set_offline(True)
    search.fill("LUKASZ")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#search-message")).to_contain_text("offline list")
    expect(page.locator("#search-results li")).to_have_count(1)
    expect(page.locator("#search-results li")).to_contain_text("Łukasz Nowak")
    page.context.set_offline(False)

    # Nothing the door received carries an e-mail address.
    texts = []
    for response in responses:
        try:
            texts.append(response.text())
        except Exception:  # a redirect or a response without a body
            continue
    everything = "\n".join(texts)
    assert "/checkin/list/" in " ".join(r.url for r in responses)
    assert "/checkin/search/" in " ".join(r.url for r in responses)
    for registration in (zoe, lukasz):
        assert registration.email not in everything
    assert "private.example" not in everything
    assert Scan.objects.filter(result="not_booked").count() == 1


def test_arrivals_page_and_overview_show_each_day_with_dates(page, live_server, two_days, people):
    from badges.checkin.services import scan_badge
    from tests.conftest import login
    from tests.factories import OrganiserFactory

    zoe, lukasz = people["zoe"], people["lukasz"]
    day_one = dt.datetime.combine(two_days.starts_on, dt.time(9, 5), tzinfo=two_days.tz)
    scan_badge(conference=two_days, code=current_badge(zoe).code, gate="North", scanned_at=day_one)
    scan_badge(conference=two_days, code=current_badge(lukasz).code, gate="North", scanned_at=day_one)
    scan_badge(conference=two_days, code=current_badge(zoe).code, gate="South")
    first = f"{two_days.starts_on:%a} {two_days.starts_on.day} {two_days.starts_on:%b}"
    second = f"{two_days.ends_on:%a} {two_days.ends_on.day} {two_days.ends_on:%b}"
    login(page, live_server, OrganiserFactory().username, next_url=f"/organiser/{two_days.slug}/arrivals/")
    expect(page.locator("#arrivals-today")).to_have_text("1")
    tables = page.locator("#arrivals-days table")
    expect(tables).to_have_count(2)
    expect(tables.nth(0).locator("caption")).to_have_text(f"{first}: 2 arrivals")
    expect(tables.nth(0).locator("tbody tr")).to_have_count(4)  # the hour 09:00-09:45, nothing else
    expect(tables.nth(0).locator("tbody tr").first).to_contain_text(f"{first} 09:00")
    expect(tables.nth(1).locator("caption")).to_have_text(f"{second}: 1 arrival")
    expect(page.locator("#arrivals-by-day")).to_contain_text(first)
    assert_accessible(page)
    # The live refresh draws the same days and labels.
    page.evaluate("window.arrivalsRefresh()")
    expect(tables).to_have_count(2)
    expect(tables.nth(0).locator("tbody tr").first).to_contain_text(f"{first} 09:00")
    expect(tables.nth(1).locator("caption")).to_have_text(f"{second}: 1 arrival")

    # The same page for a session's door.
    workshop = WorkshopFactory(conference=two_days, title="Data for SMEs", capacity=10)
    page.reload()
    page.get_by_label("Door").select_option(str(workshop.pk))
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Data for SMEs")
    expect(page.locator("#arrivals-checked-in")).to_have_text("0")
    expect(page.locator("#arrivals-days")).to_contain_text("Nobody checked in yet.")
    assert_accessible(page)

    page.goto(f"{live_server.url}/organiser/{two_days.slug}/")
    expect(page.get_by_label("Figures at a glance")).to_contain_text("Checked in2 (1 today)")
    section = page.locator("section", has=page.locator("#arrivals-title"))
    expect(section.locator("table")).to_have_count(2)
    expect(section.locator("table").first.locator("tbody tr").first).to_contain_text(f"{first} 09:00")
    assert_accessible(page)
