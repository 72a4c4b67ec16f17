"""The e-mail outbox: every message the application sends, recorded before it is sent.

``queue`` writes a message (plain text and HTML) in the transaction of the
change that causes it; ``tasks`` hands it over once that transaction commits,
to Celery workers, or with no broker to ``background``, a sender thread in the
application's process (a request never waits on the mail server);
``sending`` delivers due messages over SMTP and records each failure with a
back-off, so nothing is lost while the mail server is down. The sweep
(``manage.py send_outbox``, the Celery beat task, and every later send)
retries what is due.

Dependencies run one way: ``queue`` → ``tasks`` → ``background`` → ``sending``.
"""
