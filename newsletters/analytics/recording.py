"""Recording opens and clicks: fast for the reader, exact in the counts.

The open and click endpoints do not wait on the database: each event, with an id of its
own, is pushed onto a Redis list (one round trip) and Celery beat flushes the list into
TrackingEvent rows every NEWSLETTERS_TRACKING_FLUSH_SECONDS. A flush first moves a batch,
atomically, from the list onto an in-flight list of its own (one Lua script), stores it,
then deletes the in-flight list. A flush that dies on the way leaves its in-flight list,
and a later flush stores it again once it is INFLIGHT_TIMEOUT old: storing is idempotent
(the event id is unique), so nothing is lost and nothing is counted twice.

Without Redis (NEWSLETTERS_TRACKING_REDIS_URL ""), or while it is down or hung, an event
is stored at once, in the request: slower, never lost, never an error for the reader.
While Redis is known to be down the request does not try it (the cache's breaker, shared
per server: core.cache_backends), so a reader pays the socket timeout at most once per
process and interval.

Storing judges each event (newsletters.analytics.classify) and then looks again at the
clicks of every delivery that got new ones, to catch scanners that click every link at
once; on PostgreSQL it holds a transaction lock per delivery while it does, so that two
writers of the same delivery's clicks see each other's.
"""

import datetime
import functools
import json
import logging
import time
import uuid

from django.conf import settings
from django.db import connection, transaction

from core.cache_backends import OUTAGE_ERRORS, breaker_for
from newsletters.analytics import classify
from newsletters.models import Delivery, TrackedLink, TrackingEvent

logger = logging.getLogger(__name__)

BATCH_SIZE = 5000
INFLIGHT_TIMEOUT = 300  # seconds after which a flush's in-flight batch is taken as abandoned
FLUSH_BUDGET_SECONDS = 4.0  # a beat flush stops taking batches after this long
LOCK_CLASS = 720_412  # the first key of this module's PostgreSQL advisory locks

TAKE_BATCH = """
local items = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
if #items > 0 then
  redis.call('LTRIM', KEYS[1], #items, -1)
  for i = 1, #items, 1000 do
    redis.call('RPUSH', KEYS[2], unpack(items, i, math.min(i + 999, #items)))
  end
  redis.call('ZADD', KEYS[3], ARGV[2], KEYS[2])
end
return items
"""


def new_event(kind, send_id, delivery_id, link, method, user_agent, at=None):
    return {
        "id": uuid.uuid4().hex,
        "k": kind,
        "s": send_id,
        "d": delivery_id,
        "l": link,
        "t": at if at is not None else time.time(),
        "m": method,
        "a": (user_agent or "")[:300],
    }


# --- The buffer ---


class Buffer:
    """The Redis list events wait in, named after this environment's cache namespace."""

    def __init__(self, url):
        import redis

        self.url = url
        self.client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        self.breaker = breaker_for(url, 5.0)
        prefix = settings.CACHES["default"].get("KEY_PREFIX") or "research"
        self.queue = f"{prefix}:tracking:events"
        self.inflight_index = f"{prefix}:tracking:inflight"
        self.take_script = self.client.register_script(TAKE_BATCH)

    def push(self, event):
        """True once Redis holds the event; False when it cannot (the caller stores it)."""
        if not self.breaker.allow():
            return False
        try:
            self.client.rpush(self.queue, json.dumps(event, separators=(",", ":")))
        except OUTAGE_ERRORS as error:
            self.breaker.failed(error)
            return False
        self.breaker.succeeded()
        return True

    def take(self, size):
        """(in-flight key, events) of a batch now held by this flush."""
        inflight = f"{self.queue}:inflight:{uuid.uuid4().hex}"
        items = self.take_script(keys=[self.queue, inflight, self.inflight_index], args=[size, time.time()])
        return inflight, [json.loads(item) for item in items]

    def done(self, inflight):
        pipe = self.client.pipeline()
        pipe.delete(inflight)
        pipe.zrem(self.inflight_index, inflight)
        pipe.execute()

    def abandoned(self):
        """(in-flight key, events) of batches whose flush has not finished them in time."""
        cutoff = time.time() - INFLIGHT_TIMEOUT
        for key in self.client.zrangebyscore(self.inflight_index, "-inf", cutoff):
            key = key.decode()
            yield key, [json.loads(item) for item in self.client.lrange(key, 0, -1)]

    def waiting(self):
        return self.client.llen(self.queue)


@functools.lru_cache(maxsize=4)
def buffer_for(url):
    return Buffer(url)


def buffer():
    url = settings.NEWSLETTERS_TRACKING_REDIS_URL
    return buffer_for(url) if url else None


# --- Taking an event in ---


