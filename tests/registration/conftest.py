"""The e-mail tests' real SMTP server (``tests.smtp``)."""

from tests.smtp import Mailbox, free_port, smtp_down, smtp_server  # noqa: F401
