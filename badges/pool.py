"""The process pool that renders badge batches, safe beside threads.

A gthread gunicorn worker, a Celery worker thread and a test's live server
all run threads. Forking such a process could copy into the child a lock
that another thread holds at that instant (fontconfig's, Pango's, the
logging module's), and the child would wait on it forever. So the pool's
processes are started by a *forkserver*: a clean, single-threaded process
started once (fork and exec), which forks each worker. A worker sets Django
up itself (the module named by ``DJANGO_SETTINGS_MODULE``, inherited through
the environment) and makes its own WeasyPrint state.

One pool per process, made on first use and kept while it is used: the
workers stay warm (Django loaded, fonts looked up, the stylesheet parsed), so
a print that follows another pays no start-up; a pool left idle for
``BADGE_POOL_IDLE_SECONDS`` (default 120) is shut down, so rendering
processes do not sit in every application process's memory between prints.
Threads share it (``ProcessPoolExecutor`` is thread-safe); a pool whose
worker died is replaced on the next call.

This module imports no model and none of its callers: a worker imports it
to run :func:`_start_worker` before Django is set up.
"""

import atexit
import importlib
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_all_start_methods, get_context

_lock = threading.Lock()
_pools = {}  # (pid, processes, warm_up) -> ProcessPoolExecutor
_users = {}  # executor -> how many calls are using it now
_last_used = {}  # executor -> time.monotonic() when the last call finished


def idle_seconds():
    from django.conf import settings

    return float(getattr(settings, "BADGE_POOL_IDLE_SECONDS", 120))


def _start_worker(settings_module, warm_up):
    """Runs first in each worker: Django set up, then ``warm_up`` (a dotted path: the caller's own
    preparation, e.g. looking fonts up), named rather than imported so that this module imports none of its callers."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()
    if warm_up:
        module, _, name = warm_up.rpartition(".")
        getattr(importlib.import_module(module), name)()


def _context():
    """forkserver where the platform has it (Linux), else spawn: never a plain fork of this process."""
    return get_context("forkserver" if "forkserver" in get_all_start_methods() else "spawn")


def _pool_locked(processes, warm_up):
    key = (os.getpid(), processes, warm_up)
    executor = _pools.get(key)
    if executor is None or getattr(executor, "_broken", False):
        from django.conf import settings

        executor = ProcessPoolExecutor(
            max_workers=processes,
            mp_context=_context(),
            initializer=_start_worker,
            initargs=(os.environ.get("DJANGO_SETTINGS_MODULE") or settings.SETTINGS_MODULE, warm_up),
        )
        _pools[key] = executor
    return executor


def pool(processes, warm_up=""):
    """This process's pool of ``processes`` rendering workers (made on first use)."""
    with _lock:
        return _pool_locked(processes, warm_up)


def discard(executor):
    """Forget a pool (broken, or idle): the next call makes a new one."""
    with _lock:
        for key, value in list(_pools.items()):
            if value is executor:
                del _pools[key]
        _users.pop(executor, None)
        _last_used.pop(executor, None)
    executor.shutdown(wait=False, cancel_futures=True)


def _shut_down_if_idle(executor, delay):
    with _lock:
        idle = _users.get(executor, 0) == 0 and time.monotonic() - _last_used.get(executor, 0) >= delay - 0.01
        known = executor in _last_used
    if idle and known:
        discard(executor)


def _release(executor):
    with _lock:
        if executor not in _users:  # discarded meanwhile
            return
        _users[executor] -= 1
        _last_used[executor] = time.monotonic()
    delay = idle_seconds()
    timer = threading.Timer(delay, _shut_down_if_idle, args=(executor, delay))
    timer.daemon = True
    timer.start()


class PoolUnavailable(Exception):
    """No rendering process could be started here (e.g. inside a daemonic worker process)."""


def map_in_pool(function, items, processes, warm_up=""):
    """``function`` over ``items`` in the pool, yielding the results in order as they come.

    A pool found broken when the work is handed over (a worker killed since
    the last call) is replaced once; a worker dying mid-way raises
    ``BrokenProcessPool`` to the caller (and the pool is replaced next time).
    """
    executor = _acquire(processes, warm_up)
    try:
        try:
            results = executor.map(function, items)
        except BrokenProcessPool:
            discard(executor)
            executor = _acquire(processes, warm_up)
            results = executor.map(function, items)
        except (AssertionError, OSError) as exc:  # processes cannot be started from here
            discard(executor)
            raise PoolUnavailable(str(exc)) from exc
        yield from results
    except BrokenProcessPool:
        discard(executor)
        raise
    finally:
        _release(executor)


def _acquire(processes, warm_up):
    with _lock:
        executor = _pool_locked(processes, warm_up)
        _users[executor] = _users.get(executor, 0) + 1
        return executor


@atexit.register
def _shutdown():
    for executor in list(_pools.values()):
        executor.shutdown(wait=False, cancel_futures=True)
    _pools.clear()


__all__ = ["pool", "map_in_pool", "discard", "BrokenProcessPool", "PoolUnavailable"]
