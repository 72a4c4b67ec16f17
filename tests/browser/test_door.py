"""The door page in a real Chromium: scan with Enter, refusals, search, offline queue and sync."""

import base64
import io
import json
import re

import pytest
import segno
from django.core.serializers.json import DjangoJSONEncoder
from playwright.sync_api import expect

from badges.checkin.services import checkin_stats, scan_badge
from badges.codes import code_digest
from badges.models import CheckIn, Scan
from badges.services import current_badge, reissue_badge
from tests.browser.axe import assert_accessible
from tests.conftest import login
from tests.factories import DoorStaffFactory, InvitationFactory, OrganisationFactory, RegistrationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ada():
    invitation = InvitationFactory(
        organisation=OrganisationFactory(name="Aston University"), category="partner", seats=3
    )
    return RegistrationFactory(invitation=invitation, first_name="Ada", last_name="Lovelace", badge_name="Ada L")


def open_door(page, live_server, gate="North door"):
    user = DoorStaffFactory()
    login(page, live_server, user.username, next_url="/door/")
    expect(page.locator("body")).to_have_attribute("data-door-ready", "true")
    page.get_by_label("Gate").fill(gate)
    page.get_by_role("button", name="Set gate").click()
    expect(page.get_by_text(f"Gate: {gate}")).to_be_visible()
    return user


def scan_like_a_handheld_scanner(page, code):
    """A handheld scanner types into the focused field and presses Enter."""
    expect(page.get_by_label("Badge code")).to_be_focused()
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def test_door_code_typed_with_enter_shows_the_name_full_screen(page, live_server, ada):
    code = current_badge(ada).code
    user = open_door(page, live_server)
    scan_like_a_handheld_scanner(page, code)
    result = page.locator("#result")
    expect(result).to_be_visible()
    expect(result).to_have_attribute("data-result", "admitted")
    expect(result).to_have_class(re.compile("door-result-ok"))
    expect(page.locator("#result-name")).to_have_text("Ada L")
    expect(page.locator("#result-fullname")).to_have_text("Ada Lovelace")
    expect(page.locator("#result-organisation")).to_have_text("Aston University")
    expect(page.locator("#result-category")).to_have_text("Partner")
    # Ready for the next badge at once: the field is focused and empty.
    expect(page.get_by_label("Badge code")).to_be_focused()
    expect(page.get_by_label("Badge code")).to_have_value("")
    expect(page.locator("#arrivals-count")).to_have_text("1")
    checkin = CheckIn.objects.get()
    assert (checkin.registration, checkin.gate, checkin.user) == (ada, "North door", user)
    # The gate is remembered on the device.
    page.reload()
    expect(page.get_by_text("Gate: North door")).to_be_visible()
    expect(page.get_by_label("Badge code")).to_be_focused()


def test_door_refused_codes_show_the_reason(page, live_server, ada):
    code = current_badge(ada).code
    scan_badge(conference=ada.conference, code=code, gate="South door")
    revoked = code
    open_door(page, live_server)
    scan_like_a_handheld_scanner(page, code)
    result = page.locator("#result")
    expect(result).to_have_attribute("data-result", "already_checked_in")
    expect(result).to_have_class(re.compile("door-result-bad"))
    expect(page.locator("#result-verdict")).to_have_text("Already checked in")
    expect(page.locator("#result-detail")).to_contain_text("South door")
    expect(page.locator("#result-detail")).to_contain_text(re.compile(r"at \d\d:\d\d"))
    expect(page.locator("#result-name")).to_have_text("Ada L")

    reissue_badge(ada)
    scan_like_a_handheld_scanner(page, revoked)
    expect(result).to_have_attribute("data-result", "revoked")
    expect(page.locator("#result-verdict")).to_have_text("Badge revoked")

    scan_like_a_handheld_scanner(page, "NOTABADGE")
    expect(result).to_have_attribute("data-result", "unknown")
    expect(page.locator("#result-verdict")).to_have_text("Unknown badge")
    expect(page.locator("#result-detail")).to_contain_text("search for the person by name")
    assert Scan.objects.count() == 4


