"""The Content-Security-Policy every response carries (settings: CONTENT_SECURITY_POLICY).

django-csp's middleware writes the header; this one decides which policy a path gets:

- Public pages and the API docs: the strict policy from settings. Scripts and styles come
  only from our origin. A template that needs an inline script gives it
  ``nonce="{{ request.csp_nonce }}"``, and only then does the header carry that nonce.
- The Wagtail and Django admins (CSP_ADMIN_PREFIXES): CSP_ADMIN_POLICY, which leaves
  scripts and styles alone (both admins run inline ones) and keeps the rest.

The middleware sits inside the anonymous page cache, so a cached page is stored together
with the header it was served with and a hit replays both: the header always matches the
body. A nonce a cached page used is then the same for every reader of that URL until the
entry expires, which is why no public template has an executable inline script (scripts
live in static files) and none may put a nonce inside a ``{% cachefragment %}``, whose
copy is shared by requests that each get their own header.
"""

import functools
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.files.storage import default_storage


@functools.cache
def media_origin():
    """The origin uploaded images are served from, when it is not ours (S3, a CDN)."""
    url = urlsplit(default_storage.url("csp-origin-probe.png"))
    return [f"{url.scheme}://{url.netloc}"] if url.scheme and url.netloc else []


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only:
            return parts
        if parts.config is None and request.path_info.startswith(settings.CSP_ADMIN_PREFIXES):
            parts.config = settings.CSP_ADMIN_POLICY
        elif media_origin():
            update = parts.update or {}
            parts.update = {**update, "img-src": [*update.get("img-src", []), *media_origin()]}
        return parts
