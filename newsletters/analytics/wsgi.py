"""The open image and the click redirect, served ahead of Django's middleware.

Every email open and click of a large send comes through these two URLs, in bursts. Their
answers need none of what the middleware stack does for pages (sessions, CSRF, messages,
the page cache, Content-Security-Policy, site lookup): they set no cookie, render nothing,
and are never cached. So TrackingEndpoints, wrapped around the Django application in
research_site/wsgi.py, answers a well-formed GET or HEAD for them itself, with the same
functions as the Django views (newsletters.analytics.views) and the same headers the site
would give them (Cache-Control: private, no-store, as core.edge says for /email/; HSTS as
SecurityMiddleware would), and counts them in django-prometheus's request metrics as its
middleware would have. Anything else, including a bad token or an unknown link (the site's
404 page) and any error, goes to Django as usual, and is counted there.
"""

import re
import time

from django.conf import settings
from django.db import connections
from django.utils.encoding import iri_to_uri

from core.observability.metrics import count_answer_ahead_of_django
from newsletters.analytics import views

OPEN = re.compile(r"^/email/o/([^/]+)\.gif$")
CLICK = re.compile(r"^/email/c/([^/]+)/(\d+)/$")
# The URL names Django resolves these paths to (newsletters/urls.py), as its metrics say them.
OPEN_VIEW, CLICK_VIEW = "newsletters:open", "newsletters:click"
FOUND = "302 Found"
OK = "200 OK"


class TrackingEndpoints:
    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        method, path = environ.get("REQUEST_METHOD"), environ.get("PATH_INFO", "")
        if method in ("GET", "HEAD") and path.startswith(("/email/o/", "/email/c/")):
            started = time.perf_counter()
            try:
                answer = self.answer(environ)
            except Exception:  # Django answers it instead, through its own error handling
                answer = None
            if answer is not None:
                view, status, headers, body = answer
                count_answer_ahead_of_django(method, is_secure(environ), view, status, len(body), started)
                start_response(status, headers)
                return [b"" if environ["REQUEST_METHOD"] == "HEAD" else body]
        return self.application(environ, start_response)

    def answer(self, environ):
        path = environ["PATH_INFO"]
        method, agent = environ["REQUEST_METHOD"], environ.get("HTTP_USER_AGENT", "")
        try:
            if match := OPEN.match(path):
                if views.record_open(match.group(1), method, agent):
                    return OPEN_VIEW, OK, self.headers(environ, "image/gif", len(views.PIXEL)), views.PIXEL
            elif match := CLICK.match(path):
                url = views.record_click(match.group(1), int(match.group(2)), method, agent)
                if url is not None:
                    headers = self.headers(environ, "text/html; charset=utf-8", 0)
                    return CLICK_VIEW, FOUND, [*headers, ("Location", iri_to_uri(url))], b""
        finally:
            release_connections()
        return None

    @staticmethod
    def headers(environ, content_type, length):
        headers = [
            ("Content-Type", content_type),
            ("Content-Length", str(length)),
            ("Cache-Control", "private, no-store"),
            ("Referrer-Policy", "no-referrer"),
            ("X-Content-Type-Options", "nosniff"),
        ]
        if settings.SECURE_HSTS_SECONDS and is_secure(environ):
            value = f"max-age={settings.SECURE_HSTS_SECONDS}"
            if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
                value += "; includeSubDomains"
            if settings.SECURE_HSTS_PRELOAD:
                value += "; preload"
            headers.append(("Strict-Transport-Security", value))
        return headers


def release_connections():
    """What Django's close_old_connections does at the end of a request (a connection past
    its age or broken is closed), leaving alone one inside a transaction (a test's)."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


def is_secure(environ):
    header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if header:
        name, value = header
        if environ.get(name, "").split(",")[0].strip() == value:
            return True
    return environ.get("wsgi.url_scheme") == "https"
