"""Parts of a page kept in the cache for the generation (core.caching), which the view looks
up before it queries anything.

A page whose main parts depend only on its URL (the article index, the token table, a token
page, search) builds ``PageParts`` from what the parts vary on. On a hit the view skips
its queries and the template prints the stored parts with ``{% cachefragment parts "name" %}``;
on a miss the view queries as usual and the template renders each part and stores it, all
parts of a page in one cache entry, so a hit costs one cache read. Only a render that
answered 200 stores parts, so a hit stands for a URL that was valid in this generation, and
anything that could change that starts a new generation. Per-request parts (the CSP header,
cookies, the editor's user bar) stay outside.
"""

from django.conf import settings
from django.core.cache import cache

from core.caching import fragment_key


class PageParts:
    def __init__(self, request, name, *vary, parts=("meta", "content")):
        self.names = tuple(parts)
        self.key = None
        self.stored = {}
        if settings.FRAGMENT_CACHE_SECONDS and not getattr(request, "is_preview", False):
            # Meta tags carry absolute URLs: the host and scheme are part of every key.
            origin = f"{request.scheme}://{request.get_host()}"
            self.key = fragment_key(request, name, origin, *vary)  # None: the cache is unreachable
        if self.key is not None:
            self.stored = cache.get(self.key) or {}

    @property
    def hit(self):
        """Every part is stored: the view may skip what only the parts need."""
        return all(name in self.stored for name in self.names)

    def get(self, name):
        return self.stored.get(name)

    def put(self, name, html):
        self.stored[name] = html
        if self.key is not None and self.hit:
            cache.set(self.key, self.stored, settings.FRAGMENT_CACHE_SECONDS)
