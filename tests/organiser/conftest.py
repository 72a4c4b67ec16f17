"""The e-mail tests' real SMTP server (``tests.smtp``)."""

from tests.smtp import smtp_server  # noqa: F401
