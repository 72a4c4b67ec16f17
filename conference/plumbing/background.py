"""Background jobs of the embedded default: with no broker, work runs beside the requests, never inside one.

With no ``CELERY_BROKER_URL``, a long job (a bulk badge print) is handed to
one daemon thread per process, started lazily by the first job; the request
that started it answers at once, and the job records its own progress in the
database for whichever process shows it. With a broker the same jobs are
Celery tasks on workers (see ``run_in_background``).

A runner may also have an ``idle_job`` that its thread runs whenever it has
waited ``idle_seconds`` (a setting's name, read at each wait) with nothing
handed over: the outbox's sender sweeps due retries that way
(``registration.outbox.background``).

``flush()`` is for tests: it returns once every job handed over has run.
Where the thread is not started (its ``enabled`` setting False, as the test
suite sets, whose transactions a thread of its own could not see),
``flush()`` runs the handed jobs in the calling thread.
"""

import logging
import os
import queue
import threading

from django.conf import settings
from django.db import close_old_connections, connection

log = logging.getLogger(__name__)

_STOP = object()


class Runner:
    """One daemon thread that runs the jobs handed to it, in order (and ``idle_job`` when idle)."""

    def __init__(self, name, *, enabled="BACKGROUND_THREAD", idle_job=None, idle_seconds=None, idle_default=60):
        self.name = name
        self.enabled = enabled  # the setting that lets the thread start
        self.idle_job, self.idle_seconds, self.idle_default = idle_job, idle_seconds, idle_default
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._reset()

    def _reset(self):
        self._queue = queue.SimpleQueue()
        self._unfinished = 0
        self._thread = None
        self._pid = os.getpid()

    def submit(self, job, *args):
        """Hand ``job(*args)`` over; returns at once."""
        with self._lock:
            if self._pid != os.getpid():  # a forked worker: the parent's thread did not come along
                self._reset()
            self._unfinished += 1
            self._queue.put((job, args))
            if self._thread is None and getattr(settings, self.enabled, True):
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()

    def _idle_timeout(self):
        if self.idle_job is None:
            return None
        return getattr(settings, self.idle_seconds, self.idle_default) if self.idle_seconds else self.idle_default

    def _run(self):
        while True:
            try:
                job, args = self._queue.get(timeout=self._idle_timeout())
            except queue.Empty:
                self._work(self.idle_job, ())
                continue
            if job is _STOP:
                return
            self._work(job, args)
            with self._lock:
                self._unfinished = max(0, self._unfinished - 1)
                self._idle.notify_all()

    def _work(self, job, args):
        close_old_connections()
        try:
            job(*args)
        except Exception:  # the thread never dies: the job records its own failure where it can
            log.exception("A background job (%s) failed.", getattr(job, "__name__", job))
        finally:
            connection.close()

    def flush(self, timeout=120):
        """Tests: return once every job handed over has run."""
        with self._lock:
            running = self._thread is not None and self._thread.is_alive()
        if running:
            with self._idle:
                if not self._idle.wait_for(lambda: self._unfinished == 0, timeout=timeout):
                    raise TimeoutError(f"The background jobs ({self.name}) did not finish in time.")
            return
        while True:
            try:
                job, args = self._queue.get_nowait()
            except queue.Empty:
                return
            try:
                job(*args)
            finally:
                with self._lock:
                    self._unfinished = max(0, self._unfinished - 1)

    def stop(self, timeout=120):
        """Let the thread finish the jobs it holds and end (tests; a clean shutdown)."""
        with self._lock:
            thread = self._thread
            if thread is None:
                return
            self._queue.put((_STOP, ()))
        thread.join(timeout)
        with self._lock:
            self._thread = None

    def discard(self):
        """Tests: forget the jobs handed over and not run."""
        with self._lock:
            while True:
                try:
                    self._queue.get_nowait()
                except queue.Empty:
                    break
            self._unfinished = 0


runner = Runner("background-jobs")


def run_in_background(task, *args):
    """Run a Celery ``task`` on the workers, or with no broker in this process's background thread.

    Either way the caller (a web request) returns at once; call it once the
    rows the task reads are committed (``transaction.on_commit``).
    """
    if settings.CELERY_BROKER_URL:
        task.delay(*args)
    else:
        runner.submit(task.run, *args)
