"""Full-page cache for anonymous readers.

Django's own cache middleware cannot tell when a page is published, so a reader could
see a stale article for the whole timeout. Here every cached page belongs to a
*generation*: publishing, unpublishing, moving or deleting a page, or changing a
snippet that pages display, starts a new generation, so the next anonymous request
renders afresh. Requests that carry a session (editors, voters) are never served
from the cache, and responses that hold a CSRF token or set a cookie are never stored.
"""

import hashlib
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db.models.signals import post_delete, post_save

GENERATION_KEY = "page-cache:generation"
# The API keeps its own cache, and its rate limits must count every request; vote links
# are unique per voter, so looking them up would only cost a round trip; newsletter links
# are unique per subscriber and their pages show the subscriber's own choices.
SKIPPED_PREFIXES = (
    "/admin/", "/django-admin/", "/dev/", "/static/", "/media/", "/healthz", "/api/", "/awards/vote/",
    "/email/",
)


def _cache():
    return caches["default"]


def current_generation():
    """A random token, new after every invalidation and after the cache itself is emptied,
    so a key made with an old generation can never be mistaken for a current one."""
    cache = _cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def generation_for(request):
    """The generation, read once per request (fragments and the page cache share it)."""
    if not hasattr(request, "page_cache_generation"):
        request.page_cache_generation = current_generation()
    return request.page_cache_generation


def invalidate(**kwargs):
    _cache().set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def invalidate_on_change(model):
    """Class decorator: saving or deleting this model invalidates cached pages."""
    post_save.connect(invalidate, sender=model, dispatch_uid=f"page-cache-save-{model.__name__}")
    post_delete.connect(invalidate, sender=model, dispatch_uid=f"page-cache-del-{model.__name__}")
    return model


def connect_invalidation_signals():
    from wagtail.models import PageViewRestriction, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    page_published.connect(invalidate, dispatch_uid="page-cache-published")
    page_unpublished.connect(invalidate, dispatch_uid="page-cache-unpublished")
    post_page_move.connect(invalidate, dispatch_uid="page-cache-moved")
    from wagtail.images import get_image_model

    invalidate_on_change(Site)
    invalidate_on_change(PageViewRestriction)
    invalidate_on_change(get_image_model())


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or not self.is_cacheable_request(request):
            return self.get_response(request)

        cache = _cache()
        url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        key = "page-cache:" + hashlib.sha256(url.encode()).hexdigest()  # long vote links exceed key limits
        # One round trip for both: the entry remembers the generation it was made in.
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY) or current_generation()
        request.page_cache_generation = generation
        entry = found.get(key)
        if entry is not None and entry[0] == generation:
            response = entry[1]
            response["X-Page-Cache"] = "hit"
            return response

        response = self.get_response(request)
        if self.is_cacheable_response(request, response):
            if hasattr(response, "render") and callable(response.render):
                response.add_post_render_callback(lambda r: cache.set(key, (generation, r), seconds))
            else:
                cache.set(key, (generation, response), seconds)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def is_cacheable_request(request):
        return (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "HTTP_AUTHORIZATION" not in request.META
            and not request.path.startswith(SKIPPED_PREFIXES)
        )

    @staticmethod
    def is_cacheable_response(request, response):
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and "private" not in cache_control
            and "no-cache" not in cache_control
        )