def test_door_search_finds_a_delegate_checks_in_and_undoes(page, live_server, ada):
    open_door(page, live_server)
    page.get_by_label("Name, organisation or e-mail").fill("lovelace")
    page.get_by_role("button", name="Search").click()
    row = page.locator("#search-results li", has_text="Ada Lovelace")
    expect(row).to_be_visible()
    expect(row).to_contain_text("Aston University")
    expect(row.get_by_role("link", name="Reprint badge")).to_have_attribute(
        "href", f"/api/conferences/{ada.conference.slug}/registrations/{ada.pk}/badge.pdf"
    )
    row.get_by_role("button", name="Check in").click()
    expect(page.locator("#result")).to_have_attribute("data-result", "admitted")
    expect(page.locator("#result-name")).to_have_text("Ada L")
    assert CheckIn.objects.get().registration == ada

    # A mistaken check-in is undone from the answer screen (the search row refreshed behind it has its own).
    page.locator("#result").get_by_role("button", name="Undo check-in").click()
    expect(page.locator("#result-verdict")).to_have_text("Undone")
    checkin = CheckIn.objects.get()
    assert checkin.undone_at is not None
    page.get_by_role("button", name="Next scan").click()
    expect(page.locator("#result")).to_be_hidden()
    expect(page.locator("#search-results li", has_text="Ada Lovelace")).to_contain_text("Not checked in")


def test_door_offline_queues_scans_and_syncs_them_when_back(page, live_server, ada):
    code = current_badge(ada).code
    grace = RegistrationFactory(invitation=ada.invitation, first_name="Grace", last_name="Hopper", badge_name="Grace")
    grace_code = current_badge(grace).code
    open_door(page, live_server)
    expect(page.locator("#list-status")).to_contain_text("2 delegates")

    page.context.set_offline(True)
    expect(page.locator("#network-status")).to_have_text(re.compile("^Offline"))
    scan_like_a_handheld_scanner(page, code)
    expect(page.locator("#result")).to_have_attribute("data-result", "admitted")
    expect(page.locator("#result-name")).to_have_text("Ada L")
    expect(page.locator("#result-detail")).to_contain_text("Offline")
    # The same badge again is refused from the door's own knowledge.
    scan_like_a_handheld_scanner(page, code)
    expect(page.locator("#result")).to_have_attribute("data-result", "already_checked_in")
    scan_like_a_handheld_scanner(page, grace_code)
    expect(page.locator("#result-name")).to_have_text("Grace")
    expect(page.locator("#network-status")).to_have_text("Offline: 3 scans waiting")
    assert not CheckIn.objects.exists() and not Scan.objects.exists()

    page.context.set_offline(False)
    expect(page.locator("#network-status")).to_have_text("Online", timeout=15_000)
    checked_in = set(CheckIn.objects.values_list("registration_id", "gate"))
    assert checked_in == {(ada.pk, "North door"), (grace.pk, "North door")}
    assert sorted(Scan.objects.values_list("result", flat=True)) == ["admitted", "admitted", "already_checked_in"]
    assert Scan.objects.filter(scanned_at__isnull=False).count() == 3
    expect(page.locator("#sync-report")).to_be_hidden()


def test_door_stays_offline_when_an_answer_sent_before_the_drop_arrives_late(page, live_server, ada):
    # The arrivals poll was on its way when the network dropped; its late answer must not
    # make the door claim it is online while the browser says it is not.
    held = []
    page.route("**/checkin/stats/", lambda route: held.append(route))
    open_door(page, live_server)
    expect(page.locator("#list-status")).to_contain_text("1 delegates")
    page.context.set_offline(True)
    expect(page.locator("#network-status")).to_have_text(re.compile("^Offline"))
    scan_like_a_handheld_scanner(page, current_badge(ada).code)
    expect(page.locator("#result")).to_have_attribute("data-result", "admitted")
    assert held, "the arrivals poll was not sent"
    # The answer the server gave before the drop: its own stats, nobody checked in yet.
    before = json.loads(json.dumps(checkin_stats(conference=ada.conference), cls=DjangoJSONEncoder))
    held[0].fulfill(json=before)
    # The late answer was read (the count now holds the queued admission), and changed nothing else.
    expect(page.locator("#arrivals-count")).to_have_text("1")
    expect(page.locator("#network-status")).to_have_text("Offline: 1 scan waiting")


