"""Benchmark of the door's offline list with 20,000 delegates: its size, its ETag, and ready on the page.

Run by hand (never in the test suite), from the project root:

    .venv/bin/python bench/door_offline.py                          # SQLite in a temporary directory
    DATABASE_URL=postgres://... .venv/bin/python bench/door_offline.py
    .venv/bin/python bench/door_offline.py --delegates 20000 --port 8202 --loads 5

It seeds a conference of two days with N confirmed delegates (names with
accents from several languages, 1,000 organisations, a third checked in on
day 1, a workshop booked by one in ten), then measures:

- in-process: building the list (``door_list``), its JSON size raw and gzipped
  (as the API serves it: gzip level 6), and its ETag from aggregates
  (``door_list_etag``);
- under gunicorn (2 workers, 127.0.0.1): ``GET .../checkin/list/`` whole
  (gzipped) and answered 304 with the ETag, median and p95 to the last byte;
- in Chromium (Playwright, Debian's /usr/bin/chromium), as door staff: from
  the start of the page's navigation to ``<body data-offline-list="ready">``
  (the list downloaded, indexed and stored in IndexedDB), read from the
  page's own clock (``performance.now()`` when the attribute appears).
  "Cold": a fresh browser profile, nothing stored. "Warm": the same page
  reloaded, the list stored and the ETag answered 304.

Targets (issue 12): the list of 20,000 delegates <= 1.5 MB gzipped and ready
on the page <= 1 s after load.
"""

import argparse
import gzip
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLUG = "bench-door"
FIRST = ["Zoë", "Łukasz", "José", "François", "Siobhán", "Ayşe", "Søren", "Amira", "Chen", "Priya", "Tom", "Anna"]
LAST = ["Öztürk", "Nowak", "García", "Dubois", "O'Brien", "Müller", "Haddad", "Sharma", "Smith", "Okafor", "Brooks"]


