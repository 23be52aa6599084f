"""Fixed-window counters in the Django cache (Redis in production, shared by workers).

When the shared store cannot be reached, limits are counted in each process's memory
instead (``counters``), for ``allow`` and the API's throttles alike: every limit still
holds, per process, so a client gets at most the limit times the number of processes
(workers on every host) while Redis is down, and a normal client is never refused for it.
Neither extreme is right: failing open would let an outage (or whoever can cause one)
mail-bomb sign-ups and stuff votes with no limit at all; failing closed would turn a cache
outage into refusals for everyone, when readers and voters should not notice it. When the
store answers again, counting goes back to it (the counts made in memory are not carried
over: a window lasts an hour at most).
"""

import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache


class Counters:
    """The cache's get/set/add/incr, on the shared cache while it answers, and on this
    process's memory while it does not (a cache without ``reachable`` always answers)."""

    def __init__(self, alias="default"):
        self.alias = alias
        # Enough room for every client of an outage; culling would forget counts.
        self.memory = LocMemCache("core.ratelimit.counters", {"OPTIONS": {"MAX_ENTRIES": 100_000}})

    def _call(self, method, *args, **kwargs):
        shared = caches[self.alias]
        if getattr(shared, "reachable", True):
            result = getattr(shared, method)(*args, **kwargs)
            if getattr(shared, "reachable", True):  # the store did not fail during the call
                return result
        return getattr(self.memory, method)(*args, **kwargs)

    def get(self, key, default=None):
        return self._call("get", key, default)

    def set(self, key, value, timeout):
        return self._call("set", key, value, timeout)

    def add(self, key, value, timeout):
        return self._call("add", key, value, timeout)

    def incr(self, key, delta=1):
        return self._call("incr", key, delta)


counters = Counters()


def allow(scope, identity, limit, period):
    """Count one attempt for ``identity``; False once ``limit`` is passed in this window."""
    window = int(time.time() // period)
    key = f"rate:{scope}:{identity}:{window}"
    counters.add(key, 0, timeout=period + 5)
    try:
        attempts = counters.incr(key)
    except ValueError:  # the key expired between add and incr
        counters.set(key, 1, timeout=period + 5)
        attempts = 1
    return attempts <= limit


def client_ip(request):
    """The client's address; behind N trusted proxies, the Nth-from-last X-Forwarded-For entry."""
    hops = settings.TRUSTED_PROXY_HOPS
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")
