"""The caching policy: what is cached where, for how long, and what invalidates it.

Everything a public page shows belongs to one *generation*: a random token kept in the
default cache (Redis in production). Saving or deleting anything a public page shows
starts a new generation, so every entry made under the old one is dead at once, on every
host. Nothing here is invalidated entry by entry, except where said.

What is cached (where; how long; what invalidates it):
- Whole anonymous pages, AnonymousPageCacheMiddleware, as their headers and body (default
  cache; PAGE_CACHE_SECONDS, 300; the generation). A hit reads the generation and the page
  in one command (MGET) and runs no middleware below the page cache.
- Rendered fragments, {% cachefragment %}: article body, cards, meta (default cache;
  FRAGMENT_CACHE_SECONDS, 3600; the generation).
- Page parts, core.fragments.PageParts: the meta tags and main content of the article
  index, the token table, token pages and search, per host and the URL parameters they
  depend on, all of a page in one entry, looked up before the view queries (default
  cache; FRAGMENT_CACHE_SECONDS; the generation, which a ratings refresh moves too).
- API grade lists as the JSON text sent, ratings.api (default cache; API_CACHE_SECONDS,
  300; the generation, which a ratings refresh moves when its grades commit).
- Memos inside each process, GenerationMemo: which page a path leads to
  (core.models.SiteRootMixin), which site serves a host (SiteLookupMiddleware), whether
  any page is private (core.models.any_view_restrictions) (until the generation moves).
- Site settings, core.models.SeoSettings.for_request (default cache; an hour; their own
  save or delete, which also starts a generation).
- Award results: the chart and table, and the anonymous results page (default cache,
  plus a copy in each process; AWARDS_RESULTS_CACHE_SECONDS, 2: counts trail the votes
  by at most that; a save of a program, category or nominee drops them at once).
- Image renditions (the "renditions" cache; a week; Wagtail, when an image changes).
- Constants built once per process: newsletter link templates (newsletters.subscriptions.links) and
  the awards confirmation statement (awards.voting); nothing a save could change.

What starts a generation: publishing, unpublishing, moving or deleting a page; saving or
deleting a site, a view restriction, an image or a document, or any model registered
with ``invalidate_on_change`` (WATCHED_MODELS: authors, article categories, award
programs, categories and nominees, sectors, site settings, ...).
research_site/tests/test_cache_invalidation.py holds every public-facing model to it.

The edge in front of the app (Varnish, Cloudflare, CloudFront) keeps what the app marks
public, for EDGE_CACHE_SECONDS; whatever starts a generation also empties it, on commit.
core.edge holds that rule (Cache-Control on every answer) and the purging.

Never cached: requests with a session cookie or an Authorization header, the paths in
SKIPPED_PREFIXES, responses that set a cookie, hold a CSRF token or say private or
no-cache, and previews.

When the cache cannot be reached (core.cache_backends: it answers "miss" at once), the
generation is unknown (``None``), and an unknown generation is never used: pages, fragments,
grade lists and memos are neither read nor stored, and every request is answered from the
database, as fresh as it is (award results keep their copy in each process, made fresh).
A change saved meanwhile could not start a generation, so the first time a process that
met the outage reads the generation again, it starts a new one, and drops what is kept
apart from the generation (site settings, Wagtail's site root paths, renditions:
forget_after_outage), whose own saves could not drop it either: nothing cached before an
outage is trusted after it. Caches never cross databases: each database has its own key
prefix or folder (research_site.settings.base.cache_namespace).
"""

import contextvars
import hashlib
import logging
import threading
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.http.request import split_domain_port

GENERATION_KEY = "page-cache:generation"
# The API keeps its own cache, and its rate limits must count every request; vote links
# are unique per voter, so looking them up would only cost a round trip; newsletter links
# are unique per subscriber and their pages show the subscriber's own choices. Probes and
# metrics must tell the truth of the moment, and need no site.
SKIPPED_PREFIXES = (
    "/admin/", "/django-admin/", "/dev/", "/static/", "/media/", "/healthz", "/api/", "/awards/vote/",
    "/email/", "/readyz", "/metrics", "/sponsors/i/", "/sponsors/c/", "/sponsors/report/",
)

