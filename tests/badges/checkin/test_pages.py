"""The door page and the organisers' arrivals page (HTML), and the demo check-ins."""

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from badges.checkin.demo import load as load_checkins
from badges.checkin.services import scan_badge
from badges.models import CheckIn
from badges.services import current_badge
from registration.models import Registration
from tests.factories import ConferenceFactory, InvitationFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def door_config(response):
    html = response.content.decode()
    start = html.index('<script id="door-config" type="application/json">') + len(
        '<script id="door-config" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def test_door_page_asks_anonymous_to_log_in(client):
    response = client.get("/door/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/door/")


def test_door_page_is_refused_to_users_without_door_role(client, conference):
    client.force_login(User.objects.create_user("someone", password="x" * 12))
    assert client.get("/door/").status_code == 403


def test_door_page_has_labelled_scanner_field_and_buttons(client, door_staff, conference):
    client.force_login(door_staff)
    response = client.get("/door/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="badge-code">Badge code</label>' in html
    assert 'id="badge-code"' in html and "autofocus" in html
    assert '<button type="submit">Check in</button>' in html
    assert '<label for="gate-name">Gate</label>' in html
    assert "Scan with camera" in html
    assert "js/door/main.js" in html
    config = door_config(response)
    assert config["conference"]["slug"] == conference.slug
    assert config["urls"]["scan"] == f"/api/conferences/{conference.slug}/checkin/scan/"
    assert config["urls"]["undo"] == f"/api/conferences/{conference.slug}/checkin/{{id}}/undo/"
    assert config["vendor"] == "/static/vendor/barcode-detector/"


def test_door_page_uses_current_conference_and_offers_the_others(client, door_staff):
    today = timezone.localdate()
    ConferenceFactory(slug="last-year", name="Last year", starts_on=today - dt.timedelta(days=365))
    current = ConferenceFactory(slug="this-year", name="This year", starts_on=today + dt.timedelta(days=3))
    client.force_login(door_staff)
    response = client.get("/door/")
    assert door_config(response)["conference"]["slug"] == current.slug
    assert 'href="/door/last-year/"' in response.content.decode()
    assert door_config(client.get("/door/last-year/"))["conference"]["slug"] == "last-year"
    assert door_config(client.get("/door/?conference=last-year"))["conference"]["slug"] == "last-year"
    assert client.get("/door/no-such-conference/").status_code == 404


def test_door_page_without_conference_is_friendly(client, door_staff):
    client.force_login(door_staff)
    response = client.get("/door/")
    assert response.status_code == 200
    assert "No conference has been set up yet" in response.content.decode()


def test_door_page_serves_the_vendored_decoder_files(client):
    from django.contrib.staticfiles import finders

    for name in ("ponyfill.js", "zxing-exported.js", "zxing_reader.wasm", "LICENSE", "README.md"):
        assert finders.find(f"vendor/barcode-detector/{name}"), name
    source = Path(finders.find("vendor/barcode-detector/README.md")).read_text()
    assert "3.2.2" in source


def test_arrivals_page_shows_checked_in_against_registered(client, organiser, conference):
    invitation = InvitationFactory(conference=conference, seats=3)
    delegates = [RegistrationFactory(invitation=invitation) for _ in range(3)]
    scan_badge(conference=conference, code=current_badge(delegates[0]).code, gate="North door")
    client.force_login(organiser)
    response = client.get(f"/organiser/{conference.slug}/arrivals/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<span id="arrivals-checked-in">1</span> of <span id="arrivals-registered">3</span>' in html
    assert "<td>North door</td><td>1</td>" in html
    assert "Per quarter hour" in html and "js/arrivals.js" in html


def test_arrivals_page_needs_an_organiser(client, door_staff, conference):
    assert client.get(f"/organiser/{conference.slug}/arrivals/").status_code == 302
    client.force_login(door_staff)
    assert client.get(f"/organiser/{conference.slug}/arrivals/").status_code == 403


def test_demo_checkins_are_made_once(conference):
    invitation = InvitationFactory(conference=conference, seats=10)
    for _ in range(10):
        RegistrationFactory(invitation=invitation)
    RegistrationFactory(invitation=invitation, status=Registration.Status.WAITLISTED)
    out = io.StringIO()
    load_checkins(conference, out)
    assert CheckIn.objects.filter(conference=conference).count() == 4
    assert all(c.registration.status == "confirmed" for c in CheckIn.objects.all())
    load_checkins(conference, out)
    assert CheckIn.objects.filter(conference=conference).count() == 4
    assert set(CheckIn.objects.values_list("gate", flat=True)) <= {"North door", "South door"}


def test_demo_checkins_without_delegates_do_nothing(conference):
    out = io.StringIO()
    load_checkins(conference, out)
    assert not CheckIn.objects.exists()
    assert "No confirmed delegates" in out.getvalue()


def test_door_service_worker_is_served_under_door(client):
    response = client.get("/door/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b'addEventListener("fetch"' in body


def test_arrivals_page_of_a_session_door(client, organiser, conference):
    from tests.factories import WorkshopFactory

    workshop = WorkshopFactory(conference=conference, title="Data for SMEs", capacity=5)
    invitation = InvitationFactory(conference=conference, seats=3)
    booked = RegistrationFactory(invitation=invitation)
    booked.workshops.set([workshop])
    RegistrationFactory(invitation=invitation)
    from badges.checkin.services import find_session

    scan_badge(
        conference=conference,
        code=current_badge(booked).code,
        gate="Room 5",
        session=find_session(conference, workshop.pk),
    )
    client.force_login(organiser)
    html = client.get(f"/organiser/{conference.slug}/arrivals/", {"session": workshop.pk}).content.decode()
    assert "Data for SMEs" in html
    assert '<span id="arrivals-checked-in">1</span> of <span id="arrivals-registered">1</span>' in html
    assert "<td>Room 5</td><td>1</td>" in html
    assert f"stats/?session={workshop.pk}" in html
    main = client.get(f"/organiser/{conference.slug}/arrivals/").content.decode()
    assert '<span id="arrivals-checked-in">0</span> of <span id="arrivals-registered">2</span>' in main
    assert client.get(f"/organiser/{conference.slug}/arrivals/", {"session": "999999"}).status_code == 404
    assert client.get(f"/organiser/{conference.slug}/arrivals/", {"session": "x"}).status_code == 404
