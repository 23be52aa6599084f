"""Site impressions (a tracking pixel in the slot) and clicks (a redirect), counted without
a database write per view.

Each view adds one to a field of a Redis hash (``day|creative|slot|kind``). Celery beat
runs ``flush`` every minute: it renames the hash to a batch of its own (atomic: a view
after the rename starts a new hash), adds the batch to DailyCount in one transaction that
also records the batch's name, then deletes the batch. A flush cut short anywhere is
finished by the next one, and a batch applied already is skipped (its name is unique), so
nothing is counted twice and nothing is lost while Redis keeps it.

When Redis cannot be reached the pixel still answers at once: for 5 seconds after a
failure no view tries Redis; impressions meanwhile add up in the process's memory and are
written to the database at most once every OUTAGE_WRITE_SECONDS per process (still no
database write per view; a process killed during an outage loses at most those seconds),
and clicks are written to the database directly. Without REDIS_URL (a laptop, SQLite)
every count is written to the database directly.
"""

import datetime
import logging
import re
import threading
import time
import uuid

import redis
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from sponsors.models import AppliedBatch, Creative, DailyCount, Slot

log = logging.getLogger(__name__)

IMPRESSION, CLICK = "i", "c"
OUTAGE_SECONDS = 5
OUTAGE_WRITE_SECONDS = 2
# Crawlers, link previews, monitors and scripted clients: they see slots but are no audience.
BOT_AGENTS = re.compile(
    r"bot|crawl|spider|slurp|preview|fetch|scan|monitor|headless|lighthouse|pingdom|facebookexternalhit|"
    r"embedly|python-|curl/|wget/|go-http-client|java/|okhttp|axios|node-fetch|httpclient|libwww",
    re.IGNORECASE,
)

_clients = {}
_lock = threading.Lock()
_down_until = 0.0
_held = {}  # impressions counted in memory while Redis is down: {(day, creative, slot): n}
_held_since = 0.0


def is_bot(user_agent):
    return not user_agent or bool(BOT_AGENTS.search(user_agent))


def keys():
    prefix = f"{settings.CACHES['default'].get('KEY_PREFIX') or 'research'}:sponsors:counts"
    return f"{prefix}:live", f"{prefix}:batches", f"{prefix}:batch:"


def client():
    url = settings.REDIS_URL
    if not url:
        return None
    with _lock:
        if url not in _clients:
            _clients[url] = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        return _clients[url]


def count(creative_id, slot, kind, day=None):
    """Add one impression or click; never raises. Returns whether it was counted."""
    global _down_until
    day = day or timezone.localdate()
    redis_client = client()
    if redis_client is None:
        add_counts({(day, creative_id, slot): (int(kind == IMPRESSION), int(kind == CLICK))})
        return True
    if time.monotonic() >= _down_until:
        try:
            redis_client.hincrby(keys()[0], f"{day.isoformat()}|{creative_id}|{slot}|{kind}", 1)
            if _held:  # Redis is back: what the outage held in memory goes to the database
                write_held_impressions()
            return True
        except redis.RedisError as error:
            if _down_until == 0.0 or time.monotonic() - _down_until > 60:
                log.error("Sponsor counts: Redis unreachable (%s); counting in the database.", error)
            _down_until = time.monotonic() + OUTAGE_SECONDS
    if kind == IMPRESSION:
        return hold_impression((day, creative_id, slot))
    if kind == CLICK:
        try:
            add_counts({(day, creative_id, slot): (0, 1)})
            return True
        except Exception:
            log.exception("Sponsor counts: a click could not be written to the database either.")
    return False


