"""Benchmark: "Send 5,000" returns at once, and the outbox drains to a real SMTP server on workers.

Seeds a conference with N draft invitations (``bulk_create``), starts an
aiosmtpd server in this process, gunicorn (2 workers) on 127.0.0.1 and, with a
broker, a real Celery worker (``celery -A conference worker``, concurrency 2);
then, as an organiser (token authentication), ``POST
/api/conferences/<slug>/invitations/send/``, after ``--warm-up`` (4) sends of
one invitation each in another conference, so that the timed request meets
warm gunicorn workers (``--warm-up 0``: the first request of a cold server). Prints the time for that request
to return (it marks the invitations sent and records a send batch; the
e-mails are written to the outbox after it, by the worker or the gunicorn
worker's background runner), how long the writing of the e-mails took, and
the e-mails a second until the SMTP server has every one of them.

    # Celery workers (Redis db 8):
    CELERY_BROKER_URL=redis://127.0.0.1:6379/8 .venv/bin/python bench/outbox_drain.py
    # no broker: the gunicorn worker's background sender thread
    .venv/bin/python bench/outbox_drain.py
    # PostgreSQL instead of a temporary SQLite file:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> .venv/bin/python bench/outbox_drain.py

Target (issue 10): the request returns at once; the outbox drains at >= 100 e-mails a second.
"""

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """An aiosmtpd handler that notes when each recipient arrived."""

    def __init__(self):
        self.arrivals = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        now = time.perf_counter()
        with self.lock:
            self.arrivals.extend((now, rcpt) for rcpt in envelope.rcpt_tos if rcpt.endswith("@drain.example"))
        return "250 OK"

    def count(self):
        with self.lock:
            return len({rcpt for _, rcpt in self.arrivals})


