"""One ratings refresh at a time, with a lock that a dead worker cannot keep.

A refresh can be started twice at once: the daily beat task redelivered by the broker
while the first run is still fetching, an operator's `manage.py refresh_ratings` during
the daily run. The second one must do nothing, and a worker that dies mid-refresh must
not keep every later refresh out.

On PostgreSQL the lock is a session advisory lock on the refresh's own database
connection: the server drops it the moment that connection ends, so a worker killed
with SIGKILL (or by Celery's hard time limit) frees it at once. Session locks need a
real session: behind a pooler such as PgBouncer in transaction mode, point Celery
workers at PostgreSQL directly.

Other databases (SQLite under `make run`) get a lease row instead: its holder renews the
lease as the refresh progresses (RATINGS_REFRESH_LEASE_SECONDS each time), and a holder
that died stops renewing, so its lease expires and the next refresh takes it over.
"""

import contextlib
import datetime
import logging
import os
import socket
import time
import uuid
import zlib

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .models import RefreshLease

log = logging.getLogger(__name__)

LOCK_NAME = "ratings.refresh"
# The advisory lock's key: a fixed 32-bit number derived from the lock's name.
ADVISORY_KEY = zlib.crc32(LOCK_NAME.encode())
RENEW_EVERY = 30.0  # seconds between lease renewals, at most


class RefreshBusy(Exception):
    """Another refresh holds the lock; this one did nothing."""


@contextlib.contextmanager
def refresh_lock():
    """Hold the refresh lock for the block, or raise RefreshBusy at once. Yields a
    ``renew()`` to call as the work progresses (a no-op where the lock needs none)."""
    if connection.vendor == "postgresql":
        with advisory_lock():
            yield lambda: None
    else:
        with lease_lock() as renew:
            yield renew


@contextlib.contextmanager
def advisory_lock():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_KEY])
        acquired = cursor.fetchone()[0]
        if not acquired:
            cursor.execute(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = %s AND granted",
                [ADVISORY_KEY],
            )
            holder = cursor.fetchone()
    if not acquired:
        who = f"PostgreSQL backend {holder[0]}" if holder else "another session"
        raise RefreshBusy(f"Another ratings refresh is running ({who} holds the lock).")
    try:
        yield
    finally:
        # A connection that broke meanwhile has lost the lock with its session already.
        with contextlib.suppress(Exception), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_KEY])


def holder_name():
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@contextlib.contextmanager
def lease_lock(seconds=None, holder=None):
    seconds = seconds or settings.RATINGS_REFRESH_LEASE_SECONDS
    holder = holder or holder_name()
    length = datetime.timedelta(seconds=seconds)
    now = timezone.now()
    # Either the expired lease is taken over or a new one created: each is one atomic
    # statement, so of two refreshes starting together exactly one gets it.
    taken = RefreshLease.objects.filter(name=LOCK_NAME, expires_at__lte=now).update(
        holder=holder, expires_at=now + length
    )
    if not taken:
        try:
            with transaction.atomic():
                RefreshLease.objects.create(name=LOCK_NAME, holder=holder, expires_at=now + length)
        except IntegrityError:
            current = RefreshLease.objects.filter(name=LOCK_NAME).first()
            held = current or "lease just taken"
            raise RefreshBusy(f"Another ratings refresh is running ({held}).") from None
    renewed_at = time.monotonic()

    def renew():
        nonlocal renewed_at
        # Inside the refresh's transaction a renewal would stay invisible until the end;
        # the write stage is short, so the lease taken before it covers it.
        if connection.in_atomic_block or time.monotonic() - renewed_at < min(RENEW_EVERY, seconds / 3):
            return
        RefreshLease.objects.filter(name=LOCK_NAME, holder=holder).update(
            expires_at=timezone.now() + length
        )
        renewed_at = time.monotonic()

    try:
        yield renew
    finally:
        with contextlib.suppress(Exception):
            RefreshLease.objects.filter(name=LOCK_NAME, holder=holder).delete()
