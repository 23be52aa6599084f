"""Fixed-window counters in the Django cache (Redis in production, shared by workers), and
the one client identity that every limit counts against (``client_ip``).

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

import ipaddress
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

# Requests whose address cannot be read at all (no REMOTE_ADDR, as over some Unix sockets)
# share this one identity: strict, but never a way to pick a fresh bucket.
UNKNOWN_CLIENT = "unknown"


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
    """Who is asking, for every rate limit: an IPv4 address, or an IPv6 client's /64.

    Behind TRUSTED_PROXY_HOPS proxies, each appending the address it saw to
    X-Forwarded-For, the client is the Nth entry from the right: entries further left
    came from the client itself and anyone may write anything there. With no trusted
    proxy the header is ignored entirely and the socket's peer is the client.

    When the Nth entry cannot be trusted to name a client (the header is missing, has
    fewer than N entries, or that entry is not an IP address), the socket's peer, which
    is our nearest proxy, stands in: every such request shares that proxy's bucket. That
    is strict, but the identity is always an address a socket or a trusted proxy
    reported, never text a client chose, so nobody can step into a fresh bucket by
    forging the header.
    """
    hops = settings.TRUSTED_PROXY_HOPS
    address = None
    if hops > 0:
        forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= hops:
            address = _parse(forwarded[-hops])
    if address is None:
        address = _parse(request.META.get("REMOTE_ADDR", ""))
    if address is None:
        return UNKNOWN_CLIENT
    if address.version == 6:
        # One IPv6 host usually holds a whole /64 (SLAAC and privacy extensions hand out
        # new addresses inside it at will, and providers delegate at least a /64 to each
        # subscriber), so counting single addresses would give one client 2**64 buckets.
        # Limiting the /64 is what limiting one IPv4 address is: one subscriber's line.
        return str(ipaddress.IPv6Network((int(address) >> 64 << 64, 64)))
    return str(address)


def _parse(text):
    """An IP address from text a proxy or the socket wrote; None if it is not one."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:  # a dual-stack socket's IPv4 client
        return address.ipv4_mapped
    return address
