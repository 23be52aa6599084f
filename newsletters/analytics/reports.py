"""How sends did, in figures: per send, per link, over time, and across a newsletter's issues.

Definitions (also on the report pages):
- sent: deliveries the mail server accepted; bounced, complained: sent deliveries an ESP
  later reported as such; delivered = sent - bounced.
- unique human opens: delivered messages with at least one open or click judged a
  reader's (a click is an open whose image was blocked); all opens: with any open or
  click, machines' included.
- unique clicks: delivered messages with at least one click judged a reader's.
- open rate = unique human opens / delivered; click rate = unique clicks / delivered;
  click-to-open = unique clicks / unique human opens.
- unsubscribes: readers who left the newsletter after this issue was the latest of it
  they had been sent.

Each figure is counted over distinct deliveries in the database, so any number of
requests for the same message (racing or not) count it once.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Min, Q

from newsletters.models import Delivery, DeliveryOutcome, Send, TrackedLink, TrackingEvent, Unsubscribe

HUMAN = Q(machine=False)
CLICK = Q(kind=TrackingEvent.Kind.CLICK)


def share(part, whole):
    return part / whole if whole else None


@dataclass
class SendFigures:
    send_id: int
    subject: str = ""
    started_at: datetime.datetime | None = None
    recipients: int = 0
    sent: int = 0
    bounced: int = 0
    complained: int = 0
    human_opens: int = 0
    all_opens: int = 0
    unique_clicks: int = 0
    all_clicks: int = 0
    unsubscribes: int = 0

    @property
    def delivered(self):
        return max(self.sent - self.bounced, 0)

    @property
    def open_rate(self):
        return share(self.human_opens, self.delivered)

    @property
    def all_open_rate(self):
        return share(self.all_opens, self.delivered)

    @property
    def click_rate(self):
        return share(self.unique_clicks, self.delivered)

    @property
    def click_to_open(self):
        return share(self.unique_clicks, self.human_opens)


def figures_for_sends(send_ids):
    """{send id: SendFigures} in five queries, whatever the number of sends."""
    send_ids = list(send_ids)
    figures = {
        pk: SendFigures(pk, subject, started_at, recipients)
        for pk, subject, started_at, recipients in Send.objects.filter(pk__in=send_ids).values_list(
            "pk", "subject", "started_at", "recipients"
        )
    }
    for send, sent in (
        Delivery.objects.filter(send__in=figures, status=Delivery.Status.SENT)
        .order_by()
        .values_list("send")
        .annotate(n=Count("id"))
    ):
        figures[send].sent = sent
    for send, kind, n in (
        DeliveryOutcome.objects.filter(delivery__send__in=figures)
        .order_by()
        .values_list("delivery__send", "kind")
        .annotate(n=Count("id"))
    ):
        setattr(figures[send], kind, n)
    for send, human_opens, all_opens, unique_clicks, all_clicks in (
        TrackingEvent.objects.filter(send__in=figures)
        .order_by()
        .values_list("send")
        .annotate(
            human_opens=Count("delivery", distinct=True, filter=HUMAN),
            all_opens=Count("delivery", distinct=True),
            unique_clicks=Count("delivery", distinct=True, filter=HUMAN & CLICK),
            all_clicks=Count("delivery", distinct=True, filter=CLICK),
        )
    ):
        row = figures[send]
        row.human_opens, row.all_opens, row.unique_clicks, row.all_clicks = (
            human_opens, all_opens, unique_clicks, all_clicks,
        )
    for send, n in (
        Unsubscribe.objects.filter(send__in=figures).order_by().values_list("send").annotate(n=Count("id"))
    ):
        figures[send].unsubscribes = n
    return figures


@dataclass(frozen=True)
class LinkFigures:
    number: int
    url: str
    label: str
    unique_clicks: int  # deliveries with a reader's click on this link
    human_clicks: int
    machine_clicks: int


def link_figures(send_id):
    rows = (
        TrackedLink.objects.filter(send_id=send_id)
        .annotate(
            unique_clicks=Count("events__delivery", distinct=True, filter=Q(events__machine=False)),
            human_clicks=Count("events", filter=Q(events__machine=False)),
            machine_clicks=Count("events", filter=Q(events__machine=True)),
        )
        .order_by("-unique_clicks", "number")
    )
    return [
        LinkFigures(row.number, row.url, row.label, row.unique_clicks, row.human_clicks, row.machine_clicks)
        for row in rows
    ]


def reasons(send_id):
    """[(kind, machine, reason, events, deliveries)]: why events were judged as they were."""
    return list(
        TrackingEvent.objects.filter(send_id=send_id)
        .order_by()
        .values_list("kind", "machine", "reason")
        .annotate(events=Count("id"), deliveries=Count("delivery", distinct=True))
        .order_by("kind", "machine", "-events")
    )


@dataclass
class Timeline:
    """Cumulative unique counts by hour since the send started."""

    hours: list = field(default_factory=list)
    human_opens: list = field(default_factory=list)
    all_opens: list = field(default_factory=list)
    unique_clicks: list = field(default_factory=list)


def timeline(send, max_hours=72):
    start = send.started_at or send.created_at
    firsts = {}
    for name, condition in (("human_opens", HUMAN), ("all_opens", Q()), ("unique_clicks", HUMAN & CLICK)):
        firsts[name] = list(
            TrackingEvent.objects.filter(condition, send=send)
            .order_by()
            .values_list("delivery")
            .annotate(first=Min("at"))
            .values_list("first", flat=True)
        )
    latest = max((max(values) for values in firsts.values() if values), default=start)
    hours = min(max_hours, max(1, int((latest - start).total_seconds() // 3600) + 1))
    result = Timeline(hours=list(range(hours + 1)))
    for name, values in firsts.items():
        buckets = [0] * (hours + 1)
        for first in values:
            hour = int((first - start).total_seconds() // 3600) + 1
            buckets[min(max(hour, 0), hours)] += 1
        running, cumulative = 0, []
        for count in buckets:
            running += count
            cumulative.append(running)
        setattr(result, name, cumulative)
    return result


def newsletter_sends(newsletter, limit=12):
    """The newsletter's last ``limit`` sends that have started, oldest first."""
    sends = (
        Send.objects.filter(
            issue__path__startswith=newsletter.path,
            issue__depth=newsletter.depth + 1,
            started_at__isnull=False,
        )
        .order_by("-started_at", "-pk")
        .values_list("pk", flat=True)[:limit]
    )
    figures = figures_for_sends(list(sends))
    return sorted(figures.values(), key=lambda row: (row.started_at, row.send_id))


# --- For other apps ---


@dataclass(frozen=True)
class SendCounts:
    """What a send reached, as newsletters.analytics.counts_for_sends reports it."""

    sent: int
    delivered: int
    human_opens: int
    unique_clicks: int
    clicks_by_url: dict  # {url: deliveries with a reader's click on it}


def counts_for_sends(send_ids):
    """{send id: SendCounts} for the given sends (unknown ids are left out), in six
    queries whatever their number. Figures as defined at the top of this module."""
    figures = figures_for_sends(send_ids)
    clicks = {pk: {} for pk in figures}
    for send, url, n in (
        TrackingEvent.objects.filter(send__in=figures, kind=TrackingEvent.Kind.CLICK, machine=False)
        .order_by()
        .values_list("send", "link__url")
        .annotate(n=Count("delivery", distinct=True))
    ):
        clicks[send][url] = clicks[send].get(url, 0) + n
    return {
        pk: SendCounts(row.sent, row.delivered, row.human_opens, row.unique_clicks, clicks[pk])
        for pk, row in figures.items()
    }
