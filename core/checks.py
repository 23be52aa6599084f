"""Deployment checks of our own, run by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Error, register

SITE_URL_NOT_HTTPS = "core.E001"


@register(deploy=True)
def site_url_is_public_https(app_configs, **kwargs):
    """Every link in email is built on SITE_URL: in production it must be the site's https address."""
    if settings.SITE_URL.startswith("https://") and len(settings.SITE_URL) > len("https://"):
        return []
    return [
        Error(
            f"SITE_URL is {settings.SITE_URL!r}; links in email would not reach the site.",
            hint="Set SITE_URL to the site's public https:// address, e.g. https://research.example.com.",
            id=SITE_URL_NOT_HTTPS,
        )
    ]
