"""Running functions in threads released together, each with its own database connection (as separate servers)."""

import threading

from django.db import connections


def run_together(functions):
    """Run each function in its own thread, all released at once; returns (results, errors) in order."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)
    errors = [None] * len(functions)

    def worker(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except Exception as exc:
            errors[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors
