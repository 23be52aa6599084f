"""Readiness: can this process serve, with every service it needs reachable?

/healthz answers as long as the process does (no service is asked). /readyz asks each
service once, all at the same time, each for at most READYZ_TIMEOUT_SECONDS:

- database: SELECT 1 on a new connection (closed afterwards);
- redis: a write and a read on the cache's Redis, straight to the server, past the cache
  back end's circuit breaker (core.cache_backends answers "miss" during an outage, which
  keeps pages up but would hide the outage here); only when the cache is Redis;
- broker: a connection to Celery's broker with the broker's own connect timeout.

Why a service is down goes to the log (WARNING), not into the answer: /readyz is reachable
by whoever reaches the site, and error texts name hosts and ports.
"""

import functools
import logging
import threading
import time

import redis
from celery import current_app
from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)


def database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connection.close()  # this thread's own connection: it ends with the check


def redis_urls():
    """The Redis servers of the caches, if the caches are Redis."""
    urls = []
    for cache in settings.CACHES.values():
        if cache["BACKEND"].endswith("RedisCache"):
            location = cache["LOCATION"]
            for url in location if isinstance(location, (list, tuple)) else location.split(","):
                if url not in urls:
                    urls.append(url)
    return urls


def cache_redis():
    timeout = settings.READYZ_TIMEOUT_SECONDS
    for url in redis_urls():
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        try:
            # A write: a replica left read-only after a failover cannot hold the cache either.
            client.set("readyz", "1", px=10_000)
            client.get("readyz")
        finally:
            client.close()


def broker(app):
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=settings.READYZ_TIMEOUT_SECONDS)


def checks():
    app = current_app._get_current_object()  # the checks run in threads of their own, where it may differ
    named = {"database": database, "broker": functools.partial(broker, app)}
    if redis_urls():
        named["redis"] = cache_redis
    return named


def readiness():
    """{check name: True if it answered in time} for every service this site uses."""
    results = {}

    def run(name, check):
        try:
            check()
        except Exception as error:  # noqa: BLE001 - any failure means "not ready"
            logger.warning("Readiness: %s is down (%s: %s)", name, type(error).__name__, error)
            results[name] = False
        else:
            results[name] = True

    named = checks()
    threads = [
        threading.Thread(target=run, args=(name, check), name=f"readyz-{name}", daemon=True)
        for name, check in named.items()
    ]
    deadline = time.monotonic() + settings.READYZ_TIMEOUT_SECONDS
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    answered = dict(results)  # a check still running past the deadline counts as down
    for name in named:
        if name not in answered:
            logger.warning("Readiness: %s did not answer within %ss", name, settings.READYZ_TIMEOUT_SECONDS)
            answered[name] = False
    return answered
