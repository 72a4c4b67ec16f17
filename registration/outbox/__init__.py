"""The e-mail outbox: every message the application sends, recorded before it is sent.

``queue`` writes a message (plain text and HTML) in the transaction of the
change that causes it; ``tasks`` hands it to Celery once that transaction
commits (eagerly in-process with no broker, on a worker otherwise);
``sending`` delivers due messages over SMTP and records each failure with a
back-off, so nothing is lost while the mail server is down. The sweep
(``manage.py send_outbox``, the Celery beat task, and every later send)
retries what is due.

Dependencies run one way: ``queue`` → ``tasks`` → ``sending``.
"""
