"""The edge: what a shared cache in front of the app (Varnish, Cloudflare, CloudFront) may
keep, and how the app empties it when something changes.

Every answer gets its Cache-Control from one rule (CacheControlMiddleware, cache_control_for):
- Personal answers say ``private, no-store``: any request but GET or HEAD; the admins and
  previews; API key pages, newsletter email-link pages, vote confirmations, webhooks and
  probes (PRIVATE_PREFIXES); a request with a session (a signed-in user) or an API key;
  an answer that sets a cookie or holds a CSRF token.
- An answer whose view chose its own Cache-Control keeps it (award results: ``no-cache``,
  so counts are never older than the app's own two seconds; static files: WhiteNoise's).
- Anything else answered 200 is public: ``public, max-age=BROWSER_CACHE_SECONDS,
  s-maxage=EDGE_CACHE_SECONDS, stale-while-revalidate=..., stale-if-error=...``. The
  anonymous API too, for EDGE_API_CACHE_SECONDS (keyed calls are personal: counted and
  answered per key); other statuses say ``no-cache``, so no edge keeps an error or a
  redirect.

Vary: a public answer is the same for every reader who gets one (a session makes the
answer personal, and the edge passes requests with a session cookie), so it does not vary
on Cookie: analytics cookies must not split the edge's copy per reader. Personal answers
keep the ``Vary: Cookie`` Django gives them.

Purging: whatever starts a new generation of the in-app caches (core.caching.invalidate:
publishing, unpublishing, moving or deleting a page, saving a snippet, a site, an image or
a document, a ratings refresh) also empties the edge for the site's hosts, once the change
is committed: a ban of the host on Varnish, an invalidation of /* on CloudFront, a purge of
the zone on Cloudflare. A change touches listings, cards, feeds and the sitemap across the
site, so emptying everything is the one purge that is always right; publishes are rare next
to reads. Wagtail's own purge of a published page's URLs goes out too, also on commit.
A purge that fails is logged and never fails the editor's request.
"""

import logging
from urllib.error import URLError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import Request, urlopen

from django.conf import settings
from django.db import transaction
from django.utils.cache import patch_vary_headers
from wagtail import __version__ as wagtail_version
from wagtail.contrib.frontend_cache.backends import CloudflareBackend as WagtailCloudflareBackend
from wagtail.contrib.frontend_cache.backends import CloudfrontBackend as WagtailCloudfrontBackend
from wagtail.contrib.frontend_cache.backends import HTTPBackend

logger = logging.getLogger(__name__)

PRIVATE = "private, no-store"
# Pages that are someone's own, whatever the request looks like: the admins (and Wagtail's
# previews, under /admin/), newsletter email links (/email/...), vote confirmation links,
# API key pages, ESP webhooks, the development mailbox, and health probes.
PRIVATE_PREFIXES = (
    "/admin/", "/django-admin/", "/email/", "/awards/vote/", "/api/keys/", "/anymail/", "/dev/",
    "/healthz", "/readyz", "/metrics", "/sponsors/i/", "/sponsors/c/", "/sponsors/report/",
)
KEY_HEADERS = ("HTTP_AUTHORIZATION", "HTTP_X_API_KEY")


def personal(request, response):
    """Whether the answer belongs to one visitor, so no shared cache may keep it."""
    return bool(
        request.method not in ("GET", "HEAD")
        or request.path.startswith(PRIVATE_PREFIXES)
        or getattr(request, "is_preview", False)
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or any(header in request.META for header in KEY_HEADERS)
        or response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or "private" in response.get("Cache-Control", "")
    )


def public_cache_control(edge_seconds):
    return (
        f"public, max-age={min(settings.BROWSER_CACHE_SECONDS, edge_seconds)}, s-maxage={edge_seconds}, "
        f"stale-while-revalidate={settings.EDGE_STALE_WHILE_REVALIDATE_SECONDS}, "
        f"stale-if-error={settings.EDGE_STALE_IF_ERROR_SECONDS}"
    )


def cache_control_for(request, response):
    """The Cache-Control the answer leaves with (see the module's docstring)."""
    current = response.get("Cache-Control", "")
    if personal(request, response):
        return current if "private" in current and "no-store" in current else PRIVATE
    if current:
        return current
    api = request.path.startswith("/api/")
    seconds = settings.EDGE_API_CACHE_SECONDS if api else settings.EDGE_CACHE_SECONDS
    if response.status_code != 200 or seconds <= 0:
        return "no-cache"
    return public_cache_control(seconds)


