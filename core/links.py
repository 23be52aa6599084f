"""Absolute links for email: built on SITE_URL, never on the Host header of a request.

An email outlives the request that caused it, may be composed by a worker with no request
at all, and must not point wherever a forged Host header said.
"""

from urllib.parse import urljoin

from django.conf import settings


def absolute(path):
    """``path`` (as reverse() gives it) on the site's public address."""
    return urljoin(settings.SITE_URL, path)
