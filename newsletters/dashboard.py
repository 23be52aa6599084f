"""What editors and moderators watch, on the admin home: the last send, today's briefing and
subscriber growth. Each panel costs a fixed number of queries, however many sends,
deliveries, issues or subscribers there are, and links to the page it summarises."""

import datetime

from django.conf import settings
from django.db.models import CharField, Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone
from wagtail.models import WorkflowState, get_default_page_content_type

from core.dashboard import DashboardPanel
from newsletters.models import NewsletterIssuePage, Send, Subscriber
from newsletters.sending import progress
from ratings.charts import line_chart

GROWTH_DAYS = 30
LEFT = (Subscriber.Status.UNSUBSCRIBED, Subscriber.Status.BOUNCED, Subscriber.Status.COMPLAINED)


class LastSendPanel(DashboardPanel):
    """The newest send: its progress while it runs, its results once done (two queries)."""

    name = "newsletters_last_send"
    template_name = "newsletters/dashboard/last_send_panel.html"
    order = 140

    def get_context_data(self, parent_context):
        send = Send.objects.defer("html", "text").order_by("-created_at", "-pk").first()
        return {"send": send, "progress": progress.progress([send])[0] if send else None}


class BriefingPanel(DashboardPanel):
    """The Daily Briefing drafted today: drafted, awaiting approval, published, sending or
    sent, with the way to its next step (one query)."""

    name = "newsletters_briefing"
    template_name = "newsletters/dashboard/briefing_panel.html"
    order = 150

    def get_context_data(self, parent_context):
        today = timezone.now().astimezone(datetime.UTC).date()
        in_review = WorkflowState.objects.filter(
            base_content_type=get_default_page_content_type(),
            object_id=Cast(OuterRef("pk"), CharField()),
            status=WorkflowState.STATUS_IN_PROGRESS,
        )
        sends = Send.objects.filter(issue=OuterRef("pk"))
        issue = (
            NewsletterIssuePage.objects.filter(drafted_for__isnull=False)
            .defer_streamfields()
            .annotate(
                in_review=Exists(in_review),
                send_id=Subquery(sends.values("pk")[:1]),
                send_status=Subquery(sends.values("status")[:1]),
            )
            .order_by("-drafted_for", "-pk")
            .first()
        )
        # Each morning's briefing covers the latest graded day: yesterday, once the night's
        # refresh has run.
        drafted_today = issue is not None and issue.drafted_for >= today - datetime.timedelta(days=1)
        return {
            "issue": issue if drafted_today else None,
            "previous": None if drafted_today else issue,
            "stage": stage_of(issue) if issue else None,
            "due": datetime.time(settings.NEWSLETTERS_BRIEFING_HOUR, settings.NEWSLETTERS_BRIEFING_MINUTE),
            "send_status_label": Send.Status(issue.send_status).label if issue and issue.send_status else "",
        }


def stage_of(issue):
    """Where an issue stands on its way to subscribers, in the words of the panel."""
    if issue.send_status == Send.Status.FINISHED:
        return "sent"
    if issue.send_status:
        return "sending"
    if issue.live:
        return "published"
    if issue.in_review:
        return "awaiting approval"
    return "drafted"


class SubscriberGrowthPanel(DashboardPanel):
    """Confirmed subscribers at the end of each of the last 30 days, as a chart, with the
    new confirmations and the departures (unsubscribed, bounced, complained) behind the
    change; three queries whatever the list's size.

    A subscriber who left counts until the day of their status change; one who left and
    came back counts from their first confirmation.
    """

    name = "newsletters_subscriber_growth"
    template_name = "newsletters/dashboard/subscriber_growth_panel.html"
    order = 170

    def get_context_data(self, parent_context):
        now = timezone.now()
        today = now.astimezone(datetime.UTC).date()
        days = [today - datetime.timedelta(days=offset) for offset in range(GROWTH_DAYS - 1, -1, -1)]
        start = datetime.datetime.combine(days[0], datetime.time.min, tzinfo=datetime.UTC)
        left = Q(status__in=LEFT)
        before = Subscriber.objects.aggregate(
            joined=Count("pk", filter=Q(confirmed_at__lt=start)),
            left=Count("pk", filter=left & Q(confirmed_at__lt=start, status_changed_at__lt=start)),
        )
        joined = per_day(Subscriber.objects.filter(confirmed_at__gte=start), "confirmed_at")
        departed = per_day(
            Subscriber.objects.filter(left, confirmed_at__isnull=False, status_changed_at__gte=start),
            "status_changed_at",
        )
        total, totals = before["joined"] - before["left"], []
        for day in days:
            total += joined.get(day, 0) - departed.get(day, 0)
            totals.append(total)
        new, gone = sum(joined.values()), sum(departed.values())
        return {
            "chart": line_chart(days, [("Confirmed", totals, "subscribers")], title="Confirmed subscribers"),
            "now": totals[-1],
            "new": new,
            "gone": gone,
            "net": new - gone,
            "days": GROWTH_DAYS,
        }


def per_day(subscribers, field):
    """{date: count} of ``subscribers`` by the UTC day of ``field``."""
    rows = (
        subscribers.annotate(day=TruncDate(field, tzinfo=datetime.UTC))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["day"]: row["n"] for row in rows}


def panels_for(request, panels):
    """Sends and the briefing for those who watch sends (Editors, Moderators); growth for
    those who may see subscribers (Moderators)."""
    user = request.user
    if user.has_perm("newsletters.view_send"):
        panels.extend([LastSendPanel(), BriefingPanel()])
    if user.has_perm("newsletters.view_subscriber"):
        panels.append(SubscriberGrowthPanel())
