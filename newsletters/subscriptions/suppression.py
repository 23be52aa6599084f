"""Suppression: bounced and complaining addresses, as ESPs report them, are never mailed again."""

from anymail.signals import EventType, RejectReason
from django.db import transaction

from core.fingerprints import normalize_email
from newsletters.models import Delivery, Subscriber


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
        subscriber.deliveries.filter(status__in=Delivery.UNFINISHED).update(
            status=Delivery.Status.SUPPRESSED, claimed_until=None, error=f"not mailed: {subscriber.status}"
        )
    return subscriber
