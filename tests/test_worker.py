"""The production topology's background work: a REAL Celery worker process on Redis does it.

The worker is started as `celery -A conference worker` would be in production
(the Procfile's `worker`), against the test's own database (the test commits
its rows: ``transaction=True``) and a Redis database of its own
(``TEST_CELERY_BROKER_URL``, default ``redis://127.0.0.1:6379/15``, emptied
first). It proves that an invitation batch reaches a real SMTP server and that
a bulk badge print produces its PDF, each only through the worker. The work
is started as a web server would start it, in a process of the application
configured with the broker: the send of invitations only records its batch,
and the worker writes the e-mails (``registration.prepare_invitation_emails``)
before it sends them.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings

from badges import services as badge_services
from badges.models import BadgePrintJob
from registration.models import Invitation, OutboxMessage, SendBatch
from tests.badges.pdfcheck import page_count, qr_codes
from tests.factories import ConferenceFactory, InvitationFactory, RegistrationFactory
from tests.processes import database_url, free_port, stop, wait_for
from tests.registration.conftest import Mailbox

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BROKER_URL = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def mailbox():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.port = controller.port
    yield box
    controller.stop()


@pytest.fixture
def broker():
    """A Redis database of the test's own, emptied before and after."""
    client = redis.Redis.from_url(BROKER_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis does not answer at {BROKER_URL} ({exc}): start redis-server (.ci/run does).")
    client.flushdb()
    yield BROKER_URL
    client.flushdb()


def _in_an_application_process(env, code):
    """Run ``code`` in a process of the application configured like a web server of the topology (with the broker).

    (Not in the test's own process: its Celery app runs tasks eagerly, as the rest of the suite wants.)
    """
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=Path(django_settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture
def worker(broker, mailbox, settings, tmp_path):
    """A real `celery -A conference worker` process on the test database and Redis."""
    var = tmp_path / "var"
    var.mkdir()
    settings.MEDIA_ROOT = var / "media"  # where the worker writes the print job's PDF
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        "VAR_DIR": str(var),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(mailbox.port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_TIMEOUT": "5",
        "DEBUG": "0",
    }
    command = [
        sys.executable,
        *("-m", "celery", "-A", "conference", "worker", "--loglevel", "INFO", "--concurrency", "1"),
        *("--hostname", f"test-{uuid.uuid4().hex[:8]}@%h", "--without-gossip", "--without-mingle"),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=Path(django_settings.BASE_DIR), env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        wait_for(lambda: "ready." in log.read_text() or process.poll() is not None, "start", log)
        assert process.poll() is None, f"The worker stopped at once:\n{log.read_text()[-4000:]}"
        yield env, log
    finally:
        stop(process)


def test_an_invitation_batch_is_sent_by_the_worker_to_the_smtp_server(worker, mailbox):
    env, log = worker
    conference = ConferenceFactory()
    invitations = [
        InvitationFactory(conference=conference, status=Invitation.Status.DRAFT, sent_at=None) for _ in range(3)
    ]

    sent = _in_an_application_process(
        env,
        "from conference.models import Conference; from registration import services; "
        f"print(services.send_invitations(conference=Conference.objects.get(pk={conference.pk})))",
    )
    assert sent == "3"
    # The request decided and recorded the send; the worker writes the e-mails (prepare), then sends them.
    assert set(Invitation.objects.values_list("status", flat=True)) == {"sent"}
    batch = SendBatch.objects.get(conference=conference)
    assert sorted(batch.invitation_ids) == sorted(i.pk for i in invitations)

    wait_for(lambda: len(mailbox.messages) == 3, "deliver the three invitations", log)
    assert sorted(mailbox.recipients) == sorted(i.email for i in invitations)
    unsent = OutboxMessage.objects.exclude(state=OutboxMessage.State.SENT)
    wait_for(lambda: not unsent.exists(), "record them as sent", log)
    assert "Task registration.prepare_invitation_emails[" in log.read_text()
    assert "Task registration.send_messages[" in log.read_text()
    assert OutboxMessage.objects.filter(batch=batch).count() == 3
    batch.refresh_from_db()
    assert batch.prepared == 3 and batch.prepared_at is not None


def test_a_bulk_badge_print_is_rendered_by_the_worker(worker):
    env, log = worker
    conference = ConferenceFactory()
    invitation = InvitationFactory(conference=conference, seats=4)
    delegates = [RegistrationFactory(invitation=invitation) for _ in range(4)]

    job_id = _in_an_application_process(
        env,
        "from django.db import transaction; from conference.models import Conference; "
        "from badges.tasks import start_print_job\n"
        "with transaction.atomic():\n"
        f"    job = start_print_job(Conference.objects.get(pk={conference.pk}), layout='a6')\n"
        "print(job.pk)",
    )
    job = BadgePrintJob.objects.get(pk=job_id)

    wait_for(lambda: BadgePrintJob.objects.get(pk=job.pk).is_finished, "finish the print job", log)
    job.refresh_from_db()
    assert (job.status, job.error, job.total, job.pages) == ("done", "", 4, 8)  # two-sided badges by default
    assert "Task badges.tasks.render_print_job[" in log.read_text()
    with job.file.open("rb") as f:
        pdf = f.read()
    assert page_count(pdf) == 8
    fronts = range(0, 8, 2)  # a front, then its back, for each badge
    assert {qr_codes(pdf, page)[0][0] for page in fronts} == {badge_services.current_badge(r).code for r in delegates}
