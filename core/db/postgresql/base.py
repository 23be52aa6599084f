"""Django's PostgreSQL back end, with a health check that needs no round trip when it can.

With CONN_HEALTH_CHECKS, Django sends ``SELECT 1`` before the first query of every
request that reuses a connection, so a worker that was idle while PostgreSQL restarted
reconnects instead of failing. That round trip costs every database-backed request a
wait for the server (under load, for the server process to be scheduled at all).

A connection PostgreSQL closed, or is closing (restart, pg_terminate_backend, an idle
timeout, a pooler letting go), has something to read on its socket: the server's last
message, or the end of the stream. An idle connection that is still good has nothing,
since the server only speaks when asked (this site LISTENs for nothing). So: when the
connection is idle, not known broken and its socket has nothing to read, it is usable
without asking; in every other case Django's own ``SELECT 1`` decides, as before.
"""

import select

from django.db.backends.postgresql import base
from django.db.backends.postgresql.psycopg_any import is_psycopg3


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        if self.connection is not None and is_psycopg3 and quiet_and_idle(self.connection):
            return True
        return super().is_usable()


def quiet_and_idle(connection):
    """True if ``connection`` (psycopg 3) is open, outside a transaction, and the server
    has sent nothing since its last answer; False whenever any of that is unclear."""
    from psycopg import pq

    if connection.closed or connection.broken:
        return False
    if connection.info.transaction_status != pq.TransactionStatus.IDLE:
        return False
    if not hasattr(select, "poll"):  # no poll() on this platform: let the query decide
        return False
    poller = select.poll()
    poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)
    return not poller.poll(0)