def test_door_badge_admitted_twice_while_offline_is_reported_after_sync(page, live_server, ada):
    code = current_badge(ada).code
    open_door(page, live_server)
    expect(page.locator("#list-status")).to_contain_text("1 delegates")
    page.context.set_offline(True)
    expect(page.locator("#network-status")).to_have_text(re.compile("^Offline"))
    scan_like_a_handheld_scanner(page, code)
    expect(page.locator("#result")).to_have_attribute("data-result", "admitted")
    # Meanwhile another door, online, admitted the same badge.
    scan_badge(conference=ada.conference, code=code, gate="South door")
    page.context.set_offline(False)
    report = page.locator("#sync-report")
    expect(report).to_be_visible(timeout=15_000)
    expect(report).to_contain_text("Ada Lovelace")
    expect(report).to_contain_text("South door")
    assert list(Scan.objects.order_by("pk").values_list("gate", "result")) == [
        ("South door", "admitted"),
        ("North door", "already_checked_in"),
    ]


def test_door_fallback_decoder_reads_a_badge_qr_from_our_own_static_files(page, live_server, ada):
    code = current_badge(ada).code
    requested = []
    off_site = re.compile(r"^https?://(?!127\.0\.0\.1|localhost)")
    page.context.route(off_site, lambda route: (requested.append(route.request.url), route.abort()))
    page.on("request", lambda request: requested.append(request.url))
    open_door(page, live_server)
    buffer = io.BytesIO()
    segno.make(code, error="m", micro=False).save(buffer, kind="png", scale=6, border=4)
    data_url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    decoded = page.evaluate(
        """async (src) => {
            delete window.BarcodeDetector;  // as on an iPhone or in Firefox
            const detector = await window.doorBarcodeDetector();
            const image = new Image();
            image.src = src;
            await image.decode();
            const codes = await detector.detect(image);
            return codes.map((c) => [c.format, c.rawValue]);
        }""",
        data_url,
    )
    assert decoded == [["qr_code", code]]
    wasm = [url for url in requested if url.endswith(".wasm")]
    assert wasm and all(url.startswith(live_server.url + "/static/vendor/barcode-detector/") for url in wasm)
    assert all(url.startswith((live_server.url, "data:")) for url in requested)


