"""The background sender of the embedded default: no web request ever waits on the mail server.

With no ``CELERY_BROKER_URL``, new messages are handed to one daemon thread
per process, started lazily by the first message. It sends what it is handed
(and then any retries that are due), and every ``OUTBOX_SWEEP_SECONDS`` it
sweeps due retries on its own. A mail server that is down or accepts and never
answers holds this thread (up to ``EMAIL_TIMEOUT`` a connection), never a
request; a message it could not send stays pending and is retried, and one in
hand when the process stops is taken by the sweep after its grace.

``flush()`` is for tests: it returns once everything handed over has been
dealt with. Where the thread is not started (``OUTBOX_SENDER_THREAD = False``,
as the test suite sets, whose transactions a thread of its own could not see),
``flush()`` sends the handed messages in the calling thread.
"""

import logging
import os
import queue
import threading

from django.conf import settings
from django.db import close_old_connections, connection

from . import sending

log = logging.getLogger(__name__)

_STOP = object()


class Sender:
    def __init__(self):
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._reset()

    def _reset(self):
        self._queue = queue.SimpleQueue()
        self._unfinished = 0
        self._thread = None
        self._pid = os.getpid()

    def submit(self, ids, job=None):
        """Hand messages over (new ones, or ``job`` to run on them); returns at once."""
        with self._lock:
            if self._pid != os.getpid():  # a forked worker: the parent's thread did not come along
                self._reset()
            self._unfinished += 1
            self._queue.put((job or sending.send_new, list(ids)))
            if self._thread is None and getattr(settings, "OUTBOX_SENDER_THREAD", True):
                self._thread = threading.Thread(target=self._run, name="outbox-sender", daemon=True)
                self._thread.start()

    def _run(self):
        while True:
            try:
                item = self._queue.get(timeout=getattr(settings, "OUTBOX_SWEEP_SECONDS", 60))
            except queue.Empty:
                self._work(self._sweep)
                continue
            if item is _STOP:
                self._done()
                return
            job, ids = item
            self._work(job, ids)
            self._done()

    def _sweep(self):
        if sending.retries_due():
            sending.send_due()

    def _work(self, job, *args):
        close_old_connections()
        try:
            job(*args)
        except Exception:  # the sender never dies: the messages stay pending for the next try
            log.exception("The outbox sender failed; the messages stay pending and will be retried.")
        finally:
            connection.close()

    def _done(self):
        with self._lock:
            self._unfinished -= 1
            self._idle.notify_all()

    def flush(self, timeout=60):
        """Tests: return once every message handed over has been dealt with (sent, or recorded as failed)."""
        with self._lock:
            running = self._thread is not None and self._thread.is_alive()
        if running:
            with self._idle:
                if not self._idle.wait_for(lambda: self._unfinished == 0, timeout=timeout):
                    raise TimeoutError("The outbox sender did not finish in time.")
            return
        while True:
            try:
                job, ids = self._queue.get_nowait()
            except queue.Empty:
                return
            try:
                job(ids)
            finally:
                self._done()

    def stop(self, timeout=60):
        """Let the thread finish what it holds and end (tests; a clean shutdown)."""
        with self._lock:
            thread = self._thread
            if thread is None:
                return
            self._unfinished += 1
            self._queue.put(_STOP)
        thread.join(timeout)
        with self._lock:
            self._thread = None

    def discard(self):
        """Tests: forget whatever was handed over and not sent (it stays pending in the outbox)."""
        with self._lock:
            while True:
                try:
                    self._queue.get_nowait()
                except queue.Empty:
                    break
            self._unfinished = 0


sender = Sender()
