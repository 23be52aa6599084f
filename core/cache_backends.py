"""Django's Redis cache, made to degrade: an unreachable Redis is a miss, never an error.

Every call gets short socket timeouts (the CACHES OPTIONS ``socket_connect_timeout`` and
``socket_timeout``), and a circuit breaker per Redis server and process: after a
connection error or a timeout, every call answers at once as if the cache were empty
(reads miss, writes do nothing, ``incr`` counts from nothing) without trying the network
for ``OUTAGE_RETRY_SECONDS`` (an OPTIONS entry, default 5); then one call tries again.
So while Redis is down a request pays the timeout at most once per process and interval,
and every page is made from the database.

The outage is logged once when it starts (ERROR, with the error) and once when Redis
answers again (WARNING, with how long it lasted), per process, not per request.

``get_many`` (one MGET; what a page-cache hit costs, core.caching) goes over a connection
of the calling thread's own instead of through redis-py's client, whose pool checkout, health
probe and bookkeeping cost as much CPU as the round trip itself.

``reachable`` tells callers that need to know the difference between a miss and an
outage (core.caching for the generation, core.ratelimit for its counters).
"""

import logging
import os
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ReadOnlyError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Redis cannot be reached, is still loading, or is a replica after a failover.
OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, ReadOnlyError)


class Breaker:
    """Whether to try one Redis server, shared by every cache alias and thread using it."""

    def __init__(self, server, retry_seconds):
        self.server = server
        self.retry_seconds = retry_seconds
        self.down_since = None  # monotonic time of the first failure of this outage
        self.retry_at = 0.0
        self.lock = threading.Lock()

    @property
    def closed(self):
        """True while calls go to Redis: it answers, or it is time to try it again."""
        return self.down_since is None or time.monotonic() >= self.retry_at

    def allow(self):
        """Whether this call may try Redis; during an outage, only one caller per interval."""
        if self.down_since is None:
            return True
        with self.lock:
            now = time.monotonic()
            if now < self.retry_at:
                return False
            self.retry_at = now + self.retry_seconds
            return True

    def failed(self, error):
        with self.lock:
            now = time.monotonic()
            self.retry_at = now + self.retry_seconds
            if self.down_since is not None:
                return
            self.down_since = now
        logger.error(
            "Cache unreachable at %s (%s); serving from the database, retrying every %ss",
            self.server, error, self.retry_seconds,
        )

    def succeeded(self):
        if self.down_since is None:
            return
        with self.lock:
            if self.down_since is None:
                return
            lasted, self.down_since = time.monotonic() - self.down_since, None
        logger.warning("Cache reachable again at %s after %.1fs", self.server, lasted)


breakers = {}  # (server, retry seconds) -> Breaker, so aliases on one server share one
breakers_lock = threading.Lock()


def breaker_for(server, retry_seconds):
    with breakers_lock:
        return breakers.setdefault((server, retry_seconds), Breaker(server, retry_seconds))


class QuickReader:
    """MGET on a connection of the calling thread's own, made with the pool's settings
    (server, database, timeouts) but never checked out of it. Redis closes idle or old
    connections (a restart, a timeout): a closed one is replaced and the command sent once
    more; any other failure is the caller's to handle (the breaker)."""

    def __init__(self, pool):
        self.pool = pool
        self.local = threading.local()

    def connection(self):
        connection = getattr(self.local, "connection", None)
        if connection is None or connection.pid != os.getpid():  # none yet, or a forked parent's
            connection = self.local.connection = self.pool.connection_class(**self.pool.connection_kwargs)
        return connection

    def mget(self, keys):
        connection = self.connection()
        try:
            connection.send_command("MGET", *keys)
            return connection.read_response()
        except RedisConnectionError:
            connection.disconnect()
        try:
            connection.send_command("MGET", *keys)
            return connection.read_response()
        except BaseException:
            connection.disconnect()
            raise


class GuardedClient(RedisCacheClient):
    """Django's client, each call answered from nothing while the breaker is open."""

    def __init__(self, servers, breaker, **options):
        super().__init__(servers, **options)
        self.breaker = breaker
        self._clients = {}
        self._quick_reader = None

    def get_client(self, key=None, *, write=False):
        """One redis-py client per connection pool: Django makes a new one for every call,
        which costs about as much as the round trip itself (the client is thread-safe)."""
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(index))
        return client

    def guarded(self, call, when_down, *args):
        if not self.breaker.allow():
            return when_down
        try:
            result = call(*args)
        except OUTAGE_ERRORS as error:
            self.breaker.failed(error)
            return when_down
        self.breaker.succeeded()
        return result

    def add(self, key, value, timeout):
        return self.guarded(super().add, False, key, value, timeout)

    def get(self, key, default):
        return self.guarded(super().get, default, key, default)

    def set(self, key, value, timeout):
        return self.guarded(super().set, None, key, value, timeout)

    def touch(self, key, timeout):
        return self.guarded(super().touch, False, key, timeout)

    def delete(self, key):
        return self.guarded(super().delete, False, key)

    def get_many(self, keys):
        return self.guarded(self._quick_get_many, {}, keys)

    def _quick_get_many(self, keys):
        if self._quick_reader is None:
            pool = self._get_connection_pool(self._get_connection_pool_index(False))
            self._quick_reader = QuickReader(pool)
        values = zip(keys, self._quick_reader.mget(keys), strict=True)
        return {key: self._serializer.loads(value) for key, value in values if value is not None}

    def has_key(self, key):
        return self.guarded(super().has_key, False, key)

    def incr(self, key, delta):
        # A counter that cannot be read counts from nothing, like a new one.
        return self.guarded(super().incr, delta, key, delta)

    def set_many(self, data, timeout):
        return self.guarded(super().set_many, None, data, timeout)

    def delete_many(self, keys):
        return self.guarded(super().delete_many, None, keys)

    def clear(self, prefix):
        """Delete this cache's keys only: the Redis database may hold other environments'."""

        def delete_prefixed():
            client = self.get_client(None, write=True)
            deleted = 0
            batch = []
            for key in client.scan_iter(match=prefix + "*", count=1000):
                batch.append(key)
                if len(batch) == 1000:
                    deleted += client.delete(*batch)
                    batch = []
            if batch:
                deleted += client.delete(*batch)
            return bool(deleted)

        return self.guarded(delete_prefixed, False)


class ResilientRedisCache(RedisCache):
    """Django's RedisCache behind a circuit breaker; see the module's docstring."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._options = dict(self._options)
        retry_seconds = float(self._options.pop("OUTAGE_RETRY_SECONDS", 5))
        self._breaker = breaker_for(",".join(self._servers), retry_seconds)

    @cached_property
    def _cache(self):
        return GuardedClient(self._servers, self._breaker, **self._options)

    @property
    def reachable(self):
        """False while an outage is known and it is not yet time to try Redis again."""
        return self._breaker.closed

    def clear(self):
        """Only the keys under this cache's KEY_PREFIX (Django's would FLUSHDB)."""
        return self._cache.clear(_glob_escape(self.key_prefix) + ":")


def _glob_escape(text):
    return "".join("\\" + char if char in "*?[]\\" else char for char in text)
