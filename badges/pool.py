"""The process pool that renders badge batches, safe beside threads.

A gthread gunicorn worker, a Celery worker thread and a test's live server
all run threads. Forking such a process could copy into the child a lock
that another thread holds at that instant (fontconfig's, Pango's, the
logging module's), and the child would wait on it forever. So the pool's
processes are started by a *forkserver*: a clean, single-threaded process
started once (fork and exec), which forks each worker. A worker sets Django
up itself (the module named by ``DJANGO_SETTINGS_MODULE``, inherited through
the environment) and makes its own WeasyPrint state.

One pool per process, made on first use and kept: the workers stay warm
(Django loaded, fonts looked up, the stylesheet parsed), so a second bulk
print pays no start-up. Threads share it (``ProcessPoolExecutor`` is
thread-safe); a pool whose worker died is replaced on the next call.

This module imports no model and none of its callers: a worker imports it
to run :func:`_start_worker` before Django is set up.
"""

import atexit
import importlib
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_all_start_methods, get_context

_lock = threading.Lock()
_pools = {}  # (pid, processes) -> ProcessPoolExecutor


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


def pool(processes, warm_up=""):
    """This process's pool of ``processes`` rendering workers (made on first use)."""
    key = (os.getpid(), processes, warm_up)
    with _lock:
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


def discard(executor):
    """Forget a pool that broke (a worker killed): the next call makes a new one."""
    with _lock:
        for key, value in list(_pools.items()):
            if value is executor:
                del _pools[key]
    executor.shutdown(wait=False, cancel_futures=True)


def map_in_pool(function, items, processes, warm_up=""):
    """``function`` over ``items`` in the pool, yielding the results in order as they come.

    A pool found broken when the work is handed over (a worker killed since
    the last call) is replaced once; a worker dying mid-way raises
    ``BrokenProcessPool`` to the caller (and the pool is replaced next time).
    """
    executor = pool(processes, warm_up)
    try:
        results = executor.map(function, items)
    except BrokenProcessPool:
        discard(executor)
        executor = pool(processes, warm_up)
        results = executor.map(function, items)
    try:
        yield from results
    except BrokenProcessPool:
        discard(executor)
        raise


@atexit.register
def _shutdown():
    for executor in list(_pools.values()):
        executor.shutdown(wait=False, cancel_futures=True)
    _pools.clear()


__all__ = ["pool", "map_in_pool", "discard", "BrokenProcessPool"]