def take_in(event):
    """Buffer the event, or store it now if there is no buffer to hold it."""
    events_buffer = buffer()
    if events_buffer is not None and events_buffer.push(event):
        return
    store([event])


# --- Storing ---


def store(events):
    """Judge and store events (dicts from new_event); those stored before are skipped.
    Returns how many were new."""
    events = list({event["id"]: event for event in events}.values())
    if not events:
        return 0
    deliveries = dict(
        Delivery.objects.filter(pk__in={event["d"] for event in events}).values_list("pk", "send_id")
    )
    sent_at = dict(
        Delivery.objects.filter(pk__in=deliveries, sent_at__isnull=False).values_list("pk", "sent_at")
    )
    link_ids = {
        (send, number): pk
        for pk, send, number in TrackedLink.objects.filter(
            send__in={event["s"] for event in events}
        ).values_list("pk", "send_id", "number")
    }
    rows = []
    for event in events:
        if deliveries.get(event["d"]) != event["s"]:
            continue  # the delivery (or its send) has been deleted since
        link = None
        if event["k"] == TrackingEvent.Kind.CLICK:
            link = link_ids.get((event["s"], event["l"]))
            if link is None:
                continue
        at = datetime.datetime.fromtimestamp(event["t"], tz=datetime.UTC)
        delivered = sent_at.get(event["d"])
        # Not yet marked sent: the image was fetched the moment the message arrived.
        seconds = (at - delivered).total_seconds() if delivered else 0.0
        machine, reason = classify.judge(event["k"], event["m"], event["a"], seconds)
        rows.append(
            TrackingEvent(
                event_id=uuid.UUID(event["id"]),
                send_id=event["s"],
                delivery_id=event["d"],
                link_id=link,
                kind=event["k"],
                at=at,
                machine=machine,
                reason=reason,
                method=event["m"][:7],
                user_agent=event["a"],
            )
        )
    clicked = sorted({row.delivery_id for row in rows if row.kind == TrackingEvent.Kind.CLICK})
    with transaction.atomic():
        lock_deliveries(clicked)
        before = TrackingEvent.objects.filter(event_id__in=[row.event_id for row in rows]).count()
        TrackingEvent.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        mark_bursts(clicked)
    return len(rows) - before


def lock_deliveries(delivery_ids):
    """PostgreSQL: this transaction's lock on each delivery's clicks, taken in id order."""
    if not delivery_ids or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, (id %% 2147483647)::int) "
            "FROM (SELECT unnest(%s::bigint[]) AS id ORDER BY 1) AS ids",
            [LOCK_CLASS, delivery_ids],
        )


def mark_bursts(delivery_ids):
    """Clicks of these deliveries that came in a scanner's burst: machine, with the reason."""
    if not delivery_ids:
        return
    clicks = {}
    for pk, delivery, link, at in (
        TrackingEvent.objects.filter(delivery__in=delivery_ids, kind=TrackingEvent.Kind.CLICK)
        .exclude(method="HEAD")
        .order_by("delivery", "at", "pk")
        .values_list("pk", "delivery", "link", "at")
    ):
        clicks.setdefault(delivery, []).append((pk, link, at))
    by_reason = {}
    for delivery_clicks in clicks.values():
        for pk, reason in classify.scanner_bursts(delivery_clicks).items():
            by_reason.setdefault(reason, []).append(pk)
    for reason, pks in by_reason.items():
        TrackingEvent.objects.filter(pk__in=pks, machine=False).update(machine=True, reason=reason)


# --- Flushing (Celery beat) ---


def flush(budget_seconds=FLUSH_BUDGET_SECONDS, batch_size=BATCH_SIZE):
    """Store what waits in Redis: abandoned in-flight batches first, then new batches
    until the list is empty or the budget is spent. Returns the number of events taken."""
    events_buffer = buffer()
    if events_buffer is None:
        return 0
    taken = 0
    deadline = time.monotonic() + budget_seconds
    try:
        for inflight, events in events_buffer.abandoned():
            store(events)
            events_buffer.done(inflight)
            taken += len(events)
        while time.monotonic() < deadline:
            inflight, events = events_buffer.take(batch_size)
            if not events:
                break
            store(events)
            events_buffer.done(inflight)
            taken += len(events)
    except OUTAGE_ERRORS as error:
        # Nothing is lost: an event is in the list or in a flush's in-flight list until stored.
        logger.warning("Tracking events not flushed: Redis unreachable (%s)", error)
    return taken


def flush_all():
    """Flush until nothing waits (tests, benchmarks, a management shell)."""
    total = 0
    while True:
        taken = flush(budget_seconds=60)
        total += taken
        if not taken:
            return total
