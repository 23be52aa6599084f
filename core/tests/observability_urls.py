"""The site's URLs, plus views under /probe/ that log and fail on purpose
(core.tests.observability_probe)."""

import logging

from django.http import HttpResponse
from django.urls import include, path

logger = logging.getLogger("core.tests.probe")


def log_something(request):
    logger.info("Probe view handling %s", request.path)
    try:
        raise ValueError("a handled problem")
    except ValueError:
        logger.exception("Probe view caught a problem")
    return HttpResponse("logged")


def fail(request):
    email = request.POST.get("email") or request.GET.get("email")
    raise RuntimeError(f"Probe failure while signing up {email}")


urlpatterns = [
    path("probe/log", log_something),
    path("probe/fail", fail),
    path("", include("research_site.urls")),
]
