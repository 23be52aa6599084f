"""Reports in the Wagtail admin: how each send did, and a newsletter's last issues side by
side; each as a page and as CSV. Open to whoever may see sends (editors and moderators)."""

import csv

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify

from newsletters.analytics import charts, reports
from newsletters.models import NewsletterPage, Send

view_sends = permission_required("newsletters.view_send", raise_exception=True)

ISSUES_ACROSS = 12  # a newsletter's last issues, in its report
RECENT_SENDS = 20  # on the reports' index


def definitions():
    """The thresholds the definitions on each page quote, as they are set."""
    return {
        "machine_seconds": settings.NEWSLETTERS_MACHINE_SECONDS,
        "scanner_links": settings.NEWSLETTERS_SCANNER_LINKS,
        "scanner_seconds": settings.NEWSLETTERS_SCANNER_SECONDS,
    }


def percent(value):
    return "" if value is None else f"{value * 100:.1f}%"


def figure_rows(figures):
    """(label, value) of one send's headline figures, in the order the pages show them."""
    return [
        ("Recipients", figures.recipients),
        ("Sent", figures.sent),
        ("Bounced", figures.bounced),
        ("Delivered", figures.delivered),
        ("Complained", figures.complained),
        ("Unique human opens", figures.human_opens),
        ("Open rate (human)", percent(figures.open_rate)),
        ("All opens (machines included)", figures.all_opens),
        ("Open rate (all)", percent(figures.all_open_rate)),
        ("Unique clicks", figures.unique_clicks),
        ("Click rate", percent(figures.click_rate)),
        ("Click-to-open", percent(figures.click_to_open)),
        ("Unsubscribes", figures.unsubscribes),
    ]


@view_sends
def index(request):
    newsletters = NewsletterPage.objects.live().defer_streamfields().order_by("title")
    recent = Send.objects.filter(started_at__isnull=False).order_by("-started_at", "-pk")
    figures = reports.figures_for_sends(recent.values_list("pk", flat=True)[:RECENT_SENDS])
    rows = sorted(figures.values(), key=lambda row: (row.started_at, row.send_id), reverse=True)
    return render(request, "newsletters/analytics/index.html", {"newsletters": newsletters, "rows": rows})


def send_context(send):
    (figures,) = reports.figures_for_sends([send.pk]).values()
    timeline = reports.timeline(send)
    chart = charts.line_chart(
        "Opens and clicks by hour since sending",
        [f"{hour}h" for hour in timeline.hours],
        [
            ("Unique human opens", timeline.human_opens),
            ("All opens", timeline.all_opens),
            ("Unique clicks", timeline.unique_clicks),
        ],
    )
    return {
        **definitions(),
        "send": send,
        "figures": figures,
        "figure_rows": figure_rows(figures),
        "links": reports.link_figures(send.pk),
        "reasons": reports.reasons(send.pk),
        "timeline": list(
            zip(timeline.hours, timeline.human_opens, timeline.all_opens, timeline.unique_clicks, strict=True)
        ),
        "chart": chart,
    }


@view_sends
def send_report(request, pk):
    send = get_object_or_404(Send.objects.select_related("issue"), pk=pk)
    context = send_context(send)
    context["newsletter"] = NewsletterPage.objects.filter(
        path=send.issue.path[: -send.issue.steplen]
    ).first()
    return render(request, "newsletters/analytics/send_report.html", context)


def csv_response(filename, header, rows):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return response


def safe_cell(value):
    """A cell no spreadsheet runs as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@view_sends
def send_csv(request, pk):
    send = get_object_or_404(Send.objects.select_related("issue"), pk=pk)
    context = send_context(send)
    rows = [("figure", label, value, "") for label, value in context["figure_rows"]]
    rows += [
        (
            "link",
            link.url,
            link.unique_clicks,
            f"{link.human_clicks} reader clicks, {link.machine_clicks} machine",
        )
        for link in context["links"]
    ]
    rows += [
        (f"{kind} reason", reason, events, f"{'machine' if machine else 'human'}; {deliveries} messages")
        for kind, machine, reason, events, deliveries in context["reasons"]
    ]
    rows += [
        ("hour", hour, human, f"all opens {all_opens}; unique clicks {clicks}")
        for hour, human, all_opens, clicks in context["timeline"]
    ]
    filename = f"send-{send.pk}-{slugify(send.subject)[:40]}.csv"
    return csv_response(filename, ["section", "what", "value", "detail"], rows)


def newsletter_context(newsletter):
    rows = reports.newsletter_sends(newsletter, ISSUES_ACROSS)
    chart = charts.line_chart(
        f"{newsletter.title}: rates across the last issues",
        [row.started_at.strftime("%d %b") for row in rows],
        [
            ("Open rate (human)", [row.open_rate for row in rows]),
            ("Open rate (all)", [row.all_open_rate for row in rows]),
            ("Click rate", [row.click_rate for row in rows]),
            ("Click-to-open", [row.click_to_open for row in rows]),
        ],
        percent=True,
    )
    return {**definitions(), "newsletter": newsletter, "rows": rows, "chart": chart}


@view_sends
def newsletter_report(request, pk):
    newsletter = get_object_or_404(NewsletterPage.objects.defer_streamfields(), pk=pk)
    return render(request, "newsletters/analytics/newsletter_report.html", newsletter_context(newsletter))


@view_sends
def newsletter_csv(request, pk):
    newsletter = get_object_or_404(NewsletterPage.objects.defer_streamfields(), pk=pk)
    rows = newsletter_context(newsletter)["rows"]
    header = ["send", "subject", "started", *(label for label, _ in figure_rows(reports.SendFigures(0)))]
    return csv_response(
        f"newsletter-{newsletter.slug}.csv",
        header,
        (
            [row.send_id, row.subject, row.started_at.isoformat(), *(value for _, value in figure_rows(row))]
            for row in rows
        ),
    )
