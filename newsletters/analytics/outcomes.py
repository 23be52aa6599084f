"""Send-level results that do not come from the tracking URLs: bounces and complaints (ESP
webhooks, through anymail) and unsubscribes, each put down to the send it followed."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from newsletters.models import Delivery, DeliveryOutcome, NewsletterPage, Unsubscribe


def latest_delivery(subscriber_id, before=None, newsletter=None):
    """The subscriber's latest delivery sent before ``before`` (default: now), of
    ``newsletter``'s issues if given."""
    deliveries = Delivery.objects.filter(
        subscriber_id=subscriber_id, status=Delivery.Status.SENT, sent_at__lte=before or timezone.now()
    )
    if newsletter is not None:
        deliveries = deliveries.filter(
            send__issue__path__startswith=newsletter.path, send__issue__depth=newsletter.depth + 1
        )
    return deliveries.order_by("-sent_at", "-pk").first()


def record_outcome(subscriber, kind, at=None, detail=""):
    """A bounce or complaint on the subscriber's latest delivery; None when they had none.
    A second report of the same kind for the same delivery is kept once."""
    at = at or timezone.now()
    delivery = latest_delivery(subscriber.pk, before=at)
    if delivery is None:
        return None
    try:
        with transaction.atomic():
            outcome, _ = DeliveryOutcome.objects.get_or_create(
                delivery=delivery, kind=kind, defaults={"at": at, "detail": detail[:500]}
            )
    except IntegrityError:  # the same report, stored a moment ago by another request
        outcome = DeliveryOutcome.objects.get(delivery=delivery, kind=kind)
    return outcome


def record_unsubscribes(subscriber_id, newsletter_ids, via):
    """Each newsletter the subscriber left, put down to the latest issue of it they got."""
    for newsletter in NewsletterPage.objects.filter(pk__in=newsletter_ids):
        delivery = latest_delivery(subscriber_id, newsletter=newsletter)
        Unsubscribe.objects.create(
            subscriber_id=subscriber_id,
            newsletter=newsletter,
            send_id=delivery.send_id if delivery else None,
            via=via,
        )