class CacheControlMiddleware:
    """Outermost, so it sees every answer, the page cache's copies and redirects included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(settings.STATIC_URL):
            return response  # WhiteNoise's own: hashed files for a year, others briefly
        response["Cache-Control"] = cache_control_for(request, response)
        if response["Cache-Control"].startswith("public"):
            drop_vary_on_cookie(response)
        return response


def drop_vary_on_cookie(response):
    vary = [field.strip() for field in response.get("Vary", "").split(",") if field.strip()]
    kept = [field for field in vary if field.lower() != "cookie"]
    if kept != vary:
        del response["Vary"]
        patch_vary_headers(response, kept)


# --- Purging ---


def edge_hosts():
    """The host names readers reach the site by: SITE_URL's and every Wagtail site's."""
    from wagtail.models import Site

    hosts = {urlsplit(settings.SITE_URL).netloc}
    for hostname, port in Site.objects.values_list("hostname", "port"):
        hosts.add(hostname if port in (80, 443) else f"{hostname}:{port}")
    return sorted(host for host in hosts if host)


def purge_everything():
    """Once the current transaction commits, empty every configured edge for the site."""
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    transaction.on_commit(_purge_everything_now, robust=True)


def _purge_everything_now():
    from wagtail.contrib.frontend_cache.utils import get_backends

    try:
        hosts = edge_hosts()
    except Exception:
        logger.exception("Edge purge skipped: the site's hosts could not be read")
        return
    for name, backend in get_backends().items():
        try:
            if hasattr(backend, "purge_hosts"):
                backend.purge_hosts(hosts)
            else:
                backend.purge_batch([f"https://{host}/*" for host in hosts])
        except Exception:  # an edge that is down must never fail the editor's change
            logger.exception("Edge purge failed on %s", name)


class PurgeRequest(Request):
    def __init__(self, method, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.purge_method = method

    def get_method(self):
        return self.purge_method


class VarnishBackend(HTTPBackend):
    """Wagtail's HTTP back end with a timeout, sending on commit, and whole-host BANs."""

    def __init__(self, params):
        self.timeout = params.pop("TIMEOUT", 2)
        super().__init__(params)

    def purge(self, url):
        transaction.on_commit(lambda: self._send("PURGE", url), robust=True)

    def purge_hosts(self, hosts):
        for host in hosts:
            self._send("BAN", f"https://{host}/")

    def _send(self, method, url):
        parts = urlsplit(url)
        request = PurgeRequest(
            method,
            urlunsplit([self.cache_scheme, self.cache_netloc, parts.path or "/", parts.query, ""]),
            headers={"Host": parts.netloc, "User-Agent": f"Wagtail-frontendcache/{wagtail_version}"},
        )
        try:
            with urlopen(request, timeout=self.timeout):  # noqa: S310 - LOCATION comes from settings
                pass
        except (URLError, OSError) as error:
            logger.error("Edge %s of %s at %s failed: %s", method, url, self.cache_netloc, error)


class CloudflareBackend(WagtailCloudflareBackend):
    """Wagtail's Cloudflare back end, sending on commit, which can also purge the whole zone."""

    def purge_batch(self, urls):
        transaction.on_commit(lambda: super(CloudflareBackend, self).purge_batch(urls), robust=True)

    def purge_hosts(self, hosts):
        import requests

        headers = {"Content-Type": "application/json"}
        if self.cloudflare_token:
            headers["Authorization"] = f"Bearer {self.cloudflare_token}"
        else:
            headers["X-Auth-Email"] = self.cloudflare_email
            headers["X-Auth-Key"] = self.cloudflare_api_key
        response = requests.post(
            self.cloudflare_purge_endpoint_url, json={"purge_everything": True}, headers=headers, timeout=10
        )
        if response.status_code != 200:
            logger.error("Cloudflare zone purge failed: %s %s", response.status_code, response.text[:200])


class CloudfrontBackend(WagtailCloudfrontBackend):
    """Wagtail's CloudFront back end (boto3; credentials from boto3's usual chain), sending
    on commit; the whole site is the path /*."""

    def purge_batch(self, urls):
        transaction.on_commit(lambda: super(CloudfrontBackend, self).purge_batch(urls), robust=True)
