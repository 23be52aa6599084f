from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def healthz(request):
    """Liveness probe; also the minimal-view floor that bench/ measures against."""
    return HttpResponse("ok", content_type="text/plain")


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

    Under /api/ the answer is the API's JSON error body, whoever raised the 404.
    """
    message = exception.args[0] if exception.args and isinstance(exception.args[0], str) else ""
    if request.path.startswith("/api/"):
        from api.errors import error_body

        message = message or f"Nothing at {request.path}. The index is at /api/v1/."
        return JsonResponse(error_body(404, "not_found", message), status=404)
    return render(request, "404.html", {"message": message, "request_path": request.path}, status=404)
