"""A real SMTP server on 127.0.0.1 (aiosmtpd) for the e-mail tests: import its fixtures in a conftest."""

import socket

import pytest
from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """Keeps every message the server accepts; ``refuse`` makes it answer 421 and hang up, like a server going down."""

    def __init__(self):
        self.messages = []
        self.refuse = False

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "421 Service not available, closing transmission channel"
        self.messages.append(envelope)
        return "250 OK"

    @property
    def recipients(self):
        return [rcpt for envelope in self.messages for rcpt in envelope.rcpt_tos]


@pytest.fixture
def smtp_server(settings):
    """A running SMTP server; Django sends to it."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    yield mailbox
    controller.stop()


@pytest.fixture
def smtp_down(settings):
    """Django sends to a port where no server listens: every connection is refused."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_TIMEOUT = 5
    return settings.EMAIL_PORT