def wait_for_http(port, process, name):
    for _ in range(300):
        if process.poll() is not None:
            sys.exit(f"{name} exited ({process.returncode})")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"{name} did not answer")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (default: a free one)")
    parser.add_argument("--smtp-port", type=int, default=0, help="aiosmtpd's port (default: a free one)")
    parser.add_argument("--concurrency", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for every e-mail")
    parser.add_argument(
        "--warm-up", type=int, default=4, help="sends of one invitation (another conference) before the timed one"
    )
    args = parser.parse_args()
    port, smtp_port = args.port or free_port(), args.smtp_port or free_port()

    tmp = Path(tempfile.mkdtemp(prefix="bench-drain-"))
    os.environ.update(
        VAR_DIR=str(tmp),
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_TIMEOUT="10",
        DJANGO_SETTINGS_MODULE="conference.settings",
        DEBUG="0",
        LOG_LEVEL="ERROR",
    )
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'db.sqlite3'}"
    broker = os.environ.get("CELERY_BROKER_URL", "")
    env = dict(os.environ)

    import django

    django.setup()
    from aiosmtpd.controller import Controller
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from conference.models import Conference, Organisation
    from conference.plumbing import roles
    from registration.models import Invitation, OutboxMessage, SendBatch
    from tests.factories import ConferenceFactory

    call_command("migrate", verbosity=0)
    slug = "bench-drain"
    OutboxMessage.objects.filter(invitation__conference__slug=slug).delete()
    SendBatch.objects.filter(conference__slug=slug).delete()
    Conference.objects.filter(slug__in=[slug, f"{slug}-warm"]).delete()
    Organisation.objects.filter(name__startswith="Bench drain organisation ").delete()  # a run before this one
    conference = ConferenceFactory(slug=slug, name="Bench drain", capacity=args.count * 2)
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Bench drain organisation {i:04d}") for i in range(max(args.count // 5, 1))
    )
    Invitation.objects.bulk_create(
        Invitation(
            conference=conference,
            organisation=organisations[i % len(organisations)],
            contact_name=f"Contact {i}",
            email=f"contact{i}@drain.example",
            category="company",
            seats=2,
        )
        for i in range(args.count)
    )
    # The warm-up: as many sends of one draft each, in a conference of their own, so that each gunicorn
    # worker has answered a send (and, with a broker, connected to it) before the timed one.
    warm = ConferenceFactory(slug=f"{slug}-warm", name="Bench drain warm-up")
    Invitation.objects.bulk_create(
        Invitation(
            conference=warm,
            organisation=organisations[0],
            contact_name=f"Warm {i}",
            email=f"warm{i}@warm.example",
            category="company",
        )
        for i in range(args.warm_up)
    )
    warm_ids = list(warm.invitations.order_by("pk").values_list("pk", flat=True))
    user, _ = User.objects.get_or_create(username="bench-drain-organiser", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=roles.ORGANISERS))
    token, _ = Token.objects.get_or_create(user=user)
    print(
        f"database: {connection.vendor}; {args.count} draft invitations;"
        f" sender: {f'Celery worker, concurrency {args.concurrency}' if broker else 'background thread (no broker)'}"
    )
    connection.close()

    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    bin_dir = Path(sys.executable).parent
    processes = []
    try:
        if broker:
            subprocess.run(
                [str(bin_dir / "celery"), "-A", "conference", "purge", "-f"], cwd=ROOT, env=env, capture_output=True
            )
            worker = subprocess.Popen(
                [str(bin_dir / "celery"), "-A", "conference", "worker", "--concurrency", str(args.concurrency)]
                + ["--loglevel", "ERROR", "--without-gossip", "--without-mingle", "--pool", "prefork"],
                cwd=ROOT,
                env=env,
            )
            processes.append(worker)
        server = subprocess.Popen(
            [str(bin_dir / "gunicorn"), "conference.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}"]
            + ["--log-level", "error", "--timeout", "120"],
            cwd=ROOT,
            env=env,
        )
        processes.append(server)
        wait_for_http(port, server, "gunicorn")
        if broker:
            time.sleep(3)  # the worker connects to the broker

        def send(conference_slug, body):
            client = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            client.request(
                "POST",
                f"/api/conferences/{conference_slug}/invitations/send/",
                body=json.dumps(body),
                headers={"Authorization": f"Token {token.key}", "Content-Type": "application/json"},
            )
            response = client.getresponse()
            return response.status, response.read()

        warm_times = []
        for pk in warm_ids:
            started = time.perf_counter()
            send(f"{slug}-warm", {"ids": [pk]})
            warm_times.append(f"{(time.perf_counter() - started) * 1000:.0f}")
        if warm_times:
            print(f"warm-up sends of one invitation: {', '.join(warm_times)} ms")
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        started = time.perf_counter()
        client.request(
            "POST",
            f"/api/conferences/{slug}/invitations/send/",
            body=json.dumps({}),
            headers={"Authorization": f"Token {token.key}", "Content-Type": "application/json"},
        )
        response = client.getresponse()
        answer = response.read()
        returned = time.perf_counter() - started
        print(f"POST .../invitations/send/: {response.status} {answer.decode()[:80]} in {returned * 1000:.0f} ms")
        if response.status != 202:
            sys.exit(1)

        deadline = started + args.timeout
        while mailbox.count() < args.count and time.perf_counter() < deadline:
            time.sleep(0.05)
        with mailbox.lock:
            arrivals = sorted(mailbox.arrivals)
        got = len({rcpt for _, rcpt in arrivals})
        if not arrivals:
            sys.exit("no e-mail arrived")
        first, last = arrivals[0][0], arrivals[-1][0]
        print(f"delivered {got} of {args.count} ({len(arrivals) - got} duplicates)")
        batch = SendBatch.objects.filter(conference__slug=slug).get()
        if batch.prepared_at:
            written = (batch.prepared_at - batch.created_at).total_seconds()
            print(f"every e-mail written to the outbox {written:.1f} s after the send was recorded")
        connection.close()
        print(
            f"first e-mail {(first - started) * 1000:.0f} ms after the request started;"
            f" last after {last - started:.1f} s"
        )
        print(
            f"drain rate: {got / (last - started):.0f} e-mails/s from the request;"
            f" {max(got - 1, 1) / max(last - first, 1e-9):.0f} e-mails/s from the first e-mail to the last"
        )
        if got < args.count:
            sys.exit(1)
    finally:
        for process in reversed(processes):
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        smtp.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