def hold_impression(key):
    """Count an impression in memory during a Redis outage; every OUTAGE_WRITE_SECONDS the
    held impressions go to the database in one write."""
    global _held, _held_since
    with _lock:
        _held[key] = _held.get(key, 0) + 1
        if time.monotonic() - _held_since < OUTAGE_WRITE_SECONDS:
            return True
        held, _held, _held_since = _held, {}, time.monotonic()
    try:
        add_counts({key: (n, 0) for key, n in held.items()})
    except Exception:
        log.exception("Sponsor counts: %d held impressions could not be written.", sum(held.values()))
        return False
    return True


def write_held_impressions():
    """Write what an outage held in memory, once Redis answers again."""
    global _held, _held_since
    with _lock:
        held, _held, _held_since = _held, {}, time.monotonic()
    if held:
        add_counts({key: (n, 0) for key, n in held.items()})


def add_counts(rows):
    """Add {(day, creative id, slot): (impressions, clicks)} to DailyCount; rows for a
    creative that no longer exists are dropped."""
    existing = set(Creative.objects.filter(pk__in={cid for _, cid, _ in rows}).values_list("pk", flat=True))
    rows = {key: value for key, value in rows.items() if key[1] in existing and any(value)}
    if not rows:
        return 0
    with transaction.atomic():
        DailyCount.objects.bulk_create(
            [DailyCount(day=day, creative_id=cid, slot=slot) for day, cid, slot in rows],
            ignore_conflicts=True,
        )
        for (day, cid, slot), (impressions, clicks) in sorted(rows.items()):
            DailyCount.objects.filter(day=day, creative_id=cid, slot=slot).update(
                impressions=F("impressions") + impressions, clicks=F("clicks") + clicks
            )
    return len(rows)


def parse_batch(fields):
    rows = {}
    for field, value in fields.items():
        try:
            day, cid, slot, kind = field.decode().split("|")
            key = (datetime.date.fromisoformat(day), int(cid), slot)
            number = int(value)
        except (ValueError, UnicodeDecodeError):
            log.warning("Sponsor counts: skipped a malformed counter %r.", field)
            continue
        if slot not in Slot.values or kind not in (IMPRESSION, CLICK):
            continue
        impressions, clicks = rows.get(key, (0, 0))
        rows[key] = (impressions + number, clicks) if kind == IMPRESSION else (impressions, clicks + number)
    return rows


def claim_batch(redis_client):
    """Move the live counters into a batch of their own; return its name, or None."""
    live, batches, batch_prefix = keys()
    if not redis_client.exists(live):
        return None
    batch = uuid.uuid4().hex
    pipe = redis_client.pipeline(transaction=True)
    pipe.sadd(batches, batch)
    pipe.rename(live, batch_prefix + batch)
    try:
        pipe.execute()
    except redis.ResponseError:  # another flush took the live counters first
        redis_client.srem(batches, batch)
        return None
    return batch


def apply_batch(redis_client, batch):
    """Add one batch to the database exactly once; return the rows it touched."""
    _, _, batch_prefix = keys()
    rows = parse_batch(redis_client.hgetall(batch_prefix + batch))
    with transaction.atomic():
        try:
            with transaction.atomic():
                AppliedBatch.objects.create(batch=batch)
        except IntegrityError:
            return 0  # applied by an earlier flush that stopped before deleting it
        return add_counts(rows)


def release_batch(redis_client, batch):
    _, batches, batch_prefix = keys()
    redis_client.delete(batch_prefix + batch)
    redis_client.srem(batches, batch)


def flush():
    """Move every counted view into DailyCount; returns the rows touched (None without Redis)."""
    redis_client = client()
    if redis_client is None:
        return None
    claim_batch(redis_client)
    touched = 0
    _, batches, _ = keys()
    for batch in sorted(member.decode() for member in redis_client.smembers(batches)):
        touched += apply_batch(redis_client, batch)
        release_batch(redis_client, batch)
    return touched


def forget_applied_batches(days=7):
    """Batch names are only needed while a batch could still be in Redis."""
    AppliedBatch.objects.filter(applied_at__lt=timezone.now() - datetime.timedelta(days=days)).delete()
