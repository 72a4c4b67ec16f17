"""Helpers for the tests that start real processes of the topology (a Celery worker, gunicorn) on the test database."""

import socket
import time

import pytest
from django.db import connection

DEADLINE = 60  # seconds: a process that has not done its work by then has failed


def database_url():
    """The test database as a ``DATABASE_URL`` for another process (the test must commit: ``transaction=True``)."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, what, log, deadline=DEADLINE):
    """Poll ``condition`` until it holds; fail with the end of the process's ``log`` after ``deadline`` seconds."""
    until = time.monotonic() + deadline
    while time.monotonic() < until:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"The process did not {what} within {deadline} s. Its log:\n{log.read_text()[-4000:]}")


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=20)
    except Exception:
        process.kill()
        process.wait()
