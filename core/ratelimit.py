"""Fixed-window counters in the Django cache (Redis in production, shared by workers)."""

import time

from django.conf import settings
from django.core.cache import cache


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
    """The client's address; behind N trusted proxies, the Nth-from-last X-Forwarded-For entry."""
    hops = settings.TRUSTED_PROXY_HOPS
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")
