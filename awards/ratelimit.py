"""Fixed-window counters in the Django cache (Redis in production, shared by workers)."""

import time

from django.core.cache import cache


def allow(scope, identity, limit, period):
    """Count one attempt for ``identity``; False once ``limit`` is passed in this window."""
    window = int(time.time() // period)
    key = f"awards:rate:{scope}:{identity}:{window}"
    cache.add(key, 0, timeout=period + 5)
    try:
        attempts = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=period + 5)
        attempts = 1
    return attempts <= limit
