"""Anonymous callers are limited per client (core.ratelimit.client_ip), key holders per key.

Rates come from settings (API_RATE_ANONYMOUS, API_RATE_KEY) each time, so they can
be changed per environment; a refused request gets 429 with Retry-After. Requests are
counted where core.ratelimit counts (its rule for a Redis outage holds here too).
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from core.ratelimit import client_ip, counters

from .models import ApiKey


class AnonymousRateThrottle(SimpleRateThrottle):
    scope = "anonymous"
    cache = counters

    def get_rate(self):
        return settings.API_RATE_ANONYMOUS

    def get_ident(self, request):
        # The site's one client identity, so NUM_PROXIES plays no part.
        return client_ip(request)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ApiKeyRateThrottle(SimpleRateThrottle):
    scope = "api_key"
    cache = counters

    def get_rate(self):
        return settings.API_RATE_KEY

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
