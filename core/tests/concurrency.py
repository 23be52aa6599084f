"""For tests that race real database connections (PostgreSQL) against each other."""

import threading

from django.db import connections


def all_at_once(*calls):
    """Run each call, a (function, *args) tuple, in its own thread and database connection,
    all released together by a barrier. Returns their results in the order they finished;
    an exception in any thread fails the test."""
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(function, *args):
        try:
            barrier.wait()
            results.append(function(*args))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results
