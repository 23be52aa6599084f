"""A page with an inline script that carries the request's nonce, as any future one must
(research_site/tests/test_csp.py); no public template has one today."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path
from django.views.decorators.http import require_GET

from research_site.urls import urlpatterns as site_urlpatterns

PAGE = engines["django"].from_string(
    '<!DOCTYPE html><title>Nonce</title>'
    '<script nonce="{{ request.csp_nonce }}">document.title = "ran";</script>'
)


@require_GET
def inline_script_page(request):
    return HttpResponse(PAGE.render({}, request))


urlpatterns = [path("inline-script/", inline_script_page), *site_urlpatterns]
