"""Benchmark of the delegate directory under gunicorn, on 127.0.0.1 only.

2,000 confirmed delegates of 400 organisations opt in, each with two of six
interests and a note; then the directory page (everyone, a search, an
interest) and the directory API are fetched N times each over a kept-alive
connection, and the median and p95 of the time to the last byte are printed.
The SQL statements of a page are counted in-process with 20 and with 2,000
delegates in the directory: they must be the same.

    .venv/bin/python bench/networking.py                 # SQLite in a temporary directory
    DATABASE_URL=postgres://... .venv/bin/python bench/networking.py
    .venv/bin/python bench/networking.py --requests 300 --workers 2 --port 8701

Target (issue 16): with 2,000 delegates in the directory, the page's p95 <= 100 ms, constant query counts.
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
SLUG = "bench-networking"
PEOPLE = 2000


def setup_database():
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conference.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from conference.models import Conference, Organisation
    from registration.models import Invitation, Registration, Topic

    call_command("migrate", verbosity=0)
    Conference.objects.filter(slug=SLUG).delete()
    starts_on = dt.date.today() + dt.timedelta(days=90)
    kinds = [k for k, _ in Organisation.Kind.choices]
    with transaction.atomic():
        conference = Conference.objects.create(
            name="Benchmark Networking", slug=SLUG, starts_on=starts_on, ends_on=starts_on, capacity=5000
        )
        topics = [
            Topic.objects.create(conference=conference, name=name, position=n)
            for n, name in enumerate(["Cyber security", "Health tech", "Skills", "Funding bids", "Net zero", "AI"])
        ]
        organisations = [
            Organisation.objects.get_or_create(
                name=f"Bench Organisation {n}", defaults={"kind": kinds[n % len(kinds)]}
            )[0]
            for n in range(400)
        ]
        invitations = Invitation.objects.bulk_create(
            Invitation(
                conference=conference,
                organisation=organisation,
                contact_name=f"Contact {n}",
                email=f"contact{n}@bench.example",
                seats=5,
                status=Invitation.Status.ACCEPTED,
            )
            for n, organisation in enumerate(organisations)
        )
        now = timezone.now()
        people = Registration.objects.bulk_create(
            Registration(
                conference=conference,
                invitation=invitations[n % len(invitations)],
                first_name=["Zoë", "Łukasz", "Amara", "Sam", "Priya"][n % 5],
                last_name=f"Delegate{n:04d}",
                email=f"d{n}@bench.example",
                job_title="Engineer",
                status=Registration.Status.CONFIRMED,
                confirmed_at=now,
                consent_at=now,
                directory_opt_in=True,
                networking_note="Looking for a university partner for a KTP on secure data sharing.",
            )
            for n in range(PEOPLE)
        )
        through = Registration.interests.through
        through.objects.bulk_create(
            through(registration_id=r.pk, topic_id=topics[(i + k) % len(topics)].pk)
            for i, r in enumerate(people)
            for k in (0, 3)
        )
    print(f"{PEOPLE} delegates of {len(organisations)} organisations in the directory")
    return people[0].token, topics[2].pk


def query_counts(token):
    """SQL statements of the page and the API, with every delegate listed and with 20 (the others opted out)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from registration.models import Registration

    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for label in ("2000", "20"):
        if label == "20":
            me = Registration.objects.get(token=token)
            keep = list(Registration.objects.filter(conference=me.conference).order_by("pk")[:20])
            Registration.objects.filter(conference=me.conference).exclude(pk__in=[r.pk for r in keep]).update(
                directory_opt_in=False
            )
        for path in (f"/my/{token}/people/", f"/api/my/{token}/people/"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            counts[(label, path.split("/")[1])] = len(queries)
    Registration.objects.filter(conference__slug=SLUG).update(directory_opt_in=True)
    return counts


def measure(port, path, count):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times = []
    status = None
    for _ in range(count):
        started = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        times.append((time.perf_counter() - started) * 1000)
        status = response.status
    connection.close()
    times.sort()
    return status, statistics.median(times), times[max(0, int(round(0.95 * len(times))) - 1)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    args = parser.parse_args()

    if not args.port:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    env = dict(os.environ)
    if not env.get("DATABASE_URL"):
        tmp = tempfile.mkdtemp(prefix="bench-networking-")
        env["VAR_DIR"] = tmp
        os.environ["VAR_DIR"] = tmp
    env["DEBUG"] = "0"
    env["TOKEN_RATE"] = "100000/minute"  # the API's per-address limit would stop one client
    env.setdefault("LOG_LEVEL", "ERROR")
    token, topic = setup_database()
    counts = query_counts(token)

    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "conference.wsgi", "-w", str(args.workers), "-b", f"127.0.0.1:{args.port}"]
        + ["--log-level", "error"],
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
            "page, everyone (page 1 of 40)": f"/my/{token}/people/",
            "page, search 'lukasz ktp'": f"/my/{token}/people/?q=lukasz+ktp",
            "page, an interest": f"/my/{token}/people/?interest={topic}",
            "API, everyone (page 1)": f"/api/my/{token}/people/",
            "API, search 'zoe'": f"/api/my/{token}/people/?q=zoe",
        }
        for path in paths.values():  # warm every worker
            measure(args.port, path, 10)
        print(f"{'what':34} status  median    p95   ({args.requests} requests, {args.workers} workers)")
        for name, path in paths.items():
            status, median, p95 = measure(args.port, path, args.requests)
            print(f"{name:34} {status}   {median:6.1f} {p95:6.1f} ms")
        print("SQL statements a request (2000 listed / 20 listed):")
        for kind in ("my", "api"):
            print(f"  {kind:4} {counts[('2000', kind)]} / {counts[('20', kind)]}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
