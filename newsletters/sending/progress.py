"""A send's progress for the admin: counts, rate and how much is done."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from newsletters.models import Delivery, Send
from newsletters.sending import outages

COUNTED = ("sent", "failed", "suppressed", "cancelled", "left", "retrying")


def progress(sends):
    """Counts, rate and timing of each send for the admin, in one query over their deliveries."""
    now = timezone.now()
    minute_ago = now - datetime.timedelta(minutes=1)
    Status = Delivery.Status
    rows = (
        Delivery.objects.filter(send__in=[send.pk for send in sends])
        .values("send")
        .annotate(
            sent=Count("pk", filter=Q(status=Status.SENT)),
            failed=Count("pk", filter=Q(status=Status.FAILED)),
            suppressed=Count("pk", filter=Q(status=Status.SUPPRESSED)),
            cancelled=Count("pk", filter=Q(status=Status.CANCELLED)),
            left=Count("pk", filter=Q(status__in=Delivery.UNFINISHED)),
            retrying=Count("pk", filter=Q(status=Status.PENDING, attempts__gt=0)),
            last_minute=Count("pk", filter=Q(status=Status.SENT, sent_at__gte=minute_ago)),
        )
        .order_by()
    )
    counts = {row.pop("send"): row for row in rows}
    nothing = dict.fromkeys((*COUNTED, "last_minute"), 0)
    return [summary(send, counts.get(send.pk, nothing), now) for send in sends]


def summary(send, counts, now):
    elapsed = ((send.finished_at or now) - send.started_at).total_seconds() if send.started_at else 0
    if send.status == Send.Status.SENDING and elapsed >= 60:
        per_minute = counts["last_minute"]
    else:  # a young or finished send: its average since the start
        per_minute = round(counts["sent"] * 60 / elapsed) if elapsed > 0 else 0
    if send.recipients:
        done_percent = round(100 * (send.recipients - counts["left"]) / send.recipients)
    else:
        done_percent = 100 if send.status == Send.Status.FINISHED else 0
    return {
        "id": send.pk,
        "status": send.status,
        "status_label": send.get_status_display(),
        "recipients": send.recipients,
        **{name: counts[name] for name in COUNTED},
        "per_minute": per_minute,
        "done_percent": done_percent,
        "outage": outages.describe(send, now),
        "long_outage": send.status == Send.Status.WAITING and outages.is_long(send, now),
        "next_try_at": send.next_try_at.isoformat() if send.next_try_at else None,
        "started_at": send.started_at.isoformat() if send.started_at else None,
        "finished_at": send.finished_at.isoformat() if send.finished_at else None,
    }