def seed(delegates):
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")
    django.setup()
    import datetime as dt

    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from badges.models import CheckIn
    from conference.models import Conference, Organisation, Session
    from conference.plumbing import roles
    from registration.models import Invitation, Registration

    call_command("migrate", verbosity=0)
    Conference.objects.filter(slug=SLUG).delete()
    Organisation.objects.filter(name__startswith="Door bench ").delete()
    today = timezone.localdate()
    conference = Conference.objects.create(
        name="Door Bench Conference",
        slug=SLUG,
        starts_on=today,
        ends_on=today + dt.timedelta(days=1),
        capacity=100_000,
        venue="The ICC Birmingham",
    )
    organisations = Organisation.objects.bulk_create(
        [Organisation(name=f"Door bench Organisation Ltd {n}") for n in range(1000)]
    )
    seats = 20
    invitations = Invitation.objects.bulk_create(
        [
            Invitation(
                conference=conference,
                organisation=organisations[n % len(organisations)],
                contact_name=f"Contact {n}",
                email=f"contact{n}@door-bench.example",
                seats=seats,
                category=["partner", "company", "sponsor", "press"][n % 4],
                status="accepted",
            )
            for n in range(delegates // seats + 1)
        ],
        batch_size=1000,
    )
    rng = random.Random(12)
    now = timezone.now()
    registrations = Registration.objects.bulk_create(
        [
            Registration(
                conference=conference,
                invitation=invitations[n // seats],
                first_name=rng.choice(FIRST),
                last_name=f"{rng.choice(LAST)}-{n}",
                email=f"d{n}@door-bench.example",
                badge_name="",
                status="confirmed",
                confirmed_at=now,
            )
            for n in range(delegates)
        ],
        batch_size=1000,
    )
    workshop = Session.objects.create(
        conference=conference,
        title="Cloud cost clinic",
        kind="workshop",
        capacity=delegates,
        starts_at=now,
        ends_at=now + dt.timedelta(hours=1),
    )
    Registration.workshops.through.objects.bulk_create(
        [Registration.workshops.through(registration=r, session=workshop) for r in registrations[::10]],
        batch_size=1000,
    )
    CheckIn.objects.bulk_create(
        [CheckIn(conference=conference, registration=r, gate="North door", day=1) for r in registrations[::3]],
        batch_size=1000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # bulk inserts leave the planner's statistics empty until autovacuum runs
    user, _ = User.objects.get_or_create(username="bench-door-offline")
    user.groups.add(Group.objects.get(name=roles.DOOR_STAFF))
    return conference, user


def in_process(conference):
    from django.core.serializers.json import DjangoJSONEncoder

    from badges.checkin.services import door_list, door_list_etag

    started = time.perf_counter()
    data = door_list(conference=conference)  # the first call issues every badge
    first = (time.perf_counter() - started) * 1000
    builds = []
    for _ in range(3):
        started = time.perf_counter()
        data = door_list(conference=conference)
        body = json.dumps(data, cls=DjangoJSONEncoder, separators=(",", ":")).encode()
        zipped = gzip.compress(body, compresslevel=6, mtime=0)
        builds.append((time.perf_counter() - started) * 1000)
    etags = []
    for _ in range(20):
        started = time.perf_counter()
        door_list_etag(conference=conference)
        etags.append((time.perf_counter() - started) * 1000)
    return {
        "count": data["count"],
        "raw": len(body),
        "gzipped": len(zipped),
        "first build ms (issuing badges)": first,
        "build + JSON + gzip ms": statistics.median(builds),
        "etag ms": statistics.median(etags),
    }


def p95(times):
    times = sorted(times)
    return times[max(0, int(round(0.95 * len(times))) - 1)]


def over_http(port, path, cookie, count):
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": cookie, "Accept-Encoding": "gzip"}
    whole, not_modified, etag, size = [], [], None, 0
    for n in range(count * 2):
        started = time.perf_counter()
        sent = dict(headers, **({"If-None-Match": etag} if n % 2 and etag else {}))
        connection.request("GET", path, headers=sent)
        response = connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status == 200:
            whole.append(elapsed)
            etag, size = response.getheader("ETag"), len(body)
        elif response.status == 304:
            not_modified.append(elapsed)
        else:
            sys.exit(f"list answered {response.status}")
    connection.close()
    return whole, not_modified, size


READY_PROBE = """
(() => {
  const mark = () => {
    if (document.body && document.body.dataset.offlineList === "ready" && !window.__offlineReadyAt) {
      window.__offlineReadyAt = performance.now();
      const list = performance.getEntriesByType("resource").find((e) => e.name.includes("/checkin/list/"));
      window.__listReceivedAt = list ? list.responseEnd : null;
    }
  };
  const watched = { attributes: true, subtree: true, attributeFilter: ["data-offline-list"] };
  new MutationObserver(mark).observe(document, watched);
})();
"""


def in_chromium(base, cookie_value, loads):
    from playwright.sync_api import expect, sync_playwright

    cold, warm = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
        for _ in range(loads):
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            context.add_cookies([{"name": "sessionid", "value": cookie_value, "url": base}])
            context.add_init_script(READY_PROBE)
            page = context.new_page()
            for series in (cold, warm):
                if series is cold:
                    page.goto(f"{base}/door/{SLUG}/")
                else:
                    page.reload()
                # The page's CSP refuses eval: wait on the attribute, then read the probe's time.
                expect(page.locator("body")).to_have_attribute("data-offline-list", "ready", timeout=120_000)
                series.append(page.evaluate("[window.__offlineReadyAt, window.__listReceivedAt]"))
            context.close()
        browser.close()
    return cold, warm


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--delegates", type=int, default=20_000)
    parser.add_argument("--port", type=int, default=8202)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()

    env = dict(os.environ)
    tmp = None
    if not env.get("DATABASE_URL"):
        tmp = tempfile.mkdtemp(prefix="bench-door-")
        env["VAR_DIR"] = os.environ["VAR_DIR"] = tmp
    env["DEBUG"] = "0"
    env.setdefault("LOG_LEVEL", "ERROR")
    conference, user = seed(args.delegates)
    figures = in_process(conference)

    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie_value = client.cookies["sessionid"].value

    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "conference.wsgi", "-w", "2", "-b", f"127.0.0.1:{args.port}", "--log-level", "error"],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        import http.client

        for _ in range(100):
            try:
                probe = http.client.HTTPConnection("127.0.0.1", args.port, timeout=5)
                probe.request("GET", "/healthz")
                if probe.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            sys.exit("gunicorn did not answer")
        path = f"/api/conferences/{SLUG}/checkin/list/"
        whole, not_modified, size = over_http(args.port, path, f"sessionid={cookie_value}", args.requests)
        cold, warm = in_chromium(base, cookie_value, args.loads)
    finally:
        server.terminate()
        server.wait(timeout=10)
        if tmp:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)

    print(f"\nDoor offline list, {figures['count']} delegates")
    print(
        f"  JSON {figures['raw'] / 1e6:.2f} MB, gzipped {figures['gzipped'] / 1e6:.2f} MB (served: {size / 1e6:.2f} MB)"
    )
    for name in ("first build ms (issuing badges)", "build + JSON + gzip ms", "etag ms"):
        print(f"  in-process {name}: {figures[name]:.1f}")
    print(f"  GET whole (gzip): median {statistics.median(whole):.0f} ms, p95 {p95(whole):.0f} ms ({len(whole)})")
    print(
        f"  GET 304: median {statistics.median(not_modified):.1f} ms, p95 {p95(not_modified):.1f} ms"
        f" ({len(not_modified)})"
    )
    for name, series in (("cold", cold), ("warm", warm)):
        ready = [at for at, _received in series]
        received = [round(got) if got is not None else None for _at, got in series]
        print(
            f"  Chromium, load -> ready, {name}: median {statistics.median(ready):.0f} ms,"
            f" each {[round(t) for t in ready]} (list received at {received})"
        )


if __name__ == "__main__":
    main()