# Every model whose saves and deletes start a new generation (see invalidate_on_change).
WATCHED_MODELS = set()


logger = logging.getLogger(__name__)

# Set while this process has failed to read or move the generation (the cache was
# unreachable); the next successful read starts a new generation and clears it.
generation_lost = threading.Event()
# How to drop the entries kept apart from the generation (see forget_after_outage).
FORGET_AFTER_OUTAGE = []


def _cache():
    return caches["default"]


def current_generation():
    """A random token, new after every invalidation and after the cache itself is emptied,
    so a key made with an old generation can never be mistaken for a current one.

    None while the cache cannot be reached: nothing may be cached or looked up then.
    """
    cache = _cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation_lost.set()
    elif generation_lost.is_set():
        generation_lost.clear()
        logger.info("Cache back: starting a new generation, since changes saved meanwhile retired nothing")
        generation = _start_generation()
        for forget in FORGET_AFTER_OUTAGE:
            forget()
    return generation


def generation_for(request):
    """The generation, read once per request (fragments and the page cache share it)."""
    if not hasattr(request, "page_cache_generation"):
        request.page_cache_generation = current_generation()
    return request.page_cache_generation


# The generation of the request being served (SiteLookupMiddleware), for code that has no
# request at hand (core.models.any_view_restrictions): one read of the cache per request.
serving_generation = contextvars.ContextVar("serving_generation")


def request_generation():
    """The generation of the request being served, or read now outside a request."""
    generation = serving_generation.get(None)
    return current_generation() if generation is None else generation


def _start_generation():
    """A new generation, or None (and remembered to start one later) if it did not take."""
    cache = _cache()
    generation = uuid.uuid4().hex
    cache.set(GENERATION_KEY, generation, timeout=None)
    # Read back: a cache that is down takes the write silently. Another process may have
    # moved it on since, which retires this change's old entries just as well.
    if cache.get(GENERATION_KEY) is None:
        generation_lost.set()
        return None
    return generation


def invalidate(**kwargs):
    """Start a new generation: every cached page, fragment and memo entry is dead at once;
    and, once the change commits, empty the edge (core.edge)."""
    _start_generation()
    from core.edge import purge_everything

    purge_everything()


def forget_after_outage(function):
    """Register how to drop entries kept apart from the generation, which their own saves
    drop: a save made while the cache was unreachable could not, so they go when it is back."""
    if function not in FORGET_AFTER_OUTAGE:
        FORGET_AFTER_OUTAGE.append(function)
    return function


def forget_renditions():
    caches["renditions"].clear()


def invalidate_on_change(model):
    """Class decorator: saving or deleting this model starts a new generation."""
    post_save.connect(invalidate, sender=model, dispatch_uid=f"page-cache-save-{model._meta.label}")
    post_delete.connect(invalidate, sender=model, dispatch_uid=f"page-cache-del-{model._meta.label}")
    WATCHED_MODELS.add(model)
    return model


