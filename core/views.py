import re

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe
from wagtail.models import Page

from core.fragments import PageParts
from core.observability import health, metrics
from core.pagination import page_or_404
from core.search import site_searchers

# Path prefix -> function(request, message) answering a 404 under it in its own format.
# Apps register theirs in AppConfig.ready() (the API answers with its JSON error body).
not_found_responders = {}


@require_GET
def healthz(request):
    """Liveness probe; also the minimal-view floor that bench/ measures against."""
    return HttpResponse("ok", content_type="text/plain")


@require_safe
@never_cache
def readyz(request):
    """Readiness probe: 200 when the database, the cache's Redis and the broker all answer,
    else 503 naming those that did not (core.observability.health)."""
    checks = health.readiness()
    down = sorted(name for name, answered in checks.items() if not answered)
    body = {
        "status": "unavailable" if down else "ok",
        "down": down,
        "checks": {name: "ok" if answered else "down" for name, answered in sorted(checks.items())},
    }
    return JsonResponse(body, status=503 if down else 200)


@require_safe
@never_cache
def prometheus_metrics(request):
    """Prometheus's scrape; a 404 like any unknown path for everyone it is not for."""
    if not metrics.may_scrape(request):
        raise Http404
    return HttpResponse(metrics.exposition(), content_type=metrics.prometheus_client.CONTENT_TYPE_LATEST)


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /django-admin/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def page_not_found(request, exception):
    """404 page that shows the reason a view gave (for example, an unknown category).

    Under a prefix an app registered in ``not_found_responders``, that app answers.
    """
    message = exception.args[0] if exception.args and isinstance(exception.args[0], str) else ""
    for prefix, respond in not_found_responders.items():
        if request.path.startswith(prefix):
            return respond(request, message)
    return render(request, "404.html", {"message": message, "request_path": request.path}, status=404)


MAX_QUERY_LENGTH = 200
SEARCH_RESULTS_PER_PAGE = 10


def search_terms(query):
    """Plain lower-case words: punctuation and operator words mean nothing to our readers,
    and SQLite's full-text syntax would reject some of them."""
    return " ".join(word.lower() for word in re.findall(r"\w+", query))


def search(request):
    """Site search over every live, public page type that declares search fields, with
    what apps registered in core.search (tokens, from ratings) above the pages."""
    query = request.GET.get("q", "").strip()
    context = {"search_query": query, "max_query_length": MAX_QUERY_LENGTH}
    if len(query) > MAX_QUERY_LENGTH:
        context["error"] = (
            f"Search terms are limited to {MAX_QUERY_LENGTH} characters; "
            f"yours had {len(query):,}. Try a few distinctive words."
        )
        context["search_query"] = query[:MAX_QUERY_LENGTH]
        return render(request, "search.html", context, status=400)

    terms = search_terms(query)
    # Results change only with a publish (a new generation), so a page of results asked
    # for again comes from the store; the page shows the words as typed, so they are the key.
    context["page_parts"] = parts = PageParts(request, "search", query, request.GET.get("page", "1"))
    if parts.hit:
        return render(request, "search.html", context)
    if query and request.GET.get("page", "1") == "1":
        context["sections"] = site_searchers.sections(query)
    if query and not terms:
        context["results"] = []
    elif terms:
        results = Page.objects.live().public().specific().search(terms)
        paginator = Paginator(results, SEARCH_RESULTS_PER_PAGE)
        context["results"] = page_or_404(paginator, request.GET.get("page", "1"))
    return render(request, "search.html", context)
