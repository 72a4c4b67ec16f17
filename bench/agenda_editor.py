"""Benchmark of the organiser's agenda editor under gunicorn, on 127.0.0.1 only.

The agenda of bench/agenda.py (300 sessions in 8 rooms over 2 days, published)
is loaded; then, as an organiser, the editor page is fetched N times, and a
session is moved N times through the sessions API (PATCH, what a drag or an
arrow key sends: the clash checks under the conference lock, the save), each
followed by the publishing section the editor refreshes. Median and p95 of
the time to the last byte are printed.

    .venv/bin/python bench/agenda_editor.py                 # SQLite in a temporary directory
    DATABASE_URL=postgres://... .venv/bin/python bench/agenda_editor.py
    .venv/bin/python bench/agenda_editor.py --requests 100 --workers 2

Targets (issue 11): the editor page ready in <= 300 ms server time; a move
saved and the grid updated <= 100 ms p95.
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import agenda as agenda_bench  # bench/agenda.py: the same 300-session agenda

ROOT = agenda_bench.ROOT
SLUG = agenda_bench.SLUG


def organiser_credentials():
    """A session cookie (the page) and an API token (the moves) of an organiser."""
    from django.contrib.auth.models import Group, User
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from conference.models import Session

    user, _ = User.objects.get_or_create(username="bench-organiser")
    user.groups.add(Group.objects.get(name="Organisers"))
    client = Client()
    client.force_login(user)
    token, _ = Token.objects.get_or_create(user=user)
    last = Session.objects.filter(conference__slug=SLUG).order_by("-starts_at", "-pk").first()
    return client.cookies["sessionid"].value, token.key, last


def timed(port, method, path, headers, body=None, count=1):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times, status = [], None
    for n in range(count):
        payload = body(n) if callable(body) else body
        started = time.perf_counter()
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        response.read()
        times.append((time.perf_counter() - started) * 1000)
        status = response.status
    connection.close()
    times.sort()
    return status, times


def p95(times):
    return times[max(0, int(round(0.95 * len(times))) - 1)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port on 127.0.0.1 (default: a free one)")
    args = parser.parse_args()

    import socket

    port = args.port
    if not port:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
    env = dict(os.environ)
    tmp = None
    if not env.get("DATABASE_URL"):
        tmp = tempfile.mkdtemp(prefix="bench-editor-")
        env["VAR_DIR"] = tmp
        os.environ["VAR_DIR"] = tmp
    env["DEBUG"] = "0"
    env.setdefault("LOG_LEVEL", "ERROR")
    agenda_bench.setup_database()
    cookie, token, session = organiser_credentials()
    tz = session.conference.tz
    start = session.starts_at.astimezone(tz).replace(tzinfo=None)
    end = session.ends_at.astimezone(tz).replace(tzinfo=None)

    def move(n):
        # Back and forth by 5 minutes inside the session's free half hour: every move is a real change.
        shift = 5 if n % 2 == 0 else 0
        return json.dumps(
            {
                "starts_at": (start + __import__("datetime").timedelta(minutes=shift)).isoformat(),
                "ends_at": (end + __import__("datetime").timedelta(minutes=shift)).isoformat(),
            }
        )

    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "conference.wsgi", "-w", str(args.workers), "-b", f"127.0.0.1:{port}", "--log-level", "error"],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                if timed(port, "GET", "/healthz", {})[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            sys.exit("gunicorn did not answer")
        page = {"Cookie": f"sessionid={cookie}"}
        api = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        editor = f"/organiser/{SLUG}/agenda/"
        timed(port, "GET", editor, page, count=4)  # warm both workers
        rows = [
            ("editor page", *timed(port, "GET", editor, page, count=args.requests)),
            (
                "move (PATCH session)",
                *timed(port, "PATCH", f"/api/conferences/{SLUG}/sessions/{session.pk}/", api, move, args.requests),
            ),
            ("publish section refresh", *timed(port, "GET", f"{editor}?part=publish", page, count=args.requests)),
        ]
        print(f"\n{'request':<28}{'status':>7}{'median ms':>11}{'p95 ms':>9}")
        for name, status, times in rows:
            print(f"{name:<28}{status:>7}{statistics.median(times):>11.1f}{p95(times):>9.1f}")
    finally:
        server.terminate()
        server.wait(timeout=10)
        if tmp:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
