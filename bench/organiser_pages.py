"""Benchmark of the organiser's pages with 5,000 invitations and 20,000 delegates, under gunicorn on 127.0.0.1.

Seeds the conference with ``bench/seed.py``, logs an organiser in (a session
cookie), then fetches each page N times over a kept-alive connection and
prints the median and p95 of the time to the last byte, and the SQL
statements each page runs (counted in-process with Django's test client).

    .venv/bin/python bench/organiser_pages.py                 # SQLite in a temporary directory
    DATABASE_URL=postgres://... .venv/bin/python bench/organiser_pages.py
    .venv/bin/python bench/organiser_pages.py --requests 200 --workers 2

Target (issue 10): the invitations and delegates pages p95 <= 150 ms, with a
number of queries that does not grow with the data. Then the exports
(issue 13: the delegates CSV <= 3 s), each fetched a few times whole.
"""

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.seed import django_setup, seed  # noqa: E402


def pages(slug):
    return {
        "overview /organiser/<slug>/": f"/organiser/{slug}/",
        "invitations": f"/organiser/{slug}/invitations/",
        "invitations ?status=unanswered": f"/organiser/{slug}/invitations/?status=unanswered",
        "invitations ?q=00421": f"/organiser/{slug}/invitations/?q=00421",
        "invitations page 50": f"/organiser/{slug}/invitations/?page=50",
        "delegates": f"/organiser/{slug}/delegates/",
        "delegates ?status=waitlisted": f"/organiser/{slug}/delegates/?status=waitlisted",
        "delegates ?q=okafor": f"/organiser/{slug}/delegates/?q=okafor",
        "delegates page 300": f"/organiser/{slug}/delegates/?page=300",
    }


def measure(port, path, count, cookie):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times = []
    status = None
    for _ in range(count):
        started = time.perf_counter()
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        response.read()
        times.append((time.perf_counter() - started) * 1000)
        status = response.status
    connection.close()
    times.sort()
    return status, statistics.median(times), times[max(0, int(round(0.95 * len(times))) - 1)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--invitations", type=int, default=5000)
    parser.add_argument("--delegates", type=int, default=20000)
    args = parser.parse_args()
    if not args.port:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    env = dict(os.environ)
    tmp = None
    if not env.get("DATABASE_URL"):
        tmp = tempfile.mkdtemp(prefix="bench-organiser-")
        env["VAR_DIR"] = os.environ["VAR_DIR"] = tmp
    env["DEBUG"] = "0"
    env.setdefault("LOG_LEVEL", "ERROR")

    django_setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from conference.plumbing import roles

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    conference = seed(invitations=args.invitations, delegates=args.delegates)
    print(
        f"Seeded {conference.invitations.count()} invitations, {conference.registrations.count()} delegates"
        f" in {time.perf_counter() - started:.1f} s ({connection.vendor})"
    )
    user, _ = User.objects.get_or_create(username="bench-organiser", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=roles.ORGANISERS))
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    queries = {}
    for name, path in pages(conference.slug).items():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        queries[name] = len(captured.captured_queries)
    connection.close()

    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "conference.wsgi", "-w", str(args.workers), "-b", f"127.0.0.1:{args.port}"]
        + ["--log-level", "error"],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(200):
            if server.poll() is not None:
                sys.exit(f"gunicorn exited ({server.returncode}); is port {args.port} free?")
            try:
                if measure(args.port, "/healthz", 1, "")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            sys.exit("gunicorn did not answer")
        print(f"\n{'page':<34}{'status':>7}{'median ms':>11}{'p95 ms':>9}{'queries':>9}")
        for name, path in pages(conference.slug).items():
            measure(args.port, path, 5, cookie)  # warm every worker
            status, median, p95 = measure(args.port, path, args.requests, cookie)
            print(f"{name:<34}{status:>7}{median:>11.1f}{p95:>9.1f}{queries[name]:>9}")
        print(f"\n{'export':<34}{'status':>7}{'median ms':>11}{'max ms':>9}")
        for table in ("delegates", "invitations", "needs"):
            path = f"/organiser/{conference.slug}/exports/{table}.csv"
            status, median, worst = measure(args.port, path, 3, cookie)
            print(f"{table + '.csv':<34}{status:>7}{median:>11.1f}{worst:>9.1f}")
    finally:
        server.terminate()
        server.wait(timeout=10)
        if tmp:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