def y4m_of_qr(code, path, width=640, height=480):
    """A one-frame Y4M video of the badge's QR code: what Chromium's fake camera shows."""
    from PIL import Image

    buffer = io.BytesIO()
    segno.make(code, error="m", micro=False).save(buffer, kind="png", scale=10, border=4)
    qr = Image.open(io.BytesIO(buffer.getvalue())).convert("L")
    frame = Image.new("L", (width, height), 255)
    frame.paste(qr, ((width - qr.width) // 2, (height - qr.height) // 2))
    chroma = bytes([128]) * (width // 2) * (height // 2)
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        out.write(b"FRAME\n" + frame.tobytes() + chroma + chroma)


@pytest.fixture
def camera_page(browser, live_server, ada, tmp_path):
    """A second Chromium whose camera films a badge (Chromium's fake capture device fed from a file)."""
    from tests.conftest import CHROMIUM, CHROMIUM_ARGS

    video = tmp_path / "badge.y4m"
    y4m_of_qr(current_badge(ada).code, video)
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    camera_browser = browser.browser_type.launch(executable_path=CHROMIUM, headless=True, args=args)
    context = camera_browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    context.grant_permissions(["camera"])
    context.set_default_timeout(15_000)
    yield context.new_page()
    camera_browser.close()


def test_door_camera_scans_a_badge(camera_page, live_server, ada):
    page = camera_page
    open_door(page, live_server)
    page.get_by_role("button", name="Scan with camera").click()
    expect(page.locator("#result")).to_have_attribute("data-result", "admitted", timeout=20_000)
    expect(page.locator("#result-name")).to_have_text("Ada L")
    page.get_by_role("button", name="Next scan").click()
    page.get_by_role("button", name="Stop camera").click()
    assert CheckIn.objects.get().registration == ada
    assert Scan.objects.count() == 1  # the same code in front of the camera is read once


def test_door_page_reloaded_while_offline_still_scans(page, live_server, ada):
    code = current_badge(ada).code
    open_door(page, live_server)
    expect(page.locator("#list-status")).to_contain_text("1 delegates")
    expect(page.locator("body")).to_have_attribute("data-door-cached", "true", timeout=15_000)
    page.context.set_offline(True)
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-door-ready", "true")
    expect(page.locator("body")).to_have_attribute("data-offline-list", "ready")  # from the list stored on the device
    expect(page.get_by_text("Gate: North door")).to_be_visible()
    scan_like_a_handheld_scanner(page, code)
    expect(page.locator("#result")).to_have_attribute("data-result", "admitted")
    expect(page.locator("#result-name")).to_have_text("Ada L")
    expect(page.locator("#network-status")).to_have_text("Offline: 1 scan waiting")
    page.context.set_offline(False)
    expect(page.locator("#network-status")).to_have_text("Online", timeout=15_000)
    assert CheckIn.objects.get().registration == ada


def test_door_falls_back_to_its_list_when_the_server_does_not_answer(page, live_server, ada):
    """The venue Wi-Fi is up but the server cannot be reached: the browser still says online."""
    code = current_badge(ada).code
    open_door(page, live_server)
    expect(page.locator("#list-status")).to_contain_text("1 delegates")
    page.route(re.compile(r"/api/"), lambda route: route.abort("connectionrefused"))
    scan_like_a_handheld_scanner(page, code)
    expect(page.locator("#result")).to_have_attribute("data-result", "admitted")
    expect(page.locator("#result-detail")).to_contain_text("Offline")
    expect(page.locator("#network-status")).to_have_text("Offline: 1 scan waiting")
    assert not CheckIn.objects.exists()
    page.unroute(re.compile(r"/api/"))
    # The queue is retried every few seconds, without any event from the browser.
    expect(page.locator("#network-status")).to_have_text("Online", timeout=20_000)
    assert Scan.objects.get().result == "admitted"


def test_door_offline_refusals_match_the_server(page, live_server, ada):
    old = current_badge(ada).code
    reissue_badge(ada)
    cancelled = RegistrationFactory(invitation=ada.invitation, status="cancelled", first_name="Carl", last_name="Cox")
    cancelled_code = current_badge(cancelled).code
    open_door(page, live_server)
    expect(page.locator("#list-status")).to_contain_text("2 delegates")
    page.context.set_offline(True)
    expect(page.locator("#network-status")).to_have_text(re.compile("^Offline"))
    result = page.locator("#result")
    for code, expected, verdict in (
        (old, "revoked", "Badge revoked"),
        (cancelled_code, "cancelled", "Not confirmed"),
        ("Z" * 26, "unknown", "Unknown badge"),
    ):
        scan_like_a_handheld_scanner(page, code.lower())
        expect(result).to_have_attribute("data-result", expected)
        expect(page.locator("#result-verdict")).to_have_text(verdict)
    page.context.set_offline(False)
    expect(page.locator("#network-status")).to_have_text("Online", timeout=15_000)
    assert sorted(Scan.objects.values_list("result", flat=True)) == ["cancelled", "revoked", "unknown"]
    assert not CheckIn.objects.exists()


def test_door_logged_out_keeps_scanning_and_sends_after_login(page, live_server, ada):
    code = current_badge(ada).code
    user = open_door(page, live_server)
    expect(page.locator("#list-status")).to_contain_text("1 delegates")
    page.context.clear_cookies()  # the session ended
    scan_like_a_handheld_scanner(page, code)
    expect(page.locator("#result")).to_have_attribute("data-result", "admitted")
    expect(page.locator("#network-status")).to_have_text("Logged out: 1 scan waiting")
    assert not CheckIn.objects.exists()
    page.get_by_role("button", name="Next scan").click()
    page.get_by_role("link", name="Log in again").click()
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#network-status")).to_have_text("Online", timeout=15_000)
    assert CheckIn.objects.get().user == user


def door_hash(page, function, text):
    """A function of the door's own hash module (static/js/door/hash.js), called in the page."""
    return page.evaluate(
        """async ([name, text]) => {
            const main = document.querySelector("script[type=module][src$='/door/main.js']").src;
            const hash = await import(new URL("hash.js", main).href);
            return await hash[name](text);
        }""",
        [function, text],
    )


def test_door_fallback_hash_is_the_servers_code_digest(page, live_server, ada):
    """The vendored SHA-256 (for doors without WebCrypto) hashes a badge code as the server does."""
    code = current_badge(ada).code
    open_door(page, live_server)
    long_text = "Z" * 130  # more than two 64-byte blocks
    assert door_hash(page, "sha256HexFallback", code) == code_digest(code)
    assert door_hash(page, "sha256HexFallback", long_text) == code_digest(long_text)
    assert door_hash(page, "sha256HexFallback", "") == code_digest("")
    # WebCrypto (this page is on localhost, a secure context) gives the same, from a scanned code as typed.
    assert door_hash(page, "sha256Hex", code) == code_digest(code)
    assert door_hash(page, "codeDigest", f" {code.lower()} \n") == code_digest(code)


def test_door_without_webcrypto_answers_offline_from_its_list(page, live_server, ada):
    """No crypto.subtle (as at http://192.168.…): the vendored hash decides from the list, end to end."""
    code = current_badge(ada).code
    page.add_init_script("delete Crypto.prototype.subtle;")
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    open_door(page, live_server)
    assert page.evaluate("() => typeof crypto.subtle") == "undefined"
    expect(page.locator("#list-status")).to_contain_text("1 delegates")
    page.context.set_offline(True)
    expect(page.locator("#network-status")).to_have_text(re.compile("^Offline"))
    scan_like_a_handheld_scanner(page, code)
    expect(page.locator("#result")).to_have_attribute("data-result", "admitted")
    expect(page.locator("#result-name")).to_have_text("Ada L")
    expect(page.locator("#result-detail")).to_contain_text("Offline")
    scan_like_a_handheld_scanner(page, code.lower())
    expect(page.locator("#result")).to_have_attribute("data-result", "already_checked_in")
    assert f"{live_server.url}/static/vendor/noble-hashes/sha2.js" in requested
    page.context.set_offline(False)
    expect(page.locator("#network-status")).to_have_text("Online", timeout=15_000)
    assert CheckIn.objects.get().registration == ada


def test_door_is_accessible_idle_green_and_red(page, live_server, ada):
    code = current_badge(ada).code
    open_door(page, live_server)
    expect(page.locator("#list-status")).to_contain_text("1 delegates")
    assert_accessible(page)

    scan_like_a_handheld_scanner(page, code)
    result = page.locator("#result")
    expect(result).to_have_attribute("data-result", "admitted")
    expect(page.locator("#result-category")).to_have_text("Partner")
    assert_accessible(page)
    # The green answer hides itself after 4 s and only a scan shows it again: still on screen
    # now, it was on screen for the whole check.
    assert result.is_visible() and result.get_attribute("data-result") == "admitted"

    scan_like_a_handheld_scanner(page, code)
    expect(result).to_have_attribute("data-result", "already_checked_in")
    expect(result).to_have_class(re.compile("door-result-bad"))
    assert_accessible(page)
