"""Benchmark: RSVP accept through the API (one delegate), under gunicorn, on SQLite or PostgreSQL.

    .venv/bin/python bench/rsvp_accept.py [--requests 400] [--concurrency 1] [--database-url postgres://...]
                                          [--smtp answering|blackhole]

Sets up a fresh database with a conference and one invitation per request,
starts gunicorn on 127.0.0.1 (2 sync workers, the embedded default: Celery
tasks eager, so each request also renders the confirmation, writes it to the
outbox and sends it to an aiosmtpd server on 127.0.0.1), then POSTs
``/api/rsvp/<token>/`` ``{"response": "accept", "delegates": [one]}`` and
records the time from sending the request to the end of the answer over
loopback (the server's time plus a loopback round trip). Target: p95 <= 50 ms.

``--smtp blackhole``: the mail server accepts TCP connections and never says
a word (a hung server). No request may wait on it: target p99 <= 50 ms, and
every confirmation stays pending in the outbox, none lost.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return "250 OK"


class BlackHole:
    """A "mail server" that accepts connections and never answers; holds them open until stopped."""

    def __init__(self, port):
        self.sock = socket.create_server(("127.0.0.1", port))
        self.held = []
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while self.running:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(connection)

    def stop(self):
        self.running = False
        self.sock.close()
        for connection in self.held:
            connection.close()


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--smtp", choices=["answering", "blackhole"], default="answering")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-rsvp-"))
    smtp_port, http_port = free_port(), free_port()
    env = dict(
        os.environ,
        VAR_DIR=str(workdir),
        DATABASE_URL=args.database_url or f"sqlite:///{workdir / 'db.sqlite3'}",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        DJANGO_SETTINGS_MODULE="conference.settings",
        SITE_URL=f"http://127.0.0.1:{http_port}",
        LOG_LEVEL="ERROR",
        DEBUG="0",
        # Every request comes from 127.0.0.1: the per-address limit of the token endpoints is lifted.
        TOKEN_RATE="100000/minute",
    )
    env.pop("CELERY_BROKER_URL", None)
    os.environ.update(env)

    import django

    django.setup()
    from aiosmtpd.controller import Controller
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from registration.models import Invitation
    from tests.factories import ConferenceFactory, OrganisationFactory, WorkshopFactory

    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    conference = ConferenceFactory(slug="bench", name="Bench conference", capacity=args.requests // 2)
    for _ in range(3):
        WorkshopFactory(conference=conference, capacity=args.requests)
    organisation = OrganisationFactory(name="Bench organisation")
    Invitation.objects.bulk_create(
        Invitation(
            conference=conference,
            organisation=organisation,
            contact_name=f"Contact {i}",
            email=f"contact{i}@bench.example",
            seats=1,
            status="sent",
        )
        for i in range(args.requests + 20)
    )
    tokens = list(Invitation.objects.order_by("pk").values_list("token", flat=True))
    connection.close()

    mailbox = Mailbox()
    if args.smtp == "blackhole":
        controller = BlackHole(smtp_port)
    else:
        controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
        controller.start()
    server = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "conference.wsgi",
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{http_port}",
            "--log-level",
            "warning",
            "--access-logfile",
            str(workdir / "access.log"),
            "--access-logformat",
            "%(m)s %(U)s %(s)s %(D)s",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{http_port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)

        def accept(token, index):
            body = json.dumps(
                {
                    "response": "accept",
                    "delegates": [
                        {
                            "first_name": "Zoë",
                            "last_name": f"Ångström {index}",
                            "email": f"delegate{index}@bench.example",
                            "badge_name": "Zoë",
                            "job_title": "Engineer",
                            "dietary": "Vegetarian",
                            "accessibility": "",
                            "consent": True,
                            "workshops": [],
                        }
                    ],
                }
            ).encode()
            request = urllib.request.Request(
                f"{base}/api/rsvp/{token}/", data=body, headers={"Content-Type": "application/json"}, method="POST"
            )
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
                status = response.status
            return (time.perf_counter() - started) * 1000, status

        # Warm-up: the first requests of each worker load code and open connections.
        for i in range(20):
            accept(tokens[args.requests + i], args.requests + i)
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            results = list(pool.map(accept, tokens[: args.requests], range(args.requests)))
    finally:
        server.terminate()
        server.wait(timeout=10)
        controller.stop()
    times = [ms for ms, _ in results]
    statuses = {status for _, status in results}
    # The server's own time for each request, from gunicorn's access log (%(D)s, microseconds).
    logged = [line.split() for line in (workdir / "access.log").read_text().splitlines()]
    server = [int(d) / 1000 for method, path, status, d in logged if method == "POST" and path.startswith("/api/rsvp/")]
    server = server[-args.requests :]  # without the warm-up
    from registration.models import OutboxMessage

    outbox = {row["state"]: row["n"] for row in OutboxMessage.objects.values("state").annotate(n=Count("pk"))}
    print(
        f"{connection.vendor}, gunicorn -w {args.workers}, concurrency {args.concurrency}, SMTP {args.smtp}:"
        f" {len(times)} accepts (status {sorted(statuses)}); server time median {statistics.median(server):.1f} ms,"
        f" p95 {percentile(server, 0.95):.1f} ms, p99 {percentile(server, 0.99):.1f} ms, max {max(server):.1f} ms;"
        f" round trip median {statistics.median(times):.1f} ms, p95 {percentile(times, 0.95):.1f} ms,"
        f" p99 {percentile(times, 0.99):.1f} ms; e-mails received {mailbox.count}; outbox by state {outbox}"
    )


if __name__ == "__main__":
    main()
