"""Signal receivers: publishing an issue sends it; a ratings day's grades queue the grade
alerts; ESP bounce and complaint webhooks suppress addresses. Connected in
NewslettersConfig.ready()."""

import logging

from anymail.exceptions import AnymailWebhookValidationFailure
from anymail.signals import EventType, RejectReason
from django.conf import settings
from django.db import transaction

from core.fingerprints import normalize_email
from newsletters import sending, tasks
from newsletters.models import Delivery, Subscriber
from newsletters.sending import UNFINISHED

logger = logging.getLogger(__name__)


def issue_published(sender, instance, **kwargs):
    """Queue the issue's send with the publish; workers start once the publish has committed."""
    if settings.NEWSLETTERS_SEND_ON_PUBLISH:
        sending.queue_issue(instance)


def grades_published_send_alerts(sender, day, **kwargs):
    """A day's grades are in: alert the subscribers who follow tokens that moved."""
    tasks.send_grade_alerts.delay()


def suppression_for(event):
    """The status an ESP event gives the address, or None when it may still be mailed."""
    if event.event_type == EventType.COMPLAINED:
        return Subscriber.Status.COMPLAINED
    if event.event_type == EventType.BOUNCED:
        return Subscriber.Status.BOUNCED
    if event.event_type == EventType.REJECTED:
        # The ESP would not even try: a malformed or dead address, or one on its own
        # bounce or spam lists. A policy block is about us, not the address.
        if event.reject_reason in (RejectReason.INVALID, RejectReason.BOUNCED):
            return Subscriber.Status.BOUNCED
        if event.reject_reason == RejectReason.SPAM:
            return Subscriber.Status.COMPLAINED
    return None


def suppress(email, status, reason):
    """A bounced or complaining address: never mailed again, starting with unsent deliveries."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email=normalize_email(email)).first()
        if subscriber is None:
            return None
        if subscriber.status != Subscriber.Status.COMPLAINED:  # the stronger of the two stays
            subscriber.set_status(status, reason)
            subscriber.save(update_fields=["status", "status_reason", "status_changed_at"])
        subscriber.deliveries.filter(status__in=UNFINISHED).update(
            status=Delivery.Status.SUPPRESSED, claimed_until=None, error=f"not mailed: {subscriber.status}"
        )
    return subscriber


def tracking_event(sender, event, esp_name, **kwargs):
    if not settings.ANYMAIL.get("WEBHOOK_SECRET"):
        # anymail accepts unauthenticated posts when no secret is set; nobody on the web
        # may mark our subscribers as bounced.
        raise AnymailWebhookValidationFailure("Set ANYMAIL_WEBHOOK_SECRET to accept tracking webhooks.")
    status = suppression_for(event)
    if status is None or not event.recipient:
        return
    detail = event.description or event.mta_response or event.reject_reason
    reason = f"{esp_name}: {event.event_type}" + (f" ({detail})" if detail else "")
    subscriber = suppress(event.recipient, status, reason)
    if subscriber is not None:
        logger.info("%s is now %s: %s", subscriber.email, subscriber.status, reason)
