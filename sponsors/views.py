"""Public views: the tracking pixel and click redirect of a slot, a sponsor's page, and the
campaign report a sponsor opens by its private link."""

import base64

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from core.models import not_restricted
from sponsors import counting, links, report
from sponsors.models import Creative, Sponsor
from sponsors.slots import read_placement_token

GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
PRIVATE = "private, no-store"


def _counted(request, token, kind):
    placement = read_placement_token(token)
    if placement is None:
        raise Http404("This placement link is not ours.")
    if request.method == "GET" and not counting.is_bot(request.META.get("HTTP_USER_AGENT", "")):
        counting.count(placement[0], placement[1], kind)
    return placement


@require_safe
def pixel(request, token):
    """A 1x1 GIF; a reader's view of a slot is counted (a bot's or a HEAD request's is not)."""
    _counted(request, token, counting.IMPRESSION)
    response = HttpResponse(GIF, content_type="image/gif")
    response["Cache-Control"] = PRIVATE
    return response


@require_safe
def click(request, token):
    """To the creative's own link, and nowhere else; counted like the pixel."""
    placement = read_placement_token(token)
    if placement is None:
        raise Http404("This placement link is not ours.")
    link = Creative.objects.filter(pk=placement[0]).values_list("link", flat=True).first()
    if not link:
        raise Http404("This placement has ended.")
    _counted(request, token, counting.CLICK)
    response = HttpResponseRedirect(link)
    response["Cache-Control"] = PRIVATE
    response["Referrer-Policy"] = "origin"
    return response


def sponsor_detail(request, slug):
    sponsor = get_object_or_404(Sponsor.objects.select_related("logo", "token"), slug=slug)
    articles = sponsor.sponsored_articles.live().filter(not_restricted()).order_by("-date")
    return render(request, "sponsors/sponsor_detail.html", {"sponsor": sponsor, "articles": articles})


def _link_or_problem(request, token):
    try:
        return links.resolve(token), None
    except links.LinkProblem as problem:
        response = render(request, "sponsors/report_link_problem.html", {"message": problem.message},
                          status=problem.status)
        response["Cache-Control"] = PRIVATE
        return None, response


@require_safe
def sponsor_report(request, token):
    link, problem = _link_or_problem(request, token)
    if problem:
        return problem
    response = render(
        request,
        "sponsors/report_public.html",
        {
            "link": link,
            "campaign": link.campaign,
            "report": report.campaign_report(link.campaign),
            "definitions": report.DEFINITIONS,
            "csv_url": request.path + "csv/",
        },
    )
    response["Cache-Control"] = PRIVATE
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def sponsor_report_csv(request, token):
    link, problem = _link_or_problem(request, token)
    if problem:
        return problem
    return csv_response(link.campaign)


def csv_response(campaign):
    text = report.as_csv(report.campaign_report(campaign))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}-report.csv"'
    response["Cache-Control"] = PRIVATE
    return response
