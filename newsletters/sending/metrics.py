"""Sending as Prometheus sees it (core.observability.metrics): how many sends are in each
state, and each unfinished send's deliveries by status, read at scrape time in three
queries whatever the number of sends."""

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from newsletters.models import Delivery, Send

UNFINISHED_SENDS = (*Send.ACTIVE, Send.Status.PAUSED)


def send_metrics():
    by_status = dict(Send.objects.order_by().values_list("status").annotate(n=Count("id")))
    sends = GaugeMetricFamily("newsletter_sends", "Newsletter sends by status.", labels=["status"])
    for status in Send.Status.values:
        sends.add_metric([status], by_status.get(status, 0))

    unfinished = dict(Send.objects.filter(status__in=UNFINISHED_SENDS).values_list("id", "recipients"))
    counts = (
        Delivery.objects.filter(send__in=unfinished)
        .order_by()
        .values_list("send", "status")
        .annotate(n=Count("id"))
    )
    counted = {(send, status): n for send, status, n in counts}
    recipients = GaugeMetricFamily(
        "newsletter_send_recipients", "Recipients of each unfinished send.", labels=["send_id"]
    )
    deliveries = GaugeMetricFamily(
        "newsletter_send_deliveries",
        "Deliveries of each unfinished send (queued, sending, waiting, paused), by status.",
        labels=["send_id", "status"],
    )
    for send, total in sorted(unfinished.items()):
        recipients.add_metric([str(send)], total)
        for status in Delivery.Status.values:
            deliveries.add_metric([str(send), status], counted.get((send, status), 0))
    return [sends, recipients, deliveries]
