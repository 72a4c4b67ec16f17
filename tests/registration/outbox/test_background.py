"""With no broker, a mail server that accepts and never answers delays no RSVP; the message goes out after.

The real background sender thread runs here (the rest of the suite sends in
the test's own thread), against a real socket that accepts connections and
never says a word, then a real SMTP server.
"""

import socket
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from rest_framework.test import APIClient

from registration.models import OutboxMessage
from registration.outbox.background import sender
from tests.factories import InvitationFactory, delegate_data
from tests.registration.conftest import Mailbox, free_port

pytestmark = pytest.mark.django_db(transaction=True)

# Sending inside the request would hold it for the whole EMAIL_TIMEOUT; an RSVP answers well within a
# third of it (the first one of a process also loads templates and starts the sender).
TIMEOUT = 6
FAST = 2.0


class HungServer:
    """Accepts every connection and never answers (an SMTP server that hangs)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self):
        self.sock.close()
        for conn in self.accepted:
            conn.close()


@pytest.fixture
def background_sender(settings):
    settings.OUTBOX_SENDER_THREAD = True
    settings.CELERY_BROKER_URL = ""
    yield sender
    sender.stop()


@pytest.fixture
def hung_smtp(settings):
    server = HungServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = TIMEOUT
    yield server
    server.close()


def accept(invitation):
    started = time.monotonic()
    response = APIClient().post(
        f"/api/rsvp/{invitation.token}/", {"response": "accept", "delegates": [delegate_data()]}, format="json"
    )
    return response, time.monotonic() - started


def test_hung_mail_server_delays_no_rsvp_and_the_message_goes_out_when_it_recovers(
    background_sender, hung_smtp, settings
):
    first, second = InvitationFactory(seats=1), InvitationFactory(seats=1)
    response, took = accept(first)
    assert response.status_code == 201
    assert took < FAST, f"the RSVP waited {took:.1f} s"
    # The sender is now stuck on the hung server; a second RSVP does not wait for it either.
    deadline = time.monotonic() + 5
    while not hung_smtp.accepted and time.monotonic() < deadline:
        time.sleep(0.05)
    assert hung_smtp.accepted, "the sender never connected to the mail server"
    response, took = accept(second)
    assert response.status_code == 201
    assert took < FAST, f"the RSVP waited {took:.1f} s"

    # The sender gives up on the hung server after EMAIL_TIMEOUT: nothing is lost, both are pending.
    sender.flush(timeout=4 * TIMEOUT)
    messages = OutboxMessage.objects.filter(purpose="confirmation")
    assert [(m.state, m.attempts) for m in messages] == [("pending", 1), ("pending", 1)]

    # The mail server recovers (a real one); the retry sends both, once each.
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        settings.EMAIL_PORT = controller.port
        call_command("send_outbox", "--now")
    finally:
        controller.stop()
    assert sorted(mailbox.recipients) == sorted(m.to for m in messages)
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"sent"}


def test_background_sender_sends_new_messages_without_the_request(background_sender, smtp_server):
    invitation = InvitationFactory(seats=1)
    response, _ = accept(invitation)
    assert response.status_code == 201
    sender.flush(timeout=30)
    assert OutboxMessage.objects.get(purpose="confirmation").state == "sent"
    assert smtp_server.recipients == [OutboxMessage.objects.get(purpose="confirmation").to]
    assert background_sender._thread is not None and background_sender._thread.name == "outbox-sender"
