"""Benchmark of the public agenda outputs under gunicorn, on 127.0.0.1 only.

An agenda of 300 sessions in 8 rooms over 2 days is published; then the page,
the .ics and the .json are fetched N times each (and a conditional GET that
matches the ETag), over a kept-alive connection, and the median and p95 of
the time to the last byte are printed.

    .venv/bin/python bench/agenda.py                 # SQLite in a temporary directory
    DATABASE_URL=postgres://... .venv/bin/python bench/agenda.py
    .venv/bin/python bench/agenda.py --requests 500 --workers 2

Targets (issue 4): p95 <= 30 ms for the page, .ics and .json; <= 5 ms for the conditional GET.
"""

import argparse
import datetime as dt
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLUG = "bench-agenda"


def setup_database():
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from conference.agenda import services
    from conference.models import AgendaVersion, Conference, Room, Session, Speaker, Track

    call_command("migrate", verbosity=0)
    Conference.objects.filter(slug=SLUG).delete()
    starts_on = dt.date.today() + dt.timedelta(days=90)
    with transaction.atomic():
        conference = Conference.objects.create(
            name="Benchmark Conference",
            slug=SLUG,
            starts_on=starts_on,
            ends_on=starts_on + dt.timedelta(days=1),
            capacity=5000,
            venue="The ICC Birmingham",
        )
        rooms = [Room.objects.create(conference=conference, name=f"Room {n + 1}", position=n) for n in range(8)]
        tracks = [
            Track.objects.create(conference=conference, name=name, colour=colour)
            for name, colour in (("Skills", "#1d4ed8"), ("Growth", "#b45309"), ("Research", "#047857"))
        ]
        speakers = [
            Speaker.objects.create(
                conference=conference,
                name=f"Speaker {n + 1}",
                organisation=f"Organisation {n % 40 + 1}",
                bio="A short biography of two sentences. It says who they are.",
            )
            for n in range(300)
        ]
        n = 0
        tz = conference.tz
        for day in range(2):
            for slot in range(19):
                for room in rooms:
                    if n >= 300:
                        break
                    start = dt.datetime.combine(
                        starts_on + dt.timedelta(days=day), dt.time(8, 0), tzinfo=tz
                    ) + dt.timedelta(minutes=30 * slot)
                    session = Session.objects.create(
                        conference=conference,
                        title=f"Session {n + 1}: a title of a usual length for a talk",
                        kind=["talk", "panel", "workshop", "keynote"][n % 4],
                        starts_at=start,
                        ends_at=start + dt.timedelta(minutes=25),
                        room=room,
                        track=tracks[n % 3],
                        capacity=30 if n % 4 == 2 else None,
                        abstract="An abstract of a few sentences. " * 6,
                    )
                    session.speakers.set([speakers[n], speakers[(n + 150) % 300]])
                    n += 1
        services.publish_agenda(conference=conference, note="Benchmark")
    print(f"Published {Session.objects.filter(conference=conference).count()} sessions in 8 rooms over 2 days")

    # In-process, uncached render time of each output (what the first request of a version pays).
    from conference.agenda import exporters, published

    ref = published.version_ref(SLUG)
    version = AgendaVersion.objects.get(pk=ref.id)
    cold = {}
    for name, render in (
        ("ics", lambda: exporters.ics(published.load_agenda(ref))),
        ("json", lambda: exporters.frab(published.load_agenda(ref))),
        ("pdf", lambda: exporters.pdf(published.load_agenda(ref))),
    ):
        started = time.perf_counter()
        render()
        cold[name] = (time.perf_counter() - started) * 1000
    del version
    return cold, tracks[0].pk


def measure(port, path, count, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times = []
    status = None
    for _ in range(count):
        started = time.perf_counter()
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.read()
        times.append((time.perf_counter() - started) * 1000)
        status = response.status
    connection.close()
    times.sort()
    return status, statistics.median(times), times[max(0, int(round(0.95 * len(times))) - 1)]


def _get(port, path, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def etag_of(port, path, headers=None):
    return _get(port, path, headers)[0].getheader("ETag")


def body_size(port, path, headers=None):
    return len(_get(port, path, headers)[1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    args = parser.parse_args()

    if not args.port:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    env = dict(os.environ)
    tmp = None
    if not env.get("DATABASE_URL"):
        tmp = tempfile.mkdtemp(prefix="bench-agenda-")
        env["VAR_DIR"] = tmp
        os.environ["VAR_DIR"] = tmp
    env["DEBUG"] = "0"
    env.setdefault("LOG_LEVEL", "ERROR")
    cold, track_id = setup_database()

    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [
            str(gunicorn),
            "conference.wsgi",
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "error",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            if server.poll() is not None:
                sys.exit(f"gunicorn exited ({server.returncode}); is port {args.port} free?")
            try:
                if measure(args.port, "/healthz", 1)[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            sys.exit("gunicorn did not answer")
        paths = {
            "page": f"/{SLUG}/agenda/",
            "ics": f"/{SLUG}/agenda.ics",
            "json": f"/{SLUG}/agenda.json",
        }
        for path in paths.values():  # warm every worker's cache
            status = measure(args.port, path, 20)[0]
            if status != 200:
                sys.exit(f"{path} answered {status}")
        gzip = {"Accept-Encoding": "gzip"}  # what phones and browsers send
        print(f"\n{'output':<32}{'status':>7}{'median ms':>11}{'p95 ms':>9}{'bytes':>9}")

        def row(name, path, headers=None):
            status, median, p95 = measure(args.port, path, args.requests, headers)
            print(f"{name:<32}{status:>7}{median:>11.2f}{p95:>9.2f}{body_size(args.port, path, headers):>9}")

        for name, path in paths.items():
            row(f"{name} (gzip)", path, gzip)
        for name, path in paths.items():
            row(f"{name} (identity)", path)
        for name, path in paths.items():
            row(f"{name} (If-None-Match)", path, {**gzip, "If-None-Match": etag_of(args.port, path, gzip)})
        row("page ?track= (gzip)", f"/{SLUG}/agenda/?track={track_id}", gzip)
        print(
            "\nUncached render, in-process (once per published version): "
            + ", ".join(f"{k} {v:.0f} ms" for k, v in cold.items())
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
        if tmp:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
