"""The floor every HTTP figure is a share of (shared/BENCH.md): a bare Django app on the
site's Django version, no middleware, one view answering 20,000 bytes to any path.

Served by the same gunicorn command as the page under test (harness.floor_server)."""

import secrets

from django.conf import settings

settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["*"],
    SECRET_KEY=secrets.token_urlsafe(50),  # signs nothing: no sessions, no middleware
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import re_path  # noqa: E402

BODY = b"x" * 20_000


def floor(request):
    return HttpResponse(BODY, content_type="text/html; charset=utf-8")


urlpatterns = [re_path(r"", floor)]
application = get_wsgi_application()
