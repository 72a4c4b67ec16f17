"""Benchmark: send 2,000 invitations through a real SMTP server on 127.0.0.1, and lose nothing in an outage.

    .venv/bin/python bench/send_invitations.py [--count 2000] [--database-url postgres://...]

Runs the embedded default (Celery tasks eager in this process) against an
aiosmtpd server in this process. Two runs on a fresh database:

1. ``send``: ``services.send_invitations`` for N drafts; the time until the
   SMTP server has every message (target: 2,000 in at most 60 s).
2. ``outage``: the same for N more drafts, but the SMTP server is stopped
   when half have arrived and started again afterwards; then the sweep
   (``sending.send_due(ignore_backoff=True)``, what ``manage.py send_outbox
   --now`` does) runs. Every invitation must have arrived; duplicates are
   counted (a message in flight when the server dies can arrive twice:
   delivery is at-least-once).
"""

import argparse
import os
import socket
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
    def __init__(self):
        self.recipients = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.recipients.extend(envelope.rcpt_tos)
        return "250 OK"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--database-url", default="", help="default: a fresh SQLite file in a temporary directory")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-send-"))
    port = free_port()
    os.environ.update(
        VAR_DIR=str(workdir),
        DATABASE_URL=args.database_url or f"sqlite:///{workdir / 'db.sqlite3'}",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        EMAIL_TIMEOUT="5",
        DJANGO_SETTINGS_MODULE="conference.settings",
        LOG_LEVEL="ERROR",
    )
    os.environ.pop("CELERY_BROKER_URL", None)

    import django

    django.setup()
    from aiosmtpd.controller import Controller
    from django.core.management import call_command
    from django.db import connection

    from conference.models import Conference
    from registration import services
    from registration.models import Invitation, OutboxMessage
    from registration.outbox import sending
    from tests.factories import ConferenceFactory, OrganisationFactory

    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; SMTP: aiosmtpd on 127.0.0.1:{port}; {args.count} invitations per run")

    def make_drafts(slug):
        conference = ConferenceFactory(slug=slug, name=f"Bench {slug}", capacity=args.count)
        organisation = OrganisationFactory(name=f"Bench organisation {slug}")
        Invitation.objects.bulk_create(
            Invitation(
                conference=conference,
                organisation=organisation,
                contact_name=f"Contact {i}",
                email=f"contact{i}@{slug}.example",
                category="company",
                seats=2,
            )
            for i in range(args.count)
        )
        return Conference.objects.get(pk=conference.pk)

    # 1. Plain sending.
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    conference = make_drafts("send")
    started = time.perf_counter()
    queued = services.send_invitations(conference=conference)
    elapsed = time.perf_counter() - started
    controller.stop()
    expected = set(Invitation.objects.filter(conference=conference).values_list("email", flat=True))
    got = set(mailbox.recipients)
    print(
        f"send: queued {queued}, delivered {len(got & expected)} of {len(expected)}"
        f" in {elapsed:.1f} s ({len(expected) / elapsed:.0f} messages/s)"
    )

    # 2. An outage halfway.
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    conference = make_drafts("outage")
    state = {"stopped_at": None}

    def stop_halfway():
        while len(mailbox.recipients) < args.count // 2:
            time.sleep(0.005)
        controller.stop()
        state["stopped_at"] = len(mailbox.recipients)

    watcher = threading.Thread(target=stop_halfway)
    watcher.start()
    started = time.perf_counter()
    services.send_invitations(conference=conference)
    during = time.perf_counter() - started
    watcher.join()
    ours = OutboxMessage.objects.filter(invitation__conference=conference)
    pending = ours.exclude(state="sent").count()
    print(
        f"outage: server stopped after {state['stopped_at']} messages; the request returned after {during:.1f} s"
        f" with {pending} message(s) pending (none lost: {ours.count()} in the outbox)"
    )
    restarted = Controller(mailbox, hostname="127.0.0.1", port=port)
    restarted.start()
    started = time.perf_counter()
    sent, failed = sending.send_due(ignore_backoff=True, limit=10 * args.count)
    after = time.perf_counter() - started
    restarted.stop()
    expected = set(Invitation.objects.filter(conference=conference).values_list("email", flat=True))
    got = [r for r in mailbox.recipients if r in expected]
    missing = expected - set(got)
    duplicates = len(got) - len(set(got))
    print(
        f"outage: server started again; the sweep sent {sent} in {after:.1f} s ({failed} failed);"
        f" delivered {len(set(got))} of {len(expected)}, missing {len(missing)}, duplicates {duplicates};"
        f" outbox not sent: {ours.exclude(state='sent').count()}"
    )
    if missing:
        sys.exit(1)


if __name__ == "__main__":
    main()