def connect_invalidation_signals():
    """Wagtail's own models: pages (through its signals), sites, restrictions, images and
    documents."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import PageViewRestriction, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    page_published.connect(invalidate, dispatch_uid="page-cache-published")
    page_unpublished.connect(invalidate, dispatch_uid="page-cache-unpublished")
    post_page_move.connect(invalidate, dispatch_uid="page-cache-moved")
    for model in (Site, PageViewRestriction, get_image_model(), get_document_model()):
        invalidate_on_change(model)
    forget_after_outage(Site.clear_site_root_paths_cache)
    forget_after_outage(forget_renditions)


class GenerationMemo:
    """Answers remembered inside one process for as long as the generation lasts.

    Anything that could change an answer starts a new generation, so an answer
    remembered under the current one is still right, and is dropped as soon as the
    generation moves on. An unknown generation (None: the cache is unreachable) finds
    nothing and keeps nothing. Only memos a benchmark justifies use this (README, "Caching").
    """

    def __init__(self, max_entries=512):
        self.max_entries = max_entries
        self.generation = None
        self.entries = {}

    def get(self, generation, key):
        if generation is None:
            return None
        if generation != self.generation:
            self.generation, self.entries = generation, {}
        return self.entries.get(key)

    def set(self, generation, key, value):
        if generation is None:
            return
        if generation != self.generation or len(self.entries) >= self.max_entries:
            self.generation, self.entries = generation, {}
        self.entries[key] = value


def fragment_key(request, *parts):
    """A cache key for a fragment of the current generation, of any length; None while
    the generation is unknown (the fragment is then rendered, not cached)."""
    generation = generation_for(request)
    if generation is None:
        return None
    parts = [parts[0], generation, *parts[1:]]
    return "fragment:" + hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()


class AnonymousPageCacheMiddleware:
    """Whole pages for anonymous readers, kept ready to send: the generation they were made
    in, their headers and their body, under a key made from the URL.

    It stands near the top of MIDDLEWARE, inside only what every answer needs (the request
    id, the request counters and the Cache-Control rule), so a hit does no other middleware's
    work and costs one cache command: the generation and the page are read together (one
    MGET on Redis), and the page is used only if it was made in the generation just read.
    What the middleware below it adds (security and CSP headers, X-Frame-Options,
    Content-Length) is stored with the page and replayed with it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or not self.is_cacheable_request(request):
            return self.get_response(request)

        cache = _cache()
        key = page_key(request)
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        if generation is None or generation_lost.is_set():
            generation = current_generation()
        request.page_cache_generation = generation
        if generation is None:  # the cache is unreachable: from the database, kept nowhere
            return self.get_response(request)
        entry = found.get(key)
        if entry is not None and entry[0] == generation:
            _, headers, content = entry
            response = HttpResponse(content, headers=headers)
            response["X-Page-Cache"] = "hit"
            return response

        response = self.get_response(request)
        if self.is_cacheable_response(request, response):
            if hasattr(response, "render") and not response.is_rendered:
                response.add_post_render_callback(lambda r: self.store(cache, key, generation, r, seconds))
            else:
                self.store(cache, key, generation, response, seconds)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def store(cache, key, generation, response, seconds):
        """Plain values only (no response object): cheap to read back, whatever Django's
        response classes hold between versions."""
        cache.set(key, (generation, tuple(response.items()), response.content), seconds)

    @staticmethod
    def is_cacheable_request(request):
        return (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "HTTP_AUTHORIZATION" not in request.META
            and not request.path.startswith(SKIPPED_PREFIXES)
            # SecurityMiddleware, below, sends these to https: never answer them here.
            and (not settings.SECURE_SSL_REDIRECT or request.is_secure())
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


def page_key(request):
    url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    # A digest, since long vote links exceed key limits. ("page:", not the "page-cache:" of the
    # entries that held a pickled response: those are never read as this format.)
    return "page:" + hashlib.sha256(url.encode()).hexdigest()


site_memo = GenerationMemo(max_entries=64)  # (hostname, port) -> Site


class SiteLookupMiddleware:
    """Which Wagtail Site serves a host, remembered in the process for the generation.

    Wagtail looks the site up with a query on every request and keeps the answer on the
    request. Sites and their root pages change only through saves that start a new
    generation, so an earlier request's answer is still right. No public API hands Wagtail
    a site: ``Site.find_for_request`` documents that it keeps its answer in
    ``request._wagtail_site`` and reads it from there first, so that is where it goes;
    ``research_site/tests/test_page_cache.py`` pins the query it saves.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(SKIPPED_PREFIXES):
            from wagtail.models import Site

            generation = generation_for(request)
            key = (split_domain_port(request.get_host())[0], request.get_port())
            site = site_memo.get(generation, key)
            if site is None:
                site_memo.set(generation, key, Site.find_for_request(request))
            else:
                request._wagtail_site = site
            serving = serving_generation.set(generation)
            try:
                return self.get_response(request)
            finally:
                serving_generation.reset(serving)
        return self.get_response(request)
