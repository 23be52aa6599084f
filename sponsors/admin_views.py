"""Admin views beyond the listings: approving a creative, a campaign's report with its CSV,
and the sponsor's private report links."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from wagtail.admin import messages
from wagtail.log_actions import log

from sponsors import links, report, views
from sponsors.models import Campaign, Creative, ReportLink

APPROVE_LOG_ACTION = "sponsors.approve_creative"
MAX_LINK_DAYS = 366


def approve_creatives(creatives, user):
    """Approve those not yet approved, each recorded (who, when) and in the audit log."""
    approved = []
    for creative in creatives:
        if not creative.is_approved:
            creative.approve(user)
            log(creative, APPROVE_LOG_ACTION, user=user)
            approved.append(creative)
    return approved


def _next_or(request, fallback):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def approve(request, pk):
    if not request.user.has_perm("sponsors.approve_creative"):
        raise PermissionDenied
    creative = get_object_or_404(Creative.objects.select_related("campaign__sponsor", "image"), pk=pk)
    index_url = Creative.snippet_viewset.get_url_name("list")
    if request.method == "POST":
        if approve_creatives([creative], request.user):
            messages.success(request, f"“{creative}” is approved: it can run in its campaign's slots.")
        else:
            messages.warning(request, f"“{creative}” was approved already.")
        return redirect(_next_or(request, index_url))
    context = {"creative": creative, "index_url": index_url}
    return TemplateResponse(request, "sponsors/admin/approve.html", context)


def _campaign(request, pk, permission="sponsors.view_campaign"):
    if not request.user.has_perm(permission):
        raise PermissionDenied
    return get_object_or_404(Campaign.objects.select_related("sponsor", "package"), pk=pk)


def campaign_report(request, pk):
    campaign = _campaign(request, pk)
    report_links = list(campaign.report_links.select_related("created_by", "revoked_by"))
    for link in report_links:
        link.url = links.url_for(link) if link.is_usable else ""
    return TemplateResponse(
        request,
        "sponsors/admin/report.html",
        {
            "campaign": campaign,
            "report": report.campaign_report(campaign),
            "definitions": report.DEFINITIONS,
            "report_links": report_links,
            "can_share": request.user.has_perm("sponsors.change_campaign"),
            "default_days": links.DEFAULT_DAYS,
            "max_days": MAX_LINK_DAYS,
        },
    )


def campaign_report_csv(request, pk):
    return views.csv_response(_campaign(request, pk))


@require_POST
def create_link(request, pk):
    campaign = _campaign(request, pk, "sponsors.change_campaign")
    try:
        days = int(request.POST.get("days", links.DEFAULT_DAYS))
    except ValueError:
        days = 0
    if not 1 <= days <= MAX_LINK_DAYS:
        messages.error(request, f"A link lasts from 1 to {MAX_LINK_DAYS} days.")
    else:
        link = links.make(campaign, request.user, days)
        messages.success(request, f"New report link, valid for {days} days: {links.url_for(link)}")
    return redirect("sponsor_reports:detail", pk=campaign.pk)


@require_POST
def revoke_link(request, pk, link_pk):
    campaign = _campaign(request, pk, "sponsors.change_campaign")
    link = get_object_or_404(ReportLink, pk=link_pk, campaign=campaign)
    links.revoke(link, request.user)
    messages.success(request, "The link is revoked: it opens nothing from now on.")
    return redirect("sponsor_reports:detail", pk=campaign.pk)
