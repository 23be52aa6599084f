"""Fixed-window counters in the Django cache (Redis in production, shared by workers), and
the one client identity that every limit counts against."""

import ipaddress
import time

from django.conf import settings
from django.core.cache import cache

# Requests whose address cannot be read at all (no REMOTE_ADDR, as over some Unix sockets)
# share this one identity: strict, but never a way to pick a fresh bucket.
UNKNOWN_CLIENT = "unknown"


def allow(scope, identity, limit, period):
    """Count one attempt for ``identity``; False once ``limit`` is passed in this window."""
    window = int(time.time() // period)
    key = f"rate:{scope}:{identity}:{window}"
    cache.add(key, 0, timeout=period + 5)
    try:
        attempts = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=period + 5)
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
