"""The door on a phone held in one hand: the camera button in thumb reach, the answer screen a modal
dialog that keeps taking a handheld scanner's keystrokes, and scrollable at 400 % zoom."""

import re

import pytest
from playwright.sync_api import expect

from badges.checkin.services import scan_badge
from badges.services import current_badge
from tests.browser.axe import assert_accessible
from tests.browser.test_door import ada, open_door, scan_like_a_handheld_scanner  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def touch_page(browser, live_server):
    """A phone: 390×844, touch screen, mobile viewport."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, base_url=live_server.url
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def zoomed_page(browser, live_server):
    """A 1280×1024 screen at 400 % zoom: 320×256 CSS pixels."""
    context = browser.new_context(viewport={"width": 320, "height": 256}, base_url=live_server.url)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_camera_button_is_full_width_at_the_bottom_on_a_touch_screen(touch_page, live_server, ada):  # noqa: F811
    open_door(touch_page, live_server)
    button = touch_page.get_by_role("button", name="Scan with camera")
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box["width"] >= 388 and box["height"] >= 44
    assert 844 - 2 <= box["y"] + box["height"] <= 844 + 1  # at the very bottom, where the thumb is
    assert_accessible(touch_page)


def test_camera_button_stays_in_the_form_on_a_desktop(page, live_server, ada):  # noqa: F811
    open_door(page, live_server)
    box = page.get_by_role("button", name="Scan with camera").bounding_box()
    assert box["width"] < 390 - 20 and box["y"] < 600


def test_answer_is_a_modal_dialog_that_keeps_the_scanner_field(page, live_server, ada):  # noqa: F811
    code = current_badge(ada).code
    scan_badge(conference=ada.conference, code=code, gate="South door")
    open_door(page, live_server)
    scan_like_a_handheld_scanner(page, code)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_have_attribute("data-result", "already_checked_in")
    expect(dialog).to_have_accessible_name(re.compile("Already checked in", re.I))
    # Tab walks only through the answer's own controls, never the hidden page behind it.
    for _ in range(8):
        page.keyboard.press("Tab")
        assert page.evaluate("document.getElementById('result').contains(document.activeElement)")
    for _ in range(3):
        page.keyboard.press("Shift+Tab")
        assert page.evaluate("document.getElementById('result').contains(document.activeElement)")
    assert page.evaluate("document.getElementById('door').inert")
    # Back in the field, the handheld scanner's next code goes through and replaces the answer.
    page.get_by_label("Badge code").focus()
    scan_like_a_handheld_scanner(page, "NOTABADGE")
    expect(dialog).to_have_attribute("data-result", "unknown")
    assert_accessible(page)
    # Escape closes it; the field is back on the page, focused, and the page is live again.
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.get_by_label("Badge code")).to_be_focused()
    assert not page.evaluate("document.getElementById('door').inert")
    assert page.evaluate("document.getElementById('door').contains(document.getElementById('scan-form'))")
    page.get_by_label("Name, organisation or e-mail").fill("lovelace")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#search-results li", has_text="Ada Lovelace")).to_be_visible()


def test_answer_scrolls_at_400_percent_zoom(zoomed_page, live_server, ada):  # noqa: F811
    code = current_badge(ada).code
    scan_badge(conference=ada.conference, code=code, gate="South door")
    open_door(zoomed_page, live_server)
    scan_like_a_handheld_scanner(zoomed_page, code)
    dialog = zoomed_page.locator("#result")
    expect(dialog).to_have_attribute("data-result", "already_checked_in")
    # The verdict starts on screen, not clipped above it.
    verdict = zoomed_page.locator("#result-verdict").bounding_box()
    assert verdict["y"] >= 0
    assert zoomed_page.evaluate(
        "(() => { const r = document.getElementById('result'); return r.scrollHeight > r.clientHeight; })()"
    )
    next_scan = zoomed_page.get_by_role("button", name="Next scan")
    next_scan.scroll_into_view_if_needed()
    box = next_scan.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 256
    assert_accessible(zoomed_page)
    next_scan.click()
    expect(dialog).to_be_hidden()


STORED_LISTS = """async () => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open("door", 1);
    request.onupgradeneeded = () => request.result.createObjectStore("lists");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const keys = await new Promise((resolve) => {
    const request = db.transaction("lists").objectStore("lists").getAllKeys();
    request.onsuccess = () => resolve(request.result);
  });
  db.close();
  return keys;
}"""


def test_log_out_sits_in_a_menu_and_wipes_the_offline_list(touch_page, live_server, ada):  # noqa: F811
    page = touch_page
    lists = []
    page.on("response", lambda response: lists.append(response) if "/checkin/list/" in response.url else None)
    open_door(page, live_server)
    expect(page.locator("#list-status")).to_contain_text("1 delegates")
    assert lists and lists[0].headers.get("content-encoding") == "gzip"
    slug = ada.conference.slug
    page.wait_for_function(f"(async () => (await ({STORED_LISTS})()).includes('door:list:{slug}'))()")
    expect(page.locator("body")).to_have_attribute("data-offline-list", "ready")  # what bench/door_offline.py times
    # Not beside "Door" any more: behind "Menu".
    expect(page.get_by_role("button", name="Log out")).to_be_hidden()
    page.get_by_text("Menu").click()
    assert_accessible(page)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"^(?!.*/door/).*$"))
    assert f"door:list:{slug}" not in page.evaluate(STORED_LISTS)
    assert page.evaluate(f"localStorage.getItem('door:local:{slug}')") == "{}"


def test_answer_shows_door_notes_as_plain_text(page, live_server, ada):  # noqa: F811
    """A scan answer that carries ``registration.door_notes`` shows each note, as text (never HTML)."""
    notes = ["Vegetarian lunch", "<b>Wheelchair</b> user: the lift is behind the cloakroom"]

    def with_notes(route):
        answer = route.fetch()
        body = answer.json()
        body["registration"]["door_notes"] = notes
        route.fulfill(response=answer, json=body)

    page.route("**/checkin/scan/", with_notes)
    page.clock.install()  # the page's timers run when the test says so, not by the wall clock
    code = current_badge(ada).code
    open_door(page, live_server)
    scan_like_a_handheld_scanner(page, code)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_have_attribute("data-result", "admitted")
    listed = dialog.get_by_role("list", name="Notes", exact=True)
    expect(listed.get_by_role("listitem")).to_have_text(notes)
    expect(listed.locator("b")).to_have_count(0)  # the markup is shown as written, not obeyed
    page.clock.run_for(10_000)  # past the 4 s a green answer stays without notes: these must be read
    expect(dialog).to_be_visible()
    assert_accessible(page)

    # An answer without notes shows none.
    page.unroute("**/checkin/scan/")
    scan_like_a_handheld_scanner(page, code)
    expect(dialog).to_have_attribute("data-result", "already_checked_in")
    expect(page.locator("#result-notes")).to_be_hidden()
