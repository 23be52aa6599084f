"""Remember which Wagtail Site serves a host, for as long as the page-cache generation lasts.

Wagtail looks the site up with a query on every request and keeps the answer on the
request (``request._wagtail_site``, read by ``Site.find_for_request``). Sites and their
root pages change only through saves that start a new generation, so the answer from
an earlier request of the same generation is still right.
"""

from django.http.request import split_domain_port
from wagtail.models import Site

from research_site.memo import GenerationMemo
from research_site.page_cache import SKIPPED_PREFIXES, generation_for

_sites = GenerationMemo(max_entries=64)  # (hostname, port) -> Site


class SiteLookupMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(SKIPPED_PREFIXES):
            generation = generation_for(request)
            key = (split_domain_port(request.get_host())[0], request.get_port())
            site = _sites.get(generation, key)
            if site is None:
                _sites.set(generation, key, Site.find_for_request(request))
            else:
                request._wagtail_site = site
        return self.get_response(request)
